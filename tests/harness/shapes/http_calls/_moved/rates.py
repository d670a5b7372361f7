"""Currency conversion against an exchange-rate API."""

from __future__ import annotations

import logging

from http_calls.client import fetch_rates

log = logging.getLogger(__name__)


def convert(amount: float, base: str, target: str) -> float:
    rates = fetch_rates(base)
    if target not in rates:
        log.warning("no rate %s->%s", base, target)
        raise KeyError(target)
    converted = round(amount * rates[target], 2)
    print(f"{amount} {base} = {converted} {target}")
    return converted
