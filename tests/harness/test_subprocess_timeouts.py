"""Subprocess timeouts, durations and commands that cannot start (``golden.subprocess``)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from golden_harness import Recorder, ScriptError

MISSING_TOX = FileNotFoundError(errno.ENOENT, "No such file or directory", "tox")


def _kinds(event: dict[str, Any]) -> list[str]:
    return list(event)


# -- the seam's timeout ------------------------------------------------------------------------


def test_run_timeout_is_recorded_after_input_and_before_returncode(recorder: Recorder) -> None:
    recorder.subprocess(["git", "apply"], stdout="applied\n")
    done = subprocess.run(
        ["git", "apply"],
        cwd=recorder.workspace,
        input="diff --git a/x b/x\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.stdout == "applied\n"
    (event,) = recorder.events
    assert _kinds(event) == ["subprocess", "cwd", "input", "timeout", "returncode", "stdout"]
    assert event["timeout"] == 30


def test_popen_communicate_and_wait_timeouts_are_recorded(recorder: Recorder) -> None:
    recorder.subprocess(["cat"], stdout="x", occurrences=3)
    subprocess.Popen(["cat"], stdout=subprocess.PIPE).communicate(timeout=2.5)
    subprocess.Popen(["cat"]).wait(timeout=7)
    assert subprocess.call(["cat"]) == 0
    assert [e.get("timeout") for e in recorder.events] == [2.5, 7, None]
    assert "timeout" not in recorder.events[2]


def test_every_timeout_of_a_polling_loop_is_recorded_in_order(recorder: Recorder) -> None:
    recorder.subprocess(["build"], duration=2.5, returncode=3)
    process = subprocess.Popen(["build"])
    expired: list[subprocess.TimeoutExpired] = []
    while True:
        try:
            code = process.wait(timeout=1)
            break
        except subprocess.TimeoutExpired as error:
            expired.append(error)
    assert code == 3
    assert [(e.timeout, e.stdout) for e in expired] == [(1, None), (1, None)]
    (event,) = recorder.events
    assert event == {
        "subprocess": ["build"],
        "cwd": "<workspace>",
        "timeout": [1, 1, 1],
        "timed_out": True,
        "returncode": 3,
    }


# -- commands that time out ----------------------------------------------------------------------


def test_times_out_raises_timeout_expired_with_the_partial_output(recorder: Recorder) -> None:
    recorder.subprocess(
        ["make", "e2e"], stdout="3 passed\n", stderr="waiting for server\n", times_out=True
    )
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        subprocess.run(["make", "e2e"], capture_output=True, text=True, timeout=600, check=False)
    assert caught.value.cmd == ["make", "e2e"]
    assert caught.value.timeout == 600
    # As CPython on POSIX: the output read so far is bytes, even with text=True.
    assert caught.value.stdout == b"3 passed\n"
    assert caught.value.stderr == b"waiting for server\n"
    assert time.monotonic() - started == 600
    (event,) = recorder.events
    assert event == {
        "subprocess": ["make", "e2e"],
        "cwd": "<workspace>",
        "timeout": 600,
        "timed_out": True,
        "stdout": "3 passed\n",
        "stderr": "waiting for server\n",
    }


def test_timed_out_command_without_output_or_pipes_carries_none(recorder: Recorder) -> None:
    recorder.subprocess(["quiet"], times_out=True)
    recorder.subprocess(["loud"], stdout="not captured", times_out=True)
    with pytest.raises(subprocess.TimeoutExpired) as quiet:
        subprocess.run(["quiet"], capture_output=True, timeout=1, check=False)
    with pytest.raises(subprocess.TimeoutExpired) as loud:
        subprocess.run(["loud"], timeout=1, check=False)
    assert (quiet.value.stdout, quiet.value.stderr) == (None, None)
    assert (loud.value.stdout, loud.value.stderr) == (None, None)


def test_timeout_moves_the_frozen_wall_clock_too(recorder: Recorder) -> None:
    recorder.subprocess(["sleepy"], times_out=True)
    before = dt.datetime.now(dt.UTC)
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run(["sleepy"], timeout=90, check=False)
    assert dt.datetime.now(dt.UTC) - before == dt.timedelta(seconds=90)


def test_killed_after_a_timeout_the_process_reports_the_signal(recorder: Recorder) -> None:
    recorder.subprocess(["serve"], stdout="listening\n", times_out=True)
    process = subprocess.Popen(["serve"], stdout=subprocess.PIPE, text=True)
    with pytest.raises(subprocess.TimeoutExpired):
        process.communicate(timeout=5)
    process.kill()
    assert process.wait() == -signal.SIGKILL
    assert process.communicate() == ("listening\n", None)
    assert recorder.events[0]["timed_out"] is True
    assert "returncode" not in recorder.events[0]


def test_a_command_killed_before_it_finished_records_the_signal(recorder: Recorder) -> None:
    recorder.subprocess(["serve"], duration=60)
    process = subprocess.Popen(["serve"])
    process.terminate()
    assert process.wait() == -signal.SIGTERM
    assert recorder.events == [
        {"subprocess": ["serve"], "cwd": "<workspace>", "returncode": -signal.SIGTERM}
    ]


def test_waiting_without_timeout_for_a_command_that_never_ends_is_an_error(
    recorder: Recorder,
) -> None:
    recorder.subprocess(["make", "e2e"], times_out=True)

    def seam() -> str:
        try:
            subprocess.run(["make", "e2e"], check=False)
        except Exception as error:  # a seam that swallows errors must not hide the script's
            return type(error).__name__
        return "finished"

    with pytest.raises(ScriptError, match=r"times_out=True, but the seam waited for it without"):
        recorder.call(seam)
    assert [type(error) for error in recorder.errors] == [ScriptError]


# -- durations --------------------------------------------------------------------------------------


def test_duration_moves_the_clock_while_the_seam_waits(recorder: Recorder) -> None:
    recorder.subprocess(["pytest"], stdout="4 passed\n", duration=3.25)
    started = time.monotonic()
    done = subprocess.run(["pytest"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0
    assert time.monotonic() - started == 3.25
    assert recorder.events[0] == {
        "subprocess": ["pytest"],
        "cwd": "<workspace>",
        "timeout": 300,
        "returncode": 0,
        "stdout": "4 passed\n",
    }


def test_a_duration_longer_than_the_timeout_times_out_after_the_timeout(
    recorder: Recorder,
) -> None:
    recorder.subprocess(["pytest"], stdout="..", duration=400)
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        subprocess.run(["pytest"], capture_output=True, timeout=300, check=False)
    assert caught.value.stdout == b".."
    assert time.monotonic() - started == 300
    assert recorder.events[0] == {
        "subprocess": ["pytest"],
        "cwd": "<workspace>",
        "timeout": 300,
        "timed_out": True,
        "stdout": "..",
    }


def test_duration_needs_frozen_time() -> None:
    with Recorder(freeze=None) as golden, pytest.raises(ScriptError, match="freeze=None"):
        golden.subprocess(["slow"], duration=1)


def test_a_timeout_without_frozen_time_still_raises() -> None:
    with Recorder(freeze=None) as golden:
        golden.subprocess(["slow"], times_out=True)
        with pytest.raises(subprocess.TimeoutExpired):
            subprocess.run(["slow"], timeout=3, check=False)
        assert golden.events[0]["timed_out"] is True


# -- commands that cannot start -------------------------------------------------------------------


def test_raises_makes_popen_fail_and_records_the_error(recorder: Recorder) -> None:
    recorder.subprocess(["tox", "-e", "py311"], raises=MISSING_TOX)
    recorder.fake("log.after", returns=None)

    def seam() -> str:
        try:
            subprocess.run(["tox", "-e", "py311"], cwd=recorder.workspace, timeout=60, check=False)
        except OSError as error:
            recorder.fake("log.after")()
            return f"{type(error).__name__}: {error}"
        return "started"

    assert recorder.call(seam) == "FileNotFoundError: [Errno 2] No such file or directory: 'tox'"
    event = recorder.events[0]
    assert event == {
        "subprocess": ["tox", "-e", "py311"],
        "cwd": "<workspace>",
        "raised": {
            "type": "FileNotFoundError",
            "message": "[Errno 2] No such file or directory: 'tox'",
        },
    }
    assert [next(iter(e)) for e in recorder.events] == ["subprocess", "call", "returned"]


def test_raises_also_fails_asyncio_subprocesses(recorder: Recorder) -> None:
    recorder.subprocess(["tox"], raises=MISSING_TOX)

    async def start() -> None:
        await asyncio.create_subprocess_exec("tox")

    with pytest.raises(FileNotFoundError):
        asyncio.run(start())
    assert recorder.events[0]["raised"]["type"] == "FileNotFoundError"


def test_asyncio_subprocesses_take_a_duration_on_the_frozen_clock(recorder: Recorder) -> None:
    recorder.subprocess(["slow"], stdout="done\n", duration=2)

    async def start() -> tuple[bytes, float]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        process = await asyncio.create_subprocess_exec("slow", stdout=asyncio.subprocess.PIPE)
        out, _ = await process.communicate()
        return out, loop.time() - started

    assert recorder.call(start) == (b"done\n", 2.0)
    assert recorder.events[0] == {
        "subprocess": ["slow"],
        "cwd": "<workspace>",
        "returncode": 0,
        "stdout": "done\n",
    }


def test_an_asyncio_subprocess_that_times_out_under_wait_for(recorder: Recorder) -> None:
    recorder.subprocess(["hang"], stdout="so far\n", times_out=True)

    async def start() -> object:
        process = await asyncio.create_subprocess_exec("hang", stdout=asyncio.subprocess.PIPE)
        try:
            await asyncio.wait_for(process.communicate(), timeout=30)
        except TimeoutError:
            process.kill()
            return await process.wait()
        return "finished"

    assert recorder.call(start) == -signal.SIGKILL
    assert recorder.events[0] == {
        "subprocess": ["hang"],
        "cwd": "<workspace>",
        "timed_out": True,
        "stdout": "so far\n",
    }
    assert recorder.clock.time_to_freeze.isoformat().endswith("03:04:35")


# -- scripting errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"raises": ValueError("x")}, r"takes an OSError instance.*got ValueError\('x'\)"),
        ({"raises": FileNotFoundError}, r"takes an OSError instance"),
        ({"raises": MISSING_TOX, "stdout": "x"}, r"never starts, so it has no stdout"),
        (
            {"raises": MISSING_TOX, "times_out": True, "returncode": 2},
            r"has no returncode, times_out; remove returncode/times_out=",
        ),
        ({"duration": -1}, r"duration=-1\) needs a finite number of seconds >= 0"),
        ({"duration": float("nan")}, r"needs a finite number"),
        ({"duration": float("inf")}, r"use times_out=True"),
        ({"duration": "5"}, r"takes seconds as a number, got '5'"),
        ({"duration": True}, r"takes seconds as a number, got True"),
        ({"times_out": True, "duration": 3}, r"takes neither duration= nor returncode="),
        ({"times_out": True, "returncode": 1}, r"returncode=1"),
    ],
)
def test_contradictory_scripts_are_refused(
    recorder: Recorder, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScriptError, match=message):
        recorder.subprocess(["cmd"], **kwargs)


# -- the fake behaves as the real thing ------------------------------------------------------------

SLOW = [sys.executable, "-c", "import time; print('partial', flush=True); time.sleep(30)"]


def _scripted(fake: bool, stack: contextlib.ExitStack, argv: list[str], **script: Any) -> None:
    """Script ``argv`` in a recorder when ``fake``; otherwise leave the real ``Popen`` alone."""
    if fake:
        stack.enter_context(Recorder(freeze=None)).subprocess(argv, **script)


@pytest.mark.parametrize("fake", [False, True], ids=["real", "fake"])
def test_run_timeout_contract(fake: bool) -> None:
    with contextlib.ExitStack() as stack:
        _scripted(fake, stack, SLOW, stdout="partial\n", times_out=True)
        with pytest.raises(subprocess.TimeoutExpired) as caught:
            subprocess.run(SLOW, capture_output=True, text=True, timeout=1.5, check=False)
    assert caught.value.cmd == SLOW
    assert caught.value.timeout == 1.5
    assert caught.value.stdout == b"partial\n"
    assert caught.value.stderr is None


@pytest.mark.parametrize("fake", [False, True], ids=["real", "fake"])
def test_popen_wait_timeout_and_kill_contract(fake: bool) -> None:
    with contextlib.ExitStack() as stack:
        _scripted(fake, stack, SLOW, times_out=True)
        process = subprocess.Popen(SLOW, stdout=subprocess.DEVNULL)
        with pytest.raises(subprocess.TimeoutExpired) as caught:
            process.wait(timeout=0.2)
        process.kill()
        assert process.wait() == -signal.SIGKILL
    assert caught.value.stdout is None
    assert caught.value.timeout == 0.2


@pytest.mark.parametrize("fake", [False, True], ids=["real", "fake"])
def test_program_that_cannot_start_contract(fake: bool, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-program")
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", missing)
    with contextlib.ExitStack() as stack:
        _scripted(fake, stack, [missing], raises=error)
        with pytest.raises(FileNotFoundError) as caught:
            subprocess.run([missing], check=False)
    assert caught.value.errno == errno.ENOENT
    assert caught.value.filename == missing
    assert str(caught.value) == str(error)
