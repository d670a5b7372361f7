"""The stock payload (moved out of ``push_stock``)."""

from __future__ import annotations


def stock_payload(levels: dict[str, int]) -> dict[str, object]:
    return {"levels": levels, "partial": False}
