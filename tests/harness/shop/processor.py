"""``OrderProcessor``: the synthetic god class (its ``ship`` method is the seam under test)."""

from __future__ import annotations

import json
import logging
import subprocess
import uuid
from pathlib import Path
from typing import Any

from harness.shop import notify
from harness.shop.pricing import compute_total as price_total

log = logging.getLogger(__name__)


class OrderProcessor:
    """Processes orders; constructing it would reach production services."""

    def __init__(self, database_url: str) -> None:
        raise RuntimeError("OrderProcessor() connects to production; scenarios isolate it")

    def ship(self, order: dict[str, Any], *, priority: bool = False) -> str:
        """Price, persist, print a label for and announce one order; return its new status."""
        total = price_total(order["items"], currency=order.get("currency", "EUR"))
        if total <= 0:
            log.warning("order %s has nothing to ship", order["id"])
            return "EMPTY"
        shipment_id = str(uuid.uuid4())
        payload = {"order_id": order["id"], "shipment_id": shipment_id, "total": total}
        self.db.save_shipment(payload=payload, retries=2)
        self.mailer.queue(order["customer"], template="shipped")
        label = self._render_label(order, shipment_id)
        printed = subprocess.run(
            ["lp", "-d", self.printer, "-"],
            input=label,
            capture_output=True,
            text=True,
            cwd=self.workspace,
            check=False,
        )
        if printed.returncode != 0:
            log.error("label printer failed: %s", printed.stderr.strip())
            return "PRINT_FAILED"
        record = Path(self.workspace) / "shipments" / f"{order['id']}.json"
        record.parent.mkdir(exist_ok=True)
        record.write_text(json.dumps(payload, indent=1) + "\n")
        notify.send_shipped_notice(order["id"], channel="email" if not priority else "sms")
        order["status"] = "shipped"
        log.info("order %s shipped, total %.2f", order["id"], total)
        return "SHIPPED"

    def _render_label(self, order: dict[str, Any], shipment_id: str) -> str:
        """The printed label text."""
        return f"{order['customer']}\n{shipment_id}\n"

    def refund(self, order: dict[str, Any]) -> None:
        """Another large method of the god class, outside the seam."""
        raise RuntimeError("refund is not part of the shipping seam")
