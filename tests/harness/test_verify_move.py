"""``golden verify-move``: REV in a temporary worktree against the working tree, on a real git
repository holding a tiny project (``harness.synthetic``)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from golden_harness.cli import main
from golden_harness.moves import VerifyMoveResult, render_verify_move
from golden_harness.moves import _verify_move as verify_move_module
from golden_harness.moves._verify_move import ScenarioComparison, SideRun
from harness.synthetic import commit, git, make_project, move_ship, write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def _worktrees(root: Path) -> list[str]:
    return [
        line
        for line in git(root, "worktree", "list", "--porcelain").splitlines()
        if line.startswith("worktree ")
    ]


def _run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "verify-move", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_pure_move_is_equal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    move_ship(project, "pure")

    code, out, _ = _run(project, capsys, "--base", "HEAD")
    verbose_code, verbose, _ = _run(project, capsys, "--base", "HEAD", "--verbose")

    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("verify-move: base HEAD (")
    assert lines[0].endswith(") against the working tree, 1 scenario(s)")
    assert lines[1].startswith(
        "1 equal, 0 different, 0 only on the base, 0 only in the working tree;"
    )
    assert lines[2:] == [
        "Same behaviour: every scenario run on both sides produced the same trace."
    ]
    assert verbose_code == 0, verbose
    assert verbose.splitlines()[1] == "  equal  shipping/test_small_order"
    assert verbose.splitlines()[2][:70] == lines[1][:70]
    assert verbose.splitlines()[3:] == lines[2:]
    assert _worktrees(project) == [f"worktree {project}"]


def test_changed_keyword_is_different_and_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    move_ship(project, "keyword_changed")
    commit(project, "move: ship to shopx.shipping")

    code, out, _ = _run(project, capsys, "--base", "HEAD~1")

    assert code == 1
    lines = out.splitlines()
    assert "  DIFFERENT  shipping/test_small_order" in lines
    assert "      call `db.save` (event 1): kwarg `retries`: 2 -> 3" in lines
    assert lines[-1] == "Not the same behaviour (see above)."


def test_scenarios_on_one_side_and_failures_are_reported(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    move_ship(project, "pure")
    scenarios = project / "tests/characterization/test_shipping.py"
    write(
        project,
        {
            "tests/characterization/test_shipping.py": scenarios.read_text()
            + "\n\ndef test_new_order(golden):\n"
            + "    golden.call(_orders(golden).ship, {'id': 'C', 'items': []})\n"
            + "\n\ndef test_broken(golden):\n"
            + "    golden.call(_orders(golden).unknown)\n"
        },
    )

    code, out, _ = _run(project, capsys, "--base", "HEAD", "-p", "no:randomly")

    assert code == 1
    lines = out.splitlines()
    assert "shipping/test_small_order" not in out
    assert "  only working tree  shipping/test_new_order" in lines
    assert (
        "  test failed on the working tree: tests.characterization.test_shipping::test_broken"
        in lines
    )


def test_selection_passes_through(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        project,
        {
            "tests/characterization/test_shipping.py": (
                (project / "tests/characterization/test_shipping.py").read_text()
                + "\n\ndef test_other(golden):\n"
                + "    golden.call(_orders(golden).ship, {'id': 'D', 'items': []})\n"
            )
        },
    )
    commit(project, "test: another scenario")
    move_ship(project, "pure")

    code, out, _ = _run(project, capsys, "--base", "HEAD", "-k", "other")

    assert code == 0, out
    assert "verify-move: base HEAD" in out
    assert "1 scenario(s)" in out
    assert "1 equal, 0 different" in out


def _editable_venv(tmp_path: Path, project: Path) -> Path:
    """A virtual environment in which ``project`` is installed editable the way setuptools
    installs a src-layout project (``pip install -e .``, as this repository is): a
    ``__editable__.*.pth`` file naming its ``src`` folder, which puts the working tree's code on
    every ``sys.path``. This environment's packages (pytest, the harness) are visible through
    another ``.pth`` file."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer = sysconfig.get_paths()["purelib"]
    Path(purelib, "outer_env.pth").write_text(f"import site; site.addsitedir({outer!r})\n")
    Path(purelib, "__editable__.shopx-0.1.pth").write_text(f"{project / 'src'}\n")
    return python


def test_an_import_moved_under_another_name_is_caught_with_an_editable_install(
    tmp_path: Path, project: Path
) -> None:
    move_ship(project, "import_changed")
    python = _editable_venv(tmp_path, project)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    located = subprocess.run(
        [str(python), "-c", "import shopx.shipping; print(shopx.shipping.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert located.stdout.strip() == str(project / "src/shopx/shipping.py")

    done = subprocess.run(
        [str(python), "-m", "golden_harness.cli", "verify-move", "--base", "HEAD"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "  DIFFERENT  shipping/test_small_order" in done.stdout
    assert "      call `db.save` (event 1): kwarg `total`: 5.0 -> 4.5" in done.stdout


def test_errors_name_the_problem(
    tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    code, _, err = _run(plain, capsys, "--base", "HEAD")
    assert code == 2
    assert f"{str(plain)!r} is not inside a git repository" in err

    code, _, err = _run(project, capsys, "--base", "no-such-rev")
    assert code == 2
    assert "Unknown revision 'no-such-rev'" in err

    code, _, err = _run(project, capsys, "--base", "HEAD", "--no-such-pytest-option")
    assert code == 2
    assert "stopped with exit code 4 (usage error)" in err
    assert "--no-such-pytest-option" in err
    assert _worktrees(project) == [f"worktree {project}"]

    code, _, err = _run(project, capsys, "--base", "HEAD", "-k", "nothing_matches")
    assert code == 2
    assert "No scenario produced a trace on either side" in err


def test_worktree_is_removed_on_keyboard_interrupt(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []

    def interrupted(side, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(side.root)
        raise KeyboardInterrupt

    monkeypatch.setattr(verify_move_module, "_start", interrupted)

    with pytest.raises(KeyboardInterrupt):
        verify_move_module.verify_move(project, "HEAD")

    assert seen
    assert not seen[0].exists()
    assert _worktrees(project) == [f"worktree {project}"]


def test_differences_name_the_base_and_the_working_tree(tmp_path: Path) -> None:
    from golden_harness import dump_trace
    from golden_harness.moves import compare_trace_dirs

    save = {"call": "db.save", "kwargs": {"retries": 2}, "returns": None}
    flag = {"call": "db.flag", "args": ["A-1"], "returns": None}
    log = {"log": "INFO", "logger": "shopx", "message": "shipped"}
    for side, events in {
        "base": [save, flag, log, {"returned": "SHIPPED"}],
        "work": [flag, save, {"returned": "SHIPPED"}],
    }.items():
        (tmp_path / side / "shipping").mkdir(parents=True)
        (tmp_path / side / "shipping/test_x.golden.yaml").write_text(dump_trace(events))

    (comparison,) = compare_trace_dirs(tmp_path / "base", tmp_path / "work")

    assert comparison.differences == (
        "call `db.flag` moved: event 2 on the base, 1 in the working tree",
        'log INFO (event 3 on the base): missing in the working tree: {"logger": "shopx", '
        '"message": "shipped"}',
    )


def _result(*comparisons: ScenarioComparison, failed: tuple[str, ...] = ()) -> VerifyMoveResult:
    sides = [
        SideRun("base HEAD", Path("/base"), Path("/t/base"), Path("/t/base.log")),
        SideRun("working tree", Path("/work"), Path("/t/work"), Path("/t/work.log")),
    ]
    sides[1].failed = list(failed)
    return VerifyMoveResult("HEAD", "c0ffee" * 7, list(comparisons), sides, 2.5)


def test_the_rendering_lists_what_is_not_equal_and_every_scenario_when_verbose() -> None:
    result = _result(
        ScenarioComparison("seam/test_a", "equal"),
        ScenarioComparison(
            "seam/test_b", "different", ("call `db.save` (event 1): kwarg `x`: 1 -> 2",)
        ),
        ScenarioComparison("seam/test_c", "equal"),
        ScenarioComparison("seam/test_d", "only base"),
        failed=("tests.test_seam::test_e",),
    )

    short = render_verify_move(result)
    full = render_verify_move(result, verbose=True)

    assert short == [
        "verify-move: base HEAD (c0ffeec0ffee) against the working tree, 4 scenario(s)",
        "  DIFFERENT  seam/test_b",
        "      call `db.save` (event 1): kwarg `x`: 1 -> 2",
        "  only base  seam/test_d",
        "  test failed on the working tree: tests.test_seam::test_e",
        "2 equal, 1 different, 1 only on the base, 0 only in the working tree; 1 failed test(s); 2.5 s.",
        "Not the same behaviour (see above).",
    ]
    assert full == [
        short[0],
        "  equal      seam/test_a",
        "  DIFFERENT  seam/test_b",
        "      call `db.save` (event 1): kwarg `x`: 1 -> 2",
        "  equal      seam/test_c",
        "  only base  seam/test_d",
        *short[4:],
    ]


def test_when_every_scenario_is_equal_only_the_counts_and_verdict_follow_the_header() -> None:
    result = _result(*(ScenarioComparison(f"seam/test_{n}", "equal") for n in range(698)))

    assert render_verify_move(result)[1:] == [
        "698 equal, 0 different, 0 only on the base, 0 only in the working tree; 0 failed test(s); 2.5 s.",
        "Same behaviour: every scenario run on both sides produced the same trace.",
    ]
    assert len(render_verify_move(result, verbose=True)) == 698 + 3
