"""The repository's top level matches its documented layout, both ways.

The layout is documented in docs/layout.md (or `--layout FILE`, optionally limited to the section under
`--section HEADING`) as a bullet list whose items start with a code span naming one top-level entry:
`` - `src/` ... `` for a folder (trailing slash), `` - `pyproject.toml` ... `` for a file.
The repository's top level is what git tracks (`git ls-files`), which is what a clean clone has.

Fails when a documented entry is not in the repository, when it is there with the other kind (file vs
folder), when an entry is documented twice, and when a tracked top-level entry is not documented.
Exit status: 0 matching, 1 mismatches, 2 bad input (no layout, no git repository).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")


class LayoutError(Exception):
    """The layout document or the repository cannot be read; the message names the fix."""


@dataclass(frozen=True)
class Entry:
    """A top-level entry: its name and whether it is a folder."""

    name: str
    is_dir: bool
    line: int = 0

    def shown(self) -> str:
        return self.name + ("/" if self.is_dir else "")


def documented_entries(layout: Path, section: str | None = None) -> list[Entry]:
    """Entries listed in LAYOUT (bullet items starting with a code span), in document order."""
    if not layout.is_file():
        raise LayoutError(f"layout document {str(layout)!r} not found; create it or pass --layout")
    tokens = _PARSER.parse(layout.read_text(encoding="utf-8"))
    entries: list[Entry] = []
    in_section = section is None
    section_level = 0
    found_section = section is None
    list_depth = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and section is not None:
            level = int(token.tag[1:])
            title = tokens[index + 1].content.strip()
            if title == section:
                in_section, section_level, found_section = True, level, True
            elif in_section and level <= section_level:
                in_section = False
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "inline" and in_section and list_depth == 1 and token.children:
            if tokens[index - 2].type != "list_item_open":
                continue  # not the first paragraph of an item
            first = token.children[0]
            if first.type != "code_inline":
                continue
            name = first.content.strip()
            line = (token.map[0] + 1) if token.map else 0
            bare = name.rstrip("/")
            if not bare or "/" in bare or bare in (".", ".."):
                raise LayoutError(
                    f"{str(layout)!r} line {line}: {name!r} is not a top-level entry; list one "
                    "name per item, folders with a trailing slash, such as `src/`"
                )
            entries.append(Entry(bare, name.endswith("/"), line))
    if not found_section:
        raise LayoutError(f"{str(layout)!r} has no heading {section!r}; pass the right --section")
    return entries


def tracked_entries(root: Path) -> list[Entry]:
    """Top-level entries of the files git tracks under ROOT, sorted by name."""
    proc = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise LayoutError(f"{str(root)!r} is not a git work tree: {proc.stderr.strip()}")
    found: dict[str, bool] = {}
    for path in filter(None, proc.stdout.split("\0")):
        head, sep, _ = path.partition("/")
        found[head] = found.get(head, False) or bool(sep)
    return [Entry(name, is_dir) for name, is_dir in sorted(found.items())]


def compare(documented: Sequence[Entry], tracked: Sequence[Entry], layout: str) -> list[str]:
    """Problems, one line each, naming the entry and the fix."""
    problems = []
    actual = {entry.name: entry for entry in tracked}
    seen: set[str] = set()
    for entry in documented:
        where = f"{layout}:{entry.line}"
        if entry.name in seen:
            problems.append(f"{where}: {entry.shown()!r} is documented twice; keep one item")
            continue
        seen.add(entry.name)
        real = actual.get(entry.name)
        if real is None:
            problems.append(
                f"{where}: {entry.shown()!r} is documented but not in the repository (not tracked "
                "by git); add it, or remove the item"
            )
        elif real.is_dir != entry.is_dir:
            kind = "a folder" if real.is_dir else "a file"
            problems.append(
                f"{where}: {entry.shown()!r} is {kind} in the repository; write it as "
                f"{real.shown()!r}"
            )
    for entry in tracked:
        if entry.name not in seen:
            problems.append(
                f"{entry.shown()!r} is tracked at the top level but not documented in {layout}; "
                f"add an item `` - `{entry.shown()}` what it holds ``, or remove it"
            )
    return problems


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root")
    parser.add_argument("--layout", type=Path, help="layout document (default: docs/layout.md)")
    parser.add_argument("--section", help="only the list under this heading of the layout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    layout = args.layout or args.root / "docs" / "layout.md"
    try:
        documented = documented_entries(layout, args.section)
        tracked = tracked_entries(args.root)
    except LayoutError as exc:
        print(f"workspace structure: error: {exc}", file=sys.stderr)
        return 2
    try:
        shown = layout.resolve().relative_to(args.root.resolve()).as_posix()
    except ValueError:
        shown = str(layout)
    problems = compare(documented, tracked, shown)
    for problem in problems:
        print(problem)
    if problems:
        print(f"workspace structure: FAILED, {len(problems)} differences from {shown}")
        return 1
    print(f"workspace structure: OK, {len(tracked)} top-level entries, all as documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
