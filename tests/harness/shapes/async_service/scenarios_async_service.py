"""Characterization of ``PriceService.refresh``."""

from __future__ import annotations

from async_service.service import PriceService
from golden_harness import Seam

GOLDEN_SEAM = Seam("async_service", covers=["async_service.service:PriceService.refresh"])


def _service(golden, **fetch):
    golden.fake("client.fetch", awaitable=True, **fetch)
    return golden.isolate(
        PriceService,
        real=["refresh", "_price", "_revision"],
        attrs={"client": golden.fake("client"), "retries": 2, "refreshed": 0},
    )


def test_refreshes_every_price(golden):
    service = _service(golden, sequence=[{"amount": 10.0}, {"amount": 2.5}])
    golden.subprocess(["git", "rev-parse", "--short", "HEAD"], stdout="abc1234\n")
    golden.call(service.refresh, ["pen", "ink"])


def test_retries_after_a_connection_error(golden):
    service = _service(golden, sequence=[ConnectionError("reset"), {"amount": 4.0}])
    golden.subprocess(["git", "rev-parse", "--short", "HEAD"], times_out=True)
    golden.call(service.refresh, ["pen"])
