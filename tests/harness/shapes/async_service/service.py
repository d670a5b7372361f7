"""Refreshes prices through an async client and stamps the result with the git revision."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


class PriceService:
    def __init__(self, client, *, retries: int = 2) -> None:
        self.client = client
        self.retries = retries
        self.refreshed = 0

    async def refresh(self, skus: list[str]) -> dict[str, object]:
        prices = await asyncio.gather(*(self._price(sku) for sku in skus))
        revision = await self._revision()
        self.refreshed += len(skus)
        log.info("refreshed %d prices at %s", len(skus), revision)
        return {"revision": revision, "prices": dict(zip(skus, prices, strict=True))}

    async def _price(self, sku: str) -> float:
        for attempt in range(self.retries + 1):
            try:
                answer = await self.client.fetch(sku, currency="EUR")
                return round(answer["amount"] * 1.2, 2)
            except ConnectionError:
                await asyncio.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"no price for {sku}")

    async def _revision(self) -> str:
        process = await asyncio.create_subprocess_exec(
            "git", "rev-parse", "--short", "HEAD", stdout=asyncio.subprocess.PIPE
        )
        try:
            out, _ = await asyncio.wait_for(process.communicate(), timeout=5)
        except TimeoutError:
            process.kill()
            return "unknown"
        return out.decode().strip()
