"""The golden guard over real git histories built in temporary repositories."""

from __future__ import annotations

import pytest

from check_golden_guard import GUARDED_SUBJECT, main


def _run(repo, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--repo", str(repo.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def history(git_repo):
    """A history with a root, a capture of goldens and a clean move."""
    git_repo.commit("feat: executor", {"src/pkg/exec.py": "def f():\n    return 1\n"})
    git_repo.commit("capture: goldens for f", {"golden/f/basic.txt": "v1\n"})
    git_repo.commit(
        "move: f to executor/f.py",
        {"src/pkg/exec.py": "", "src/pkg/executor/f.py": "def f():\n    return 1\n"},
    )
    return git_repo


def test_clean_history_passes(history, capsys):
    code, out, _ = _run(history, capsys)
    assert code == 0
    assert "3 commits" in out
    assert "1 move or refactor commits" in out


def test_move_commit_touching_golden_fails_and_names_commit_and_files(history, capsys):
    sha = history.commit(
        "move: ci runner",
        {"src/pkg/ci.py": "x = 1\n", "golden/f/basic.txt": "v2\n", "golden/ci/new.txt": "n\n"},
    )
    code, out, _ = _run(history, capsys)
    assert code == 1
    assert f"{sha} 'move: ci runner'" in out
    assert "M golden/f/basic.txt" in out
    assert "A golden/ci/new.txt" in out
    assert "capture:" in out  # the fix is named


def test_capture_commit_touching_golden_passes(history, capsys):
    history.commit("capture: refresh goldens", {"golden/f/basic.txt": "v2\n"})
    code, _, _ = _run(history, capsys)
    assert code == 0


def test_scoped_move_deletion_and_rename_are_named(history, capsys):
    history.commit("capture: second golden", {"golden/f/other.txt": "o\n" * 20})
    sha_del = history.commit("move(ci): drop", {"golden/f/basic.txt": None})
    (history.root / "golden" / "g").mkdir()
    history.git("mv", "golden/f/other.txt", "golden/g/other.txt")
    sha_ren = history.commit("Move!: rename seam folder")
    code, out, _ = _run(history, capsys)
    assert code == 1
    assert f"{sha_del} 'move(ci): drop'" in out
    assert "D golden/f/basic.txt" in out
    assert f"{sha_ren} 'Move!: rename seam folder'" in out
    assert "R golden/f/other.txt -> golden/g/other.txt" in out


def test_base_limits_the_range(history, capsys):
    history.commit("move: bad", {"golden/f/basic.txt": "v2\n"})
    base = history.git("rev-parse", "HEAD").strip()
    history.commit("fix: later", {"src/pkg/later.py": "y = 2\n"})
    assert _run(history, capsys, "--base", base)[0] == 0
    assert _run(history, capsys, "--base", "HEAD~2")[0] == 1


def test_root_commit_is_checked_without_base(git_repo, capsys):
    git_repo.commit("move: everything at once", {"golden/a.txt": "a\n"})
    code, out, _ = _run(git_repo, capsys)
    assert code == 1
    assert "A golden/a.txt" in out


def test_custom_golden_dir(history, capsys):
    history.commit("move: touches snapshots", {"snapshots/x.txt": "x\n"})
    assert _run(history, capsys)[0] == 0
    assert _run(history, capsys, "--golden-dir", "snapshots/")[0] == 1


def test_unknown_revision_is_a_clear_error(history, capsys):
    code, _, err = _run(history, capsys, "--base", "no-such-branch")
    assert code == 2
    assert "unknown revision 'no-such-branch'" in err


def test_golden_dir_outside_repository_is_rejected(history, capsys):
    code, _, err = _run(history, capsys, "--golden-dir", "../golden")
    assert code == 2
    assert "'../golden'" in err


def test_base_not_an_ancestor_checks_commits_after_merge_base(history, capsys):
    history.git("checkout", "--quiet", "-b", "side", "HEAD~1")
    history.commit("fix: side work", {"src/pkg/side.py": "s = 1\n"})
    history.git("checkout", "--quiet", "main")
    sha = history.commit("move: after fork", {"golden/f/basic.txt": "v3\n"})
    code, out, _ = _run(history, capsys, "--base", "side")
    assert code == 1
    assert "is not an ancestor" in out
    assert sha in out


def test_merge_commit_is_judged_against_first_parent(history, capsys):
    history.git("checkout", "--quiet", "-b", "side")
    history.commit("capture: side goldens", {"golden/side/s.txt": "s\n"})
    history.git("checkout", "--quiet", "main")
    history.commit("fix: main work", {"src/pkg/m.py": "m = 1\n"})
    history.git("merge", "--quiet", "--no-ff", "-m", "move: merge side", "side")
    code, out, _ = _run(history, capsys)
    assert code == 1
    assert "'move: merge side'" in out
    assert "A golden/side/s.txt" in out


def test_ordinary_merge_of_capture_branch_passes(history, capsys):
    history.git("checkout", "--quiet", "-b", "side")
    history.commit("capture: side goldens", {"golden/side/s.txt": "s\n"})
    history.git("checkout", "--quiet", "main")
    history.commit("fix: main work", {"src/pkg/m.py": "m = 1\n"})
    history.git("merge", "--quiet", "--no-ff", "-m", "Merge branch 'side'", "side")
    assert _run(history, capsys)[0] == 0


@pytest.mark.parametrize(
    ("subject", "guarded"),
    [
        ("move: x", True),
        ("move(ci_runner): x", True),
        ("move!: x", True),
        ("MOVE: x", True),
        ("moved: x", False),
        ("remove: x", False),
        ("capture: move: x", False),
        ("fix: move x", False),
        ("refactor: x", True),
        ("refactor(p10): x", True),
        ("Refactor!: x", True),
        ("refactoring: x", False),
        ("fix: refactor x", False),
    ],
)
def test_guarded_subject_pattern(subject, guarded):
    assert (GUARDED_SUBJECT.match(subject) is not None) is guarded


def test_refactor_commit_touching_golden_fails_like_a_move(history, capsys):
    sha = history.commit(
        "refactor: merge the batching loops",
        {"src/pkg/exec.py": "def f():\n    return 2\n", "golden/f/basic.txt": "v2\n"},
    )
    code, out, _ = _run(history, capsys)
    assert code == 1
    assert f"{sha} 'refactor: merge the batching loops'" in out
    assert "M golden/f/basic.txt" in out
    assert "1 move or refactor commits change golden/" in out


def test_refactor_commit_leaving_golden_alone_passes(history, capsys):
    history.commit("refactor: rename a helper", {"src/pkg/exec.py": "def g():\n    return 1\n"})
    code, out, _ = _run(history, capsys)
    assert code == 0
    assert "2 move or refactor commits" in out
