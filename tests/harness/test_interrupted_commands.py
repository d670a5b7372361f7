"""``verify-move`` and ``review --verify`` stopped by SIGINT or SIGTERM kill their pytest runs and
remove their worktrees; a run killed by SIGKILL leaves a worktree the next run removes.

Real git, real subprocesses and real signals on the synthetic project.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from golden_harness.moves import process_is_gone, remove_stale_worktrees, temporary_worktree
from harness.conftest import ci_variable_names
from harness.synthetic import commit, git, make_project, write

# A scenario that says it started (its pid, one file per side) and then takes its time.
SLOW = """
import os
import select
from pathlib import Path

from golden_harness import Seam

GOLDEN_SEAM = Seam("slow")
PID = os.getpid()  # read on import: inside a scenario the harness pins the pid


def test_slow(golden):
    marker = Path(os.environ["SLOW_MARKERS"]) / f"{PID}.pid"
    marker.with_suffix(".tmp").write_text(str(PID))
    marker.with_suffix(".tmp").rename(marker)  # whole when it appears
    select.select([], [], [], 120)  # a real wait: the scenario's time.sleep moves the frozen clock
    golden.call(lambda: 1)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = make_project(tmp_path / "project")
    write(root, {"tests/characterization/test_slow.py": SLOW})
    commit(root, "test: a slow scenario")
    write(root, {"src/shopx/notes.py": "# Notes.\n"})
    commit(root, "refactor: a module of notes")  # what `review --verify` runs verify-move on
    return root


def _golden(project: Path, markers: Path, *args: str) -> subprocess.Popen[str]:
    drop = {*ci_variable_names(), "PYTHONPATH", "PYTHONHASHSEED"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PYTHONPATH=str(project / "src"), SLOW_MARKERS=str(markers))
    return subprocess.Popen(
        [sys.executable, "-m", "golden_harness.cli", *args],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_markers(markers: Path, count: int, command: subprocess.Popen[str]) -> list[int]:
    deadline = time.monotonic() + 120
    while len(list(markers.glob("*.pid"))) < count:
        if command.poll() is not None:
            pytest.fail(f"the command ended first: {command.communicate()}")
        assert time.monotonic() < deadline, "the scenarios did not start"
        time.sleep(0.05)
    return [int(p.read_text()) for p in markers.glob("*.pid")]


def _kill_scenarios(markers: Path) -> None:
    for marker in markers.glob("*.pid"):
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.killpg(int(marker.read_text()), signal.SIGKILL)


def _worktrees(project: Path) -> list[str]:
    listed = git(project, "worktree", "list", "--porcelain")
    return [line.split(" ", 1)[1] for line in listed.splitlines() if line.startswith("worktree ")]


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    "command",
    [["verify-move", "--base", "HEAD"], ["review", "--base", "HEAD~1", "--verify"]],
    ids=["verify-move", "review-verify"],
)
def test_a_stopped_command_kills_its_runs_and_removes_its_worktrees(
    project: Path, tmp_path: Path, number: signal.Signals, command: list[str]
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    golden = _golden(project, markers, *command)
    try:
        scenario_pids = _wait_for_markers(markers, 2, golden)
        assert len(_worktrees(project)) >= 2  # the base side's worktree exists while it runs
        os.kill(golden.pid, number)
        _, err = golden.communicate(timeout=60)
    finally:
        if golden.poll() is None:  # the test failed first: leave nothing running or registered
            golden.kill()
            golden.communicate()
            _kill_scenarios(markers)
            remove_stale_worktrees(project)

    assert golden.returncode == 128 + number, err
    assert f"stopped by {number.name}" in err
    assert "Traceback" not in err
    assert [pid for pid in scenario_pids if not process_is_gone(pid)] == []
    assert _worktrees(project) == [str(project)]
    assert list(Path(tempfile.gettempdir()).glob(f"golden-base-{golden.pid}-*")) == []


def test_the_next_run_removes_the_worktree_of_a_killed_one(project: Path, tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    golden = _golden(project, markers, "verify-move", "--base", "HEAD")
    try:
        scenario_pids = _wait_for_markers(markers, 2, golden)
    finally:
        golden.kill()  # SIGKILL: nothing is cleaned up
        golden.communicate()
    for pid in scenario_pids:  # its pytest runs lead their own groups; stop them here
        os.killpg(os.getpgid(pid), signal.SIGKILL)
    (stale,) = [path for path in _worktrees(project) if path != str(project)]
    assert Path(stale).parent.name.startswith(f"golden-base-{golden.pid}-")

    with temporary_worktree(project, "HEAD") as fresh:  # the next run
        assert sorted(_worktrees(project)) == sorted([str(project), str(fresh)])
    assert not Path(stale).exists()
    assert not Path(stale).parent.exists()
    assert _worktrees(project) == [str(project)]


def test_a_running_command_keeps_its_worktree(project: Path) -> None:
    with temporary_worktree(project, "HEAD") as mine:
        assert remove_stale_worktrees(project) == []
        assert mine.is_dir()
