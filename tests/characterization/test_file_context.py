"""Characterization of `_load_file_context`: the files the Builder gets for one attempt.

The seam reads real files from the scenario's workspace: every file under each allowed path (a
folder is walked in sorted order without `.git`, `.autonomous_runs` and `__pycache__`; a file is
taken as it is), then the phase's `scope.read_only_context` the same way, marked read-only. A file
is read once; files over 200,000 bytes, files that are not UTF-8 and files that cannot be read are
left out, and at most 200 files are read. Paths are not confined to the workspace: a symlinked
file is followed and an allowed path with `../` is read (both pinned as they are). The result is
returned; nothing is written. The
"too large" message is a DEBUG log, which goldens do not record: scenarios that reach it observe it.
"""

from __future__ import annotations

import copy
import logging
import re
from pathlib import Path
from typing import Any

import pytest

from autopack.autonomous_executor import AutonomousExecutor
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "file_context",
    covers=[
        "autopack.executor.builder_context:load_file_context",
        "autopack.autonomous_executor:AutonomousExecutor._load_file_context",
        "autopack.executor.builder_context:MAX_CONTEXT_FILES",
        "autopack.executor.builder_context:MAX_CONTEXT_FILE_BYTES",
    ],
)

_LONG_RUN = re.compile(r"x{100,}")


def collapse_xs(text: str) -> str:
    """Normalizer: a long run of `x` (a large file's content) becomes `<N x 'x'>`."""
    return _LONG_RUN.sub(lambda m: f"<{len(m.group())} x 'x'>", text)


def write(workspace: Path, files: dict[str, str | bytes]) -> None:
    """Create `files` (relative path -> text or bytes) in the workspace, in the order given."""
    for relative, content in files.items():
        target = workspace / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


@pytest.fixture
def executor(make_executor: Any) -> AutonomousExecutor:
    return make_executor(real=["_load_file_context"])


def load(
    golden: Recorder,
    executor: AutonomousExecutor,
    allowed_paths: list[str] | None,
    scope: Any = None,
    **phase: Any,
) -> Any:
    """Run the seam for phase `ctx` with `scope` (left out of the phase when None) and `phase`.

    The seam gets fresh copies of `allowed_paths` and `scope` (parametrize values are shared).
    """
    spec: dict[str, Any] = {"phase_id": "ctx", **copy.deepcopy(phase)}
    if scope is not None:
        spec["scope"] = copy.deepcopy(scope)
    return golden.call(executor._load_file_context, spec, copy.deepcopy(allowed_paths))


def test_small_files_under_the_allowed_paths_are_read_in_sorted_order(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(
        golden.workspace,
        {
            "src/zeta.py": "Z = 1\n",
            "src/b/two.py": "TWO = 2\n",
            "src/a/one.py": "ONE = 1\n",
            "src/alpha.py": "A = 1\n",
            "src/__pycache__/alpha.cpython-312.pyc": b"\x00\x01",
            "tests/test_alpha.py": "def test_a():\n    pass\n",
            "docs/guide.md": "# Guide\n",
            "setup.cfg": "[metadata]\n",
        },
    )
    load(golden, executor, ["src/", "tests"], scope={"paths": ["src/", "tests"]})


def test_the_whole_workspace_skips_git_runs_and_caches(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(
        golden.workspace,
        {
            "app.py": "print('hi')\n",
            ".git/HEAD": "ref: refs/heads/main\n",
            ".autonomous_runs/run-char/ci/p.log": "1 passed\n",
            "pkg/__pycache__/mod.pyc": "cached\n",
            "pkg/mod.py": "X = 1\n",
            "pkg/.gitignore": "*.pyc\n",
        },
    )
    load(golden, executor, ["."])


def test_scope_paths_are_a_copy_of_the_allowed_paths(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    allowed = ["src/"]
    result = golden.call(executor._load_file_context, {"phase_id": "ctx"}, allowed)
    result["scope_paths"].append("added/")
    golden.observe("allowed paths after the caller changes scope_paths", allowed)


def test_files_over_the_size_limit_are_left_out(
    golden: Recorder, executor: AutonomousExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    golden.normalize(collapse_xs)
    caplog.set_level(logging.DEBUG, logger="autopack")
    write(
        golden.workspace,
        {
            "src/at_limit.txt": "x" * 200_000,
            "src/over_limit.txt": "x" * 200_001,
            "docs/huge.md": "x" * 300_000,
            "src/small.py": "S = 1\n",
        },
    )
    load(golden, executor, ["src/"], scope={"read_only_context": ["docs/"]})
    golden.observe(
        "debug log",
        [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG],
    )


def test_binary_and_unreadable_files_are_left_out(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(
        golden.workspace,
        {
            "src/logo.png": b"\x89PNG\r\n\x1a\n\xff\xfe",
            "src/latin1.txt": "caf\xe9".encode("latin-1"),
            "src/ok.py": "OK = True\n",
        },
    )
    (golden.workspace / "src" / "dangling.py").symlink_to(golden.workspace / "gone.py")
    load(golden, executor, ["src/"])


def test_missing_paths_give_nothing(golden: Recorder, executor: AutonomousExecutor) -> None:
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    load(
        golden,
        executor,
        ["lib/", "src/missing.py"],
        scope={"read_only_context": ["docs/", "README.md"]},
    )


def test_files_outside_the_allowed_paths_are_not_read(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(
        golden.workspace,
        {
            "src/api/routes.py": "ROUTES = []\n",
            "src/apiary.py": "BEES = 3\n",
            "src/web/page.py": "PAGE = ''\n",
            "secrets.env": "TOKEN=1\n",
        },
    )
    load(golden, executor, ["src/api"])


def test_read_only_context_is_read_and_marked_read_only(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(
        golden.workspace,
        {
            "src/app.py": "A = 1\n",
            "src/shared.py": "SHARED = 1\n",
            "docs/guide.md": "# Guide\n",
            "docs/api/ref.md": "# Ref\n",
            "README.md": "# Readme\n",
        },
    )
    load(
        golden,
        executor,
        ["src/"],
        scope={"paths": ["src/"], "read_only_context": ["docs/", "README.md", "src/shared.py"]},
    )


def test_a_file_given_as_a_path_is_read_by_its_name(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(
        golden.workspace,
        {"src/app.py": "A = 1\n", "src/other.py": "B = 2\n", "docs/INDEX": "contents\n"},
    )
    load(
        golden,
        executor,
        ["src/app.py/"],
        scope={"read_only_context": ["src/other.py", "docs/INDEX/"]},
    )


def test_a_read_only_entry_that_is_not_text_is_taken_as_its_name(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    """YAML reads a folder named `2024` as the number 2024."""
    write(golden.workspace, {"2024/notes.md": "# 2024\n", "7": "seven\n"})
    load(golden, executor, [], scope={"read_only_context": [2024, 7]})


def test_at_most_two_hundred_files_are_read(golden: Recorder, executor: AutonomousExecutor) -> None:
    """199 allowed files, then read-only context: the 200th file is read, the next ones are not."""
    write(golden.workspace, {f"src/m{n:03d}.py": "" for n in range(199)})
    write(golden.workspace, {"docs/a.md": "a\n", "docs/b.md": "b\n"})
    load(golden, executor, ["src/m000.py", "src/"], scope={"read_only_context": ["docs/"]})


@pytest.mark.parametrize(
    ("allowed_paths", "scope"),
    [
        pytest.param(None, None, id="no_allowed_paths_no_scope"),
        pytest.param([], {}, id="empty_allowed_paths_empty_scope"),
        pytest.param(None, {"read_only_context": None}, id="read_only_context_none"),
    ],
)
def test_nothing_to_read(
    golden: Recorder, executor: AutonomousExecutor, allowed_paths: Any, scope: Any
) -> None:
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    load(golden, executor, allowed_paths, scope)


def test_scope_none_reads_only_the_allowed_paths(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    golden.call(executor._load_file_context, {"phase_id": "ctx", "scope": None}, ["src/"])


def test_a_symlink_to_a_file_outside_the_workspace_is_left_out(
    golden: Recorder, executor: AutonomousExecutor, tmp_path: Path
) -> None:
    """The outside file's text never reaches the Builder; a warning names the link."""
    write(tmp_path, {"outside/credentials.txt": "user=admin\n"})
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    (golden.workspace / "src" / "settings.txt").symlink_to(tmp_path / "outside/credentials.txt")
    load(golden, executor, ["src/"])


def test_an_allowed_path_above_the_workspace_is_left_out(
    golden: Recorder, executor: AutonomousExecutor, tmp_path: Path
) -> None:
    """A path that `../` leads out of the workspace is not read; a warning names it."""
    write(tmp_path, {"sibling/notes.md": "# sibling\n"})
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    load(golden, executor, ["src/", "../sibling/"])


def test_an_absolute_allowed_path_is_left_out(
    golden: Recorder, executor: AutonomousExecutor, tmp_path: Path
) -> None:
    """An absolute path outside the workspace is not read, as a file or as a folder."""
    write(tmp_path, {"sibling/notes.md": "# sibling\n"})
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    sibling = tmp_path / "sibling"
    load(golden, executor, ["src/", str(sibling), str(sibling / "notes.md")])


def test_a_symlink_inside_the_workspace_is_read_under_its_name(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    """A link to another workspace file stays inside it, so it is read."""
    write(golden.workspace, {"src/app.py": "A = 1\n", "docs/shared.md": "# shared\n"})
    (golden.workspace / "src" / "shared.md").symlink_to(golden.workspace / "docs" / "shared.md")
    load(golden, executor, ["src/"])


def test_a_linked_folder_outside_the_workspace_is_left_out(
    golden: Recorder, executor: AutonomousExecutor, tmp_path: Path
) -> None:
    """A folder link leading out of the workspace, given as an allowed path, is not walked."""
    write(tmp_path, {"elsewhere/secret.py": "TOKEN = 'x'\n"})
    write(golden.workspace, {"src/app.py": "A = 1\n"})
    (golden.workspace / "vendor").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    load(golden, executor, ["src/", "vendor/"])


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
