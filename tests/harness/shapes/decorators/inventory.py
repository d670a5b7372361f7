"""Pushes stock levels to a shop API."""

from __future__ import annotations

from decorators.retrying import retry, timed


@timed
@retry(times=3, backoff=2.0)
def push_stock(api, levels: dict[str, int]) -> int:
    accepted = api.push({"levels": levels, "partial": False})
    return accepted["count"]
