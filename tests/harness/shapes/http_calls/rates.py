"""Currency conversion against an exchange-rate API."""

from __future__ import annotations

import json
import logging
import urllib.request

API = "https://rates.example.com/v1"
TIMEOUT = 10

log = logging.getLogger(__name__)


def fetch_rates(base: str) -> dict[str, float]:
    with urllib.request.urlopen(f"{API}/latest?base={base}", timeout=TIMEOUT) as response:
        return json.loads(response.read())["rates"]


def convert(amount: float, base: str, target: str) -> float:
    rates = fetch_rates(base)
    if target not in rates:
        log.warning("no rate %s->%s", base, target)
        raise KeyError(target)
    converted = round(amount * rates[target], 2)
    print(f"{amount} {base} = {converted} {target}")
    return converted
