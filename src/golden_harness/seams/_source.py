"""Reading Python source without importing it, with errors that name the file and the line.

The ``golden`` commands read test modules and seam code as text (to find declarations, resolve
``covers=`` references, follow thin wrappers). A file that is not valid Python, or whose bytes do
not decode, raises :class:`~golden_harness.exceptions.SourceError`
(``path:line: <problem>``), which the commands report in one line and exit 2.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from golden_harness.exceptions import SourceError

__all__ = ["parse_python", "read_python"]


def read_python(path: Path) -> str:
    """The text of the Python file ``path``, decoded as Python does (a coding declaration or a
    byte-order mark, else UTF-8)."""
    data = path.read_bytes()
    declared: SyntaxError | None = None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:  # a bad coding declaration, or bytes that are not UTF-8
        encoding, declared = "utf-8", error
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        raise SourceError(
            path, line, f"byte 0x{byte:02x} at column {column} is not {encoding}"
        ) from None
    if declared is not None:
        raise SourceError(path, 1, str(declared))
    return text


def parse_python(path: Path, source: str | None = None) -> ast.Module:
    """The syntax tree of ``path`` (or of ``source``, its text, when the caller has read it)."""
    text = read_python(path) if source is None else source
    if "\x00" in text:
        index = text.index("\x00")
        raise SourceError(path, text.count("\n", 0, index) + 1, "a NUL byte: not Python source")
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as error:
        raise SourceError(path, error.lineno or 1, f"cannot parse: {error.msg}") from None
