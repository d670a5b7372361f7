"""Characterization of ``convert``."""

from __future__ import annotations

import urllib.request

from golden_harness import Seam
from http_calls.rates import convert

GOLDEN_SEAM = Seam(
    "http_calls", covers=["http_calls.rates:convert", "http_calls.rates:fetch_rates"]
)


def _api(golden, body: bytes):
    golden.fake_function(urllib.request.urlopen, returns=golden.fake("response"))
    golden.fake("response.read", returns=body)


def test_converts_with_the_latest_rate(golden):
    _api(golden, b'{"rates": {"USD": 1.1, "GBP": 0.85}}')
    golden.call(convert, 20.0, "EUR", "USD")


def test_unknown_currency_is_refused(golden):
    _api(golden, b'{"rates": {"USD": 1.1}}')
    golden.call(convert, 20.0, "EUR", "JPY")
