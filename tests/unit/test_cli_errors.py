"""`autopack run` bad input: one `autopack: error:` line, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from autopack.cli import main

PLAN = "run_id: r1\nphases:\n  - phase_id: p1\n    ci: {skip: true}\n"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["run", *args])
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("autopack: error: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "ws"
    code, err = run_cli(
        capsys, str(tmp_path / "none.yaml"), "--workspace", str(workspace), "--init"
    )
    assert code == 2
    assert_one_error_line(err, "none.yaml", "does not exist")
    assert not workspace.exists()


def test_malformed_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("phases: [\n  - phase_id: p1\n")
    workspace = tmp_path / "ws"
    code, err = run_cli(capsys, str(bad), "--workspace", str(workspace), "--init")
    assert code == 2
    assert_one_error_line(err, "is not valid YAML")
    assert not workspace.exists()


def test_unknown_phase_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("phases:\n  - phase_id: p1\n    colour: red\n")
    workspace = tmp_path / "ws"
    code, err = run_cli(capsys, str(bad), "--workspace", str(workspace), "--init")
    assert code == 2
    assert_one_error_line(err, "phase 'p1' has unknown field 'colour'", "allowed fields")
    assert not workspace.exists()


def test_workspace_that_is_a_file(
    tmp_path: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    code, err = run_cli(capsys, str(plan), "--workspace", str(target))
    assert code == 2
    assert_one_error_line(err, "is not a directory")


def test_workspace_that_is_not_a_repository(
    tmp_path: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plain"
    target.mkdir()
    code, err = run_cli(capsys, str(plan), "--workspace", str(target))
    assert code == 2
    assert_one_error_line(err, "is not a git repository; pass --init")
    assert list(target.iterdir()) == []


def test_non_empty_directory_with_init(
    tmp_path: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plain"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    code, err = run_cli(capsys, str(plan), "--workspace", str(target), "--init")
    assert code == 2
    assert_one_error_line(err, "is not empty and not a git repository")
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_database_that_cannot_be_opened(
    tmp_path: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not sqlite " * 200)
    workspace = tmp_path / "ws"
    code, err = run_cli(
        capsys, str(plan), "--workspace", str(workspace), "--init", "--db", f"sqlite:///{garbage}"
    )
    assert code == 2
    assert_one_error_line(err, "cannot open database", "file is not a database")
    assert not workspace.exists()


def test_database_in_a_missing_directory(
    tmp_path: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "ws"
    url = f"sqlite:///{tmp_path}/nowhere/x.db"
    code, err = run_cli(capsys, str(plan), "--workspace", str(workspace), "--init", "--db", url)
    assert code == 2
    assert_one_error_line(err, "does not exist; create it or choose another --db")
    assert not workspace.exists()


def test_corrupt_default_database_in_an_existing_workspace(
    git_repo: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = git_repo / ".autonomous_runs"
    runs.mkdir()
    (runs / "autopack.db").write_text("corrupt " * 300)
    code, err = run_cli(capsys, str(plan), "--workspace", str(git_repo))
    assert code == 2
    assert_one_error_line(err, "autopack.db", "file is not a database")


def test_bad_run_id_and_bad_approval_policy(
    tmp_path: Path, plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = tmp_path / "ws"
    code, err = run_cli(
        capsys, str(plan), "--workspace", str(workspace), "--init", "--run-id", "../x"
    )
    assert code == 2
    assert_one_error_line(err, "run id '../x'")
    code, err = run_cli(
        capsys, str(plan), "--workspace", str(workspace), "--init", "--approval", "maybe"
    )
    assert code == 2
    assert_one_error_line(err, "unknown approval policy 'maybe'")
    assert not workspace.exists()


def test_missing_workspace_option_is_a_usage_error(
    plan: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", str(plan)])
    assert info.value.code == 2
    assert "--workspace" in capsys.readouterr().err


def test_a_write_failure_outside_the_run_loop_is_one_line_and_exit_74(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from autopack import cli
    from autopack.exceptions import RunFileError

    def fail(args: object) -> int:
        raise RunFileError(str(tmp_path / "x.json"), "No space left on device")

    monkeypatch.setattr(cli, "_run", fail)
    assert cli.main(["run", "plan.yaml", "--workspace", str(tmp_path)]) == 74
    assert capsys.readouterr().err == (
        f"autopack: error: cannot write the run file {str(tmp_path / 'x.json')!r}: "
        "No space left on device\n"
    )
