"""What docs/adopting.md tells a project to write, run as written in a copy of the example project
(packaging/golden-harness/example): the pytest 9 configuration table, the recipe that keeps the
project's own conftest.py and addopts away from the scenarios, and setup done before the ``golden``
fixture. Each run is a fresh pytest process, as a user's would be."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.conftest import ci_variable_names

REPO = Path(__file__).resolve().parents[2]
PAGE = (REPO / "docs/adopting.md").read_text(encoding="utf-8")
EXAMPLE = REPO / "packaging/golden-harness/example"
SCENARIOS = "tests/characterization"
PROJECT_TABLE = '[project]\nname = "notebook"\nversion = "0.1.0"\n\n'


def _block(language: str, contains: str, without: str = "\0") -> str:
    """The page's one ``language`` code block that contains ``contains`` and not ``without``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", PAGE, re.DOTALL)
    (found,) = [block for block in blocks if contains in block and without not in block]
    return str(found)


def _project(tmp_path: Path, pyproject: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".github", ".pre-commit*"))
    (root / "pyproject.toml").write_text(PROJECT_TABLE + pyproject, encoding="utf-8")
    return root


def _run(root: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command of the virtual environment in ``root``, outside CI, with ``env`` added."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ci_variable_names() and not k.startswith("PYTEST_XDIST")
    }
    environ.pop("PYTEST_ADDOPTS", None)
    environ.pop("PYTHONPATH", None)
    environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environ["PATH"]])
    environ.update(env)
    return subprocess.run(
        [*argv], cwd=root, env=environ, capture_output=True, text=True, check=False
    )


def _pytest(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _run(root, sys.executable, "-m", "pytest", "-p", "no:randomly", *args, **env)


@pytest.mark.skipif(pytest.version_tuple < (9,), reason="[tool.pytest] is read by pytest 9")
def test_the_pytest_9_table_configures_the_scenarios_and_refuses_what_the_page_says(
    tmp_path: Path,
) -> None:
    table = _block("toml", "[tool.pytest]\n")
    root = _project(tmp_path, table)
    (root / "golden.lock").write_text("")

    captured = _pytest(root, "--snapshot-update", "-q")
    assert captured.returncode == 0, captured.stdout + captured.stderr
    assert (root / "golden/note_store/test_add_note.golden.yaml").is_file()
    assert _pytest(root, "-q").returncode == 0

    (root / "pyproject.toml").write_text(PROJECT_TABLE + table + "golden_seed = 7\n")
    typed = _pytest(root, "-q")
    assert typed.returncode != 0
    assert "config option 'golden_seed' expects a string, got int" in typed.stdout + typed.stderr

    both = PROJECT_TABLE + table + '\n[tool.pytest.ini_options]\naddopts = "-ra"\n'
    (root / "pyproject.toml").write_text(both)
    refused = _pytest(root, "-q")
    assert refused.returncode != 0
    assert "Cannot use both [tool.pytest] (native TOML types) and" in refused.stderr


def test_the_conftest_recipe_keeps_the_projects_conftest_and_addopts_away(tmp_path: Path) -> None:
    root = _project(tmp_path, _block("toml", "--ignore=tests/characterization"))
    # The project's own tests need a dependency this environment lacks.
    (root / "tests/conftest.py").write_text("import notebook_test_only_dependency\n")
    recipe = _block("bash", "export PYTEST_ADDOPTS=")
    (value,) = re.findall(r"^export PYTEST_ADDOPTS=(.*)$", recipe, re.MULTILINE)
    addopts = shlex.split(value)[0]

    without = _pytest(root, SCENARIOS, "-q")
    assert without.returncode != 0
    assert "notebook_test_only_dependency" in without.stdout + without.stderr

    captured = _pytest(root, "--snapshot-update", SCENARIOS, "-q", PYTEST_ADDOPTS=addopts)
    assert captured.returncode == 0, captured.stdout + captured.stderr
    verified = _pytest(root, SCENARIOS, "-q", PYTEST_ADDOPTS=addopts)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 passed" in verified.stdout

    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "capture"]):
        _run(root, "git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args)
    moved = _run(root, "golden", "verify-move", "--base", "HEAD", PYTEST_ADDOPTS=addopts)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert "1 equal, 0 different" in moved.stdout


SETUP_SCENARIOS = """\
import shutil
import subprocess

import pytest
from notebook.store import NoteStore

from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam("note_store", covers=["notebook.store:NoteStore.add"])


@pytest.fixture(scope="module")
def notes_repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    (root / "notes").mkdir()
    (root / "notes" / "old.md").write_text("# Old\\n")
    return root


@pytest.fixture
def late_repo(golden):
    subprocess.run(["git", "init", "--quiet"], cwd=golden.workspace, check=True)


def test_add_note_to_a_repository(golden: Recorder, notes_repo) -> None:
    shutil.copytree(notes_repo, golden.workspace, dirs_exist_ok=True)
    assert (golden.workspace / ".git").is_dir()
    golden.fake("audit.log", returns=None)
    golden.fake("audit").log("setup")
    golden.trace.clear()
    golden.subprocess(["git", "add", "notes/shopping-list.md"])
    golden.subprocess(["git", "commit", golden.any()])
    golden.subprocess(["git", "rev-parse", "--short", "HEAD"], stdout="1a2b3c4\\n")
    golden.call(NoteStore(golden.workspace).add, "Shopping list", "milk, eggs")


def test_a_command_after_the_golden_fixture_is_refused(golden: Recorder, late_repo) -> None:
    golden.call(NoteStore(golden.workspace).add, "Shopping list", "milk, eggs")
"""


def test_setup_before_the_golden_fixture_is_not_in_the_golden(tmp_path: Path) -> None:
    root = _project(tmp_path, _block("toml", "[tool.pytest.ini_options]", without="addopts"))
    (root / SCENARIOS / "test_note_store.py").write_text(SETUP_SCENARIOS)
    assert "def notes_repo(tmp_path_factory):" in _block("python", "def notes_repo(")

    done = _pytest(root, "--snapshot-update", "-q")

    assert done.returncode == 1
    assert "1 passed" in done.stdout
    assert "UnscriptedSubprocessError: Unscripted subprocess ['git', 'init', '--quiet']" in (
        done.stdout
    )
    golden = (root / "golden/note_store/test_add_note_to_a_repository.golden.yaml").read_text()
    assert "audit" not in golden
    assert "old.md" not in golden
    assert '- subprocess:\n    - "git"\n    - "add"' in golden
    assert "shopping-list.md" in golden
