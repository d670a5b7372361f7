"""Invoice lines, produced lazily, with cached tax rates."""

from __future__ import annotations

import functools
import logging

from caches_generators import rates

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=32)
def tax_rate(region: str) -> float:
    return rates.lookup(region)


class Invoice:
    def __init__(self, region: str, items: list[tuple[str, int]]) -> None:
        self.region = region
        self.items = items

    @functools.cached_property
    def rate(self) -> float:
        return tax_rate(self.region)

    def lines(self):
        total = 0
        for sku, cents in self.items:
            taxed = round(cents * (1 + self.rate))
            total += taxed
            log.info("line %s %d", sku, taxed)
            yield f"{sku}: {taxed}"
        return total
