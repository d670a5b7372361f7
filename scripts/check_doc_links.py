"""Relative links in the docs resolve: the file exists, and a `#fragment` names a heading there.

Reads README.md and docs/**/*.md (or the files given). For each link or image whose target is relative
(no scheme such as `https:` or `mailto:`, not protocol-relative `//host`):
- the path, taken from the document's folder (or from the repository root when it starts with `/`),
  must exist inside the repository;
- a fragment pointing into a Markdown file (or `#fragment` alone, into the same document) must be the
  GitHub anchor of one of its headings (`## Run the checks` -> `#run-the-checks`, repeated headings get
  `-1`, `-2`) or an HTML anchor (`<a name="x">`); a fragment into another kind of file must be a line
  anchor like `#L10` or `#L10-L20`.
External links are not fetched: this check runs offline. Exit status: 0 clean, 1 broken links,
2 bad input.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_scan import (
    MarkdownDoc,
    display,
    doc_check_parser,
    doc_files,
    documents_to_check,
    parse_markdown,
)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LINE_ANCHOR = re.compile(r"^L\d+(-L\d+)?$")


@dataclass(frozen=True)
class BrokenLink:
    doc: str
    line: int
    target: str
    problem: str

    def describe(self) -> str:
        return f"{self.doc}:{self.line}: link {self.target!r} {self.problem}"


def is_external(target: str) -> bool:
    """True for links this check does not follow: a scheme (https:, mailto:) or `//host`."""
    return bool(_SCHEME.match(target)) or target.startswith("//")


class LinkChecker:
    """Checks links against a repository root, parsing each target document once."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._docs: dict[Path, MarkdownDoc] = {}

    def _doc(self, path: Path) -> MarkdownDoc:
        if path not in self._docs:
            self._docs[path] = parse_markdown(path)
        return self._docs[path]

    def check_doc(self, path: Path) -> list[BrokenLink]:
        """Broken relative links of the document at PATH."""
        path = path.resolve()
        doc = self._doc(path)
        shown = display(path, self.root)
        broken = []
        for link in doc.links:
            problem = self._problem(path, link.target)
            if problem:
                broken.append(BrokenLink(shown, link.line, link.target, problem))
        return broken

    def _problem(self, doc_path: Path, target: str) -> str | None:
        if not target or is_external(target):
            return None
        raw_path, _, fragment = target.partition("#")
        if raw_path:
            base = self.root if raw_path.startswith("/") else doc_path.parent
            resolved = (base / raw_path.lstrip("/")).resolve()
            if not resolved.is_relative_to(self.root):
                return "points outside the repository; link to a file inside it"
            if not resolved.exists():
                return f"points to {display(resolved, self.root)!r}, which does not exist"
        else:
            resolved = doc_path
        if not fragment:
            return None
        if resolved.is_file() and resolved.suffix.lower() in (".md", ".markdown"):
            anchors = self._doc(resolved).anchors
            if fragment not in anchors and fragment.lower() not in anchors:
                near = sorted(a for a in anchors if fragment.lower()[:4] in a)[:3]
                hint = f"; headings nearby: {', '.join(near)}" if near else ""
                return (
                    f"names anchor {'#' + fragment!r}, which is no heading of "
                    f"{display(resolved, self.root)!r}{hint}"
                )
            return None
        if resolved.is_file() and not _LINE_ANCHOR.match(fragment):
            return f"names anchor {'#' + fragment!r} in a non-Markdown file; use #L<line> or none"
        return None


def check(root: Path, files: Sequence[Path] | None = None) -> list[BrokenLink]:
    """Broken links in FILES (default: README.md and docs/**/*.md under ROOT)."""
    checker = LinkChecker(root)
    return [b for path in (files or doc_files(root)) for b in checker.check_doc(path)]


def build_parser() -> argparse.ArgumentParser:
    return doc_check_parser(__doc__.splitlines()[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    files = documents_to_check(args, "doc links")
    if files is None:
        return 2
    broken = check(args.root, files)
    for link in broken:
        print(link.describe())
    if broken:
        print(
            f"doc links: FAILED, {len(broken)} broken links. Fix: correct each target (path "
            "relative to the document, anchor = the heading in lower case with hyphens)"
        )
        return 1
    print(f"doc links: OK, {len(files)} documents, every relative link resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
