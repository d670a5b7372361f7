"""A function that imports its collaborator locally, at call time."""

from __future__ import annotations


def total_via_local_import(items: list[dict[str, object]]) -> float:
    """Price ``items`` through a function-local ``from ... import``."""
    from harness.shop.pricing import compute_total

    return compute_total(items)
