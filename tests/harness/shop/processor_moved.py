"""``OrderProcessor`` after the move: ``ship`` is a thin wrapper over ``shipping.ship``."""

from __future__ import annotations

from typing import Any

from harness.shop import shipping


class OrderProcessor:
    """Processes orders; constructing it would reach production services."""

    def __init__(self, database_url: str) -> None:
        raise RuntimeError("OrderProcessor() connects to production; scenarios isolate it")

    def ship(self, order: dict[str, Any], *, priority: bool = False) -> str:
        """Price, persist, print a label for and announce one order; return its new status."""
        return shipping.ship(self, order, priority=priority)

    def _render_label(self, order: dict[str, Any], shipment_id: str) -> str:
        """The printed label text."""
        return f"{order['customer']}\n{shipment_id}\n"

    def refund(self, order: dict[str, Any]) -> None:
        """Another large method of the god class, outside the seam."""
        raise RuntimeError("refund is not part of the shipping seam")
