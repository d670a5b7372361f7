"""Tests of golden_harness itself, on a small synthetic god class (``harness.shop``)."""
