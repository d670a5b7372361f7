"""Characterization scenarios of ``OrderProcessor.ship`` (copied into pytester runs as a test module).

The variant under test comes from the ``SHOP_VARIANT`` environment variable, so the same
scenarios and the same goldens check the original, the moved code and each altered copy.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from golden_harness import Recorder, Seam
from harness.shop import notify, pricing, variants

GOLDEN_SEAM = Seam("order_shipping", covers=["harness.shop.processor:OrderProcessor.ship"])

OrderProcessor = variants.order_processor(os.environ.get("SHOP_VARIANT", "original"))


@pytest.fixture
def processor(golden: Recorder) -> Any:
    golden.fake_function(pricing.compute_total, returns=12.5)
    golden.fake("db.save_shipment", returns=41)
    golden.fake("mailer.queue", returns=None)
    golden.fake_function(notify.send_shipped_notice, returns=True)
    return golden.isolate(
        OrderProcessor,
        real=["ship", "_render_label"],
        attrs={
            "db": golden.fake("db"),
            "mailer": golden.fake("mailer"),
            "printer": "label-printer",
            "workspace": str(golden.workspace),
        },
    )


def _order() -> dict[str, Any]:
    return {"id": "A-1", "customer": "ada@example.com", "items": [{"sku": "pen", "qty": 2}]}


def test_ships_paid_order(golden: Recorder, processor: Any) -> None:
    golden.subprocess(["lp", golden.any()], stdout="request id is lp-7\n")
    golden.call(processor.ship, _order())


def test_priority_order_is_announced_by_sms(golden: Recorder, processor: Any) -> None:
    golden.subprocess(["lp", golden.any()], stdout="request id is lp-8\n")
    golden.call(processor.ship, _order(), priority=True)


def test_printer_failure_stops_before_the_record(golden: Recorder, processor: Any) -> None:
    golden.subprocess(["lp", golden.any()], stderr="lp: printer on fire\n", returncode=1)
    golden.call(processor.ship, _order())


def test_empty_order_is_not_shipped(golden: Recorder, processor: Any) -> None:
    golden.fake("compute_total", returns=0.0)
    golden.call(processor.ship, _order())
