"""``golden check-move --base REV [--package PKG]``: is each function added since REV a pure
move of a function or method that was removed or reduced to a thin wrapper?

"Added" means defined now, in a Python file under PKG changed since REV, and not defined in that
file at REV. Its counterpart is looked for among the functions and methods, at REV, of every
changed Python file that are now gone or now a wrapper: first the one whose wrapper delegates to
it, else the most similar body. Bodies are compared after the normalization of
the ``_move_ast`` module; the imported names a body uses must refer to the same objects.

Beyond the added functions, every function of a changed Python file whose definition changed
(wrappers included) is checked for undefined names (ruff's F821) and for ``self.<attr>`` reads
of attributes its class set at REV and sets nowhere now (a warning).
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import ReviewError
from golden_harness.moves._git import changed_files, file_at, resolve_revision
from golden_harness.moves._move_ast import (
    ClassAttributes,
    Function,
    Normalized,
    Wrapper,
    aliases_of,
    class_attributes,
    delegate_of,
    detail,
    diff_statements,
    functions_of,
    imports_of,
    module_name,
    normalize,
    self_reads,
    statement_text,
    stored_parameters,
    wrapper_call,
)

__all__ = [
    "AttributeWarning",
    "CheckMoveResult",
    "MoveVerdict",
    "UndefinedName",
    "WrapperReport",
    "check_move",
    "render_check_move",
]

_SIMILAR = 0.5
_CELL = 72


@dataclass
class MoveVerdict:
    """An added function, its counterpart at REV (None when none was found), and what differs."""

    added: Function
    counterpart: Function | None
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    why_none: str = "no removed or wrapped function has a similar body"

    @property
    def pure(self) -> bool:
        return self.counterpart is not None and not self.differences


@dataclass(frozen=True)
class WrapperReport:
    """A function or method that became a thin wrapper since REV. ``problems`` are the
    arguments that do not reach the delegate's parameter of the same name (checked when the
    delegate is an added function)."""

    function: Function
    wrapper: Wrapper
    delegates_to: str
    problems: tuple[str, ...] = ()

    @property
    def passes_on(self) -> bool:
        """True when every parameter is passed on unchanged to the parameter of its name."""
        return self.wrapper.same_arguments and not self.problems


@dataclass(frozen=True)
class AliasReport:
    """A method or function at REV that is now a name bound to another function
    (``ship = execute`` in the class body). ``problems`` are the parameters that differ from the
    target's (checked when the target is an added function): a caller would bind its arguments
    to other parameters."""

    function: Function
    line: int
    target: str
    problems: tuple[str, ...] = ()

    @property
    def passes_on(self) -> bool:
        """True when the target takes the parameters the function took (after the first)."""
        return not self.problems


@dataclass(frozen=True)
class UndefinedName:
    """A name a changed function uses and nothing defines (ruff's F821)."""

    path: str
    line: int
    name: str
    function: str


@dataclass(frozen=True)
class AttributeWarning:
    """A ``self.<attribute>`` read in a changed method whose class set the attribute at REV
    and sets it nowhere now."""

    path: str
    line: int
    attribute: str
    function: str
    base_line: int


@dataclass
class CheckMoveResult:
    """What ``check-move`` found; :attr:`ok` is the exit verdict."""

    base: str
    commit: str
    scope: list[str]
    verdicts: list[MoveVerdict]
    wrappers: list[WrapperReport]
    seconds: float
    undefined: list[UndefinedName] = field(default_factory=list)
    warnings: list[AttributeWarning] = field(default_factory=list)
    constructors: list[Function] = field(default_factory=list)
    aliases: list[AliasReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when something was added, all of it is a pure move, every wrapper passes its
        arguments on unchanged, every alias is bound to a function taking the same parameters,
        and no changed function uses an undefined name."""
        return (
            bool(self.verdicts)
            and all(v.pure for v in self.verdicts)
            and all(w.passes_on for w in self.wrappers)
            and all(a.passes_on for a in self.aliases)
            and not self.undefined
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


def _first_parameter(old: Function, added: Function) -> tuple[str | None, bool]:
    """How the counterpart's first parameter maps onto the added function: (the name it is
    renamed to, or None; whether it was dropped). A method's ``self`` becomes the new first
    parameter (``ship(self, order)`` -> ``ship(orders, order)``); it is dropped when the added
    function has exactly the other parameters (``trim(self, output)`` -> ``trim(output)``); it is
    kept as it is when the new first parameter is one of the others (``_step(self, phase_id)`` ->
    ``step(phase_id, workspace)``: the parameters changed, and ``self.workspace`` must not read
    as ``phase_id.workspace``)."""
    if not old.is_method or not old.params:
        return None, False
    others = old.params[1:]
    if not added.is_method and added.params == others:
        return None, True
    if added.params and added.params[0] not in others:
        return added.params[0], False
    return None, False


def _owner(function: Function) -> str:
    return function.qualname.rpartition(".")[0]


def _attribute_differences(old: Function, added: Function, verdict: MoveVerdict) -> None:
    """A method moved to another class reads on ``self`` what its old class set: the new class
    must set or define each such attribute too (``self.run_id`` in ``__init__``)."""
    if not (old.is_method and added.is_method):
        return
    before = class_attributes(old.source, _owner(old))
    after = class_attributes(added.source, _owner(added))
    if before is None or after is None:
        return
    for attribute, line in self_reads(added):
        if attribute not in before.names or attribute in after.names:
            continue
        where = f"`self.{attribute}` ({added.path}:{line})"
        if after.open:
            verdict.notes.append(
                f"{where}: {_owner(added)} does not set it here; not judged, its base classes "
                "or setattr may"
            )
        else:
            verdict.differences.append(
                f"{where} is read, but {_owner(added)} never sets it; {_owner(old)} did at the "
                f"base ({old.path}:{before.names[attribute]})"
            )


def _compare(added: Function, old: Function, imports: dict[str, dict[str, str]]) -> MoveVerdict:
    first, dropped = _first_parameter(old, added)
    a: Normalized = normalize(old, first, imports[old.path + "@base"], drop_first=dropped)
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
    _attribute_differences(old, added, verdict)
    if not verdict.differences:
        if dropped:
            verdict.notes.append(f"parameters: `{old.params[0]}` dropped (the body never used it)")
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


class _Similarity:
    """The share of statements alike of two bodies, after the normalization of the comparison
    (``self`` renamed to the new first parameter, docstrings and annotations dropped); each
    pair is computed once."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, str, str], float] = {}

    def __call__(self, old: Function, added: Function) -> float:
        key = (old.path, old.qualname, added.path, added.qualname)
        if key not in self._known:
            first, _ = _first_parameter(old, added)
            a = [ast.dump(s) for s in normalize(old, first, {}).body]
            b = [ast.dump(s) for s in normalize(added, None, {}).body]
            self._known[key] = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        return self._known[key]


def _parameter_problems(function: Function, target: Function) -> tuple[str, ...]:
    """How ``target``'s parameters after the first differ from ``function``'s: by name, kind or
    default, so that a call written for ``function`` would bind differently."""

    def described(f: Function) -> list[tuple[str, str, str | None]]:
        a = f.node.args
        positional = [*a.posonlyargs, *a.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults))
        defaults += list(a.defaults)
        rows = [
            ("positional", p.arg, ast.unparse(d) if d is not None else None)
            for p, d in zip(positional, defaults, strict=True)
        ]
        rows += [
            ("keyword-only", p.arg, ast.unparse(d) if d is not None else None)
            for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
        ]
        rows += [("*args", a.vararg.arg, None)] if a.vararg else []
        rows += [("**kwargs", a.kwarg.arg, None)] if a.kwarg else []
        return rows[1:]

    was, now = described(function), described(target)
    if was == now:
        return ()

    def show(rows: list[tuple[str, str, str | None]]) -> str:
        return ", ".join(f"{name}={default}" if default else name for _, name, default in rows)

    return (f"parameters after the first were ({show(was)}), the target takes ({show(now)})",)


def _binding_problems(wrapper: WrapperReport, delegate: Function) -> tuple[str, ...]:
    """The wrapper's arguments that do not reach the delegate's parameter of the same name:
    ``ship(self, b, a)`` for ``def ship(orders, a, b)`` passes `b` as `a`."""
    call = ast.parse(wrapper.wrapper.call, mode="eval").body
    assert isinstance(call, ast.Call)
    args = delegate.node.args
    positional = [p.arg for p in [*args.posonlyargs, *args.args]]
    if delegate.is_method and not wrapper.wrapper.passes_first:
        positional = positional[1:]  # a bound method: its `self` is the object called
    first = wrapper.function.params[0] if wrapper.function.params else None
    problems: list[str] = []
    bound: set[str] = set()
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return ()
        if index >= len(positional):
            if args.vararg is None:
                problems.append(
                    f"`{ast.unparse(arg)}` is passed by position, but {delegate.qualname} takes "
                    f"{len(positional)} positional argument(s)"
                )
            continue
        parameter = positional[index]
        bound.add(parameter)
        is_first = index == 0 and wrapper.wrapper.passes_first
        if isinstance(arg, ast.Name) and arg.id != parameter and not is_first:
            problems.append(f"`{arg.id}` is passed as `{parameter}`")
    names = {p.arg for p in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    for keyword in call.keywords:
        if keyword.arg is None:
            return ()
        bound.add(keyword.arg)
        if keyword.arg not in names and args.kwarg is None:
            problems.append(f"`{keyword.arg}` is not a parameter of {delegate.qualname}")
        elif isinstance(keyword.value, ast.Name) and keyword.value.id == first:
            continue
    with_default = set(positional[len(positional) - len(args.defaults) :]) | {
        a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
    }
    required = [
        p for p in [*positional, *(a.arg for a in args.kwonlyargs)] if p not in with_default
    ]
    problems += [f"`{p}` is not passed" for p in required if p not in bound]
    return tuple(problems)


def _ruff_command() -> list[str]:
    """The ruff executable: the one installed with the ``ruff`` package, else one on PATH."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return [str(find_ruff_bin())]
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
    if found is None:
        raise ReviewError(
            "check-move finds undefined names with ruff, and ruff is not installed for "
            f"{sys.executable}: install the harness extra (pip install 'autopack[harness]') or "
            "ruff itself (pip install 'ruff>=0.6')."
        )
    return [found]


_UNDEFINED = re.compile(r"`([^`]+)`")


def _undefined_names(
    root: Path, spans: dict[str, list[tuple[int, int, str]]]
) -> list[UndefinedName]:
    """Ruff's F821 findings (project configuration ignored) that fall in the given spans
    (path -> (first line, last line, function))."""
    if not spans:
        return []
    command = [
        *_ruff_command(),
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        "F821",
        "--output-format",
        "json",
        "--exit-zero",
        *sorted(spans),
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    try:
        findings = json.loads(done.stdout) if done.returncode == 0 else None
    except json.JSONDecodeError:
        findings = None
    if findings is None:
        raise ReviewError(
            f"`{' '.join(command[:10])} ...` failed in {root} (exit {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}; run it by hand to see why."
        )
    found = []
    for finding in findings:
        if finding.get("code") != "F821":
            continue
        path = Path(finding["filename"]).resolve().relative_to(root.resolve()).as_posix()
        line = finding["location"]["row"]
        named = _UNDEFINED.search(finding["message"])
        for first, last, function in spans.get(path, []):
            if first <= line <= last:
                name = named.group(1) if named else finding["message"]
                found.append(UndefinedName(path, line, name, function))
                break
    return sorted(set(found), key=lambda u: (u.path, u.line, u.name))


def _span(function: Function) -> tuple[int, int, str]:
    node = function.node
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return first, node.end_lineno or node.lineno, function.full_name


def _attribute_warnings(
    path: str, old_text: str, new_text: str, changed: list[Function]
) -> list[AttributeWarning]:
    """``self.<attr>`` reads in changed methods of a class that set the attribute at the base
    and sets it nowhere now (classes that may get attributes otherwise are skipped)."""
    cache: dict[tuple[str, str], ClassAttributes | None] = {}

    def attributes(text: str, side: str, owner: str) -> ClassAttributes | None:
        if (side, owner) not in cache:
            cache[side, owner] = class_attributes(text, owner)
        return cache[side, owner]

    warnings = []
    for function in changed:
        if not function.is_method:
            continue
        owner = _owner(function)
        before, after = attributes(old_text, "base", owner), attributes(new_text, "now", owner)
        if before is None or after is None or after.open:
            continue
        for attribute, line in self_reads(function):
            if attribute in before.names and attribute not in after.names:
                warnings.append(
                    AttributeWarning(
                        path, line, attribute, function.full_name, before.names[attribute]
                    )
                )
    return warnings


def _same_name(a: str, b: str) -> bool:
    return a.rpartition(".")[2].lstrip("_") == b.rpartition(".")[2].lstrip("_")


def _why_none(
    added: Function, pool: list[Function], survivors: list[Function], similarity: _Similarity
) -> str:
    """Why an added function has no counterpart, in words that tell the cases apart."""
    for old in survivors:
        if _same_name(old.qualname, added.qualname):
            return (
                f"{old.full_name} ({old.path}:{old.node.lineno} at the base) has the same name "
                "and changed, but is not a thin wrapper now (one call passing its parameters "
                "on): compare the two by hand"
            )
    if not pool:
        return "no function was removed or reduced to a thin wrapper"
    best = max(
        pool, key=lambda old: (similarity(old, added), _same_name(old.qualname, added.qualname))
    )
    return (
        f"no removed or wrapped function has a similar body (the closest, {best.full_name}, "
        f"has {similarity(best, added):.0%} of its statements alike; {_SIMILAR:.0%} needed)"
    )


def check_move(root: Path, base: str, package: str | None = None) -> CheckMoveResult:
    """Compare every function added under ``package`` since ``base`` with its counterpart, and
    check the changed functions of every changed Python file for undefined names and for
    attributes their class no longer sets."""
    started = time.monotonic()
    commit = resolve_revision(root, base)
    changes = [c for c in changed_files(root, commit) if c.path.endswith(".py")]
    scope = _scope(root, commit, package, [c.path for c in changes])
    imports: dict[str, dict[str, str]] = {}
    added: list[Function] = []
    pool: list[Function] = []
    survivors: list[Function] = []
    wrappers: list[WrapperReport] = []
    aliases: list[AliasReport] = []
    spans: dict[str, list[tuple[int, int, str]]] = {}
    warnings: list[AttributeWarning] = []
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
        changed = [
            f
            for name, f in news.items()
            if name not in olds or ast.dump(olds[name].node) != ast.dump(f.node)
        ]
        if changed:
            spans[change.path] = [_span(f) for f in changed]
        if old_text is not None and new_text is not None:
            warnings += _attribute_warnings(change.path, old_text, new_text, changed)
        bound_now = aliases_of(new_text, module) if new_text is not None else {}
        for name, old in olds.items():
            now = news.get(name)
            if now is None:
                pool.append(old)
                if name in bound_now:
                    line, target = bound_now[name]
                    aliases.append(AliasReport(old, line, target))
            elif (wrapper := wrapper_call(now, unbound=True)) is not None and wrapper_call(
                old, unbound=True
            ) is None:
                pool.append(old)
                target = delegate_of(wrapper, now, imports.get(change.path, {}))
                wrappers.append(WrapperReport(now, wrapper, target))
            elif ast.dump(old.node) != ast.dump(now.node):
                survivors.append(old)
    by_name = {f.full_name: f for f in added}
    wrappers = [
        WrapperReport(
            w.function, w.wrapper, w.delegates_to, _binding_problems(w, by_name[w.delegates_to])
        )
        if w.delegates_to in by_name
        else w
        for w in wrappers
    ]
    aliases = [
        AliasReport(
            a.function, a.line, a.target, _parameter_problems(a.function, by_name[a.target])
        )
        if a.target in by_name
        else a
        for a in aliases
    ]
    # The constructor of a class that receives moved methods only stores what it is given: it
    # has no counterpart, and it is listed rather than judged.
    constructors = [f for f in added if stored_parameters(f) is not None]
    verdicts = []
    _similarity = _Similarity()
    for function in sorted(added, key=lambda f: (f.path, f.node.lineno)):
        if function in constructors:
            continue
        linked = [
            (w.function.qualname, w.function.path)
            for w in wrappers
            if w.delegates_to == function.full_name
        ] + [
            (a.function.qualname, a.function.path)
            for a in aliases
            if a.target == function.full_name
        ]
        candidates = [old for old in pool if not linked or (old.qualname, old.path) in linked]
        ranked = sorted(
            candidates,
            key=lambda old: (
                -_similarity(old, function),
                not _same_name(old.qualname, function.qualname),
                old.path,
                old.qualname,
            ),
        )
        best = [old for old in ranked if linked or _similarity(old, function) >= _SIMILAR]
        verdicts.append(
            _compare(function, best[0], imports)
            if best
            else MoveVerdict(
                function, None, why_none=_why_none(function, pool, survivors, _similarity)
            )
        )
    undefined = _undefined_names(root, spans)
    return CheckMoveResult(
        base,
        commit,
        scope,
        verdicts,
        wrappers,
        time.monotonic() - started,
        undefined,
        sorted(warnings, key=lambda w: (w.path, w.line, w.attribute)),
        sorted(constructors, key=lambda f: (f.path, f.node.lineno)),
        aliases,
    )


def _delegation(w: WrapperReport) -> str:
    """How a wrapper delegates: the target, and how ``self`` gets there."""
    first = w.function.params[0] if w.function.params else "self"
    if w.wrapper.passes_first:
        return w.delegates_to
    if w.wrapper.receiver == "":
        return f"{w.delegates_to} (a method of the same object)"
    if w.wrapper.receiver is not None:
        held = f"`{first}.{w.wrapper.receiver}`"
        if w.delegates_to == w.wrapper.target:
            return f"{w.delegates_to} (the class of {held} could not be told)"
        return f"{w.delegates_to} through {held}"
    return f"{w.delegates_to} without `{first}`"


def render_check_move(result: CheckMoveResult) -> list[str]:
    """The lines ``golden check-move`` prints."""
    lines = [
        f"check-move: base {result.base} ({result.commit[:12]}), "
        f"{len(result.verdicts) + len(result.constructors)} function(s) added under "
        f"{', '.join(result.scope) or '(no changed package)'}"
    ]
    for c in result.constructors:
        stored = ", ".join(f"`self.{name}`" for name in stored_parameters(c) or [])
        lines.append(
            f"  constructor      {c.full_name} ({c.path}:{c.node.lineno}): only stores its "
            f"parameters ({stored or 'none'})"
        )
    for v in result.verdicts:
        where = f"{v.added.full_name} ({v.added.path}:{v.added.node.lineno})"
        if v.counterpart is None:
            lines.append(f"  no counterpart   {where}: {v.why_none}")
            continue
        origin = f"{v.counterpart.full_name} ({v.counterpart.path}:{v.counterpart.node.lineno} at the base)"
        lines.append(f"  {'pure move' if v.pure else 'NOT A PURE MOVE':<16} {where} <- {origin}")
        lines += [f"      {line}" for line in v.differences]
        lines += [f"      note: {note}" for note in v.notes]
    if result.wrappers:
        lines.append("thin wrappers (functions at the base whose body now delegates):")
    for w in result.wrappers:
        if w.passes_on:
            arguments = "the same arguments"
        else:
            arguments = f"OTHER ARGUMENTS: {w.wrapper.call}" + (
                f" ({'; '.join(w.problems)})" if w.problems else ""
            )
        lines.append(
            f"  {w.function.full_name} ({w.function.path}:{w.function.node.lineno}) -> "
            f"{_delegation(w)} with {arguments}"
        )
    if result.aliases:
        lines.append("aliases (functions at the base now a name bound to a function):")
    for alias in result.aliases:
        parameters = (
            "the same parameters"
            if alias.passes_on
            else f"OTHER PARAMETERS: {'; '.join(alias.problems)}"
        )
        lines.append(
            f"  {alias.function.full_name} ({alias.function.path}:{alias.line}) = {alias.target} "
            f"with {parameters}"
        )
    if result.undefined:
        lines.append("undefined names in the changed functions (ruff F821):")
    for u in result.undefined:
        lines.append(f"  {u.path}:{u.line}  `{u.name}` in {u.function} is not defined")
    if result.warnings:
        lines.append("warning: attributes read that the class no longer sets:")
    for a in result.warnings:
        lines.append(
            f"  {a.path}:{a.line}  `self.{a.attribute}` in {a.function}: set at the base "
            f"({a.path}:{a.base_line}), nowhere now"
        )
    pure = sum(v.pure for v in result.verdicts)
    orphans = sum(v.counterpart is None for v in result.verdicts)
    lines.append(
        f"{pure} pure move(s), {len(result.verdicts) - pure - orphans} not pure, {orphans} without "
        f"counterpart; {len(result.wrappers)} wrapper(s), "
        f"{sum(not w.passes_on for w in result.wrappers)} passing other arguments; "
        f"{len(result.undefined)} undefined name(s), {len(result.warnings)} attribute "
        f"warning(s)"
        + (f", {len(result.constructors)} constructor(s)" if result.constructors else "")
        + (
            f", {len(result.aliases)} alias(es), "
            f"{sum(not a.passes_on for a in result.aliases)} with other parameters"
            if result.aliases
            else ""
        )
        + f"; {result.seconds:.2f} s."
    )
    if not result.verdicts:
        lines.append("Nothing to check: no function was added there since the base.")
    return lines
