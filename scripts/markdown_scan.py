"""Read a Markdown document into what the docs checks need: code, links, headings and anchors.

Parsing is done by markdown-it-py (CommonMark with tables), so code spans, fenced blocks and links are
found as a Markdown renderer sees them: a link inside a code block is not a link, a path inside a code
span is code. Every item carries its 1-based line number in the source file.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark").enable("table")
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


@dataclass(frozen=True)
class CodeBlock:
    """A fenced or indented code block: its info string and its lines with their numbers."""

    info: str
    lines: tuple[tuple[int, str], ...]

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.strip() else ""


@dataclass(frozen=True)
class InlineCode:
    line: int
    text: str


@dataclass(frozen=True)
class Link:
    """A link or image target, percent-decoded, as written in the document."""

    line: int
    target: str


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str
    slug: str


@dataclass
class MarkdownDoc:
    """Everything the docs checks read from one document."""

    path: Path
    source_lines: list[str]
    code_blocks: list[CodeBlock] = field(default_factory=list)
    inline_code: list[InlineCode] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    html_anchors: set[str] = field(default_factory=set)
    tokens: list[Token] = field(default_factory=list)

    @property
    def anchors(self) -> set[str]:
        """Fragment names that resolve in this document: heading slugs and HTML anchors."""
        return {heading.slug for heading in self.headings} | self.html_anchors


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def _inline_items(token: Token, doc: MarkdownDoc) -> str:
    """Collect code spans and links of one inline token; return its plain text."""
    line = (token.map[0] if token.map else 0) + 1
    text = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
            text.append(" ")
        elif child.type == "code_inline":
            doc.inline_code.append(InlineCode(line, child.content))
            text.append(child.content)
        elif child.type == "text":
            text.append(child.content)
        elif child.type in ("link_open", "image"):
            target = child.attrGet("href" if child.type == "link_open" else "src")
            if isinstance(target, str):
                doc.links.append(Link(line, unquote(target)))
            if child.type == "image":
                text.append(child.content)
        elif child.type == "html_inline":
            doc.html_anchors.update(_HTML_ANCHOR.findall(child.content))
    return "".join(text)


def parse_markdown(path: Path) -> MarkdownDoc:
    """Parse the document at PATH."""
    source = path.read_text(encoding="utf-8")
    tokens = _PARSER.parse(source)
    doc = MarkdownDoc(path, source.splitlines(), tokens=tokens)
    seen: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type in ("fence", "code_block") and token.map:
            first = token.map[0] + (2 if token.type == "fence" else 1)
            lines = tuple((first + i, text) for i, text in enumerate(token.content.splitlines()))
            doc.code_blocks.append(CodeBlock(token.info if token.type == "fence" else "", lines))
        elif token.type == "html_block":
            doc.html_anchors.update(_HTML_ANCHOR.findall(token.content))
        elif token.type == "inline":
            text = _inline_items(token, doc)
            opener = tokens[index - 1] if index else None
            if opener is not None and opener.type == "heading_open" and token.map:
                slug = github_slug(text)
                count = seen.get(slug, 0)
                seen[slug] = count + 1
                unique = slug if count == 0 else f"{slug}-{count}"
                level = int(opener.tag[1:])
                doc.headings.append(Heading(token.map[0] + 1, level, text.strip(), unique))
    return doc


def doc_files(root: Path) -> list[Path]:
    """The documents the docs checks read: README.md (when present) and docs/**/*.md, sorted."""
    files = [root / "README.md"] if (root / "README.md").is_file() else []
    docs = root / "docs"
    if docs.is_dir():
        files.extend(sorted(docs.rglob("*.md")))
    return files


def display(path: Path, root: Path) -> str:
    """PATH relative to ROOT when it is inside it, for messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def doc_check_parser(description: str) -> argparse.ArgumentParser:
    """The command line both docs checks share: documents (default README and docs/) and --root."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("files", nargs="*", type=Path, help="documents (default: README, docs/)")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root")
    return parser


def documents_to_check(args: argparse.Namespace, tool: str) -> list[Path] | None:
    """The documents named on the command line (or the default set); None after printing an
    error (`<tool>: error: ...`) when --root is not a folder or a named document is missing."""
    if not args.root.is_dir():
        print(f"{tool}: error: --root {str(args.root)!r} is not a folder", file=sys.stderr)
        return None
    missing: Sequence[str] = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"{tool}: error: no such documents: {list(missing)!r}", file=sys.stderr)
        return None
    return list(args.files) or doc_files(args.root)
