"""Characterization of ``publish``."""

from __future__ import annotations

from files.publisher import publish
from golden_harness import Seam

GOLDEN_SEAM = Seam("files", covers=["files.publisher:publish"])


def test_publishes_and_commits(golden):
    site = golden.workspace / "site"
    site.mkdir()
    (site / "draft.html").write_text("old\n")
    golden.subprocess(["git", "add", "--all"])
    golden.subprocess(["git", "commit", "-m", "publish"], stdout="[main 1a2b3c] publish\n")
    golden.call(publish, site, {"index": "Home", "about": "About us"})
