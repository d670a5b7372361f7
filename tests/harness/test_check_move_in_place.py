"""``golden check-move`` judges the functions a move changes where they stand: a caller that
``golden move --leave nothing`` rewrote is the same code, any other edit is not, and a call
rewritten past an override in a subclass is not."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from golden_harness.cli import main

_NOTES = """
    import os


    class Notes:
        def __init__(self, root):
            self.root = root

        def path_of(self, name):
            return os.path.join(self.root, name + ".md")

        def has(self, name):
            return os.path.isfile(self.path_of(name))

        def exists(self, name):
            return os.path.exists(os.path.join(self.root, name))
"""


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(root), *args],
        capture_output=True,
        check=True,
    )


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in {"src/shop/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    return root


def _move_leaving_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--root", str(root), "move", "src/shop/notes.py::Notes.path_of",
            "--to", "shop.paths", "--leave", "nothing", "--dry-run",
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr()
    main(["--root", str(root), "move", "src/shop/notes.py::Notes.path_of", "--to", "shop.paths",
          "--leave", "nothing"])  # fmt: skip
    capsys.readouterr()
    assert "paths.path_of(self, name)" in (root / "src/shop/notes.py").read_text()


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(root), "check-move", "--base", "HEAD"])
    return code, capsys.readouterr().out


def test_callers_golden_move_rewrote_are_the_same_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "repo", {"src/shop/notes.py": _NOTES})
    _move_leaving_nothing(root, capsys)

    code, out = _check(root, capsys)

    assert code == 0, out
    assert "same code        shop.notes.Notes.has (src/shop/notes.py:" in out, out
    assert "1 changed in place, 0 not the same code" in out, out


def test_a_function_edited_in_place_in_a_move_is_not_pure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "repo", {"src/shop/notes.py": _NOTES})
    _move_leaving_nothing(root, capsys)
    notes = root / "src/shop/notes.py"
    notes.write_text(notes.read_text().replace("os.path.exists(", "os.path.isdir("))

    code, out = _check(root, capsys)

    assert code == 1, out
    assert "CHANGED          shop.notes.Notes.exists (src/shop/notes.py:" in out, out
    assert "os.path.exists -> os.path.isdir" in out, out
    assert "2 changed in place, 1 not the same code" in out, out


def test_a_rewritten_call_that_skips_an_override_in_a_subclass_is_not_pure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = """
        from shop.notes import Notes


        class Archive(Notes):
            pass


        class ColdArchive(Archive):
            def path_of(self, name):
                return name
    """
    root = _project(
        tmp_path / "repo", {"src/shop/notes.py": _NOTES, "src/shop/archive.py": archive}
    )
    notes = root / "src/shop/notes.py"
    text = notes.read_text()
    start, end = text.index("    def path_of"), text.index("    def has")
    notes.write_text(
        "from shop import paths\n"
        + text[:start].replace("import os\n", "import os\n", 1)
        + text[end:].replace("self.path_of(name)", "paths.path_of(self, name)")
    )
    (root / "src/shop/paths.py").write_text(
        'import os\n\n\ndef path_of(notes, name):\n    return os.path.join(notes.root, name + ".md")\n'
    )

    code, out = _check(root, capsys)

    assert code == 1, out
    assert (
        "`self.path_of` at the base could reach an override in a subclass "
        "(ColdArchive.path_of at src/shop/archive.py:9); the call of shop.paths.path_of now cannot"
    ) in out, out
