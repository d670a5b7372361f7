"""Characterization scenarios start from fresh inputs every run.

The characterization `conftest.py` fails a scenario that changes one of its parametrize values
(those are built once and shared by every run in the process); and the scenarios that hand
parametrized dicts and lists to the executor pass twice in a row in one process, against the
committed goldens.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHARACTERIZATION = REPO / "tests" / "characterization"

SCENARIOS = """
import pytest


@pytest.mark.parametrize("counts", [pytest.param({"other": 1}, id="shared_literal")])
def test_changes_its_parameter(counts):
    counts["build-api"] = counts.get("build-api", 0) + 1


@pytest.mark.parametrize("make_counts", [pytest.param(lambda: {"other": 1}, id="factory")])
def test_changes_a_fresh_value(make_counts):
    counts = make_counts()
    counts["build-api"] = 1


@pytest.mark.parametrize("counts", [pytest.param({"other": 1}, id="read_only")])
def test_reads_its_parameter(counts):
    assert counts["other"] == 1
"""


def test_a_scenario_that_changes_its_parametrize_value_fails(pytester: pytest.Pytester) -> None:
    for name in ("conftest.py", "_executor_state.py"):  # the conftest imports its neighbour
        shutil.copy(CHARACTERIZATION / name, pytester.path / name)
    pytester.makepyfile(test_scenarios=SCENARIOS)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*test_changes_its_parameter[[]shared_literal[]] changed its parametrize value(s):",
            "  counts: {'other': 1} -> {'other': 1, 'build-api': 1}",
            "Give the scenario a fresh value each run: a factory in the parametrize list*",
        ]
    )


# The modules whose scenarios hand parametrized dicts and lists to the executor as its state.
TWICE = [
    "test_diagnostics.py",
    "test_execute_phase.py",
    "test_approvals.py",
    "test_file_context.py",
]


def test_characterization_scenarios_pass_twice_in_one_process() -> None:
    """A second pytest session in the same process sees the same inputs as the first."""
    modules = [f"tests/characterization/{name}" for name in TWICE]
    program = (
        "import sys, pytest\n"
        f"args = {modules!r} + ['-q', '-p', 'no:randomly', '-p', 'no:cacheprovider']\n"
        "codes = [int(pytest.main(args)) for _ in range(2)]\n"
        "print('exit codes', codes)\n"
        "sys.exit(max(codes))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "exit codes [0, 0]" in done.stdout
