"""String hashing: every pytest run the ``golden`` command starts hashes with one fixed seed, and
a capture whose golden depends on the seed fails, naming the event. The project's seam
``notices`` passes ``list(set_of_strings)`` to a fake (``harness.synthetic``); the commands run in
subprocesses whose own hashing is random, as a user's shell usually is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from golden_harness.plugin._hash_check import other_seeds
from harness.synthetic import NOTICES, commit, make_project, write

NOTICE_GOLDEN = "golden/notices/test_notify.golden.yaml"


def _env(**extra: str) -> dict[str, str]:
    drop = ("CI", "PYTHONPATH", "PYTHONHASHSEED")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def _capture(project: Path, seed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--snapshot-update"],
        cwd=project,
        env=_env(PYTHONPATH=str(project / "src"), PYTHONHASHSEED=seed),
        capture_output=True,
        text=True,
        check=False,
    )


def _golden(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golden_harness.cli", "--root", str(project), *args],
        env=_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def _captured_project(root: Path) -> Path:
    """The project with its goldens captured under the golden command's seed, and committed."""
    project = make_project(root, hashed=True)
    _capture(project, "0")
    assert (project / NOTICE_GOLDEN).is_file()
    commit(project, "capture: goldens")
    return project


def test_verify_move_on_an_unchanged_tree_reports_no_difference(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", hashed=True)

    done = _golden(project, "verify-move", "--base", "HEAD", "--verbose", "-p", "no:randomly")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "  equal  notices/test_notify" in done.stdout.splitlines()


def test_strength_and_report_run_compare_with_goldens_captured_at_the_fixed_seed(
    tmp_path: Path,
) -> None:
    project = _captured_project(tmp_path / "project")

    strength = _golden(project, "strength", "--seam", "notices")
    report = _golden(project, "report", "--run", PYTHONPATH=str(project / "src"))

    assert strength.returncode == 0, strength.stdout + strength.stderr
    assert strength.stdout.splitlines()[1].split()[0] == "notices"
    assert "do not pass unmutated" not in strength.stdout
    assert report.returncode == 0, report.stdout + report.stderr
    assert f"    matched                {NOTICE_GOLDEN}" in report.stdout.splitlines()


def test_a_capture_that_depends_on_string_hashing_fails_and_names_the_event(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "project", hashed=True)

    done = _capture(project, "0")

    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    heading = (
        f"{NOTICE_GOLDEN} (tests/characterization/test_notices.py::test_notify) records "
        f"something else with PYTHONHASHSEED=1:"
    )
    assert heading in lines
    differences = lines[lines.index(heading) + 1 :]
    assert differences[0].startswith("  call `mailer.send` (event 1): arg `0`[0]: "), lines
    assert not [line for line in lines if "golden/shipping/" in line and "records" in line]
    assert any("sorted(names) instead of list(names)" in line for line in lines)


def test_a_stable_capture_passes_and_matched_goldens_are_not_run_again(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", hashed=True)
    write(project, {"src/shopx/notices.py": NOTICES.replace("list(TEAMS)", "sorted(TEAMS)")})

    first = _capture(project, "0")
    again = _capture(project, "5")

    assert first.returncode == 0, first.stdout + first.stderr
    assert "depend on string hashing" not in first.stdout
    assert again.returncode == 0, again.stdout + again.stderr


def test_the_seeds_tried_differ_from_the_capture_seed() -> None:
    assert other_seeds(2, None) == [1, 2]
    assert other_seeds(2, "1") == [2, 3]
    assert other_seeds(0, "0") == []


def test_a_bad_number_of_seeds_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makeini("[pytest]\ngolden_hash_check = many\n")

    result = inner.runpytest("--snapshot-update")

    assert result.ret == 4
    result.stderr.fnmatch_lines(["*golden_hash_check = 'many' is not a number of seeds*"])


UNSTABLE_SCENARIO = """
from pathlib import Path

from golden_harness import Seam

GOLDEN_SEAM = Seam("visits", covers=["test_visits:visit"])
COUNTER = Path(__file__).parent / "visits.txt"


def visit():
    count = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(count))
    return {"visitor": "ada", "visit": count}


def test_visit(golden):
    golden.call(visit)
"""


def test_a_difference_the_same_seed_reproduces_is_not_blamed_on_string_hashing(
    inner: pytest.Pytester,
) -> None:
    inner.makeini("[pytest]\ngolden_hash_check = 1\n")
    inner.makepyfile(test_visits=UNSTABLE_SCENARIO)

    result = inner.runpytest("--snapshot-update", "-p", "no:randomly")

    assert result.ret == 1
    output = result.stdout.str()
    assert "goldens that are not stable" in output
    assert "a run with the same PYTHONHASHSEED=1 does not record the same" in output
    assert "string hashing is not the cause" in output
    assert 'returned (event 1): ["visit"]: 1 -> 2' in output
    assert "global state another scenario or an earlier run left" in output
    assert "goldens that depend on string hashing" not in output
