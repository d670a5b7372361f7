"""Pushes stock levels to a shop API."""

from __future__ import annotations

from decorators.payloads import stock_payload
from decorators.retrying import retry, timed


@timed
@retry(times=3, backoff=2.0)
def push_stock(api, levels: dict[str, int]) -> int:
    accepted = api.push(stock_payload(levels))
    return accepted["count"]
