"""An added function against its counterpart at the base: is it the same code, in its new
place?

Compared in normal form (see :mod:`golden_harness.moves._normal_form`): the parameters (names,
order, defaults; a parameter becoming keyword-only is a note), the decorators (those the wrapper
or alias left behind keeps are taken off the counterpart's), ``async``, the body statement by
statement, and what every name the code reads refers to. The counterpart's first parameter
(``self``) is renamed to the new first parameter, or dropped when the body never used it and
the new function takes exactly the other parameters.

What the function relies on around its body is checked by
:mod:`golden_harness.moves._function_checks`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from golden_harness.moves._classes import classes_in
from golden_harness.moves._function_checks import (
    annotation_differences,
    dunder_differences,
    owner_differences,
    rename_differences,
    scope_differences,
    values_read,
)
from golden_harness.moves._function_sides import Sides
from golden_harness.moves._move_ast import Function, decorator_name
from golden_harness.moves._move_context import MoveContext, Namer, class_bound_names
from golden_harness.moves._move_result import MoveVerdict
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._statement_diff import detail, diff_statements, statement_text

__all__ = ["Link", "compare_functions", "first_parameter"]

_CELL = 72


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


def _decorator_differences(
    old: Function, new: Function, sides: Sides, link: Link | None, verdict: MoveVerdict
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


def _name_differences(old: Function, new: Function, sides: Sides, verdict: MoveVerdict) -> set[str]:
    """Report the names both bodies read under the same spelling that refer to different
    objects; return them."""
    left, right = sides.left_namer.uses, sides.right_namer.uses
    differing = set()
    for name in sorted(set(left) & set(right)):
        if left[name].token == right[name].token:
            continue
        was, now = left[name].resolution, right[name].resolution
        differing.add(name)
        if now.unresolved:
            continue  # said as a name that cannot be resolved
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


def _unresolved(new: Function, sides: Sides, verdict: MoveVerdict) -> None:
    for namer in (sides.right_namer, sides.right_outer.token):
        assert isinstance(namer, Namer)
        for use in namer.uses.values():
            if use.resolution.unresolved:
                reasons = "; ".join(r.what for r in use.resolution.unresolved)
                verdict.differences.append(
                    f"name `{use.name}` ({new.path}:{use.line}) cannot be resolved in "
                    f"{new.module}: {reasons}"
                )


def _body_differences(old: Function, new: Function, sides: Sides, verdict: MoveVerdict) -> None:
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
    sides = Sides(context, old, new, first)
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
    scope_differences(context, old, new, sides, first, verdict)
    annotation_differences(new, sides, verdict)
    _unresolved(new, sides, verdict)
    values_read(sides, verdict)
    dunder_differences(old, new, sides, verdict)
    owner_differences(
        context, old, new, sides, verdict, lambda a, b: compare_functions(context, a, b).pure
    )
    rename_differences(context, old, new, allow_rename, verdict)
    if not verdict.differences:
        if dropped:
            verdict.notes.append(f"parameters: `{old.params[0]}` dropped (the body never used it)")
        verdict.notes += _keyword_only_notes(old, new)
    return verdict
