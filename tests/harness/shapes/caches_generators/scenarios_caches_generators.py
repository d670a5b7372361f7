"""Characterization of ``Invoice.lines``."""

from __future__ import annotations

from caches_generators import rates
from caches_generators.invoicing import Invoice
from golden_harness import Seam

GOLDEN_SEAM = Seam("caches_generators", covers=["caches_generators.invoicing:Invoice.lines"])

INVOICE = Invoice("EU", [("pen", 100), ("ink", 250)])


def test_lines_with_the_eu_rate(golden):
    golden.fake_function(rates.lookup, returns=0.2)
    golden.call(INVOICE.lines)


def test_lines_with_a_zero_rate(golden):
    golden.fake_function(rates.lookup, returns=0.0)
    golden.call(INVOICE.lines)
