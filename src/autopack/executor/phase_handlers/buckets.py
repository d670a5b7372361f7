"""Prefix buckets: how the batched phases sort a phase's deliverables into batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bucket:
    """The deliverables under `prefix` and under none of `exclude`, built as one batch `name`."""

    name: str
    prefix: str
    exclude: tuple[str, ...] = ()

    def holds(self, path: str) -> bool:
        """Whether `path` belongs to this bucket."""
        return path.startswith(self.prefix) and not path.startswith(self.exclude)


def phase_deliverables(phase: dict[str, Any]) -> list[str]:
    """The phase's deliverables as strings (none when the key is missing or empty)."""
    return [str(d) for d in phase.get("deliverables") or []]


def sort_into_buckets(
    deliverables: list[str], buckets: Sequence[Bucket], *, fallback: str
) -> list[tuple[str, list[str]]]:
    """(bucket name, files) for each bucket holding a deliverable, in the order of `buckets`.

    With no bucket holding any, one batch named `fallback` of every deliverable (possibly none).
    Paths keep the order they have in `deliverables`.
    """
    batches = [(bucket.name, [d for d in deliverables if bucket.holds(d)]) for bucket in buckets]
    batches = [(name, files) for name, files in batches if files]
    return batches or [(fallback, deliverables)]
