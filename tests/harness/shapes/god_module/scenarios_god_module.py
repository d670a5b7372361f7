"""Characterization of ``process``."""

from __future__ import annotations

from god_module.jobs import process
from golden_harness import Seam

GOLDEN_SEAM = Seam("god_module", covers=["god_module.jobs:process", "god_module.jobs:settings"])


def test_known_job_goes_to_its_handler(golden):
    golden.fake("queue.push", returns=None)
    golden.call(process, {"id": "j-1", "kind": "resize"}, golden.fake("queue"))


def test_unknown_job_registers_a_fallback(golden):
    golden.fake("queue.push", returns=None)
    golden.call(process, {"id": "j-2", "kind": "pdf"}, golden.fake("queue"))
