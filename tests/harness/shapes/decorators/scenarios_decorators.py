"""Characterization of ``push_stock``."""

from __future__ import annotations

from decorators.inventory import push_stock
from golden_harness import Seam

GOLDEN_SEAM = Seam(
    "decorators",
    covers=[
        "decorators.inventory:push_stock",
        "decorators.retrying:retry",
        "decorators.retrying:timed",
    ],
)


def test_pushes_after_a_retry(golden):
    golden.fake("api.push", sequence=[ConnectionError("reset"), {"count": 2}])
    golden.call(push_stock, golden.fake("api"), {"pen": 3, "ink": 0})


def test_gives_up_after_three_attempts(golden):
    golden.fake("api.push", side_effect=ConnectionError("down"))
    golden.call(push_stock, golden.fake("api"), {"pen": 3})
