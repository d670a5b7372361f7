"""An added function against its counterpart at the base: is it the same code, in its new
place?

Compared in normal form (see :mod:`golden_harness.moves._normal_form`): the parameters (names,
order, defaults; a parameter becoming keyword-only is a note), the decorators (those the wrapper
or alias left behind keeps are taken off the counterpart's), ``async``, the body statement by
statement, and what every name the code reads refers to. The counterpart's first parameter
(``self``) is renamed to the new first parameter, or dropped when the body never used it and
the new function takes exactly the other parameters.

Around the body: the module constants it reads must keep their values; a method moved to
another class must find there the attributes it reads on ``self`` (and their values, for class
attributes); a method moved into a base class or mixin must still be what its old class
resolves the name to; a rename is pure only when nothing can observe the name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from golden_harness.moves._class_attrs import class_attributes, class_values, self_reads
from golden_harness.moves._classes import Located, classes_in, linearize
from golden_harness.moves._move_ast import BINDING_DECORATORS, Function, decorator_name, facts
from golden_harness.moves._move_context import (
    MoveContext,
    Namer,
    class_bound_names,
    expression_locals,
)
from golden_harness.moves._move_result import MoveVerdict
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._sources import SourceFile
from golden_harness.moves._statement_diff import detail, diff_statements, statement_text
from golden_harness.moves._values import in_place_change

__all__ = ["Link", "compare_functions", "first_parameter"]

_CELL = 72
_NAME_BLIND = frozenset(
    {
        *BINDING_DECORATORS,
        "abstractmethod",
        "abc.abstractmethod",
        "override",
        "typing.override",
        "overload",
        "typing.overload",
        "final",
        "typing.final",
    }
)


@dataclass(frozen=True)
class Link:
    """What the wrapper or alias left at the counterpart's place keeps of its decorators: the
    decorator expressions, outermost first, of the function (or class body) ``qualname`` in the
    working tree's file ``path``."""

    kept: tuple[ast.expr, ...] = ()
    path: str = ""
    qualname: str = ""


def first_parameter(old: Function, added: Function) -> tuple[str | None, bool]:
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


def _cell(where: str, text: str) -> str:
    cell = f"{where}  {text}"
    return cell if len(cell) <= _CELL else cell[: _CELL - 1] + "…"


def _def_line(function: Function) -> str:
    node = function.node
    return f"def {node.name}({ast.unparse(node.args)})"


class _Sides:
    """The dumpers of one comparison: bodies (``left``/``right``) and the code around them
    that runs where the function is defined (``outer``: defaults, decorators)."""

    def __init__(self, context: MoveContext, old: Function, new: Function, rename: str | None):
        self.context = context
        old_file, new_file = context.file("base", old.path), context.file("now", new.path)
        self.old_scope = context.resolver.index(old_file).scope(old.node)
        self.new_scope = context.resolver.index(new_file).scope(new.node)
        exempt = set(facts(old.node).logger_names | facts(new.node).logger_names)
        self.left_namer = Namer(context, "base", old_file, self.old_scope, exempt=exempt)
        self.right_namer = Namer(context, "now", new_file, self.new_scope, exempt=exempt)
        renamed = {old.params[0]: rename} if rename and old.params else {}
        self.left = Dumper(rename=renamed, token=self.left_namer)
        self.right = Dumper(token=self.right_namer)
        own = expression_locals(old.node.args) | expression_locals(new.node.args)
        for decorator in [*old.node.decorator_list, *new.node.decorator_list]:
            own |= expression_locals(decorator)
        self.left_outer = Dumper(token=self.outer(context, "base", old, old_file, own))
        self.right_outer = Dumper(token=self.outer(context, "now", new, new_file, own))

    @staticmethod
    def outer(
        context: MoveContext, side: str, f: Function, file: SourceFile, own: set[str]
    ) -> Namer:
        """A namer for the code around ``f`` that runs where it is defined."""
        cls = classes_in(file.tree).get(f.owner) if f.owner else None
        return Namer(
            context,
            side,
            file,
            class_names=class_bound_names(cls) if cls is not None else None,
            class_key=f"{f.module}:{f.owner}" if cls is not None else None,
            own=own,
        )

    def redo_right(self, overridden: set[str]) -> None:
        """Dump the right side again with the names in ``overridden`` resolved as the left
        side resolves them (their difference is reported once, by name)."""
        for name in overridden:
            self.right_namer.override[name] = self.left_namer
        self.right = Dumper(token=self.right_namer)


def _decorator_differences(
    old: Function, new: Function, sides: _Sides, link: Link | None, verdict: MoveVerdict
) -> None:
    was = list(old.node.decorator_list)
    kept = list(link.kept) if link else []
    now = list(new.node.decorator_list)
    left, right = sides.left_outer, sides.right_outer
    if link is not None and kept:
        file = sides.context.file("now", link.path)
        owner = link.qualname.rpartition(".")[0]
        cls = classes_in(file.tree).get(owner) if owner else None
        keeper = Dumper(
            token=Namer(
                sides.context,
                "now",
                file,
                class_names=class_bound_names(cls) if cls is not None else None,
                class_key=f"{file.module}:{owner}" if cls is not None else None,
            )
        )
    if kept and [left(d) for d in was[: len(kept)]] == [keeper(d) for d in kept]:
        was = was[len(kept) :]
    elif kept:
        verdict.differences.append(
            "decorators: the wrapper keeps "
            + ", ".join(f"`@{ast.unparse(d)}`" for d in kept)
            + ", which are not the outermost of the base's ("
            + (", ".join(f"`@{ast.unparse(d)}`" for d in old.node.decorator_list) or "none")
            + ")"
        )
    if old.owner and not new.owner and link is None:
        remaining = []
        for decorator in was:
            name = decorator_name(decorator)
            if name in ("staticmethod", "classmethod"):
                continue
            if name == "property":
                verdict.notes.append("`@property` dropped: callers now call the function")
                continue
            remaining.append(decorator)
        was = remaining
    if not old.owner and new.owner and link is None:
        now = [d for d in now if decorator_name(d) != "staticmethod"]
    a, b = [left(d) for d in was], [right(d) for d in now]
    if a == b:
        return
    for index in range(max(len(a), len(b))):
        x = was[index] if index < len(was) else None
        y = now[index] if index < len(now) else None
        if x is not None and y is not None and a[index] != b[index]:
            verdict.differences.append(f"decorator: `@{ast.unparse(x)}` -> `@{ast.unparse(y)}`")
        elif x is not None and y is None:
            verdict.differences.append(f"decorator `@{ast.unparse(x)}` removed")
        elif y is not None and x is None:
            verdict.differences.append(f"decorator `@{ast.unparse(y)}` added")


def _name_differences(
    old: Function, new: Function, sides: _Sides, verdict: MoveVerdict
) -> set[str]:
    """Report the names both bodies read under the same spelling that refer to different
    objects; return them."""
    left, right = sides.left_namer.uses, sides.right_namer.uses
    differing = set()
    for name in sorted(set(left) & set(right)):
        if left[name].token == right[name].token:
            continue
        was, now = left[name].resolution, right[name].resolution
        differing.add(name)
        if any(ref.key in sides.context.value_changes for ref in was.refs):
            continue  # said as the module constant's change
        if (
            was.refs[0].kind == now.refs[0].kind == "def" and was.refs[0].name != now.refs[0].name
        ) or was.refs[0].kind != now.refs[0].kind:
            verdict.differences.append(
                f"name `{name}` refers to {was.describe()} at the base, {now.describe()} now"
            )
        else:
            verdict.differences.append(
                f"name `{name}` refers to {was.describe()} at the base, {now.describe()} now "
                "(not the same object)"
            )
    for name in sorted(
        (sides.old_scope.globals & sides.old_scope.bound)
        | (sides.new_scope.globals & sides.new_scope.bound)
    ):
        context = sides.context
        a = context.token("base", context.resolver.chain("base", sides.left_namer.file, [name]))
        b = context.token("now", context.resolver.chain("now", sides.right_namer.file, [name]))
        if a != b:
            verdict.differences.append(
                f"name `{name}` (global in part of the function) refers to {a} at the base, {b} now"
            )
    return differing


def _unresolved(new: Function, sides: _Sides, verdict: MoveVerdict) -> None:
    for namer in (sides.right_namer, sides.right_outer.token):
        assert isinstance(namer, Namer)
        for use in namer.uses.values():
            if use.resolution.unresolved:
                reasons = "; ".join(r.what for r in use.resolution.unresolved)
                verdict.differences.append(
                    f"name `{use.name}` ({new.path}:{use.line}) cannot be resolved in "
                    f"{new.module}: {reasons}"
                )


def _values_read(sides: _Sides, verdict: MoveVerdict) -> None:
    context = sides.context
    seen = set()
    for namer in (sides.left_namer, sides.left_outer.token):
        assert isinstance(namer, Namer)
        for use in namer.uses.values():
            for ref in use.resolution.refs:
                if ref.kind != "def" or ref.what != "value" or ref.key in seen:
                    continue
                seen.add(ref.key)
                change = context.value_changes.get(ref.key) or in_place_change(context, ref.key)
                if change is not None:
                    verdict.differences.append(change)


def _dunders(old: Function, new: Function, sides: _Sides, verdict: MoveVerdict) -> None:
    if old.module == new.module:
        return
    for name, line in sides.right_namer.dunders.items():
        verdict.differences.append(
            f"`{name}` ({new.path}:{line}) is each module's own: {old.module}'s at the base, "
            f"{new.module}'s now"
        )


def _body_differences(old: Function, new: Function, sides: _Sides, verdict: MoveVerdict) -> None:
    left_body: list[ast.AST] = list(sides.left.body(old.node.body, old.node))
    sides.left(left_body)
    sides.right(list(sides.right.body(new.node.body, new.node)))
    differing = _name_differences(old, new, sides, verdict)
    if differing:
        sides.redo_right(differing)
    right_body: list[ast.AST] = list(sides.right.body(new.node.body, new.node))
    for x, y in diff_statements(left_body, right_body, sides.left, sides.right):
        was = (
            _cell(f"{old.path}:{getattr(x, 'lineno', '?')}", statement_text(x, old.source))
            if x is not None
            else _cell("", "(nothing)")
        )
        now = (
            _cell(f"{new.path}:{getattr(y, 'lineno', '?')}", statement_text(y, new.source))
            if y is not None
            else _cell("", "(nothing)")
        )
        verdict.differences.append(f"{was:<{_CELL}} | {now}")
        if x is not None and y is not None:
            verdict.differences.append(f"    {detail(x, y, sides.left, sides.right)}")


def _owner_differences(
    context: MoveContext, old: Function, new: Function, sides: _Sides, verdict: MoveVerdict
) -> None:
    """A method moved to another class: the class pair, a base class of the old one, or a
    class the old object holds."""
    if not (old.is_method and new.is_method):
        return
    old_key, new_key = f"{old.module}:{old.owner}", f"{new.module}:{new.owner}"
    if context.back.get(new_key, new_key) == old_key:
        return
    if facts(new.node).uses_super:
        verdict.differences.append(
            f"uses `super()`: in {new.owner} it continues the method resolution order after "
            f"{new.owner}, not after {old.owner}"
        )
    now_file = context.sources.file("now", old.path, strict=False)
    old_class = classes_in(now_file.tree).get(old.owner) if now_file is not None else None
    order = (
        linearize(context, "now", Located(now_file, old.owner, old_class))
        if now_file is not None and old_class is not None
        else None
    )
    keys = [entry.key for entry in order or []]
    if new_key in keys:
        for entry in order[: keys.index(new_key)]:  # type: ignore[index]
            if entry.located is None:
                verdict.differences.append(
                    f"{old.owner} now inherits {new.qualname}, but its base {entry.key} comes "
                    "first and cannot be read: it may define the same name"
                )
                return
            if old.name in class_bound_names(entry.located.node):
                verdict.differences.append(
                    f"{old.owner}.{old.name} now resolves to {entry.key}.{old.name}, which "
                    f"shadows {new.qualname} in the method resolution order"
                )
                return
        verdict.notes.append(f"{old.owner} inherits it: {old.owner}.{old.name} resolves here")
        return
    _attribute_differences(context, old, new, sides, verdict)


def _attribute_differences(
    context: MoveContext, old: Function, new: Function, sides: _Sides, verdict: MoveVerdict
) -> None:
    """A method moved to another class reads on ``self`` what its old class set: the new class
    must set or define each such attribute too, a class attribute with the same value."""
    before = class_attributes(old.source, old.owner)
    after = class_attributes(new.source, new.owner)
    if before is None or after is None:
        return
    old_values, new_values = (
        class_values(old.source, old.owner),
        class_values(new.source, new.owner),
    )
    for attribute, line in self_reads(new):
        where = f"`self.{attribute}` ({new.path}:{line})"
        if attribute in old_values and attribute in new_values:
            a, b = old_values[attribute], new_values[attribute]
            value_a, value_b = getattr(a, "value", None), getattr(b, "value", None)
            if sides.left_outer(value_a) != sides.right_outer(value_b):
                verdict.differences.append(
                    f"{where}: class attribute {ast.unparse(value_a or a)} in {old.owner} at "
                    f"the base, {ast.unparse(value_b or b)} in {new.owner} now"
                )
            continue
        if attribute not in before.names or attribute in after.names:
            continue
        if after.open:
            verdict.notes.append(
                f"{where}: {new.owner} does not set it here; not judged, its base classes "
                "or setattr may"
            )
        else:
            verdict.differences.append(
                f"{where} is read, but {new.owner} never sets it; {old.owner} did at the "
                f"base ({old.path}:{before.names[attribute]})"
            )


def _rename(
    context: MoveContext, old: Function, new: Function, allow: bool, verdict: MoveVerdict
) -> None:
    if old.name == new.name:
        return
    observers = [
        f"its decorator `@{ast.unparse(d)}` may read its name"
        for d in new.node.decorator_list
        if decorator_name(d) not in _NAME_BLIND
    ]
    formats = context.name_formats() if facts(new.node).logs else []
    if formats:
        observers.append(
            f"it logs, and {formats[0]} formats log records with the function's name (funcName)"
        )
    renamed = f"renamed from `{old.name}` to `{new.name}`"
    if not observers:
        verdict.notes.append(f"{renamed} (nothing reads its name)")
    elif allow:
        verdict.notes.append(f"{renamed}: {'; '.join(observers)} (allowed by --allow-rename)")
    else:
        verdict.differences.append(
            f"{renamed}: {'; '.join(observers)}; pass --allow-rename if that does not matter"
        )


def _scope_differences(
    context: MoveContext,
    old: Function,
    new: Function,
    sides: _Sides,
    first: str | None,
    verdict: MoveVerdict,
) -> None:
    """The first parameter renamed onto a name the body already binds; the module globals the
    function rebinds (``global X``), which must be the moved variable itself, not a copy."""
    if (
        first is not None
        and old.params
        and first != old.params[0]
        and first in sides.old_scope.bound
    ):
        verdict.differences.append(
            f"`{old.params[0]}` becomes `{first}`, a name the body at the base already binds"
        )
    for name in sorted(sides.new_scope.declared | sides.old_scope.declared):
        was = context.resolver.chain("base", sides.left_namer.file, [name])
        now = context.resolver.chain("now", sides.right_namer.file, [name])
        keys_was = sorted(context.key("base", r) for r in was.refs)
        keys_now = sorted(context.key("now", r) for r in now.refs)
        copied = any(r.key in context.copies for r in now.refs)
        if keys_was != keys_now or copied or name not in sides.new_scope.declared:
            verdict.differences.append(
                f"rebinds the module global `{name}` (global statement): {was.describe()} at "
                f"the base, {now.describe()} now, not one variable"
            )


def _annotation_differences(new: Function, sides: _Sides, verdict: MoveVerdict) -> None:
    """Without ``from __future__ import annotations`` a function's annotations are evaluated
    when it is defined: each name they read must be defined where it moved."""
    if sides.right_namer.file.future_annotations:
        return
    a = new.node.args
    annotations = [
        p.annotation
        for p in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
        if p is not None and p.annotation is not None
    ]
    if new.node.returns is not None:
        annotations.append(new.node.returns)
    namer = _Sides.outer(sides.context, "now", new, sides.right_namer.file, set())
    dumper = Dumper(token=namer)
    for annotation in annotations:
        dumper(annotation)
    for use in namer.uses.values():
        if use.resolution.unresolved:
            reasons = "; ".join(r.what for r in use.resolution.unresolved)
            verdict.differences.append(
                f"annotation name `{use.name}` ({new.path}:{use.line}), evaluated when the "
                f"function is defined, cannot be resolved in {new.module}: {reasons}"
            )


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


def compare_functions(
    context: MoveContext,
    old: Function,
    new: Function,
    link: Link | None = None,
    *,
    allow_rename: bool = False,
) -> MoveVerdict:
    """``new`` against its counterpart ``old`` (see the module's docstring); compared again
    through installed sources when it differs."""
    verdict = _compare(context, old, new, link, allow_rename)
    if verdict.pure:
        return verdict
    return _compare(context.deepened(), old, new, link, allow_rename)


def _compare(
    context: MoveContext, old: Function, new: Function, link: Link | None, allow_rename: bool
) -> MoveVerdict:
    first, dropped = first_parameter(old, new)
    sides = _Sides(context, old, new, first)
    verdict = MoveVerdict(new, old)
    if type(old.node) is not type(new.node):
        kinds = {ast.FunctionDef: "def", ast.AsyncFunctionDef: "async def"}
        verdict.differences.append(
            f"`{kinds[type(old.node)]}` at the base, `{kinds[type(new.node)]}` now"
        )
    left_signature = Dumper(
        rename={old.params[0]: first} if first else {}, token=sides.left_outer.token
    ).signature(old.node, drop_first=dropped)
    right_signature = Dumper(token=sides.right_outer.token).signature(new.node, drop_first=False)
    if left_signature != right_signature:
        verdict.differences.append(
            f"signature: {_cell(old.path, _def_line(old))} | {_cell(new.path, _def_line(new))}"
        )
    _decorator_differences(old, new, sides, link, verdict)
    _body_differences(old, new, sides, verdict)
    _scope_differences(context, old, new, sides, first, verdict)
    _annotation_differences(new, sides, verdict)
    _unresolved(new, sides, verdict)
    _values_read(sides, verdict)
    _dunders(old, new, sides, verdict)
    _owner_differences(context, old, new, sides, verdict)
    _rename(context, old, new, allow_rename, verdict)
    if not verdict.differences:
        if dropped:
            verdict.notes.append(f"parameters: `{old.params[0]}` dropped (the body never used it)")
        verdict.notes += _keyword_only_notes(old, new)
    return verdict
