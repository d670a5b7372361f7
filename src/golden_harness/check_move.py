"""``golden check-move --base REV [--package PKG]``: is each function added since REV a pure
move of a function or method that was removed or reduced to a thin wrapper?

"Added" means defined now, in a Python file under PKG changed since REV, and not defined in that
file at REV. Its counterpart is looked for among the functions and methods, at REV, of every
changed Python file that are now gone or now a wrapper: first the one whose wrapper delegates to
it, else the most similar body. Bodies are compared after the normalization of
:mod:`golden_harness.move_ast`; the imported names a body uses must refer to the same objects.
"""

from __future__ import annotations

import ast
import difflib
import time
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import ReviewError
from golden_harness.gitrepo import changed_files, file_at, resolve_revision
from golden_harness.move_ast import (
    Function,
    Normalized,
    Wrapper,
    delegate_of,
    detail,
    diff_statements,
    functions_of,
    imports_of,
    module_name,
    normalize,
    statement_text,
    wrapper_call,
)

__all__ = ["CheckMoveResult", "MoveVerdict", "WrapperReport", "check_move", "render_check_move"]

_SIMILAR = 0.5
_CELL = 72


@dataclass
class MoveVerdict:
    """An added function, its counterpart at REV (None when none was found), and what differs."""

    added: Function
    counterpart: Function | None
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def pure(self) -> bool:
        return self.counterpart is not None and not self.differences


@dataclass(frozen=True)
class WrapperReport:
    """A function or method that became a thin wrapper since REV."""

    function: Function
    wrapper: Wrapper
    delegates_to: str


@dataclass
class CheckMoveResult:
    """What ``check-move`` found; :attr:`ok` is the exit verdict."""

    base: str
    commit: str
    scope: list[str]
    verdicts: list[MoveVerdict]
    wrappers: list[WrapperReport]
    seconds: float

    @property
    def ok(self) -> bool:
        """True when something was added, all of it is a pure move, and every wrapper passes
        its arguments on unchanged."""
        return (
            bool(self.verdicts)
            and all(v.pure for v in self.verdicts)
            and all(w.wrapper.same_arguments for w in self.wrappers)
        )


def _scope(root: Path, commit: str, package: str | None, paths: list[str]) -> list[str]:
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
        if (root / (p + suffix)).exists() or file_at(root, commit, p + suffix) is not None
    ]
    if not found:
        raise ReviewError(
            f"Package {package!r} not found: neither {prefixes[0]}/ nor {prefixes[1]}/ exists "
            f"in {root} or at {commit[:12]}; give a dotted package name such as pkg.sub."
        )
    return found


def _cell(where: str, text: str) -> str:
    cell = f"{where}  {text}"
    return cell if len(cell) <= _CELL else cell[: _CELL - 1] + "…"


def _compare(added: Function, old: Function, imports: dict[str, dict[str, str]]) -> MoveVerdict:
    first = added.params[0] if old.is_method and added.params else None
    a: Normalized = normalize(old, first, imports[old.path + "@base"])
    b: Normalized = normalize(added, None, imports[added.path])
    verdict = MoveVerdict(added, old)
    if a.signature != b.signature or a.decorators != b.decorators:
        verdict.differences.append(
            f"signature: {_cell(old.path, _def_line(old))} | {_cell(added.path, _def_line(added))}"
        )
    for name in sorted(set(a.names) & set(b.names)):
        x, y = a.names[name], b.names[name]
        if x.rsplit(".", 1)[-1] != y.rsplit(".", 1)[-1]:
            verdict.differences.append(f"name `{name}` refers to {x} at the base, {y} now")
        elif x != y:
            verdict.notes.append(f"name `{name}` is imported from {x} at the base, {y} now")
    _compare_constants(old, added, a, b, verdict)
    for x_node, y_node in diff_statements(list(a.body), list(b.body)):
        left = (
            _cell(f"{old.path}:{x_node.lineno}", statement_text(x_node, old.source))
            if x_node is not None and hasattr(x_node, "lineno")
            else _cell("", "(nothing)")
        )
        right = (
            _cell(f"{added.path}:{y_node.lineno}", statement_text(y_node, added.source))
            if y_node is not None and hasattr(y_node, "lineno")
            else _cell("", "(nothing)")
        )
        verdict.differences.append(f"{left:<{_CELL}} | {right}")
        if x_node is not None and y_node is not None:
            verdict.differences.append(f"    {detail(x_node, y_node)}")
    if not verdict.differences:
        verdict.notes += _keyword_only_notes(old, added)
    return verdict


def _keyword_only_notes(old: Function, added: Function) -> list[str]:
    """Parameters that became keyword-only, or stopped being, compared by name."""
    before = [a.arg for a in old.node.args.kwonlyargs]
    after = [a.arg for a in added.node.args.kwonlyargs]
    notes = []
    if now := [name for name in after if name not in before]:
        notes.append(f"parameters: keyword-only now: {', '.join(f'`{n}`' for n in now)}")
    if no_longer := [name for name in before if name not in after]:
        names = ", ".join(f"`{n}`" for n in no_longer)
        notes.append(f"parameters: no longer keyword-only: {names}")
    return notes


def _module_constants(source: str) -> dict[str, str]:
    """Top-level ``NAME = value`` assignments of a module: name -> the value's source text."""
    constants: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            constants[target.id] = ast.unparse(value)
    return constants


def _loaded_names(body: list[ast.stmt]) -> set[str]:
    return {
        n.id
        for statement in body
        for n in ast.walk(statement)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def _compare_constants(
    old: Function, added: Function, a: Normalized, b: Normalized, verdict: MoveVerdict
) -> None:
    """A module constant the body reads must have the same value on both sides: a move that
    copies `TIMEOUT = 10` into the new module as `TIMEOUT = 20` is not a pure move."""
    old_constants = _module_constants(old.source)
    new_constants = _module_constants(added.source)
    for name in sorted(_loaded_names(a.body) & _loaded_names(b.body)):
        x, y = old_constants.get(name), new_constants.get(name)
        if x is not None and y is not None and x != y:
            verdict.differences.append(
                f"module constant `{name}`: {x} at the base ({old.path}), {y} now ({added.path})"
            )
        elif (x is None) != (y is None) and name in (a.names if y is None else b.names):
            side = "imported now" if y is None else "imported at the base"
            verdict.notes.append(
                f"name `{name}` is a module constant on one side and {side}: value not compared"
            )


def _def_line(function: Function) -> str:
    node = function.node
    return f"def {node.name}({ast.unparse(node.args)})"


def _similarity(old: Function, added: Function) -> float:
    a = [ast.dump(s) for s in old.node.body]
    b = [ast.dump(s) for s in added.node.body]
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def check_move(root: Path, base: str, package: str | None = None) -> CheckMoveResult:
    """Compare every function added under ``package`` since ``base`` with its counterpart."""
    started = time.monotonic()
    commit = resolve_revision(root, base)
    changes = [c for c in changed_files(root, commit) if c.path.endswith(".py")]
    scope = _scope(root, commit, package, [c.path for c in changes])
    imports: dict[str, dict[str, str]] = {}
    added: list[Function] = []
    pool: list[Function] = []
    wrappers: list[WrapperReport] = []
    for change in changes:
        old_text = file_at(root, commit, change.path)
        new_file = root / change.path
        new_text = new_file.read_text(encoding="utf-8") if new_file.is_file() else None
        olds = functions_of(change.path, old_text) if old_text is not None else {}
        news = functions_of(change.path, new_text) if new_text is not None else {}
        module = module_name(change.path)
        if old_text is not None:
            imports[change.path + "@base"] = imports_of(old_text, module)
        if new_text is not None:
            imports[change.path] = imports_of(new_text, module)
        if new_text is not None and any(
            change.path.startswith(s) or change.path == s for s in scope
        ):
            added += [f for name, f in news.items() if name not in olds]
        for name, old in olds.items():
            now = news.get(name)
            if now is None:
                pool.append(old)
            elif (wrapper := wrapper_call(now)) is not None and wrapper_call(old) is None:
                pool.append(old)
                target = delegate_of(wrapper, now, imports.get(change.path, {}))
                wrappers.append(WrapperReport(now, wrapper, target))
    verdicts = []
    for function in sorted(added, key=lambda f: (f.path, f.node.lineno)):
        linked = [w.function.qualname for w in wrappers if w.delegates_to == function.full_name]
        candidates = [
            old
            for old in pool
            if not linked
            or (old.qualname in linked and any(w.function.path == old.path for w in wrappers))
        ]
        ranked = sorted(
            candidates,
            key=lambda old: (
                -_similarity(old, function),
                old.qualname.split(".")[-1] != function.qualname.split(".")[-1],
                old.path,
                old.qualname,
            ),
        )
        best = [old for old in ranked if linked or _similarity(old, function) >= _SIMILAR]
        verdicts.append(
            _compare(function, best[0], imports) if best else MoveVerdict(function, None)
        )
    return CheckMoveResult(base, commit, scope, verdicts, wrappers, time.monotonic() - started)


def render_check_move(result: CheckMoveResult) -> list[str]:
    """The lines ``golden check-move`` prints."""
    lines = [
        f"check-move: base {result.base} ({result.commit[:12]}), {len(result.verdicts)} "
        f"function(s) added under {', '.join(result.scope) or '(no changed package)'}"
    ]
    for v in result.verdicts:
        where = f"{v.added.full_name} ({v.added.path}:{v.added.node.lineno})"
        if v.counterpart is None:
            lines.append(
                f"  no counterpart   {where}: no removed or wrapped function has a similar body"
            )
            continue
        origin = f"{v.counterpart.full_name} ({v.counterpart.path}:{v.counterpart.node.lineno} at the base)"
        lines.append(f"  {'pure move' if v.pure else 'NOT A PURE MOVE':<16} {where} <- {origin}")
        lines += [f"      {line}" for line in v.differences]
        lines += [f"      note: {note}" for note in v.notes]
    if result.wrappers:
        lines.append("thin wrappers (functions at the base whose body now delegates):")
    for w in result.wrappers:
        arguments = (
            "the same arguments"
            if w.wrapper.same_arguments
            else f"OTHER ARGUMENTS: {w.wrapper.call}"
        )
        lines.append(
            f"  {w.function.full_name} ({w.function.path}:{w.function.node.lineno}) -> "
            f"{w.delegates_to} with {arguments}"
        )
    pure = sum(v.pure for v in result.verdicts)
    orphans = sum(v.counterpart is None for v in result.verdicts)
    lines.append(
        f"{pure} pure move(s), {len(result.verdicts) - pure - orphans} not pure, {orphans} without "
        f"counterpart; {len(result.wrappers)} wrapper(s), "
        f"{sum(not w.wrapper.same_arguments for w in result.wrappers)} passing other arguments; "
        f"{result.seconds:.2f} s."
    )
    if not result.verdicts:
        lines.append("Nothing to check: no function was added there since the base.")
    return lines
