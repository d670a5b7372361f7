"""Producing invoice lines (moved out of ``Invoice.lines``)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def invoice_lines(invoice):
    total = 0
    for sku, cents in invoice.items:
        taxed = round(cents * (1 + invoice.rate))
        total += taxed
        log.info("line %s %d", sku, taxed)
        yield f"{sku}: {taxed}"
    return total
