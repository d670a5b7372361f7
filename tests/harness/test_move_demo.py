"""The move demonstration: a moved seam verifies against the same goldens; altered copies fail.

``harness.shop.processor.OrderProcessor.ship`` is the seam. ``processor_moved`` keeps a thin
wrapper calling ``shipping.ship`` (a module function with other import aliases and another logger
name). The goldens under ``demo/golden`` were captured from the original. Each alteration in
``harness.shop.variants.ALTERATIONS`` changes one behaviour and must fail with a message naming
the event that changed.
"""

from __future__ import annotations

import pytest

from harness.conftest import copy_demo
from harness.shop.variants import ALTERATIONS


def test_original_verifies(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_demo(inner, goldens=True)
    monkeypatch.setenv("SHOP_VARIANT", "original")

    inner.runpytest().assert_outcomes(passed=4)


def test_moved_code_verifies_against_the_same_goldens(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=True)
    monkeypatch.setenv("SHOP_VARIANT", "moved")

    inner.runpytest().assert_outcomes(passed=4)


EXPECTED_MESSAGES = {
    "reordered_calls": "call `mailer.queue` moved: event 3 in the golden, 2 in this run",
    "keyword_changed": "call `db.save_shipment` (event 2): kwarg `retries`: 2 -> 3",
    "log_dropped": 'log INFO (event 7 in the golden): missing in this run: {"logger": "harness", "message": "order A-1 shipped, total 12.50"}',
    "payload_keys_swapped": (
        'call `db.save_shipment` (event 2): kwarg `payload`: key order ["order_id", "shipment_id", "total"] '
        '-> ["shipment_id", "order_id", "total"]'
    ),
    "subprocess_arg_changed": 'subprocess `lp -P label-printer -` (event 4): argv[1]: "-d" -> "-P"',
}


def test_every_alteration_has_an_expected_message() -> None:
    assert sorted(EXPECTED_MESSAGES) == sorted(ALTERATIONS)


@pytest.mark.parametrize("variant", sorted(EXPECTED_MESSAGES))
def test_altered_copy_fails_naming_the_event(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, variant: str
) -> None:
    copy_demo(inner, goldens=True)
    monkeypatch.setenv("SHOP_VARIANT", variant)

    result = inner.runpytest("test_order_shipping.py::test_ships_paid_order")

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert (
        "golden/order_shipping/test_ships_paid_order.golden.yaml does not match the trace" in output
    )
    assert EXPECTED_MESSAGES[variant] in output
