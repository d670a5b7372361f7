"""The changed Python files of one ``check-move`` run, each read and parsed once per side, and
what each defines on each side: functions and methods, classes, module-level values, aliases.

The packages checked (the scope) are PKG's folder or module, or by default every package
folder (one with an ``__init__.py``) outside ``tests/`` holding a changed file. A changed file
in the default scope or in PKG must be readable: one that cannot be decoded or parsed stops the
run (:class:`~golden_harness.exceptions.SourceError`). Any other is skipped, and said.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import ReviewError
from golden_harness.moves._classes import classes_in
from golden_harness.moves._git import changed_files
from golden_harness.moves._move_ast import Alias, Function, aliases_in, functions_in
from golden_harness.moves._move_context import MoveContext
from golden_harness.moves._resolve import Resolver
from golden_harness.moves._sources import SourceFile, Sources
from golden_harness.moves._values import ModuleValue, module_values

__all__ = ["ChangedFile", "Survey", "survey"]


@dataclass
class ChangedFile:
    """One changed Python file on both sides (None where it does not exist), and what it
    defines on each."""

    path: str
    base: SourceFile | None
    now: SourceFile | None
    in_scope: bool = False
    in_default: bool = False
    olds: dict[str, Function] = field(default_factory=dict)
    news: dict[str, Function] = field(default_factory=dict)
    old_classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    new_classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    old_values: dict[str, ModuleValue] = field(default_factory=dict)
    new_values: dict[str, ModuleValue] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    _lines: dict[int, list[str]] = field(default_factory=dict)

    def text(self, function: Function) -> str:
        """The function's source lines, decorators included."""
        lines = self._lines.get(id(function.source))
        if lines is None:
            lines = self._lines[id(function.source)] = function.source.splitlines()
        node = function.node
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        return "\n".join(lines[first - 1 : node.end_lineno])


@dataclass
class Survey:
    """The run's sources, scopes, shared comparison context, and changed files."""

    root: Path
    commit: str
    sources: Sources
    scope: list[str]
    default_scope: list[str]
    context: MoveContext
    files: list[ChangedFile]
    unread: list[str]


def _scope(sources: Sources, package: str | None, paths: list[str]) -> list[str]:
    root = sources.root
    if package is None:
        return sorted(
            {
                str(Path(p).parent) + "/"
                for p in paths
                if not p.startswith("tests/") and (root / Path(p).parent / "__init__.py").is_file()
            }
        )
    relative = package.replace(".", "/")
    prefixes = [f"{base}{relative}" for base in ("src/", "")]
    found = [
        p + suffix
        for p in prefixes
        for suffix in ("/", ".py")
        if (root / (p + suffix)).exists()
        or (suffix == ".py" and sources.exists("base", p + suffix))
        or (suffix == "/" and any(c.startswith(p + suffix) for c in sources.changed))
    ]
    if not found:
        raise ReviewError(
            f"Package {package!r} not found: neither {prefixes[0]}/ nor {prefixes[1]}/ exists "
            f"in {root} or at {sources.commit[:12]}; give a dotted package name such as pkg.sub."
        )
    return found


def _within(path: str, scope: list[str]) -> bool:
    return any(path.startswith(s) or path == s for s in scope)


def _read(sources: Sources, path: str, strict: bool, unread: list[str]) -> ChangedFile:
    sides: dict[str, SourceFile | None] = {}
    for side in ("base", "now"):
        try:
            sides[side] = sources.file(side, path, strict=True)
        except ReviewError as error:
            if strict:
                raise
            sides[side] = None
            unread.append(str(error))
    return ChangedFile(path, sides["base"], sides["now"])


def _define(changed: ChangedFile, resolver: Resolver) -> None:
    if changed.base is not None:
        base = changed.base
        changed.olds = functions_in(base.path, base.tree, base.text, unique=True)
        changed.old_classes = classes_in(base.tree)
        changed.old_values = module_values(base)
    if changed.now is not None:
        now = changed.now
        changed.news = functions_in(now.path, now.tree, now.text, unique=True)
        changed.new_classes = classes_in(now.tree)
        changed.new_values = module_values(now)
        changed.aliases = aliases_in(now.tree, now.module, package=now.is_package)
        changed.imports = {
            name: bindings[-1].target
            for name, bindings in resolver.index(now).bindings.items()
            if bindings[-1].kind == "import"
        }


def survey(root: Path, commit: str, package: str | None) -> Survey:
    """Read every Python file changed between ``commit`` and the working tree."""
    paths = [c.path for c in changed_files(root, commit) if c.path.endswith(".py")]
    sources = Sources(root, commit, paths)
    scope = _scope(sources, package, paths)
    default_scope = _scope(sources, None, paths)
    context = MoveContext(sources, Resolver(sources))
    unread: list[str] = []
    files = []
    for path in sorted(paths):
        in_scope, in_default = _within(path, scope), _within(path, default_scope)
        changed = _read(sources, path, in_scope or in_default, unread)
        changed.in_scope, changed.in_default = in_scope, in_default
        _define(changed, context.resolver)
        files.append(changed)
    return Survey(root, commit, sources, scope, default_scope, context, files, unread)
