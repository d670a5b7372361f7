"""``golden strength`` as a process among others: stopped by a signal it leaves no process and no
file behind; and the measuring commands keep working, with the same results, under a pytest
configuration whose ``addopts`` spread the tests over processes and load a plugin."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.synthetic import SCENARIOS, commit, make_project, write


def _env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}, **extra}


def _capture(project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--snapshot-update"],
        cwd=project,
        env=_env(PYTHONPATH=str(project / "src")),
        check=True,
        capture_output=True,
    )


def _golden(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golden_harness.cli", "--root", str(project), *args],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


# A scenario that waits a minute in the mutant runs (not in the coverage run, where the
# harness's coverage plugin names its items file in the environment). The wait is a real one:
# inside a scenario the harness makes time.sleep move its frozen clock.
SLOW = SCENARIOS.replace(
    "def _orders(golden):\n",
    "def _orders(golden):\n"
    "    import os, select\n"
    "    if os.environ.get('SLOW_SHIPPING') and 'GOLDEN_COVERAGE_ITEMS' not in os.environ:\n"
    "        select.select([], [], [], 60)\n",
)


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_run_kills_its_children_and_removes_its_files(
    tmp_path: Path, signum: signal.Signals
) -> None:
    project = make_project(tmp_path / "project")
    write(project, {"tests/characterization/test_shipping.py": SLOW})
    _capture(project)
    temp = tmp_path / "temp"
    temp.mkdir()
    command = [sys.executable, "-m", "golden_harness.cli", "--root", str(project), "strength"]
    process = subprocess.Popen(
        command,
        env=_env(SLOW_SHIPPING="1", TMPDIR=str(temp)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        # The first child (the unmutated baseline run) is waiting in its scenario.
        while not list(temp.glob("golden-strength-*/baseline-0.log")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no mutant run started"
            time.sleep(0.1)
        time.sleep(0.5)
        children = _descendants(process.pid)
        assert len(children) >= 2  # the command re-run with fixed hashing, and its fork

        os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 128 + signum, stderr
    assert f"golden strength: stopped by {signum.name}" in stderr
    assert [pid for pid in children if _alive(pid)] == []
    assert list(temp.iterdir()) == []


PLUGIN = """\
import pytest


@pytest.fixture
def currency():
    return "EUR"
"""


def _strip_times(text: str) -> list[str]:
    return [
        line.rsplit("  ", 1)[0] if line.endswith(" s") else line
        for line in text.splitlines()
        if "measured in" not in line and "kept from earlier runs" not in line
    ]


def test_addopts_with_processes_and_a_plugin_change_no_measure(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    scenarios = SCENARIOS.replace(
        "def test_small_order(golden):", "def test_small_order(golden, currency):"
    )
    write(
        project,
        {"src/shop_plugin.py": PLUGIN, "tests/characterization/test_shipping.py": scenarios},
    )
    pyproject = project / "pyproject.toml"
    plain = pyproject.read_text()
    pyproject.write_text(
        plain.replace('testpaths = ["tests"]', 'testpaths = ["tests"]\naddopts = "-p shop_plugin"')
    )
    _capture(project)
    commit(project, "capture: shipping with a currency from a plugin")

    measured = {}
    for name, addopts in (("plugin", "-p shop_plugin"), ("processes", "-n 2 -p shop_plugin")):
        pyproject.write_text(
            plain.replace('testpaths = ["tests"]', f'testpaths = ["tests"]\naddopts = "{addopts}"')
        )
        coverage = _golden(project, "coverage")
        strength = _golden(project, "strength", "--no-cache")
        verify = _golden(project, "verify-move", "--base", "HEAD")
        for done in (coverage, strength, verify):
            assert done.returncode == 0, f"{name}: {done.args}\n{done.stdout}{done.stderr}"
        measured[name] = (
            _strip_times(coverage.stdout),
            _strip_times(strength.stdout),
            [line.rsplit(";", 1)[0] for line in verify.stdout.splitlines() if "equal" in line],
        )

    assert measured["processes"] == measured["plugin"]
    assert measured["plugin"][1][1].split()[:6] == ["shipping", "13", "0", "9", "22", "59.1%"]
