"""Seams of every kind run to completion: coroutine functions, coroutines, generators (sync and
async); awaitable fakes; asyncio's clock is the frozen one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from golden_harness import Recorder, ScriptError
from harness.conftest import assert_stable_and_caught


async def _fetch_all(client: object, names: list[str]) -> list[object]:
    results = await asyncio.gather(*(client.get(name) for name in names))  # type: ignore[attr-defined]
    await asyncio.sleep(1.5)
    return list(results)


def test_a_coroutine_function_is_awaited_and_its_fakes_deliver_when_awaited(
    recorder: Recorder,
) -> None:
    recorder.fake("client.get", awaitable=True, side_effect=lambda name: {"name": name})
    started = time.monotonic()

    result = recorder.call(_fetch_all, recorder.fake("client"), ["a", "b"])

    assert result == [{"name": "a"}, {"name": "b"}]
    assert [e.get("call") for e in recorder.events] == ["client.get", "client.get", None]
    assert recorder.events[-1] == {"returned": [{"name": "a"}, {"name": "b"}]}
    assert time.monotonic() - started == 1.5  # asyncio.sleep moved the frozen clock


def test_a_coroutine_object_is_run_too(recorder: Recorder) -> None:
    async def answer() -> int:
        return 42

    assert recorder.call(lambda: answer()) == 42


def test_an_awaitable_fake_raises_its_exception_when_awaited(recorder: Recorder) -> None:
    recorder.fake("client.get", awaitable=True, side_effect=ConnectionError("reset"))

    async def seam() -> str:
        pending = recorder.fake("client").get("x")
        try:
            await pending
        except ConnectionError as error:
            return f"caught {error}"
        return "no error"

    assert recorder.call(seam) == "caught reset"
    assert recorder.events[0]["raises"] == {"type": "ConnectionError", "message": "reset"}


def test_awaiting_a_fake_that_is_not_awaitable_is_a_scenario_error_not_behaviour(
    recorder: Recorder,
) -> None:
    recorder.fake("client.get", returns={"ok": True})

    async def seam() -> object:
        try:
            return await recorder.fake("client").get("x")
        except Exception as error:  # the seam swallows errors: the scenario still fails
            return f"swallowed {type(error).__name__}"

    with pytest.raises(ScriptError, match=r"golden.fake\('client.get', \.\.\., awaitable=True\)"):
        recorder.call(seam)
    assert "TypeError" not in str(recorder.events)


class _Service:
    async def load(self, key: str) -> str:
        raise AssertionError("the real load never runs in a scenario")

    async def run(self, key: str) -> str:
        return (await self.load(key)).upper()


async def _lookup(key: str) -> str:
    raise AssertionError("the real lookup never runs in a scenario")


async def _uses_lookup(key: str) -> str:
    return await _lookup(key) + "!"


def test_fakes_of_async_methods_and_functions_are_awaitable_by_themselves(
    recorder: Recorder,
) -> None:
    recorder.fake("self.load", returns="value")
    service = recorder.isolate(_Service, real=["run"])
    recorder.fake_function(_lookup, returns="found")

    assert recorder.call(service.run, "k") == "VALUE"
    assert recorder.call(_uses_lookup, "k") == "found!"


def test_a_seam_called_from_a_running_loop_is_refused_with_the_fix(recorder: Recorder) -> None:
    async def seam() -> int:
        return 1

    async def async_test() -> None:
        recorder.call(seam)

    with pytest.raises(ScriptError, match="Make the test a plain `def` test"):
        asyncio.run(async_test())


def _lines(items: list[str]) -> Iterator[str]:
    for item in items:
        yield f"- {item}"
    return len(items)  # type: ignore[return-value]


def test_a_generator_is_consumed_each_value_recorded_then_its_return_value(
    recorder: Recorder,
) -> None:
    assert recorder.call(_lines, ["a", "b"]) == 2
    assert recorder.events == [
        {"yielded": "- a"},
        {"yielded": "- b"},
        {"returned": 2},
    ]


def test_an_async_generator_is_consumed_on_a_loop(recorder: Recorder) -> None:
    async def ticks() -> AsyncIterator[float]:
        loop = asyncio.get_running_loop()
        for _ in range(2):
            await asyncio.sleep(10)
            yield loop.time()

    recorder.call(ticks)

    assert recorder.events == [{"yielded": 10.0}, {"yielded": 20.0}, {"returned": None}]


def test_an_error_raised_while_consuming_is_the_seam_raising(recorder: Recorder) -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("bad row")

    recorder.call(broken)

    assert recorder.events == [
        {"yielded": 1},
        {"raised": {"type": "ValueError", "message": "bad row"}},
    ]


SCENARIOS = """
from feeds import Feed

from golden_harness import Seam

GOLDEN_SEAM = Seam("feeds", covers=["feeds:Feed.refresh", "feeds:Feed.entries"])


def _feed(golden):
    golden.fake("http.get", awaitable=True, sequence=[["a", "b"], ["c"]])
    return Feed(golden.fake("http"))


def test_refresh(golden):
    golden.call(_feed(golden).refresh, ["/one", "/two"])


def test_entries(golden):
    golden.call(_feed(golden).entries, ["x", "y"])
"""

FEEDS = """
import asyncio


class Feed:
    def __init__(self, http):
        self.http = http

    async def refresh(self, urls):
        pages = [await self.http.get(url, timeout=5) for url in urls]
        await asyncio.sleep(2)
        return sum(len(page) for page in pages)

    def entries(self, names):
        for name in names:
            yield name.upper()
"""


def test_async_and_generator_seams_are_stable_and_catch_a_change(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(test_feeds=SCENARIOS, feeds=FEEDS)

    texts = assert_stable_and_caught(
        inner,
        monkeypatch,
        scenarios=2,
        planted=("feeds.py", "yield name.upper()", "yield name.lower()"),
        expected='yielded (event 1): "X" -> "x"',
    )

    assert "- returned: 3" in texts["golden/feeds/test_refresh.golden.yaml"]
