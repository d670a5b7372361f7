"""What a harvest is asked to record and what it wrote: :class:`HarvestSeam`,
:class:`SeamHarvest`, :class:`HarvestReport`; how a scenario writes an exception; where the
scenario files of a seam are; the name a cut is recorded under."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from golden_harness.exceptions import ScriptError, UnserializableValueError
from golden_harness.format import SCENARIO_SUFFIX, ScenarioCodec, type_path

__all__ = [
    "HarvestReport",
    "HarvestSeam",
    "SeamHarvest",
    "cut_label",
    "exception_data",
    "iter_scenarios",
]


class _Named(Protocol):
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class HarvestSeam:
    """One seam to harvest: the entry that starts a scenario and where the seam is cut.

    ``seam``: the golden folder name, or a :class:`~golden_harness.Seam` (its name is used).
    ``entry``: ``"pkg.mod:func"`` or ``"pkg.mod:Class.method"``. ``real``: methods of the
    subject that run for real besides a method entry itself; every other method of the subject
    the seam calls is cut (recorded as ``self.<method>``). ``cut``: module-level functions and
    classes (``"pkg.mod:name"``) the seam calls, cut by identity. ``subject``: the parameter
    whose attributes the seam reads (``"self"`` for a method entry; for a function, none unless
    named).
    """

    seam: _Named | str
    entry: str
    real: Sequence[str] = ()
    cut: Sequence[str] = ()
    subject: str | None = None

    @property
    def name(self) -> str:
        """The golden folder the scenarios of this seam belong to."""
        return self.seam if isinstance(self.seam, str) else self.seam.name


@dataclass
class SeamHarvest:
    """What a harvest wrote for one seam."""

    seam: str
    written: list[Path] = field(default_factory=list)
    duplicates: int = 0
    too_large: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class HarvestReport:
    """Per seam (in declaration order): scenarios written, duplicates, too large, failures."""

    seams: dict[str, SeamHarvest]

    @property
    def written(self) -> list[Path]:
        """Every scenario file written, all seams."""
        return [path for seam in self.seams.values() for path in seam.written]

    def render(self) -> str:
        """A readable summary: one line per seam, then each message."""
        lines = []
        for seam in self.seams.values():
            lines.append(
                f"seam {seam.seam}: {len(seam.written)} scenario(s) written, "
                f"{seam.duplicates} duplicate(s) skipped, {len(seam.too_large)} too large, "
                f"{len(seam.failures)} failed"
            )
            lines += [f"  too large: {message}" for message in seam.too_large]
            counts: dict[str, int] = {}
            for message in seam.failures:
                counts[message] = counts.get(message, 0) + 1
            lines += [
                f"  failed{f' ({count} calls)' if count > 1 else ''}: {message}"
                for message, count in counts.items()
            ]
        return "\n".join(lines)


def exception_data(error: BaseException, codec: ScenarioCodec) -> dict[str, Any]:
    """How a scenario writes an exception: its type path, its message and (when they can be
    recorded exactly) its arguments, with which replay raises it again."""
    data: dict[str, Any] = {"type": type_path(type(error)), "message": codec.text(str(error))}
    with contextlib.suppress(UnserializableValueError):
        data["args"] = codec.encode(list(error.args), "the exception's arguments")
    if isinstance(error, OSError) and error.filename is not None:
        with contextlib.suppress(UnserializableValueError):
            data["filename"] = codec.encode(error.filename, "the exception's file name")
    return data


def cut_label(obj: Any) -> str:
    """The name calls of a cut function or class are recorded under (as ``fake_function``)."""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if not isinstance(name, str):
        raise ScriptError(f"Cannot cut {obj!r}: it has no name; cut a function or a class.")
    return name.rsplit("<locals>.", 1)[-1]


def iter_scenarios(directory: Path) -> Iterator[Path]:
    """The ``*.scenario.yaml`` files of ``directory``, sorted by name (none when it is missing)."""
    if directory.is_dir():
        yield from sorted(directory.glob(f"*{SCENARIO_SUFFIX}"))
