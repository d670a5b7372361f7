"""GovernedApplyPath: path governance and real `git apply` in a temporary repository."""

from __future__ import annotations

import subprocess
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


# -- paths as git reads them ---------------------------------------------------------------------

ADD_X = "@@ -0,0 +1 @@\n+x\n"


def plain_new_file(header_path: str) -> str:
    """A non-git unified diff creating a file, whose `+++` header is `header_path` as written."""
    return f"--- /dev/null\n+++ {header_path}\n{ADD_X}"


@pytest.mark.parametrize(
    ("header", "git_path", "kind"),
    [
        ("src/.autonomous_runs/evil.txt", ".autonomous_runs/evil.txt", "protected"),
        (
            "x/.autonomous_runs/run-1/run_rollback.log",
            ".autonomous_runs/run-1/run_rollback.log",
            "protected",
        ),
        ("src/outside_scope.txt", "outside_scope.txt", "scope"),
        ("src/.git/hooks/pre-commit", ".git/hooks/pre-commit", "protected"),
    ],
)
def test_headers_without_prefixes_are_checked_as_git_strips_them(
    git_repo: Path, header: str, git_path: str, kind: str
) -> None:
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(plain_new_file(header))
    assert not result.success
    violations = result.protected_violations if kind == "protected" else result.scope_violations
    assert violations == [git_path]
    assert not (git_repo / git_path).exists()
    assert not (git_repo / header).exists()


def test_a_name_with_spaces_inside_the_scope_is_applied(git_repo: Path, new_file_patch) -> None:
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(
        new_file_patch("src/my file.txt", "mine\n")
    )
    assert result.success, result.error
    assert result.files_changed == ["src/my file.txt"]
    assert (git_repo / "src/my file.txt").read_text() == "mine\n"


def test_a_quoted_name_is_unquoted_as_git_does(git_repo: Path) -> None:
    patch = (
        'diff --git "a/src/tab\\there.txt" "b/src/tab\\there.txt"\nnew file mode 100644\n'
        f'--- /dev/null\n+++ "b/src/tab\\there.txt"\n{ADD_X}'
    )
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(patch)
    assert result.success, result.error
    assert result.files_changed == ["src/tab\there.txt"]
    assert (git_repo / "src/tab\there.txt").read_text() == "x\n"


def test_a_quoted_name_into_a_protected_path_is_refused(git_repo: Path) -> None:
    patch = (
        'diff --git "a/.git/hooks/p\\303\\251" "b/.git/hooks/p\\303\\251"\nnew file mode 100644\n'
        f'--- /dev/null\n+++ "b/.git/hooks/p\\303\\251"\n{ADD_X}'
    )
    result = GovernedApplyPath(git_repo).apply_patch(patch)
    assert result.protected_violations == [".git/hooks/pé"]


def rename(source: str, dest: str) -> str:
    return (
        f"diff --git a/{source} b/{dest}\nsimilarity index 100%\n"
        f"rename from {source}\nrename to {dest}\n"
    )


def test_a_rename_inside_the_scope_is_applied_and_lists_both_sides(git_repo: Path) -> None:
    (git_repo / "src").mkdir()
    (git_repo / "src/old name.txt").write_text("kept\n")
    subprocess.run(["git", "add", "src"], cwd=git_repo, check=True)
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(
        rename("src/old name.txt", "src/new name.txt")
    )
    assert result.success, result.error
    assert sorted(result.files_changed) == ["src/new name.txt", "src/old name.txt"]
    assert (git_repo / "src/new name.txt").read_text() == "kept\n"


@pytest.mark.parametrize(
    ("source", "dest", "refused"),
    [
        (
            "README.md",
            ".autonomous_runs/run-1/run_rollback.log",
            ".autonomous_runs/run-1/run_rollback.log",
        ),
        ("README.md", "src/readme.txt", "README.md"),
    ],
    ids=["into-protected", "source-outside-scope"],
)
def test_both_sides_of_a_rename_are_checked(
    git_repo: Path, source: str, dest: str, refused: str
) -> None:
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(rename(source, dest))
    assert not result.success
    assert refused in result.protected_violations + result.scope_violations
    assert (git_repo / "README.md").read_text() == "hello\n"
    assert not (git_repo / dest).exists()


def test_the_source_of_a_copy_is_checked(git_repo: Path) -> None:
    patch = (
        "diff --git a/.git/config b/src/config.txt\nsimilarity index 100%\n"
        "copy from .git/config\ncopy to src/config.txt\n"
    )
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(patch)
    assert result.protected_violations == [".git/config"]
    assert not (git_repo / "src/config.txt").exists()


def symlink(path: str, target: str) -> str:
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 120000\nindex 0000000..1111111\n"
        f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n"
    )


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("/etc/passwd", "scope"),
        ("../../outside", "scope"),
        ("../.git/config", "protected"),
        ("../README.md", "scope"),
    ],
)
def test_a_symlink_leading_outside_the_workspace_or_the_scope_is_refused(
    git_repo: Path, target: str, kind: str
) -> None:
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(symlink("src/link", target))
    assert not result.success
    violations = result.protected_violations if kind == "protected" else result.scope_violations
    assert violations == [f"src/link -> {target}"]
    assert not (git_repo / "src/link").is_symlink()


def test_a_symlink_inside_the_scope_is_applied(git_repo: Path) -> None:
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(symlink("src/link", "target.txt"))
    assert result.success, result.error
    assert (git_repo / "src/link").is_symlink()
    assert (git_repo / "src/link").readlink().as_posix() == "target.txt"


def test_an_approved_protected_path_given_without_prefixes_is_applied_where_git_writes(
    git_repo: Path,
) -> None:
    patch = plain_new_file("src/.autonomous_runs/note.txt")
    approved = GovernedApplyPath(
        git_repo, approved_protected_paths=[".autonomous_runs/note.txt"]
    ).apply_patch(patch)
    assert approved.success, approved.error
    assert (git_repo / ".autonomous_runs/note.txt").read_text() == "x\n"


@pytest.mark.parametrize(
    "patch",
    [
        "diff --git a/README.md b/README.md\ndeleted file mode 100644\n--- a/README.md\n"
        "+++ /dev/null\n@@ -1 +0,0 @@\n-hello\n",
        "diff --git a/README.md b/README.md\nold mode 100644\nnew mode 100755\n",
        "--- README.md\n+++ README.md\n@@ -1 +1 @@\n-hello\n+bye\n",
    ],
    ids=["deletion", "mode-change", "plain-header-with-one-component"],
)
def test_a_deletion_or_mode_change_outside_the_scope_is_refused(git_repo: Path, patch: str) -> None:
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(patch)
    assert not result.success
    assert result.scope_violations, result.error
    assert (git_repo / "README.md").read_text() == "hello\n"


def test_a_file_beyond_an_existing_symlink_is_not_written(
    git_repo: Path, tmp_path: Path, new_file_patch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (git_repo / "src").mkdir()
    (git_repo / "src/ext").symlink_to(outside)
    result = GovernedApplyPath(git_repo, ["src/"]).apply_patch(
        new_file_patch("src/ext/f.txt", "x\n")
    )
    assert not result.success
    assert "beyond a symbolic link" in result.error
    assert list(outside.iterdir()) == []
