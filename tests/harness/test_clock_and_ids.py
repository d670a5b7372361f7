"""Frozen time moved between scenarios, deterministic uuid4 and random."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

import pytest

from golden_harness import GoldenHarnessError, Recorder
from golden_harness.recording import FreezeKeeper


def test_time_is_frozen_at_the_default_instant_and_can_move() -> None:
    with Recorder() as recorder:
        assert dt.datetime.now(dt.UTC) == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        recorder.tick(90)
        assert dt.datetime.now(dt.UTC).minute == 5
        recorder.move_to("2030-05-06T00:00:00")
        assert dt.date.today() == dt.date(2030, 5, 6)
        assert time.time() == dt.datetime(2030, 5, 6, tzinfo=dt.UTC).timestamp()
    assert dt.datetime.now().year >= 2025


def test_freeze_none_leaves_time_alone_and_has_no_clock() -> None:
    with Recorder(freeze=None) as recorder:
        assert dt.datetime.now().year >= 2025
        with pytest.raises(GoldenHarnessError, match="runs without frozen time"):
            recorder.tick()


def test_keeper_starts_one_freeze_and_moves_it() -> None:
    keeper = FreezeKeeper()
    try:
        for instant in ("2024-01-01T00:00:00", "2025-06-01T00:00:00", "2026-01-01T00:00:00"):
            with Recorder(freeze=instant, keeper=keeper, keep_patches=True):
                assert dt.datetime.now().isoformat() == instant
        assert keeper.starts == 1
        assert keeper.active
    finally:
        keeper.release()
    assert not keeper.active


def _ids_and_draws() -> tuple[list[uuid.UUID], list[float]]:
    with Recorder() as recorder:
        recorder.call(lambda: None)
        return [uuid.uuid4(), uuid.uuid4()], [random.random(), random.random()]


def test_uuid4_and_random_are_the_same_in_every_scenario() -> None:
    first = _ids_and_draws()
    random.seed(12345)
    second = _ids_and_draws()
    assert first == second
    assert first[0][0] != first[0][1]
    assert first[0][0].version == 4


def test_random_state_is_restored_after_the_scenario() -> None:
    random.seed(7)
    expected = random.Random(7).random()
    with Recorder():
        random.random()
    assert random.random() == expected


def test_process_ids_are_pinned_in_the_scenario() -> None:
    import os

    real = os.getpid()
    with Recorder() as recorder:
        pids = recorder.call(lambda: (os.getpid(), os.getppid()))
    assert pids == (4242, 4241)
    assert os.getpid() == real


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu", "America/Los_Angeles"])
def test_local_time_functions_follow_the_frozen_clock_in_utc_whatever_the_zone(
    monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()

    def seam() -> dict[str, object]:
        return {
            "ctime": time.ctime(),
            "asctime": time.asctime(),
            "strftime": time.strftime("%Y-%m-%d %H:%M:%S"),
            "mktime": time.mktime(time.localtime()),
            "fromtimestamp": dt.datetime.fromtimestamp(time.time()).isoformat(),
        }

    with Recorder() as recorder:
        stamps = recorder.call(seam)
    time.tzset()

    assert stamps == {
        "ctime": "Tue Jan  2 03:04:05 2024",
        "asctime": "Tue Jan  2 03:04:05 2024",
        "strftime": "2024-01-02 03:04:05",
        "mktime": 1704164645.0,
        "fromtimestamp": "2024-01-02T03:04:05",
    }


def test_uuid1_is_deterministic_and_starts_no_process() -> None:
    def seam() -> list[uuid.UUID]:
        return [uuid.uuid1(), uuid.uuid1()]

    with Recorder() as first:
        ids = first.call(seam)
    with Recorder() as second:
        again = second.call(seam)

    assert ids == again
    assert ids[0] != ids[1]
    assert ids[0].version == 1
    assert not [e for e in first.events if "subprocess" in e]


def test_an_id_made_in_setup_never_comes_again_inside_the_call() -> None:
    with Recorder() as recorder:
        made_in_setup = uuid.uuid4()
        inside = recorder.call(lambda: [uuid.uuid4() for _ in range(5)])
    assert made_in_setup not in inside
    with Recorder() as again:
        assert again.call(lambda: [uuid.uuid4() for _ in range(5)]) == inside


def test_sleep_moves_the_frozen_clock_instead_of_waiting() -> None:
    with Recorder() as recorder:
        started = time.perf_counter()
        waited = recorder.call(lambda: (time.sleep(30), time.monotonic())[1])
        real_started = time.perf_counter()
    assert waited - started == 30
    assert real_started - started == 30
