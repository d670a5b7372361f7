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


def _leave_nothing(root: Path, capsys: pytest.CaptureFixture[str], method: str, module: str) -> str:
    """``golden move src/shop/notes.py::Notes.<method> --to <module> --leave nothing`` (its
    proofs need no suite here); the text of notes.py it leaves."""
    source = f"src/shop/notes.py::Notes.{method}"
    main(["--root", str(root), "move", source, "--to", module, "--leave", "nothing"])
    capsys.readouterr()
    return (root / "src/shop/notes.py").read_text()


def _move_leaving_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--root", str(root), "move", "src/shop/notes.py::Notes.path_of",
            "--to", "shop.paths", "--leave", "nothing", "--dry-run",
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr()
    assert "paths.path_of(self, name)" in _leave_nothing(root, capsys, "path_of", "shop.paths")


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


_PATHS = (
    'import os\n\n\ndef path_of(notes, name):\n    return os.path.join(notes.root, name + ".md")\n'
)


def _edited(root: Path, has_at_base: str, has_now: str) -> None:
    """Commit ``Notes.has`` with the body ``has_at_base``, then move ``path_of`` to
    ``shop.paths`` by hand with that body written as ``has_now`` (both indented)."""
    notes = root / "src/shop/notes.py"
    text = notes.read_text().replace(
        "        return os.path.isfile(self.path_of(name))\n", has_at_base
    )
    notes.write_text(text)
    _git(root, "commit", "-qam", "has", "--allow-empty")
    start, end = text.index("    def path_of"), text.index("    def has")
    now = text[:start] + text[end:].replace(has_at_base, has_now)
    notes.write_text("from shop import paths\n" + now)
    (root / "src/shop/paths.py").write_text(_PATHS)


_REBOUND = {
    "a lambda's parameter": (
        "return [f(name) for f in [lambda self: self.path_of(name)]]",
        "return [f(name) for f in [lambda self: paths.path_of(self, name)]]",
    ),
    "a comprehension's variable": (
        "return [self.path_of(name) for self in name]",
        "return [paths.path_of(self, name) for self in name]",
    ),
    "a nested function's parameter": (
        "def inner(self):\n    return self.path_of(name)\nreturn inner(name)",
        "def inner(self):\n    return paths.path_of(self, name)\nreturn inner(name)",
    ),
    "an assignment": (
        "self = name\nreturn self.path_of('x')",
        "self = name\nreturn paths.path_of(self, 'x')",
    ),
    "a for loop": (
        "for self in name:\n    return self.path_of('x')",
        "for self in name:\n    return paths.path_of(self, 'x')",
    ),
    "a with statement": (
        "with name as self:\n    return self.path_of('x')",
        "with name as self:\n    return paths.path_of(self, 'x')",
    ),
    "an assignment expression": (
        "if (self := name):\n    return self.path_of('x')",
        "if (self := name):\n    return paths.path_of(self, 'x')",
    ),
}


@pytest.mark.parametrize("where", sorted(_REBOUND))
def test_a_rewritten_call_on_a_name_bound_again_is_not_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    root = _project(tmp_path / "repo", {"src/shop/notes.py": _NOTES})
    at_base, now = (textwrap.indent(s, " " * 8) + "\n" for s in _REBOUND[where])
    _edited(root, at_base, now)

    code, out = _check(root, capsys)

    assert code == 1, out
    assert "CHANGED          shop.notes.Notes.has (src/shop/notes.py:" in out, out
    assert "`self` is bound again in shop.notes.Notes.has (line " in out, out


_OTHER_RECEIVER = {
    "a static method": "    @staticmethod\n    def clean(name):\n        return name.strip()\n",
    "a method that never used self": "    def clean(self, name):\n        return name.strip()\n",
}


@pytest.mark.parametrize("kind", sorted(_OTHER_RECEIVER))
def test_a_call_the_base_made_on_another_object_does_not_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    notes = f"""
class Notes:
{_OTHER_RECEIVER[kind]}
    def has(self, other, name):
        return other.clean(name)
"""
    root = _project(tmp_path / "repo", {"src/shop/notes.py": notes})
    (root / "src/shop/notes.py").write_text(
        "from shop import text\n\n\nclass Notes:\n"
        "    def has(self, other, name):\n        return text.clean(name)\n"
    )
    (root / "src/shop/text.py").write_text("def clean(name):\n    return name.strip()\n")

    code, out = _check(root, capsys)

    assert code == 1, out
    assert "CHANGED          shop.notes.Notes.has (src/shop/notes.py:5)" in out, out


def test_a_class_method_passing_its_class_to_a_moved_instance_method_is_not_pure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = """
        class Notes:
            def label(self, name):
                return name.strip()

            @classmethod
            def make(cls, name):
                return cls.label(name)
    """
    root = _project(tmp_path / "repo", {"src/shop/notes.py": notes})
    (root / "src/shop/notes.py").write_text(
        "from shop import text\n\n\nclass Notes:\n    @classmethod\n"
        "    def make(cls, name):\n        return text.label(cls, name)\n"
    )
    (root / "src/shop/text.py").write_text("def label(notes, name):\n    return name.strip()\n")

    code, out = _check(root, capsys)

    assert code == 1, out
    assert "CHANGED          shop.notes.Notes.make (src/shop/notes.py:6)" in out, out


_SUBCLASSES = {
    "imported under another name": (
        "from shop.notes import Notes as Base\n\n\nclass Archive(Base):\n"
        "    def path_of(self, name):\n        return name\n",
        "Archive.path_of at src/shop/archive.py:5",
    ),
    "with its bases on several lines": (
        "from shop.notes import Notes\n\n\nclass Archive(\n    Notes,\n):\n"
        "    def path_of(self, name):\n        return name\n",
        "Archive.path_of at src/shop/archive.py:7",
    ),
    "bound by an assignment": (
        "from shop.notes import Notes\n\n\ndef plain(self, name):\n    return name\n\n\n"
        "class Archive(Notes):\n    path_of = plain\n",
        "Archive.path_of at src/shop/archive.py:9",
    ),
    "from a mixin before it": (
        "from shop.notes import Notes\n\n\nclass Flat:\n    def path_of(self, name):\n"
        "        return name\n\n\nclass Archive(Flat, Notes):\n    pass\n",
        "Archive.path_of (Flat.path_of at src/shop/archive.py:5)",
    ),
}


@pytest.mark.parametrize("how", sorted(_SUBCLASSES))
def test_an_override_in_any_subclass_makes_a_rewritten_call_a_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    archive, named = _SUBCLASSES[how]
    root = _project(
        tmp_path / "repo", {"src/shop/notes.py": _NOTES, "src/shop/archive.py": archive}
    )
    _edited(
        root,
        "        return os.path.isfile(self.path_of(name))\n",
        "        return os.path.isfile(paths.path_of(self, name))\n",
    )

    code, out = _check(root, capsys)

    assert code == 1, out
    assert f"could reach an override in a subclass ({named})" in out, out


def test_a_class_method_moved_leaving_nothing_gets_the_class_from_its_callers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory = """
        class Notes:
            def __init__(self, root):
                self.root = root

            @classmethod
            def make(cls, root):
                return cls(root.rstrip("/"))

            @classmethod
            def default(cls):
                return cls.make("notes/")

            def again(self):
                return self.make(self.root)
    """
    root = _project(tmp_path / "repo", {"src/shop/notes.py": factory})
    written = _leave_nothing(root, capsys, "make", "shop.making")
    assert "making.make(cls, " in written, written
    assert "making.make(type(self), self.root)" in written, written

    code, out = _check(root, capsys)

    assert code == 0, out
    assert "same code        shop.notes.Notes.again (src/shop/notes.py:" in out, out
    assert "same code        shop.notes.Notes.default (src/shop/notes.py:" in out, out


def test_a_static_method_called_on_the_instance_and_on_the_class_reads_back_call_by_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cleaner = """
        class Notes:
            @staticmethod
            def norm(text):
                return text.strip().lower()

            def both(self, a, b):
                return self.norm(a) + Notes.norm(b)
    """
    root = _project(tmp_path / "repo", {"src/shop/notes.py": cleaner})
    _leave_nothing(root, capsys, "norm", "shop.cleaning")
    notes = root / "src/shop/notes.py"
    assert "return cleaning.norm(a) + cleaning.norm(b)" in notes.read_text()

    code, out = _check(root, capsys)

    assert code == 0, out
    assert "same code        shop.notes.Notes.both (src/shop/notes.py:" in out, out

    notes.write_text(
        notes.read_text().replace(
            "cleaning.norm(a) + cleaning.norm(b)", "cleaning.norm(b) + cleaning.norm(a)"
        )
    )
    code, out = _check(root, capsys)

    assert code == 1, out
    assert "CHANGED          shop.notes.Notes.both (src/shop/notes.py:" in out, out


def test_a_method_called_on_its_class_by_name_keeps_the_instance_it_was_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = """
        class Notes:
            def __init__(self, root):
                self.root = root

            def path(self, name):
                return self.root + name

            def both(self, a):
                return Notes.path(self, a) + self.path(a)
    """
    root = _project(tmp_path / "repo", {"src/shop/notes.py": paths})
    _leave_nothing(root, capsys, "path", "shop.paths")
    notes = root / "src/shop/notes.py"
    assert "return paths.path(self, a) + paths.path(self, a)" in notes.read_text()

    code, out = _check(root, capsys)

    assert code == 0, out
    assert "same code        shop.notes.Notes.both (src/shop/notes.py:" in out, out

    notes.write_text(
        notes.read_text().replace("paths.path(self, a) +", 'paths.path(self, a + "x") +')
    )
    code, out = _check(root, capsys)

    assert code == 1, out
    assert "CHANGED          shop.notes.Notes.both (src/shop/notes.py:" in out, out
