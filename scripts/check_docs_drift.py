"""Docs drift: the commands, scripts and paths the docs mention exist in the repository.

Reads README.md and docs/**/*.md (or the files given) and checks:
- Shell code blocks (bash, sh, shell, console, zsh; in `console` blocks only `$ ` lines): each command's
  program is a console script declared in pyproject.toml `[project.scripts]`, a well-known tool
  (`KNOWN_TOOLS`), or an existing repository file (`.ci/run`, `./scripts/x.py`); every argument
  that is a repository path exists.
- Inline code: every token that is a repository path exists.
- pyproject.toml: every declared console script points at a module under `src/` that defines it.
A repository path is a token with a `/` whose first part is one of the top-level folders (`src`,
`tests`, `scripts`, `docs`, `golden`, `.ci`, `.github`, or any other existing one); tokens with
placeholders (`<seam>`, `*`, `{x}`, `$VAR`, `...`) are skipped, `path:12` and `path::test` are checked
as `path`. A line containing `docs-drift: ignore`, or a code block whose info string contains
`no-drift-check`, is skipped (for paths that a plan only announces).
Exit status: 0 clean, 1 drift, 2 bad input.
"""

from __future__ import annotations

import argparse
import ast
import re
import shlex
import sys
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_scan import (
    CodeBlock,
    display,
    doc_check_parser,
    documents_to_check,
    parse_markdown,
)

SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh", "shell-session", "sh-session"}
KNOWN_TOOLS = {
    "bash", "sh", "cd", "export", "source", "echo", "cat", "ls", "mkdir", "rm", "cp", "mv",
    "git", "python", "python3", "pip", "pip3", "pytest", "ruff", "lint-imports", "pre-commit",
    "coverage", "apt-get", "make", "env", "test", "true", "grep", "sed", "diff", "head", "tail",
    "wc", "sort", "find", "xargs", "tee", "touch", "chmod",
}  # fmt: skip
COMMAND_PREFIXES = {"sudo", "env", "time", "exec", "nohup", "command"}
DEFAULT_ROOTS = {"src", "tests", "scripts", "docs", "golden", ".ci", ".github"}
IGNORE_LINE = "docs-drift: ignore"
IGNORE_BLOCK = "no-drift-check"
_PLACEHOLDER = re.compile(r"[<>*?{}$\[\]]|\.\.\.|…")
_LINE_SUFFIX = re.compile(r"(::[\w\[\]\-.]+)+$|:\d+(-\d+)?$")
_OPERATORS = {"&&", "||", ";", "|", "&", "(", ")"}


@dataclass(frozen=True)
class Drift:
    where: str
    line: int
    item: str
    problem: str

    def describe(self) -> str:
        return f"{self.where}:{self.line}: {self.item!r} {self.problem}"


class DriftChecker:
    """Checks documents against one repository root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.scripts = declared_scripts(root)
        self.roots = DEFAULT_ROOTS | {
            p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        }

    def path_problem(self, token: str) -> tuple[str, str] | None:
        """(path, problem) when TOKEN is a repository path that does not exist."""
        token = token.strip("'\"`,;()").rstrip(":.")
        if "=" in token:
            token = token.rsplit("=", 1)[1]
        token = token.removeprefix("./")
        if "/" not in token or _PLACEHOLDER.search(token) or "://" in token:
            return None
        token = _LINE_SUFFIX.sub("", token.split("#")[0])
        first = token.split("/", 1)[0]
        if first not in self.roots or ".." in token.split("/"):
            return None
        path = self.root / token
        if token.endswith("/") and not path.is_dir():
            return token, "is documented as a folder that does not exist"
        if not path.exists():
            return token, "does not exist in the repository"
        return None

    def check_doc(self, path: Path) -> list[Drift]:
        doc = parse_markdown(path)
        shown = display(path, self.root)
        drift = []
        for code in doc.inline_code:
            if IGNORE_LINE in _line(doc.source_lines, code.line):
                continue
            for token in code.text.split():
                found = self.path_problem(token)
                if found:
                    drift.append(Drift(shown, code.line, *found))
        for block in doc.code_blocks:
            if block.language in SHELL_LANGUAGES and IGNORE_BLOCK not in block.info:
                drift.extend(self._check_block(shown, block))
        return drift

    def _check_block(self, shown: str, block: CodeBlock) -> Iterator[Drift]:
        for line, words in _commands(block):
            program, args = _program(words)
            if program is None:
                continue
            if "/" in program:
                name = program.removeprefix("./")
                if name.startswith(".venv/bin/"):
                    program = name.rsplit("/", 1)[1]
                else:
                    found = self.path_problem(name)
                    if found:
                        yield Drift(shown, line, *found)
                    program = ""
            if program and program not in self.scripts and program not in KNOWN_TOOLS:
                yield Drift(
                    shown,
                    line,
                    program,
                    "is neither a console script declared in pyproject.toml [project.scripts] nor "
                    "a known tool (KNOWN_TOOLS in scripts/check_docs_drift.py)",
                )
            for arg in args:
                found = self.path_problem(arg)
                if found:
                    yield Drift(shown, line, *found)


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _commands(block: CodeBlock) -> Iterator[tuple[int, list[str]]]:
    """(line, words) for each simple command of a shell block; continuation lines are joined."""
    pending, start = "", 0
    for number, raw in block.lines:
        text = raw.strip()
        if block.language == "console" and not text.startswith("$ ") and not pending:
            continue
        text = text.removeprefix("$ ")
        if IGNORE_LINE in text or (not pending and (not text or text.startswith("#"))):
            continue
        if not pending:
            start = number
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        command, pending = pending + text, ""
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:
            tokens = command.split()
        words: list[str] = []
        redirect_target = False
        for token in [*tokens, ";"]:
            if redirect_target:
                redirect_target = False
            elif set(token) <= set("<>&") and ("<" in token or ">" in token):
                redirect_target = True
            elif token in _OPERATORS or set(token) <= set("&|;()"):
                if words:
                    yield start, words
                words = []
            else:
                words.append(token)


def _program(words: list[str]) -> tuple[str | None, list[str]]:
    """The program of a simple command (after env assignments and prefixes like sudo) and its args."""
    rest = list(words)
    while rest and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", rest[0]) or rest[0] in COMMAND_PREFIXES):
        rest.pop(0)
    return (rest[0], rest[1:]) if rest else (None, [])


def declared_scripts(root: Path) -> dict[str, str]:
    """Console scripts of pyproject.toml: name -> `module:attr` target."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    project = tomllib.loads(pyproject.read_text()).get("project", {})
    return {**project.get("scripts", {}), **project.get("gui-scripts", {})}


def script_target_problems(root: Path, src: str = "src") -> list[Drift]:
    """Declared console scripts whose module is missing under SRC or does not define the attribute."""
    drift = []
    lines = (root / "pyproject.toml").read_text().splitlines() if declared_scripts(root) else []
    for name, target in sorted(declared_scripts(root).items()):
        line = next((i + 1 for i, text in enumerate(lines) if text.strip().startswith(name)), 0)
        module, _, attr = target.partition(":")
        base = root / src / Path(*module.split("."))
        file = next(
            (f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None
        )
        if file is None:
            problem = f"points at module {module!r}, which has no file under {src}/"
        elif attr and attr.split(".")[0] not in _top_level_names(file):
            problem = f"points at {attr!r}, which {display(file, root)} does not define"
        else:
            continue
        drift.append(Drift("pyproject.toml", line, name, problem))
    return drift


def _top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def build_parser() -> argparse.ArgumentParser:
    return doc_check_parser(__doc__.splitlines()[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    files = documents_to_check(args, "docs drift")
    if files is None:
        return 2
    try:
        checker = DriftChecker(args.root)
        drift = script_target_problems(args.root)
    except (tomllib.TOMLDecodeError, SyntaxError) as exc:
        print(f"docs drift: error: cannot read the project files: {exc}", file=sys.stderr)
        return 2
    drift += [d for path in files for d in checker.check_doc(path)]
    for item in drift:
        print(item.describe())
    if drift:
        print(
            f"docs drift: FAILED, {len(drift)} items. Fix: correct the doc, or create what it names; "
            f"a path that only a plan announces gets `<!-- {IGNORE_LINE} -->` on its line"
        )
        return 1
    print(f"docs drift: OK, {len(files)} documents, every command, script and path exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
