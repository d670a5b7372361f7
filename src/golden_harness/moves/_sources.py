"""The Python sources ``check-move`` reads, each read, decoded and parsed once per side.

A side is ``base`` (the files at the base revision: the changed ones read from git in one
``git cat-file --batch`` process, :func:`~golden_harness.moves._git.blobs_at`, the others from the working tree, where they are the same) or
``now`` (the working tree). Modules are located by dotted name on a side: in the repository
(``src/<pkg>/`` or ``<pkg>/``), else, for a top-level package the repository does not hold, among
the sources installed on ``sys.path`` (side ``installed``, read only when a name must be followed
into it).

Bytes are decoded as Python decodes a source file (a BOM or a coding comment, else UTF-8). A file
that cannot be decoded or parsed raises :class:`SourceError` (``path:line: problem``) when the
caller needs it, and reads as absent otherwise.
"""

from __future__ import annotations

import ast
import importlib.machinery
import io
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

from golden_harness.exceptions import SourceError
from golden_harness.moves._git import blobs_at

__all__ = ["SourceFile", "Sources", "module_name", "parse_source"]


@dataclass(frozen=True, eq=False)
class SourceFile:
    """One Python file of one side: its path (relative to the repository root, or absolute for
    an installed module), dotted module name, text and syntax tree."""

    path: str
    module: str
    text: str
    tree: ast.Module
    side: str

    @property
    def future_annotations(self) -> bool:
        """True when the module has ``from __future__ import annotations``."""
        return any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(a.name == "annotations" for a in node.names)
            for node in self.tree.body
        )

    @property
    def is_package(self) -> bool:
        """True for a package's ``__init__.py`` (relative imports count from the package)."""
        return Path(self.path).name == "__init__.py"


def module_name(path: str) -> str:
    """``src/pkg/mod.py`` -> ``pkg.mod``; ``pkg/__init__.py`` -> ``pkg``."""
    parts = path.removesuffix(".py").split("/")
    if parts[0] == "src":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_source(shown: str, data: bytes) -> tuple[str, ast.Module]:
    """The text and syntax tree of a Python file's bytes; ``shown`` names it in errors."""
    declared: SyntaxError | None = None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # a bad coding declaration, or bytes that are not UTF-8
        encoding, declared = "utf-8", error
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise SourceError(
            shown,
            _line_of(data, error.start),
            f"cannot be decoded as {encoding} (byte {data[error.start]:#04x} at offset "
            f"{error.start}): save the file as {encoding}, or declare its encoding in a "
            "`# -*- coding: ... -*-` comment",
        ) from None
    if declared is not None:
        raise SourceError(
            shown,
            declared.lineno or 1,
            f"{declared.msg}; declare an encoding Python knows, or none",
        )
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise SourceError(
            shown,
            text.count("\n", 0, text.index("\x00")) + 1,
            "holds a NUL byte, which Python source cannot: remove it",
        )
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as error:
        raise SourceError(
            shown,
            error.lineno or 1,
            f"SyntaxError: {error.msg}: fix the syntax (python -m py_compile {shown} shows it)",
        ) from None
    return text, tree


class Sources:
    """The Python files of both sides, read and parsed at most once each."""

    def __init__(self, root: Path, commit: str, changed: list[str]) -> None:
        self.root = root
        self.commit = commit
        self.changed = set(changed)
        self._blobs = blobs_at(root, commit, sorted(p for p in changed if p.endswith(".py")))
        self._files: dict[tuple[str, str], SourceFile | None] = {}
        self._modules: dict[tuple[str, str], SourceFile | None] = {}
        self._tops: dict[str, bool] = {}
        self._installed_paths = [
            entry
            for entry in sys.path
            if entry and not Path(entry).resolve().is_relative_to(root.resolve())
        ]

    def _bytes(self, side: str, path: str) -> bytes | None:
        if side == "base" and path in self.changed:
            return self._blobs.get(path)
        file = self.root / path
        return file.read_bytes() if file.is_file() else None

    def exists(self, side: str, path: str) -> bool:
        """True when ``path`` (relative to the root) is a file on ``side``."""
        if side == "base" and path in self.changed:
            return self._blobs.get(path) is not None
        return (self.root / path).is_file()

    def file(self, side: str, path: str, *, strict: bool = True) -> SourceFile | None:
        """The parsed file at ``path`` on ``side``; None when it does not exist there, or when
        it cannot be read and ``strict`` is False (else :class:`SourceError`)."""
        key = (side, path)
        if key not in self._files:
            data = self._bytes(side, path)
            parsed: SourceFile | None = None
            if data is not None:
                shown = f"{path}@{self.commit[:12]}" if side == "base" else path
                try:
                    text, tree = parse_source(shown, data)
                except SourceError:
                    if strict:
                        raise
                    self._files[key] = None
                    return None
                parsed = SourceFile(path, module_name(path), text, tree, side)
            self._files[key] = parsed
        return self._files[key]

    def _repository_paths(self, dotted: str) -> list[str]:
        relative = dotted.replace(".", "/")
        return [
            f"{prefix}{relative}{suffix}"
            for prefix in ("src/", "")
            for suffix in (".py", "/__init__.py")
        ]

    def in_repository(self, top: str) -> bool:
        """True when the repository holds the top-level package or module ``top``."""
        if top not in self._tops:
            self._tops[top] = self._in_repository(top)
        return self._tops[top]

    def _in_repository(self, top: str) -> bool:
        return any(
            (self.root / prefix / top).is_dir() or self.exists(side, f"{prefix}{top}.py")
            for prefix in ("src/", "")
            for side in ("base", "now")
        ) or any(p.startswith((f"{top}/", f"src/{top}/")) for p in self.changed)

    def module(self, side: str, dotted: str) -> SourceFile | None:
        """The source of module ``dotted`` as ``side`` sees it, or None when it is not a Python
        source that can be read (an extension module, a namespace package, absent)."""
        in_repository = self.in_repository(dotted.split(".")[0])
        key = (side if in_repository else "installed", dotted)
        if key not in self._modules:
            found: SourceFile | None = None
            if in_repository:
                for path in self._repository_paths(dotted):
                    if self.exists(side, path):
                        found = self.file(side, path, strict=False)
                        break
            else:
                found = self._installed(dotted)
            self._modules[key] = found
        return self._modules[key]

    def is_module(self, side: str, dotted: str) -> bool:
        """True when ``dotted`` names a module (or a package folder) on ``side``."""
        if self.module(side, dotted) is not None:
            return True
        if self.in_repository(dotted.split(".")[0]):
            relative = dotted.replace(".", "/")
            return any((self.root / prefix / relative).is_dir() for prefix in ("src/", ""))
        return False

    def _installed(self, dotted: str) -> SourceFile | None:
        top, *rest = dotted.split(".")
        spec = importlib.machinery.PathFinder.find_spec(top, self._installed_paths)
        if spec is None:
            return None
        origin = spec.origin
        locations = list(spec.submodule_search_locations or [])
        for part in rest:
            origin = None
            for folder in locations:
                base = Path(folder) / part
                if (base / "__init__.py").is_file():
                    origin, locations = str(base / "__init__.py"), [str(base)]
                    break
                if base.with_suffix(".py").is_file():
                    origin, locations = str(base.with_suffix(".py")), []
                    break
            if origin is None:
                return None
        if origin is None or not origin.endswith(".py"):
            return None
        try:
            text, tree = parse_source(origin, Path(origin).read_bytes())
        except (OSError, SourceError):
            return None
        return SourceFile(origin, dotted, text, tree, "installed")
