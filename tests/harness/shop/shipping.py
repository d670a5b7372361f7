"""``ship`` after the move: the body of ``OrderProcessor.ship`` as a module function."""

from __future__ import annotations

import json
import logging
import subprocess
import uuid
from pathlib import Path
from typing import Any

from harness.shop import notify
from harness.shop.pricing import compute_total

log = logging.getLogger(__name__)


def ship(processor: Any, order: dict[str, Any], *, priority: bool = False) -> str:
    """Price, persist, print a label for and announce one order; return its new status."""
    total = compute_total(order["items"], currency=order.get("currency", "EUR"))
    if total <= 0:
        log.warning("order %s has nothing to ship", order["id"])
        return "EMPTY"
    shipment_id = str(uuid.uuid4())
    payload = {"order_id": order["id"], "shipment_id": shipment_id, "total": total}
    processor.db.save_shipment(payload=payload, retries=2)
    processor.mailer.queue(order["customer"], template="shipped")
    label = processor._render_label(order, shipment_id)
    printed = subprocess.run(
        ["lp", "-d", processor.printer, "-"],
        input=label,
        capture_output=True,
        text=True,
        cwd=processor.workspace,
        check=False,
    )
    if printed.returncode != 0:
        log.error("label printer failed: %s", printed.stderr.strip())
        return "PRINT_FAILED"
    record = Path(processor.workspace) / "shipments" / f"{order['id']}.json"
    record.parent.mkdir(exist_ok=True)
    record.write_text(json.dumps(payload, indent=1) + "\n")
    notify.send_shipped_notice(order["id"], channel="email" if not priority else "sms")
    order["status"] = "shipped"
    log.info("order %s shipped, total %.2f", order["id"], total)
    return "SHIPPED"
