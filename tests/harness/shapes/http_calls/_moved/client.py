"""The exchange-rate API client (moved out of ``rates``)."""

from __future__ import annotations

import json
import urllib.request

API = "https://rates.example.com/v1"
TIMEOUT = 10


def fetch_rates(base: str) -> dict[str, float]:
    with urllib.request.urlopen(f"{API}/latest?base={base}", timeout=TIMEOUT) as response:
        return json.loads(response.read())["rates"]
