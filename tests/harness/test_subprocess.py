"""Subprocess recording through pytest-subprocess, in trace order."""

from __future__ import annotations

import os
import subprocess

import pytest

from golden_harness import Recorder, UnscriptedSubprocessError


def test_invocations_are_recorded_in_trace_order_with_their_details(recorder: Recorder) -> None:
    recorder.subprocess(["git", "status"], stdout="clean\n")
    recorder.subprocess(
        ["python", "-m", "pytest", recorder.any()], stdout="1 passed", stderr="warn", returncode=1
    )
    before = recorder.fake("ci.before", returns=None)
    env = {**os.environ, "PYTHONPATH": f"{recorder.workspace}/src", "TESTING": "1"}

    def seam() -> int:
        before()
        subprocess.run(["git", "status"], capture_output=True, text=True, check=True)
        done = subprocess.run(
            ["python", "-m", "pytest", "tests", "-q"],
            cwd=recorder.workspace,
            env=env,
            input="data on stdin",
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode

    assert recorder.call(seam) == 1
    events = recorder.events
    assert [next(iter(e)) for e in events] == ["call", "subprocess", "subprocess", "returned"]
    assert events[1] == {
        "subprocess": ["git", "status"],
        "cwd": "<workspace>",
        "returncode": 0,
        "stdout": "clean\n",
    }
    assert events[2] == {
        "subprocess": ["python", "-m", "pytest", "tests", "-q"],
        "cwd": "<workspace>",
        "env": {"PYTHONPATH": "<workspace>/src", "TESTING": "1"},
        "input": "data on stdin",
        "returncode": 1,
        "stdout": "1 passed",
        "stderr": "warn",
    }


def test_shell_commands_and_occurrences(recorder: Recorder) -> None:
    recorder.subprocess("make build", stdout="ok", occurrences=2)
    for _ in range(2):
        subprocess.run("make build", shell=True, capture_output=True, check=True)
    assert [e.get("shell") for e in recorder.events] == [True, True]


def test_unscripted_subprocess_names_the_command_and_the_script_line(recorder: Recorder) -> None:
    recorder.subprocess(["git", "status"])
    with pytest.raises(UnscriptedSubprocessError) as caught:
        subprocess.run(["git", "reset", "--hard", "abc"], check=False)
    message = str(caught.value)
    assert "Unscripted subprocess ['git', 'reset', '--hard', 'abc']" in message
    assert (
        "golden.subprocess(['git', 'reset', '--hard', 'abc'], stdout='', returncode=0)" in message
    )
    assert recorder.errors == [caught.value]


def test_subprocess_is_real_again_after_the_recorder() -> None:
    with Recorder() as recorder:
        recorder.subprocess(["echo", "hi"], stdout="fake")
        assert (
            subprocess.run(["echo", "hi"], capture_output=True, text=True, check=True).stdout
            == "fake"
        )
    real = subprocess.run(["echo", "hi"], capture_output=True, text=True, check=True)
    assert real.stdout == "hi\n"


def test_the_working_directory_is_the_one_in_effect_at_spawn(recorder: Recorder) -> None:
    (recorder.workspace / "repo").mkdir()
    recorder.subprocess(["git", "status"], occurrences=3)

    def seam() -> None:
        subprocess.run(["git", "status"], check=True)
        os.chdir("repo")  # a library that changes directory, as plumbum's local.cwd does
        subprocess.run(["git", "status"], check=True)
        subprocess.run(["git", "status"], cwd="..", check=True)

    recorder.call(seam)

    assert [e["cwd"] for e in recorder.events[:3]] == [
        "<workspace>",
        "<workspace>/repo",
        "<workspace>",
    ]
