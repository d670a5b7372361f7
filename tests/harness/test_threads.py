"""Work a seam hands to threads gives the same trace in every run."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

from golden_harness import Recorder
from golden_harness.recording import _threads
from harness.conftest import assert_stable_and_caught


def _check(http: object, urls: list[str]) -> list[str]:
    done = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {pool.submit(http.get, url): url for url in urls}  # type: ignore[attr-defined]
        for future in as_completed(futures):
            done.append(f"{futures[future]}={future.result()}")
    worker = threading.Thread(target=http.post, args=("/summary", len(done)))  # type: ignore[attr-defined]
    worker.start()
    worker.join()
    return done


def _trace() -> str:
    with Recorder() as golden:
        golden.fake("http.get", side_effect=lambda url: len(url))
        golden.fake("http.post", returns=None)
        golden.call(_check, golden.fake("http"), [f"/page/{n}" * (n % 3 + 1) for n in range(12)])
        return golden.render()


def test_a_thread_pool_gives_the_same_trace_in_every_run() -> None:
    traces = {_trace() for _ in range(10)}

    assert len(traces) == 1
    text = traces.pop()
    assert text.index('- "/page/0"') < text.index('- "/page/1/page/1"') < text.index("/summary")


def test_threads_the_seam_starts_are_its_own_for_the_pins(recorder: Recorder) -> None:
    import os

    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(os.getpid()))

    recorder.call(lambda: (worker.start(), worker.join()))

    assert seen == [4242]


def test_work_that_waits_for_later_work_still_finishes(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_threads, "SETTLE_SECONDS", 0.2)
    recorder._serial = _threads.SerialThreads(recorder._threads, settle=0.2)
    items: queue.Queue[str | None] = queue.Queue()
    consumed: list[str] = []

    def consumer() -> None:
        while (item := items.get()) is not None:
            consumed.append(item)

    def seam() -> list[str]:
        worker = threading.Thread(target=consumer)
        worker.start()  # waits for items nobody has put yet
        for item in ("a", "b"):
            items.put(item)
        items.put(None)
        worker.join()
        return consumed

    assert recorder.call(seam) == ["a", "b"]


SCENARIOS = """
from checker import check

from golden_harness import Seam

GOLDEN_SEAM = Seam("checker", covers=["checker:check"])


def test_check(golden):
    golden.fake("http.head", side_effect=lambda url, timeout: 404 if "b" in url else 200)
    golden.call(check, golden.fake("http"), ["/a", "/b", "/c", "/d", "/e", "/f"])
"""

CHECKER = """
import logging
from concurrent.futures import ThreadPoolExecutor, as_completed

log = logging.getLogger(__name__)


def check(http, urls):
    broken = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {pool.submit(http.head, url, timeout=5): url for url in urls}
        for future in as_completed(futures):
            log.info("%s -> %s", futures[future], future.result())
            if future.result() >= 400:
                broken.append(futures[future])
    return broken
"""


def test_a_pool_seam_is_stable_and_a_change_is_caught(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(test_checker=SCENARIOS, checker=CHECKER)

    assert_stable_and_caught(
        inner,
        monkeypatch,
        scenarios=1,
        planted=("checker.py", "timeout=5", "timeout=9"),
        expected="call `http.head` (event 1): kwarg `timeout`: 5 -> 9",
    )
