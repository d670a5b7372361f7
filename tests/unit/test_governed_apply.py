"""GovernedApplyPath: path governance and real `git apply` in a temporary repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from autopack.governed_apply import GovernedApplyPath, patch_paths

MODIFY_README = (
    "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n"
    "@@ -1 +1 @@\n-hello\n+hello, world\n"
)


def test_applies_a_new_file_and_a_modification(git_repo: Path, new_file_patch) -> None:
    patch = new_file_patch("src/app.py", "x = 1\n") + MODIFY_README
    result = GovernedApplyPath(git_repo, ["src/", "README.md"]).apply_patch(patch)
    assert result.success, result.error
    assert result.files_changed == ["src/app.py", "README.md"]
    assert (git_repo / "src/app.py").read_text() == "x = 1\n"
    assert (git_repo / "README.md").read_text() == "hello, world\n"


def test_a_patch_that_does_not_apply_changes_nothing(git_repo: Path, new_file_patch) -> None:
    stale = MODIFY_README.replace("-hello\n", "-goodbye\n")
    patch = new_file_patch("src/app.py", "x = 1\n") + stale
    result = GovernedApplyPath(git_repo).apply_patch(patch)
    assert not result.success
    assert result.error.startswith("git apply failed: ")
    assert "README.md" in result.error
    assert not (git_repo / "src/app.py").exists()
    assert (git_repo / "README.md").read_text() == "hello\n"


def test_an_existing_file_blocks_a_creating_patch(git_repo: Path, new_file_patch) -> None:
    (git_repo / "notes.txt").write_text("mine\n")
    result = GovernedApplyPath(git_repo).apply_patch(new_file_patch("notes.txt", "theirs\n"))
    assert not result.success
    assert "notes.txt: already exists in working directory" in result.error
    assert (git_repo / "notes.txt").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("../outside.txt", "scope"),
        ("src/../../outside.txt", "scope"),
        ("/etc/autopack.txt", "scope"),
        (".git/hooks/pre-commit", "protected"),
        (".autonomous_runs/run/state.json", "protected"),
        ("docs/guide.md", "scope"),
    ],
)
def test_refuses_traversal_absolute_protected_and_out_of_scope_paths(
    git_repo: Path, path: str, kind: str, new_file_patch
) -> None:
    patch = new_file_patch(path, "bad\n")
    if path.startswith("/"):
        patch = patch.replace(f"b{path}", path).replace(f"a{path}", path)
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(patch)
    assert not result.success
    violations = result.protected_violations if kind == "protected" else result.scope_violations
    assert violations == [path]
    assert result.error.startswith("patch refused: ")
    assert not (git_repo.parent / "outside.txt").exists()
    assert not (git_repo / "docs").exists()


def test_the_database_file_is_protected_when_named(git_repo: Path, new_file_patch) -> None:
    governed = GovernedApplyPath(git_repo, protected_paths=["state/autopack.db"])
    result = governed.apply_patch(new_file_patch("state/autopack.db", "x\n"))
    assert result.protected_violations == ["state/autopack.db"]


def test_an_approved_protected_path_is_applied(git_repo: Path, new_file_patch) -> None:
    patch = new_file_patch(".autonomous_runs/note.txt", "ok\n")
    refused = GovernedApplyPath(git_repo).apply_patch(patch)
    assert refused.protected_violations == [".autonomous_runs/note.txt"]
    approved = GovernedApplyPath(
        git_repo, approved_protected_paths=[".autonomous_runs/note.txt"]
    ).apply_patch(patch)
    assert approved.success, approved.error
    assert (git_repo / ".autonomous_runs/note.txt").read_text() == "ok\n"


def test_full_file_mode_recounts_inexact_hunk_headers(git_repo: Path, new_file_patch) -> None:
    patch = new_file_patch("a.txt", "one\ntwo\n").replace("@@ -0,0 +1,2 @@", "@@ -0,0 +1,5 @@")
    assert not GovernedApplyPath(git_repo).apply_patch(patch, full_file_mode=False).success
    assert GovernedApplyPath(git_repo).apply_patch(patch, full_file_mode=True).success
    assert (git_repo / "a.txt").read_text() == "one\ntwo\n"


@pytest.mark.parametrize(
    ("patch", "message"),
    [("", "empty patch"), ("   \n", "empty patch"), ("just text\n", "not a unified diff")],
)
def test_empty_and_non_diff_input_is_refused(git_repo: Path, patch: str, message: str) -> None:
    result = GovernedApplyPath(git_repo).apply_patch(patch)
    assert not result.success
    assert result.error.startswith(message)


def test_patch_paths_reads_headers_and_skips_dev_null(new_file_patch) -> None:
    patch = new_file_patch("a/b.py", "x\n") + MODIFY_README
    patch += "diff --git a/old.txt b/new.txt\nrename from old.txt\nrename to new.txt\n"
    assert patch_paths(patch) == ["a/b.py", "README.md", "old.txt", "new.txt"]
