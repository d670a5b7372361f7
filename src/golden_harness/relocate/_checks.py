"""What must hold before a move is planned: the definitions that can move along with the code
(``--with-helpers``), no name clash in the target, no import cycle, and a free name under which
the source module imports the target.

Each function raises :class:`MoveRefusedError` naming what stands in the way and how to clear it.
"""

from __future__ import annotations

import ast
import keyword
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import GlobalScope, PositionProvider, ScopeProvider

from golden_harness.exceptions import MoveRefusedError
from golden_harness.relocate._analysis import Binding, node_ids, uses_of
from golden_harness.relocate._edit import ModuleBinding
from golden_harness.relocate._source import Located

if TYPE_CHECKING:
    from golden_harness.relocate._plan import Plan

__all__ = ["helpers_of", "module_binding", "refuse_clashes"]


def helpers_of(located: Located, with_helpers: bool, node: cst.CSTNode) -> list[Binding]:
    """The definitions the moved code needs that move along: with ``--with-helpers``, those
    nothing else reads (also transitively); without it, any definition but a logger refuses."""
    chosen: dict[str, Binding] = {}
    while True:
        uses = uses_of(located, [node, *(b.statement for b in chosen.values())], located.qualname)
        extra = {n: b for n, b in uses.definitions.items() if not b.logger and n not in chosen}
        if not extra:
            break
        enclosing = sorted(
            n for n, b in extra.items() if any(d is located.node for d in _inside(b.statement))
        )
        if enclosing:
            raise MoveRefusedError(
                f"{located.qualname} reads `{enclosing[0]}`, the class it is defined in: its "
                f"new module would have to import it from {located.module}, which imports the "
                "new module (an import cycle). Use type(self) (or cls) instead, or name it in "
                "annotations only (with from __future__ import annotations), then move."
            )
        if not with_helpers:
            listed = ", ".join(f"`{n}` (line {b.line_number})" for n, b in sorted(extra.items()))
            raise MoveRefusedError(
                f"{located.qualname} reads {listed}, defined in {located.relpath}: pass "
                "--with-helpers to move what only the moved code uses along with it, or move "
                "it first with its own golden move."
            )
        chosen.update(extra)
    scope = next(
        s for s in located.wrapper.resolve(ScopeProvider).values() if isinstance(s, GlobalScope)
    )
    exported = _exported(located.text)
    while True:
        inside = node_ids(node, *(b.statement for b in chosen.values()))
        shared = {
            name: [
                access.node
                for assignment in scope.assignments[name]
                for access in assignment.references
                if id(access.node) not in inside
            ]
            for name in chosen
        }
        blocked = {n for n, refs in shared.items() if refs or n in exported}
        if not blocked:
            break
        positions = located.wrapper.resolve(PositionProvider)
        reasons = []
        for name in sorted(blocked):
            lines = sorted({positions[r].start.line for r in shared[name]})
            where = f"line(s) {', '.join(map(str, lines))}" if lines else "__all__"
            reasons.append(f"`{name}` is also used by {located.relpath} ({where})")
        raise MoveRefusedError(
            f"{located.qualname} reads definitions of its module that other code uses too: "
            + "; ".join(reasons)
            + ". Move them first with their own golden move (or keep them and move less)."
        )
    return sorted(chosen.values(), key=lambda b: b.line_number)


def _inside(statement: cst.CSTNode) -> list[cst.CSTNode]:
    """The definitions nested in ``statement`` (itself included): a class's methods, ..."""
    found: list[cst.CSTNode] = []

    class Collector(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            found.append(node)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            found.append(node)

    statement.visit(Collector())
    return found


def _exported(text: str) -> set[str]:
    for node in ast.parse(text).body:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                return {
                    n.value
                    for n in ast.walk(node)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                }
    return set()


def refuse_clashes(
    plan: Plan,
    target_names: dict[str, ModuleBinding],
    imports: list[Binding],
    loggers: list[Binding],
) -> None:
    """Refuse a name the target binds otherwise than the moved code needs."""
    where = plan.target.relpath
    problems = []
    for name in [plan.new_name, *plan.helpers]:
        if name in target_names:
            problems.append(
                f"`{name}` is already defined in {where} (line {target_names[name].line})"
                + ("; pass --name NEW" if name == plan.new_name else "")
            )
    for binding in imports:
        if binding.name == plan.new_name:
            problems.append(
                f"the moved code reads `{binding.name}` ({binding.refers_to}), the name it would "
                f"get in {where}; pass --name NEW"
            )
        bound = target_names.get(binding.name)
        if bound is not None and bound.refers_to != binding.refers_to:
            now = bound.refers_to or "a definition of its own"
            problems.append(
                f"the moved code reads `{binding.name}` as {binding.refers_to}, but {where} binds "
                f"it to {now} (line {bound.line})"
            )
    for logger in loggers:
        bound = target_names.get(logger.name)
        value = _assigned_value(logger.statement)
        if bound is not None and bound.value != value:
            problems.append(
                f"`{logger.name}` is the module logger in {plan.located.relpath}, but {where} "
                f"binds it otherwise (line {bound.line})"
            )
    source = plan.located.module
    cycle = [
        b
        for b in target_names.values()
        if b.refers_to and (b.refers_to + ".").startswith(source + ".")
    ]
    if cycle:
        problems.append(
            f"{where} imports {source} (line {cycle[0].line}): importing it back in {source} "
            "would make an import cycle"
        )
    if problems:
        raise MoveRefusedError(
            f"Cannot move {plan.located.qualname} to {plan.target.module}: "
            + "; ".join(problems)
            + "."
        )


def _assigned_value(statement: cst.CSTNode) -> str | None:
    code = cst.Module(body=[]).code_for_node(statement).strip()
    node = ast.parse(code).body[0]
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return ast.unparse(node.value)
    return None


def module_binding(plan: Plan, source_names: dict[str, ModuleBinding]) -> tuple[str, str | None]:
    """The name the source module reaches the target module by, and the import line to add
    (None when it already imports it)."""
    target = plan.target.module
    for binding in source_names.values():
        if binding.refers_to == target:
            return binding.name, None
    parent, _, last = target.rpartition(".")
    node = plan.located.node
    params = set()
    if isinstance(node, cst.FunctionDef):
        params = (
            {p.name.value for p in node.params.params}
            | {p.name.value for p in node.params.posonly_params}
            | {p.name.value for p in node.params.kwonly_params}
        )
    if last in source_names or last in params or keyword.iskeyword(last):
        bound = source_names.get(last)
        why = f"line {bound.line}" if bound else "a parameter of the moved code"
        raise MoveRefusedError(
            f"{plan.located.relpath} already uses the name `{last}` ({why}), under which it would "
            f"import {target}: rename that first, or choose another --to module."
        )
    return last, (f"from {parent} import {last}" if parent else f"import {last}")
