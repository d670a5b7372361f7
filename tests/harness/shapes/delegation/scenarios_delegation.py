"""Characterization of ``Storage.sync``."""

from __future__ import annotations

from delegation.facade import Storage
from golden_harness import Seam

GOLDEN_SEAM = Seam("delegation", covers=["delegation.facade:Storage.sync"])


def test_uploads_what_is_missing(golden):
    golden.fake("backend.list_keys", returns=["a.txt"])
    golden.fake("backend.upload", returns=None)
    storage = golden.isolate(
        Storage, real=["sync"], attrs={"_backend": golden.fake("backend"), "bucket": "site"}
    )
    golden.call(storage.sync, ["a.txt", "b.txt", "c.txt"])
