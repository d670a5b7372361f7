"""Planning a move: every file's text after the move, computed in memory before anything is
written, or a refusal naming what stands in the way.

The plan checks, in order: the source and target exist; the source is not nested; what it reads
from its module can follow it (imports are imported again; definitions move along with
``--with-helpers`` when nothing else uses them, a module logger is re-created); no name clashes in
the target (a different object under a name the moved code reads, the new name already taken)
or in the source (the name the target module would be imported under); the target does not
import the source (the wrapper's import would make a cycle).
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from golden_harness.exceptions import MoveRefusedError
from golden_harness.relocate._analysis import Binding, refuse_nested, uses_of
from golden_harness.relocate._callers import refuse_imported_helpers, rewrite_callers
from golden_harness.relocate._checks import helpers_of, module_binding, refuse_clashes
from golden_harness.relocate._edit import (
    append_definitions,
    bindings_of,
    insert_imports,
    remove_unused_imports,
)
from golden_harness.relocate._project import local_imports_of
from golden_harness.relocate._shape import (
    alias_text,
    default_name,
    moved_code,
    role_name,
    wrapper_text,
)
from golden_harness.relocate._source import Located, Target, locate, target_of

__all__ = ["LEAVE_CHOICES", "MoveRequest", "Plan", "plan_move"]

LEAVE_CHOICES = ("wrapper", "alias", "nothing")

_MODULE_HOOKS = frozenset({"__getattr__", "__dir__"})
"""Names a module function cannot take without becoming its module's attribute hook."""


@dataclass(frozen=True)
class MoveRequest:
    """What ``golden move`` was asked to do (see the command's options)."""

    root: Path
    source: str
    to: str
    name: str | None = None
    leave: str | None = None
    with_helpers: bool = False
    self_name: str | None = None
    local_imports: tuple[str, ...] | None = None
    """Modules whose imports a moved function gets inside its body; None: the project's
    ``local-imports`` setting."""


@dataclass
class Plan:
    """A move worked out in memory: ``files`` maps each path (relative to the root) to its text
    before (None for a new file) and after."""

    request: MoveRequest
    located: Located
    target: Target
    new_name: str
    leave: str
    role: str | None
    helpers: list[str] = field(default_factory=list)
    files: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    module_binding: str | None = None

    @property
    def old_ref(self) -> str:
        return f"{self.located.module}:{self.located.qualname}"

    @property
    def new_ref(self) -> str:
        return f"{self.target.module}:{self.new_name}"

    @property
    def reference(self) -> str:
        """How the source module reaches the moved definition (``shipping.ship``)."""
        return f"{self.module_binding}.{self.new_name}"


def _leave(located: Located, leave: str | None) -> str:
    if leave is not None and leave not in LEAVE_CHOICES:
        raise MoveRefusedError(f"--leave {leave!r}: choose one of {', '.join(LEAVE_CHOICES)}.")
    if located.kind == "class":
        if leave == "wrapper":
            raise MoveRefusedError(
                f"{located.qualname} is a class: it cannot be left as a wrapper. Use --leave "
                "alias (an import of the moved class; the default) or --leave nothing."
            )
        return leave or "alias"
    return leave or "wrapper"


def _statement_code(statement: cst.CSTNode) -> str:
    """A top-level statement as written, comments above it kept, blank lines above dropped."""
    leading = [line for line in getattr(statement, "leading_lines", []) if line.comment is not None]
    if hasattr(statement, "leading_lines"):
        statement = statement.with_changes(leading_lines=leading)
    return cst.Module(body=[statement]).code  # type: ignore[list-item]


def _local(plan: Plan, binding: Binding, own: set[str], helpers: set[str]) -> bool:
    """True when ``binding`` is imported inside the moved function: its module is one of the
    local-imports ones, and only the function itself (no helper moving along) reads it."""
    prefixes = plan.request.local_imports or ()
    dotted = binding.refers_to or ""
    return (
        isinstance(plan.located.node, cst.FunctionDef)
        and binding.name in own
        and binding.name not in helpers
        and any(dotted == p or dotted.startswith(p + ".") for p in prefixes)
    )


def _target_text(
    plan: Plan,
    imports: list[Binding],
    loggers: list[Binding],
    helpers: list[Binding],
    own: set[str],
    helper_names: set[str],
) -> str:
    before = plan.target.path.read_text(encoding="utf-8") if plan.target.exists else ""
    names = bindings_of(before, plan.target.package) if before else {}
    inside = [b for b in imports if b.import_line and _local(plan, b, own, helper_names)]
    inside_names = {b.name for b in inside}
    needed = [
        b
        for b in imports
        if b.import_line is not None and b.name not in names and b.name not in inside_names
    ]
    lines = sorted({str(b.import_line) for b in needed if not b.type_checking})
    checking = sorted({str(b.import_line) for b in needed if b.type_checking})
    if checking and "TYPE_CHECKING" not in names:
        lines.append("from typing import TYPE_CHECKING")
    future = "from __future__ import annotations" in plan.located.text
    after = [_statement_code(b.statement).strip() for b in loggers if b.name not in names]
    tree = insert_imports(cst.parse_module(before), lines, checking, future, after)
    role = plan.role
    local = sorted({str(b.import_line) for b in inside})
    code = moved_code(plan.located, plan.new_name, role, plan.target.package, local)
    return append_definitions(tree.code, [*(_statement_code(b.statement) for b in helpers), code])


class _Replace(cst.CSTTransformer):
    """Replaces the moved definition (or removes it) and removes the helpers that move."""

    def __init__(
        self,
        node: cst.CSTNode,
        replacement: cst.BaseStatement | None,
        removed: set[int],
        owner: cst.ClassDef | None,
    ) -> None:
        super().__init__()
        self.node = node
        self.replacement = replacement
        self.removed = removed
        self.owner = owner

    def on_leave(  # type: ignore[override]
        self, original: cst.CSTNode, updated: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel:
        if original is self.node:
            if self.replacement is None:
                return cst.RemovalSentinel.REMOVE
            leading = getattr(original, "leading_lines", ())
            return self.replacement.with_changes(leading_lines=leading)
        if id(original) in self.removed:
            return cst.RemovalSentinel.REMOVE
        if original is self.owner and isinstance(updated, cst.ClassDef):
            body = updated.body
            if isinstance(body, cst.IndentedBlock) and not body.body:
                return updated.with_changes(
                    body=body.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
                )
        return updated


def plan_move(request: MoveRequest) -> Plan:
    """Work out the move in memory, or refuse it (:class:`MoveRefusedError`) naming why."""
    root = request.root
    if request.local_imports is None:
        request = replace(request, local_imports=local_imports_of(root))
    located = locate(root, request.source)
    if located.kind == "nested":
        refuse_nested(located)
    target = target_of(root, located, request.to)
    leave = _leave(located, request.leave)
    if leave == "wrapper" and isinstance(located.node, cst.FunctionDef):
        located.staying = len(located.node.decorators)
    new_name = request.name or default_name(located)
    if not new_name.isidentifier() or keyword.iskeyword(new_name):
        raise MoveRefusedError(f"--name {new_name!r} is not a Python name.")
    if new_name in _MODULE_HOOKS or (located.owner is None and located.name in _MODULE_HOOKS):
        hook, module = (
            (new_name, target.module)
            if new_name in _MODULE_HOOKS
            else (located.name, located.module)
        )
        raise MoveRefusedError(
            f"A module-level function named `{hook}` is its module's attribute hook (PEP 562): "
            f"every missing attribute of {module} goes through it. Move a method under another "
            "name (--name NEW); move a module's hook by hand."
        )
    if request.self_name is not None and (located.owner is None or located.kind == "staticmethod"):
        raise MoveRefusedError(
            f"--self-name applies to methods; {located.qualname} is a {located.kind}."
        )
    role = (
        role_name(located, request.self_name)
        if located.owner is not None and located.kind != "staticmethod"
        else None
    )
    plan = Plan(request, located, target, new_name, leave, role)
    helper_bindings = helpers_of(located, request.with_helpers, located.node)
    plan.helpers = [b.name for b in helper_bindings]
    refuse_imported_helpers(plan, plan.helpers)
    moving = [located.node, *(b.statement for b in helper_bindings)]
    loggers = [
        b for b in uses_of(located, moving, located.qualname).definitions.values() if b.logger
    ]
    uses = uses_of(located, moving, located.qualname, [b.statement for b in loggers])
    own = set(uses_of(located, [located.node], located.qualname).imports)
    needed_by_helpers = set(
        uses_of(located, [b.statement for b in helper_bindings], located.qualname).imports
        if helper_bindings
        else ()
    ) | set(uses_of(located, [], located.qualname, [b.statement for b in loggers]).imports)
    imports = sorted(uses.imports.values(), key=lambda b: b.name)
    target_text = target.path.read_text(encoding="utf-8") if target.exists else ""
    refuse_clashes(
        plan, bindings_of(target_text, target.package) if target_text else {}, imports, loggers
    )
    plan.files[target.relpath] = (
        target_text if target.exists else None,
        _target_text(plan, imports, loggers, helper_bindings, own, needed_by_helpers),
    )
    _plan_source(plan, helper_bindings, set(uses.imports))
    return plan


def _plan_source(plan: Plan, helpers: list[Binding], imported: set[str]) -> None:
    located = plan.located
    source_names = bindings_of(located.text, located.package)
    lines: list[str] = []
    replacement: cst.BaseStatement | None = None
    if located.kind in ("class", "function") and plan.leave == "alias":
        suffix = f" as {located.name}" if plan.new_name != located.name else ""
        lines.append(f"from {plan.target.module} import {plan.new_name}{suffix}")
    elif plan.leave in ("wrapper", "alias"):
        plan.module_binding, line = module_binding(plan, source_names)
        lines += [line] if line else []
        text = (
            wrapper_text(located, plan.reference)
            if plan.leave == "wrapper"
            else alias_text(located, plan.reference)
        )
        replacement = cst.parse_statement(text)
    top_removed = {id(b.statement) for b in helpers}
    tree = located.tree.visit(_Replace(located.node, replacement, top_removed, located.owner))
    if plan.leave == "nothing":
        tree, extra = rewrite_callers(plan, tree, source_names)
        lines += extra
    tree = insert_imports(tree, lines)
    after = remove_unused_imports(tree.code, imported)
    plan.files[located.relpath] = (located.text, after)
