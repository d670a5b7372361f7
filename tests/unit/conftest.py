"""Fixtures for unit tests: real git repositories in temporary folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

GIT_IDENTITY = ["-c", "user.name=tester", "-c", "user.email=tester@localhost"]


def git(repo: Path, *args: str) -> str:
    """Run git in `repo`, fail the test on a non-zero exit, return stdout."""
    proc = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"git {args} failed: {proc.stderr}"
    return proc.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A git repository on branch `main` with one commit holding `README.md`."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "init")
    return repo


def make_new_file_patch(path: str, content: str) -> str:
    """A git-style unified diff that creates `path` with `content` (which ends with a newline)."""
    lines = content.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


@pytest.fixture
def new_file_patch():
    """The `make_new_file_patch(path, content)` helper, as a fixture."""
    return make_new_file_patch


class RecordingDiagnostics:
    """A diagnostics agent that records its calls and reports a clean workspace."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def run_diagnostics(self, *, phase_id: str, failure_class: str, context: dict):
        from autopack.diagnostics.agent import DiagnosticsOutcome

        self.calls.append({"phase_id": phase_id, "failure_class": failure_class, **context})
        return DiagnosticsOutcome(failure_class, f"{failure_class} in {phase_id}")


class ScriptedDoctor:
    """A Doctor that answers with the given responses in order and records its requests."""

    def __init__(self, *responses) -> None:
        self.responses = list(responses)
        self.requests: list = []

    def diagnose(self, request):
        self.requests.append(request)
        return self.responses.pop(0)


@pytest.fixture
def make_executor(git_repo: Path):
    """Build (and start) an AutonomousExecutor on `git_repo` for the given phases."""
    from autopack.autonomous_executor import AutonomousExecutor

    created = []

    def factory(phases: list[dict], *, start: bool = True, **kwargs):
        plan = {"run_id": "run-1", "phases": phases}
        plan.update(kwargs.pop("plan_extra", {}))
        kwargs.setdefault("diagnostics_agent", RecordingDiagnostics())
        executor = AutonomousExecutor(run_id="run-1", workspace=git_repo, plan=plan, **kwargs)
        if start:
            executor.start()
        created.append(executor)
        return executor

    yield factory
    for executor in created:
        executor.close()


class RecordingLlm:
    """Wraps an LLM service and records the keyword arguments of every Builder call."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.builder_calls: list[dict] = []

    def execute_builder_phase(self, **kwargs):
        self.builder_calls.append(kwargs)
        return self.inner.execute_builder_phase(**kwargs)

    def execute_auditor_review(self, **kwargs):
        return self.inner.execute_auditor_review(**kwargs)


@pytest.fixture
def db_rows():
    """Query helper: `db_rows(executor, Model)` returns all rows of a table."""
    from sqlalchemy import select

    def query(executor, model):
        with executor._session_factory() as session:
            return list(session.scalars(select(model)))

    return query


@pytest.fixture
def fakes():
    """The recording fakes of this folder: RecordingDiagnostics, ScriptedDoctor, RecordingLlm."""
    from types import SimpleNamespace

    return SimpleNamespace(
        RecordingDiagnostics=RecordingDiagnostics,
        ScriptedDoctor=ScriptedDoctor,
        RecordingLlm=RecordingLlm,
    )
