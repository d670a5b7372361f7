"""One price, fetched with retries (moved out of ``PriceService``)."""

from __future__ import annotations

import asyncio


async def price(service, sku: str) -> float:
    for attempt in range(service.retries + 1):
        try:
            answer = await service.client.fetch(sku, currency="EUR")
            return round(answer["amount"] * 1.2, 2)
        except ConnectionError:
            await asyncio.sleep(0.5 * (attempt + 1))
    raise RuntimeError(f"no price for {sku}")
