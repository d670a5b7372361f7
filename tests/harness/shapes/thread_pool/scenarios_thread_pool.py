"""Characterization of ``LinkChecker.check``."""

from __future__ import annotations

from golden_harness import Seam
from thread_pool.crawler import LinkChecker

GOLDEN_SEAM = Seam("thread_pool", covers=["thread_pool.crawler:LinkChecker.check"])

STATUS = {"/a": 200, "/b": 404, "/c": 200, "/d": 500, "/e": 301, "/f": 200, "/g": 410, "/h": 200}


def test_checks_every_link(golden):
    golden.fake("http.head", side_effect=lambda url, timeout: {"status": STATUS[url]})
    golden.fake("http.post", returns=None)
    checker = golden.isolate(
        LinkChecker,
        real=["check", "_status", "_report"],
        attrs={"http": golden.fake("http"), "workers": 4},
    )
    golden.call(checker.check, list(STATUS))
