"""What the project around a move configures: its formatter, the ``Seam(covers=...)`` entries
that name the moved code, and the command to run after a move.

Formatter: ``[tool.black]`` in ``pyproject.toml`` means black; a ruff configuration
(``[tool.ruff]``, ``ruff.toml``, ``.ruff.toml``) means ``ruff format``, and also sorting imports
(``ruff check --fix --select I``) when the project's lint selects the isort rules. Each changed
file is formatted in memory, through standard input, with the project's settings.

Hook: ``after-move`` under ``[tool.golden_harness]`` in ``pyproject.toml`` (or under
``[golden_harness]`` in ``setup.cfg``), a command run in the repository root once the files are
written, for example to regenerate a README block.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import libcst as cst

from golden_harness.exceptions import MoveRefusedError

__all__ = [
    "Formatter",
    "after_move_command",
    "formatter_of",
    "local_imports_of",
    "run_hook",
    "update_covers",
]

_TAIL = 20


def _pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise MoveRefusedError(f"{path} does not parse ({error}); fix it first.") from None


def _ruff_binary() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


class Formatter:
    """The project's formatter, run on one file's text at a time."""

    def __init__(
        self,
        name: str,
        command: list[str],
        sort_imports: bool,
        first_party: list[str] = (),  # type: ignore[assignment]
    ) -> None:
        self.name = name
        self.command = command
        self.sort_imports = sort_imports
        self.first_party = list(first_party)

    def _run(self, root: Path, argv: list[str], text: str, relpath: str) -> str:
        done = subprocess.run(
            argv, cwd=root, input=text, capture_output=True, text=True, check=False
        )
        if done.returncode not in (0, 1) or not done.stdout:
            raise MoveRefusedError(
                f"`{' '.join(argv)}` failed on the moved code of {relpath} (exit "
                f"{done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}"
            )
        return done.stdout

    def format(
        self,
        root: Path,
        relpath: str,
        text: str,
        *,
        imports: bool = True,
        packages: list[str] = (),  # type: ignore[assignment]
    ) -> str:
        """``text`` (the content of ``relpath``) formatted with the project's settings; its
        imports sorted too when ``imports`` and the project sorts them with ruff. ``packages``
        are first-party besides the project's own list (a module the move creates does not
        exist on disk yet, so ruff could not tell)."""
        if self.name == "black":
            return self._run(
                root, [*self.command, "-q", "--stdin-filename", relpath, "-"], text, relpath
            )
        if self.sort_imports and imports:
            text = self._run(
                root,
                [*self.command, "check", "--fix", "--select", "I", "--exit-zero", "--quiet",
                 "--config", f"lint.isort.known-first-party = {json.dumps(sorted({*self.first_party, *packages}))}",
                 "--stdin-filename", relpath, "-"],
                text,
                relpath,
            )  # fmt: skip
        return self._run(
            root, [*self.command, "format", "--stdin-filename", relpath, "-"], text, relpath
        )


def _selects_isort(config: dict[str, Any]) -> bool:
    lint = config.get("lint", {})
    rules = [
        *config.get("select", []),
        *config.get("extend-select", []),
        *lint.get("select", []),
        *lint.get("extend-select", []),
    ]
    return any(rule in ("I", "I001", "ALL") for rule in rules)


def formatter_of(root: Path) -> Formatter | None:
    """The formatter the project configures, or None; a configured formatter that is not
    installed is an error (nothing is changed)."""
    tool = _pyproject(root).get("tool", {})
    if "black" in tool:
        found = shutil.which("black")
        command = [found] if found else [sys.executable, "-m", "black"]
        probe = subprocess.run([*command, "--version"], capture_output=True, check=False)
        if probe.returncode != 0:
            raise MoveRefusedError(
                "pyproject.toml configures black ([tool.black]), and black is not installed "
                f"for {sys.executable}: pip install black, then move again."
            )
        return Formatter("black", command, sort_imports=False)
    ruff_config: dict[str, Any] | None = tool.get("ruff")
    for name in ("ruff.toml", ".ruff.toml"):
        if ruff_config is None and (root / name).is_file():
            ruff_config = tomllib.loads((root / name).read_text(encoding="utf-8"))
    if ruff_config is None:
        return None
    binary = _ruff_binary()
    if binary is None:
        raise MoveRefusedError(
            "The project configures ruff, and ruff is not installed: pip install ruff, then "
            "move again."
        )
    isort = ruff_config.get("lint", {}).get("isort", ruff_config.get("isort", {}))
    first_party = list(isort.get("known-first-party", []))
    return Formatter("ruff", [binary], _selects_isort(ruff_config), first_party)


def after_move_command(root: Path) -> str | None:
    """The ``after-move`` command the project configures, or None."""
    section = _pyproject(root).get("tool", {}).get("golden_harness", {})
    command = section.get("after-move")
    if command is None and (root / "setup.cfg").is_file():
        parser = configparser.ConfigParser()
        parser.read(root / "setup.cfg", encoding="utf-8")
        command = parser.get("golden_harness", "after-move", fallback=None)
    if command is not None and (not isinstance(command, str) or not command.strip()):
        raise MoveRefusedError(
            f"after-move is {command!r}: it must be a command line, for example "
            'after-move = "python scripts/refresh_readme.py".'
        )
    return command


def local_imports_of(root: Path) -> tuple[str, ...]:
    """The modules whose imports a moved function gets inside its body (``local-imports``
    under ``[tool.golden_harness]``): modules a project's import policy keeps out of module
    level."""
    value = _pyproject(root).get("tool", {}).get("golden_harness", {}).get("local-imports", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise MoveRefusedError(
            f"local-imports is {value!r}: it must be a list of dotted module names, for example "
            'local-imports = ["myapp.db.session"].'
        )
    return tuple(value)


def run_hook(root: Path, command: str) -> str:
    """Run the ``after-move`` command in ``root``; its output, or an error naming its exit."""
    argv = shlex.split(command)
    if argv and argv[0] == "python":
        argv[0] = sys.executable
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
    except OSError as error:
        raise MoveRefusedError(
            f"after-move command {command!r} could not start ({error}); fix the after-move key."
        ) from None
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        tail = "\n".join(f"    {line}" for line in output.splitlines()[-_TAIL:])
        raise MoveRefusedError(
            f"after-move command {command!r} failed (exit {done.returncode}); the moved files "
            f"are written, the commit is not made. Its output ends with:\n{tail}"
        )
    return output


class _Covers(cst.CSTTransformer):
    def __init__(self, renamed: dict[str, str], keep_old: bool) -> None:
        super().__init__()
        self.renamed = renamed
        self.keep_old = keep_old
        self.changed = 0

    def _new(self, value: str) -> str | None:
        ref, hash_, region = value.partition("#")
        for old, new in self.renamed.items():
            if ref == old or ref.startswith(old + "."):
                return new + ref[len(old) :] + hash_ + region
        return None

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = cst.Module(body=[]).code_for_node(updated.func)
        if func.rpartition(".")[2] != "Seam":
            return updated
        args = list(updated.args)
        for index, arg in enumerate(args):
            covers = arg.keyword.value == "covers" if arg.keyword is not None else index == 1
            if covers and isinstance(arg.value, (cst.List, cst.Tuple)):
                opening = (
                    arg.value.lbracket
                    if isinstance(arg.value, cst.List)
                    else arg.value.lpar[0]
                    if arg.value.lpar
                    else None
                )
                between = opening.whitespace_after if opening is not None else None
                if isinstance(between, cst.SimpleWhitespace) and not between.value:
                    between = None
                elements = self._elements(list(arg.value.elements), between)
                args[index] = arg.with_changes(value=arg.value.with_changes(elements=elements))
        return updated.with_changes(args=args)

    def _elements(
        self, given: list[cst.BaseElement], between: cst.BaseParenthesizableWhitespace | None
    ) -> list[cst.BaseElement]:
        """The elements with each matching reference renamed, or its new one put in front;
        ``between`` is the whitespace that separates elements (as after the opening bracket)."""
        elements: list[cst.BaseElement] = []
        for element in given:
            value = element.value
            new = None
            if isinstance(value, cst.SimpleString):
                text = value.evaluated_value
                new = self._new(text) if isinstance(text, str) else None
            if new is None:
                elements.append(element)
                continue
            assert isinstance(value, cst.SimpleString)
            quote = value.quote
            copy = element.with_changes(value=value.with_changes(value=f"{quote}{new}{quote}"))
            copy = copy.with_changes(
                comma=cst.Comma(whitespace_after=between or cst.SimpleWhitespace(" "))
            )
            self.changed += 1
            elements += (
                [copy, element] if self.keep_old else [element.with_changes(value=copy.value)]
            )
        return elements


_SEAM = re.compile(r"\bSeam\(")


def update_covers(
    root: Path,
    tests: str,
    renamed: dict[str, str],
    keep_old: bool,
    pending: dict[str, tuple[str | None, str]],
) -> set[str]:
    """Update, in ``pending`` (path -> text before, text after), the test modules under
    ``tests`` whose ``Seam(covers=...)`` name the moved code: each old reference gets its new
    one in front of it (``keep_old``: the old place still holds a wrapper or alias) or is
    replaced by it. Files already in ``pending`` are updated on top of their new text. Returns
    the paths whose covers changed."""
    changed: set[str] = set()
    folder = root / tests
    if not folder.is_dir():
        return changed
    for path in sorted(folder.rglob("*.py")):
        relpath = path.relative_to(root).as_posix()
        before = path.read_text(encoding="utf-8")
        text = pending[relpath][1] if relpath in pending else before
        if not _SEAM.search(text) or not any(old in text for old in renamed):
            continue
        transformer = _Covers(renamed, keep_old)
        new = cst.parse_module(text).visit(transformer)
        if transformer.changed:
            pending[relpath] = (pending[relpath][0] if relpath in pending else before, new.code)
            changed.add(relpath)
    return changed
