"""The golden file format: a versioned, readable YAML document holding one trace.

A golden starts with the header line ``# golden_harness trace v1``, then optional ``#`` comment
lines, then a YAML block sequence with one event per block (blank line between events). Writing
rules, chosen so that a pull-request diff reads well and never hides a change:

* block style everywhere, two spaces per level; empty containers as ``[]`` / ``{}``;
* dict keys in insertion order; plain keys only when they are simple identifiers;
* every string double-quoted (escapes for anything but printable text), except multi-line
  strings of printable text, written as ``|`` blocks;
* integers as written, floats exactly (shortest round-trip ``repr``), ``.inf`` / ``.nan``;
* other types as YAML tags: ``!tuple``, ``!set``, ``!bytes``, ``!datetime``, ``!fake``, ``!Order``.

:func:`load_trace` parses a golden back into the same plain data that :func:`dump_trace` wrote,
and raises :class:`GoldenFormatError` naming the file and line for anything else.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from golden_harness.exceptions import GoldenFormatError
from golden_harness.format._serialize import Tagged

__all__ = [
    "FORMAT_VERSION",
    "HEADER",
    "dump_trace",
    "dump_value",
    "load_trace",
    "read_text_file",
]

FORMAT_VERSION = 1
HEADER = f"# golden_harness trace v{FORMAT_VERSION}"
_HEADER_RE = re.compile(r"^# golden_harness trace v(\d+)\s*$")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESERVED = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "nan", "inf"}
)
_TAG_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")
_INDENT = "  "


def dump_trace(events: list[dict[str, Any]], *, comments: list[str] | None = None) -> str:
    """Render a trace (a list of event dicts of plain data) as golden text."""
    lines = [HEADER, *(f"# {c}" for c in comments or [])]
    if not events:
        lines.append("[]")
    for index, event in enumerate(events):
        if index:
            lines.append("")
        lines.extend(_sequence_item(event, ""))
    return "\n".join(lines) + "\n"


def dump_value(value: Any) -> str:
    """Render one value of plain data the way a golden writes it (used in diff messages)."""
    if _is_inline(value):
        return _scalar(value)
    return "\n".join(_block(value, ""))


def _is_inline(value: Any) -> bool:
    if isinstance(value, Tagged):
        return _is_inline(value.value)
    if isinstance(value, (list, dict)):
        return not value
    if isinstance(value, str):
        return not _as_literal_block(value)
    return True


def _scalar(value: Any) -> str:
    if isinstance(value, Tagged):
        return f"!{_tag(value.tag)} {_scalar(value.value)}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        return "[]"
    if isinstance(value, dict):
        return "{}"
    raise TypeError(f"not plain data: {value!r}")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _quote(text: str) -> str:
    """A YAML double-quoted scalar; anything but plain printable text is escaped.

    Control characters, YAML line breaks (NEL, LINE/PARAGRAPH SEPARATOR), the byte-order mark and
    unusual spaces are written as ``\\xXX`` / ``\\uXXXX`` escapes, so they are both preserved and
    visible in a review.
    """
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif " " <= ch <= "~" or (ch > "\xa0" and ch.isprintable()):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "." not in text and "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _tag(tag: str) -> str:
    return _TAG_CHARS.sub("_", tag) or "_"


def _key(key: Any) -> str:
    if isinstance(key, str) and _PLAIN_KEY.match(key) and key.lower() not in _RESERVED:
        return key
    return _scalar(key)


def _as_literal_block(value: str) -> bool:
    """Whether a string is written as a ``|`` block (multi-line and safe to write that way)."""
    if "\n" not in value.rstrip("\n") or value.endswith("\n\n") or value.startswith((" ", "\n")):
        return False
    if "\n\t" in value or value.startswith("\t"):
        return False
    return all(ch in "\n\t" or (ch.isprintable() and ch != "\r") for ch in value) and not any(
        line != line.rstrip(" \t") for line in value.split("\n")
    )


def _literal_block(value: str, indent: str) -> list[str]:
    chomp = "" if value.endswith("\n") else "-"
    body = value[:-1] if value.endswith("\n") else value
    return [f"|{chomp}", *(f"{indent}{line}" if line else "" for line in body.split("\n"))]


def _block(value: Any, indent: str) -> list[str]:
    """Lines of a non-inline value written as a block at ``indent``."""
    if isinstance(value, Tagged):
        inner = _block(value.value, indent)
        if isinstance(value.value, str):
            return [f"!{_tag(value.tag)} {inner[0]}", *inner[1:]]
        return [f"!{_tag(value.tag)}", *inner]
    if isinstance(value, str):
        return _literal_block(value, indent)
    if isinstance(value, dict):
        lines: list[str] = []
        for key, item in value.items():
            lines.extend(_entry(f"{indent}{_key(key)}:", item, indent))
        return lines
    lines = []
    for item in value:
        lines.extend(_sequence_item(item, indent))
    return lines


def _entry(head: str, value: Any, indent: str) -> list[str]:
    if _is_inline(value):
        return [f"{head} {_scalar(value)}"]
    nested = indent + _INDENT
    if isinstance(value, str) or (isinstance(value, Tagged) and isinstance(value.value, str)):
        first, *rest = _block(value, nested)
        return [f"{head} {first}", *rest]
    if isinstance(value, Tagged):
        first, *rest = _block(value, nested)
        return [f"{head} {first}", *rest]
    return [head, *_block(value, nested)]


def _sequence_item(value: Any, indent: str) -> list[str]:
    head = f"{indent}-"
    if _is_inline(value):
        return [f"{head} {_scalar(value)}"]
    nested = indent + _INDENT
    if isinstance(value, dict):
        lines = _block(value, nested)
        return [f"{head} {lines[0][len(nested) :]}", *lines[1:]]
    return _entry(head, value, indent)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader (libyaml's when available) that reads every ``!tag`` as a :class:`Tagged`
    and refuses a mapping with a key twice (YAML would keep the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the key {key!r} appears twice in one mapping",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _construct_tagged(loader: Any, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(suffix, value)


_Loader.add_multi_constructor("!", _construct_tagged)


def read_text_file(path: Path) -> str:
    """The text of a golden or scenario file exactly as stored: UTF-8, line endings kept, bytes
    that are not UTF-8 kept as surrogate escapes, so that :func:`read_versioned_yaml` can name
    their line instead of a bare ``UnicodeDecodeError``."""
    return path.read_bytes().decode("utf-8", "surrogateescape")


def _check_characters(text: str, path: str, error: type[GoldenFormatError]) -> None:
    """Refuse what a harness-written file never holds, naming the line and the column."""
    if text.startswith("\ufeff"):
        raise error(
            path, 1, "the file starts with a byte-order mark (U+FEFF), which goldens never have"
        )
    if text.isascii() and "\x00" not in text and "\r" not in text:
        return
    match = _FOREIGN_CHARACTER.search(text)
    if match is None:
        return
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    found = match.group(0)
    if found == "\x00":
        problem = f"a NUL byte at column {column}"
    elif found == "\r":
        problem = (
            f"a Windows line ending (CR LF) at column {column}; goldens use LF only (a checkout "
            f"with core.autocrlf? mark the goldens `-text` in .gitattributes)"
        )
    else:
        byte = ord(found) - 0xDC00
        problem = f"byte 0x{byte:02x} at column {column} is not UTF-8"
    raise error(path, line, problem)


_FOREIGN_CHARACTER = re.compile("[\x00\r\udc80-\udcff]")


def read_versioned_yaml(
    text: str,
    path: str,
    *,
    header: re.Pattern[str],
    expected: str,
    version: int,
    kind: str,
    upgrade: str,
    error: type[GoldenFormatError] = GoldenFormatError,
) -> Any:
    """Check the header line of ``text`` (a ``kind`` file, format ``version``) and parse the YAML;
    every problem raises ``error`` naming ``path`` and the line. ``upgrade`` says how to get a
    file of the version this golden_harness reads."""
    _check_characters(text, path, error)
    first = text.split("\n", 1)[0]
    match = header.match(first)
    if not match:
        raise error(path, 1, f"expected the header line {expected!r}, found {first[:80]!r}")
    if int(match.group(1)) != version:
        raise error(
            path,
            1,
            f"written in {kind} format v{match.group(1)}, this golden_harness reads "
            f"v{version}; {upgrade}",
        )
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise error(path, line, f"not valid YAML: {problem.problem}") from None
    except yaml.reader.ReaderError as problem:
        line = text[: problem.position].count("\n") + 1
        raise error(path, line, f"not valid YAML: {problem.reason}") from None


def load_trace(text: str, path: str = "<golden>") -> list[dict[str, Any]]:
    """Parse golden text into its list of events; errors name ``path`` and the line."""
    data = read_versioned_yaml(
        text,
        path,
        header=_HEADER_RE,
        expected=HEADER,
        version=FORMAT_VERSION,
        kind="golden",
        upgrade="install the matching golden_harness version or re-capture",
    )
    if not isinstance(data, list):
        raise GoldenFormatError(path, 2, f"expected a list of events, found {type(data).__name__}")
    for index, event in enumerate(data):
        if not isinstance(event, dict) or not event:
            line = _event_line(text, index)
            raise GoldenFormatError(path, line, f"event {index + 1} is not a mapping: {event!r}")
    return data


def _event_line(text: str, index: int) -> int:
    count = -1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("-"):
            count += 1
            if count == index:
                return number
    return 1
