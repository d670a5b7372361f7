"""Characterization of ``stamp``."""

from __future__ import annotations

import uuid

from clocks_ids.stamping import stamp
from golden_harness import Seam

GOLDEN_SEAM = Seam("clocks_ids", covers=["clocks_ids.stamping:stamp"])


def test_stamps_a_record(golden):
    record = {"id": str(uuid.uuid4()), "action": "login"}
    golden.call(stamp, record)
