"""verify_workspace_structure.py on synthetic git repositories."""

from __future__ import annotations

from verify_workspace_structure import main

LAYOUT = """# Layout

Intro naming `not/an/entry` in a paragraph.

- `docs/` the docs
- `src/` the code, with a nested list:
  - `nested.txt` is not a top-level entry
- `pyproject.toml` metadata
- plain item without code
"""
FILES = {"docs/layout.md": LAYOUT, "src/pkg/__init__.py": "", "pyproject.toml": ""}


def _run(repo, capsys, *args: str) -> tuple[int, str]:
    code = main(["--root", str(repo.root), *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_matching_layout_passes(doc_repo, capsys):
    doc_repo.write(FILES).track()
    code, out = _run(doc_repo, capsys)
    assert code == 0, out
    assert "3 top-level entries" in out


def test_undocumented_tracked_entry_fails(doc_repo, capsys):
    doc_repo.write({**FILES, "notes.txt": "x", "tools/a.py": ""}).track()
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "'notes.txt' is tracked at the top level but not documented in docs/layout.md" in out
    assert "'tools/' is tracked" in out


def test_untracked_entry_is_ignored(doc_repo, capsys):
    doc_repo.write(FILES).track()
    doc_repo.write({"scratch/x.txt": "local only"})
    assert _run(doc_repo, capsys)[0] == 0


def test_documented_entry_missing_from_repository_fails(doc_repo, capsys):
    doc_repo.write({**FILES, "docs/layout.md": LAYOUT + "- `golden/` goldens\n"}).track()
    (doc_repo.root / "golden").mkdir()  # an empty folder is not in a clean clone
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "docs/layout.md:10: 'golden/' is documented but not in the repository" in out


def test_kind_mismatch_and_duplicate_fail(doc_repo, capsys):
    layout = LAYOUT.replace("- `pyproject.toml`", "- `pyproject.toml/`") + "- `docs/` again\n"
    doc_repo.write({**FILES, "docs/layout.md": layout}).track()
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "'pyproject.toml/' is a file in the repository; write it as 'pyproject.toml'" in out
    assert "'docs/' is documented twice" in out


def test_section_of_a_readme(doc_repo, capsys):
    readme = (
        "# Project\n\n- `unrelated` list item\n\n## Layout\n\n- `README.md` this file\n"
        "- `src/` code\n\n## Other\n\n- `other` item\n"
    )
    doc_repo.write({"README.md": readme, "src/a.py": ""}).track()
    layout_args = ("--layout", str(doc_repo.root / "README.md"), "--section", "Layout")
    assert _run(doc_repo, capsys, *layout_args)[0] == 0
    code, out = _run(
        doc_repo, capsys, "--layout", str(doc_repo.root / "README.md"), "--section", "Nope"
    )
    assert code == 2
    assert "has no heading 'Nope'" in out


def test_nested_path_as_entry_is_rejected(doc_repo, capsys):
    doc_repo.write({**FILES, "docs/layout.md": "- `src/pkg/`\n"}).track()
    code, out = _run(doc_repo, capsys)
    assert code == 2
    assert "'src/pkg/' is not a top-level entry" in out


def test_missing_layout_and_missing_git_are_clear_errors(doc_repo, capsys):
    doc_repo.write({"src/a.py": ""})
    code, out = _run(doc_repo, capsys)
    assert code == 2
    assert "layout document" in out
    doc_repo.write(FILES)
    code, out = _run(doc_repo, capsys)
    assert code == 2
    assert "is not a git work tree" in out
