"""The CI examples for a project that adopts golden-harness, run as they would run there: the
GitHub Actions workflow's steps (through scripts/run_workflow_step.py, as the runner would) and the
pre-commit hook's entry, in a scratch git repository holding the example project of
packaging/golden-harness/example, its golden captured, then a pure move and a move that is not.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from guardrail_helpers import REPO_ROOT, write_tree

EXAMPLE = REPO_ROOT / "packaging/golden-harness/example"
WORKFLOW = EXAMPLE / ".github/workflows/goldens.yml"
HOOKS = EXAMPLE / ".pre-commit-config.yaml"
RUN_STEP = REPO_ROOT / "scripts/run_workflow_step.py"
# A change of behaviour made on the way: the full commit hash instead of the short one.
CHANGE = ('"--short", ', "")

# NoteStore.add's body, moved to notebook.commits.add_note behind a thin wrapper.
COMMITS_HEADER = '''\
"""Committing notes, moved out of NoteStore."""

from __future__ import annotations

import logging
import re
import subprocess
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


def add_note(store, title: str, body: str) -> dict[str, str]:
'''


def _moved(store_py: str, *, change: tuple[str, str] | None = None) -> dict[str, str]:
    """The files of the move of ``NoteStore.add`` (with ``change`` made in the moved body)."""
    head, _, body = store_py.partition(
        "    def add(self, title: str, body: str) -> dict[str, str]:\n"
    )
    moved = "".join(
        line[4:] if line.strip() else line for line in body.splitlines(keepends=True)
    ).replace("self.", "store.")
    if change is not None:
        moved = moved.replace(*change)
    wrapper = (
        "    def add(self, title: str, body: str) -> dict[str, str]:\n"
        '        """Write the note, commit it, and return its id, file and commit."""\n'
        "        return commits.add_note(self, title, body)\n"
    )
    store = head.replace(
        "from pathlib import Path\n", "from pathlib import Path\n\nfrom notebook import commits\n"
    )
    return {
        "src/notebook/commits.py": COMMITS_HEADER + moved,
        "src/notebook/store.py": store + wrapper,
    }


class Repo:
    """A git repository with a fixed identity."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def commit(self, subject: str, files: dict[str, str] | None = None) -> str:
        """Write ``files``, commit everything as ``subject``; return the commit id."""
        write_tree(self.root, files or {})
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", subject)
        return self.git("rev-parse", "HEAD").strip()


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_ADDOPTS", "GITHUB_ACTIONS"} and not k.startswith("PYTEST_XDIST")
    }
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


@pytest.fixture
def project(tmp_path: Path) -> tuple[Repo, str]:
    """The example project in a git repository: its code, then its captured golden (a
    ``capture:`` commit); returns the repository and the first commit."""
    repo = Repo(tmp_path / "project")
    shutil.copytree(EXAMPLE, repo.root)
    repo.git("init", "--quiet", "--initial-branch=main")
    first = repo.commit("the note store")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--snapshot-update", "-p", "no:randomly"],
        cwd=repo.root,
        env=_env(CI="false"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    repo.commit("capture: note_store")
    return repo, first


def _step(repo: Repo, step_id: str, summary: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the workflow step ``step_id`` in ``repo`` as the runner would, with ``CI=true``."""
    given = [f"{k}={v}" for k, v in env.items()]
    return subprocess.run(
        [sys.executable, str(RUN_STEP), str(WORKFLOW), "goldens", step_id, "--cwd", str(repo.root)]
        + (["--env", *given] if given else []),
        env=_env(CI="true", GITHUB_STEP_SUMMARY=str(summary)),
        capture_output=True,
        text=True,
        check=False,
    )


def _hook(repo: Repo, subject: str) -> subprocess.CompletedProcess[str]:
    """Run the pre-commit hook's entry as pre-commit runs it at the commit-msg stage: the entry,
    then the file holding the commit message."""
    config = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = [h for r in config["repos"] for h in r["hooks"] if h["id"] == "golden-check-move"]
    assert hook["stages"] == ["commit-msg"]
    message = repo.root / ".git" / "COMMIT_EDITMSG"
    message.write_text(f"{subject}\n\nbody\n", encoding="utf-8")
    return subprocess.run(
        [*shlex.split(hook["entry"]), str(message)],
        cwd=repo.root,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_workflow_refuses_a_capture_compares_goldens_and_reviews_a_pure_move(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    repo, first = project
    summary = tmp_path / "summary.md"
    store_py = (repo.root / "src/notebook/store.py").read_text(encoding="utf-8")
    repo.commit("move: NoteStore.add to notebook.commits", _moved(store_py))

    refused = _step(repo, "refuse-capture", summary)
    assert refused.returncode == 0, refused.stdout + refused.stderr
    assert "golden_harness refuses --snapshot-update because CI='true' is set" in refused.stdout

    goldens = _step(repo, "goldens", summary)
    assert goldens.returncode == 0, goldens.stdout + goldens.stderr
    assert "1 passed" in goldens.stdout

    reviewed = _step(repo, "review", summary, BASE=first)
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    text = summary.read_text(encoding="utf-8")
    assert "move: NoteStore.add to notebook.commits" in text
    assert "✅ pure move" in text
    assert "golden/note_store/test_add_note.golden.yaml" in text  # the capture's new golden

    push = _step(repo, "review", tmp_path / "push.md", BASE="0" * 40)
    assert push.returncode == 0
    assert "no commit before this push to review against" in push.stdout


def test_the_workflow_fails_a_move_that_changes_behaviour(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    repo, first = project
    summary = tmp_path / "summary.md"
    store_py = (repo.root / "src/notebook/store.py").read_text(encoding="utf-8")
    changed = _moved(store_py, change=CHANGE)
    repo.commit("move: NoteStore.add to notebook.commits", changed)

    goldens = _step(repo, "goldens", summary)
    assert goldens.returncode == 1
    assert "1 failed" in goldens.stdout

    reviewed = _step(repo, "review", summary, BASE=first)
    assert reviewed.returncode == 1
    assert "❌ not a pure move" in summary.read_text(encoding="utf-8")


def test_the_pre_commit_hook_checks_a_move_commit_before_it_is_made(
    project: tuple[Repo, str],
) -> None:
    repo, _ = project
    store_py = (repo.root / "src/notebook/store.py").read_text(encoding="utf-8")
    write_tree(repo.root, _moved(store_py))
    repo.git("add", "--all")

    pure = _hook(repo, "move: NoteStore.add to notebook.commits")
    assert pure.returncode == 0, pure.stdout + pure.stderr
    assert "pure move        notebook.commits.add_note" in pure.stdout
    scoped = _hook(repo, "Move(store): NoteStore.add to notebook.commits")
    assert scoped.returncode == 0
    assert "1 pure move(s)" in scoped.stdout

    write_tree(
        repo.root,
        {"src/notebook/commits.py": _moved(store_py, change=CHANGE)["src/notebook/commits.py"]},
    )
    repo.git("add", "--all")
    impure = _hook(repo, "move!: NoteStore.add to notebook.commits")
    assert impure.returncode == 1
    assert "NOT A PURE MOVE  notebook.commits.add_note" in impure.stdout

    other = _hook(repo, "fix: the short hash is the full hash now")
    assert (other.returncode, other.stdout, other.stderr) == (0, "", "")
