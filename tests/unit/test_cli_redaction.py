"""What the `autopack` command prints is redacted: its error lines, usage errors and log lines."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from autopack.cli import main
from golden_harness.redaction import REDACTED

PASSWORD = "p" * 12
PLAN = "run_id: r1\nphases:\n  - phase_id: p1\n    ci: {skip: true}\n"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    return path


def test_an_error_line_is_redacted(
    plan: Path, git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = f"sftp://bot:{PASSWORD}@hooks.example/approve"
    code = main(["run", str(plan), "--workspace", str(git_repo), "--approval", policy])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"autopack: error: unknown approval policy 'sftp://bot:{REDACTED}@hooks.example/approve'; "
        "use auto-approve, auto-deny, file:PATH or an http(s) URL\n"
    )


def test_a_usage_error_is_redacted(plan: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(plan), "--workspace", "ws", "--bogus", f"DEPLOY_TOKEN={PASSWORD}"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert PASSWORD not in err
    assert err.endswith(
        f"autopack: error: unrecognized arguments: --bogus DEPLOY_TOKEN={REDACTED}\n"
    )


def test_log_lines_are_redacted(
    plan: Path,
    git_repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The command configures logging on a root logger without handlers, as in a new process.
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setenv("DB_PASS", PASSWORD)
    monkeypatch.setattr(
        "autopack.cli._run",
        lambda args: logging.getLogger("autopack.test").warning("login %s refused", PASSWORD),
    )
    main(["run", str(plan), "--workspace", str(git_repo)])
    err = capsys.readouterr().err
    assert err == f"WARNING autopack.test: login {REDACTED} refused\n"
