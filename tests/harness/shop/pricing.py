"""Pricing helpers (a collaborator module that seams import by name)."""

from __future__ import annotations


def compute_total(items: list[dict[str, object]], *, currency: str = "EUR") -> float:
    """Sum of price times quantity; the real implementation a scenario fakes."""
    raise RuntimeError("compute_total calls the pricing service; scenarios fake it")
