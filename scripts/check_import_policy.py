"""Import policy: executor modules stay leaves and import no application wiring at module level.

Reads every module of a package (default `autopack.executor` under `src`) with `ast`, without importing
it, and fails when a statement that runs at import time
- imports a banned module or name (`BANNED` below: the god file, CLI entry points, HTTP clients and
  servers, engine creation), or
- calls a banned callable (`BANNED_CALLS`: engine creation) at module level.

Module level means everything that runs when the module is imported: top-level statements, class bodies,
decorators and default values. Function bodies are not (an import inside a function is the sanctioned way
to use heavy wiring), nor are `if TYPE_CHECKING:` blocks (they never run).
An import of `a.b.c` also imports `a` and `a.b`; `from a.b import c` imports `a.b` and maybe `a.b.c`:
each of these names is compared with the bans, and relative imports are resolved first.

Exceptions live in `ALLOWLIST`, each with its reason. An allowlist entry that no longer matches anything
fails the check too, so the list cannot silently rot.
Exit status: 0 clean, 1 violations, 2 bad input.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from package_modules import ModuleFile, PackageNotFound, module_files


@dataclass(frozen=True)
class Ban:
    """A module or dotted name that executor modules must not import (or call) at module level."""

    name: str
    reason: str


@dataclass(frozen=True)
class Allow:
    """An exception: MODULE may import or call the banned NAME at module level, for REASON."""

    module: str
    name: str
    reason: str


BANNED: tuple[Ban, ...] = (
    Ban("autopack.autonomous_executor", "the god file: executor modules are its leaves (cycle)"),
    Ban("autopack.main", "application wiring"),
    Ban("autopack.cli", "CLI entry point"),
    Ban("autopack.__main__", "CLI entry point"),
    Ban("autopack.db.session", "engine and session-factory creation: application wiring"),
    Ban(
        "autopack.approval_channel", "HTTP approval client: import it inside the function that asks"
    ),
    Ban("requests", "HTTP client"),
    Ban("httpx", "HTTP client"),
    Ban("aiohttp", "HTTP client and server"),
    Ban("urllib.request", "HTTP client"),
    Ban("urllib3", "HTTP client"),
    Ban("http.client", "HTTP client"),
    Ban("http.server", "HTTP server"),
    Ban("socketserver", "network server"),
    Ban("fastapi", "HTTP server"),
    Ban("starlette", "HTTP server"),
    Ban("flask", "HTTP server"),
    Ban("uvicorn", "HTTP server"),
    Ban("socket", "raw network access"),
    Ban("smtplib", "network client"),
    Ban("sqlalchemy.create_engine", "engine creation belongs to application wiring"),
    Ban("sqlalchemy.engine.create_engine", "engine creation belongs to application wiring"),
    Ban("sqlalchemy.ext.asyncio.create_async_engine", "engine creation belongs to wiring"),
)

BANNED_CALLS: tuple[Ban, ...] = tuple(
    ban for ban in BANNED if ban.name.rsplit(".", 1)[-1].startswith("create_")
)

# Each entry: which module, which banned name, and why it is acceptable there. Keep it short.
# Example: Allow("autopack.executor.ci_runner", "socket", "reason the import is needed at import time")
ALLOWLIST: tuple[Allow, ...] = ()


@dataclass(frozen=True)
class Violation:
    """A banned import or call found at module level."""

    module: str
    path: Path
    line: int
    kind: str  # "imports" or "calls"
    name: str
    ban: Ban

    def describe(self, root: Path) -> str:
        where = _display(self.path, root)
        return (
            f"{where}:{self.line}: {self.module} {self.kind} {self.name!r} at module level "
            f"(banned {self.ban.name!r}: {self.ban.reason})"
        )


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_nodes(tree: ast.Module) -> Iterator[ast.AST]:
    """Yield every node that runs at import time: function bodies and TYPE_CHECKING blocks excluded."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
        elif isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _resolve_relative(module: ModuleFile, level: int, target: str | None) -> str:
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        raise ValueError(f"relative import beyond the top-level package in {module.name!r}")
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def imported_names(
    module: ModuleFile, node: ast.Import | ast.ImportFrom
) -> tuple[list[str], dict[str, str]]:
    """Names one import statement imports (to compare with the bans) and the local bindings it makes."""
    names: list[str] = []
    bindings: dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            names.extend(_prefixes(alias.name))
            if alias.asname:
                bindings[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                bindings[top] = top
        return names, bindings
    base = _resolve_relative(module, node.level, node.module) if node.level else node.module or ""
    names.extend(_prefixes(base))
    for alias in node.names:
        if alias.name != "*":
            names.append(f"{base}.{alias.name}")
            bindings[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names, bindings


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = _dotted(expr.value)
        return f"{head}.{expr.attr}" if head else None
    return None


def _match(name: str, bans: Iterable[Ban]) -> Ban | None:
    return next((ban for ban in bans if name == ban.name), None)


def check_module(module: ModuleFile, bans: Sequence[Ban], calls: Sequence[Ban]) -> list[Violation]:
    """Violations in one module, in source order."""
    try:
        tree = ast.parse(module.path.read_text(encoding="utf-8"), filename=str(module.path))
    except SyntaxError as exc:
        raise ValueError(
            f"cannot parse {str(module.path)!r}: {exc.msg} (line {exc.lineno})"
        ) from exc
    found: list[Violation] = []
    bindings: dict[str, str] = {}
    nodes = list(module_level_nodes(tree))
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            seen = set()
            names, bound = imported_names(module, node)
            for local, target in bound.items():
                bindings.setdefault(local, target)
            for name in names:
                ban = _match(name, bans)
                if ban and ban.name not in seen:
                    seen.add(ban.name)
                    found.append(
                        Violation(module.name, module.path, node.lineno, "imports", name, ban)
                    )
    for node in nodes:
        if isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            if not dotted:
                continue
            head, _, rest = dotted.partition(".")
            resolved = ".".join(filter(None, [bindings.get(head, head), rest]))
            ban = _match(resolved, calls)
            if ban:
                found.append(
                    Violation(module.name, module.path, node.lineno, "calls", resolved, ban)
                )
    return sorted(found, key=lambda v: (v.line, v.kind, v.name))


def check_package(
    src: Path,
    package: str,
    bans: Sequence[Ban] = BANNED,
    calls: Sequence[Ban] = BANNED_CALLS,
    allowlist: Sequence[Allow] = ALLOWLIST,
) -> tuple[list[Violation], list[Allow]]:
    """Return the violations not covered by ALLOWLIST, and the allowlist entries that matched nothing."""
    modules = module_files(src, package)
    violations = [v for module in modules for v in check_module(module, bans, calls)]
    used: set[Allow] = set()
    remaining = []
    for violation in violations:
        allow = next(
            (
                a
                for a in allowlist
                if a.module == violation.module and a.name in (violation.ban.name, violation.name)
            ),
            None,
        )
        if allow:
            used.add(allow)
        else:
            remaining.append(violation)
    names = {module.name for module in modules}
    stale = [a for a in allowlist if a.module in names and a not in used]
    return remaining, stale


def _parse_pair(raw: str, option: str) -> tuple[str, str]:
    name, sep, reason = raw.partition("=")
    if not sep or not name.strip() or not reason.strip():
        raise ValueError(
            f"{option} {raw!r} needs the form NAME=REASON, e.g. 'requests=HTTP client'"
        )
    return name.strip(), reason.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default="src", help="source root (default: src)")
    parser.add_argument("--package", default="autopack.executor", help="package to check")
    parser.add_argument(
        "--ban", action="append", default=[], metavar="NAME=REASON", help="ban one more name"
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="MODULE:NAME=REASON",
        help="allow MODULE to import NAME at module level (the lasting list is ALLOWLIST)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        extra = [Ban(*_parse_pair(raw, "--ban")) for raw in args.ban]
        allows = []
        for raw in args.allow:
            target, reason = _parse_pair(raw, "--allow")
            module, sep, name = target.partition(":")
            if not sep or not module or not name:
                raise ValueError(f"--allow {raw!r} needs the form MODULE:NAME=REASON")
            allows.append(Allow(module, name, reason))
        bans = [*BANNED, *extra]
        calls = [ban for ban in bans if ban in BANNED_CALLS or ban in extra]
        violations, stale = check_package(
            Path(args.src), args.package, bans, calls, [*ALLOWLIST, *allows]
        )
    except (PackageNotFound, ValueError) as exc:
        print(f"import policy: error: {exc}", file=sys.stderr)
        return 2
    root = Path.cwd()
    for violation in violations:
        print(violation.describe(root))
    for allow in stale:
        print(
            f"stale allowlist entry: {allow.module} may import {allow.name!r} ({allow.reason}), "
            "but it no longer does; remove the entry from ALLOWLIST"
        )
    if violations or stale:
        print(
            f"import policy: FAILED for {args.package!r}. Fix: move the import into the function "
            "that needs it, or, when it must run at import time, add an Allow(...) entry with its "
            "reason to ALLOWLIST in scripts/check_import_policy.py"
        )
        return 1
    print(f"import policy: OK, no module of {args.package!r} imports banned wiring at module level")
    return 0


if __name__ == "__main__":
    sys.exit(main())
