"""What the moved code needs from its module, found with LibCST's scope analysis, and what makes
a move unsafe.

Every name the moved code reads is looked up where Python would find it. Names bound by the
source module's imports are imported again in the new module, in absolute form and under the
same local name, so that they refer to the same objects. Names the source module defines
(functions, classes, constants) are *definitions*: they move along (``--with-helpers``) or the
move is refused. A module logger (``logger = logging.getLogger(__name__)``) is re-created.

Refused before anything is changed: ``super()`` without arguments and ``__class__`` (they need the
class the method is defined in), name-mangled attributes (``self.__token`` reads
``_Class__token`` only inside the class), names whose value is the module's own
(``__name__``, ``__file__``), ``global`` statements, names a star import may bind, names bound
conditionally at module level, and a function nested in another (it may close over its locals).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    BuiltinAssignment,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from golden_harness.exceptions import MoveRefusedError
from golden_harness.relocate._source import Located

__all__ = ["Binding", "Uses", "absolute_module", "node_ids", "uses_of"]

_MODULE_DUNDERS = frozenset(
    {"__name__", "__file__", "__spec__", "__package__", "__loader__", "__path__", "__doc__"}
)


@dataclass(frozen=True)
class Binding:
    """A module-level name the moved code reads: an import (``line`` is the absolute import
    statement binding exactly this name, ``refers_to`` the dotted object) or a definition of the
    source module (``statement`` is its top-level statement)."""

    name: str
    statement: cst.CSTNode
    line_number: int
    import_line: str | None = None
    refers_to: str | None = None
    type_checking: bool = False
    logger: bool = False


@dataclass
class Uses:
    """The module-level names some code reads, by kind."""

    imports: dict[str, Binding] = field(default_factory=dict)
    definitions: dict[str, Binding] = field(default_factory=dict)


def node_ids(*nodes: cst.CSTNode) -> set[int]:
    """The identities of ``nodes`` and of every node under them."""
    found: set[int] = set()

    class Collector(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.add(id(node))
            return True

    for node in nodes:
        node.visit(Collector())
    return found


def absolute_module(package: str, level: int, module: str | None) -> str:
    """The absolute module of a relative import ``from ..x import y`` made in ``package``."""
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        raise MoveRefusedError(
            f"A relative import of level {level} goes above the top package {package!r}."
        )
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def _dotted(node: cst.BaseExpression) -> str:
    return cst.Module(body=[]).code_for_node(node).replace(" ", "")


def _import_binding(
    located: Located, name: str, statement: cst.Import | cst.ImportFrom
) -> tuple[str, str]:
    """The absolute import statement binding ``name`` alone, and the dotted object it binds."""
    if isinstance(statement, cst.Import):
        for alias in statement.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None:
                local = _dotted(alias.asname.name)
                if local == name:
                    return f"import {dotted} as {local}", dotted
            elif dotted.split(".")[0] == name:
                return f"import {dotted}", name
    else:
        level = len(statement.relative)
        module = _dotted(statement.module) if statement.module is not None else None
        absolute = absolute_module(located.package, level, module)
        if not isinstance(statement.names, cst.ImportStar):
            for alias in statement.names:
                imported = _dotted(alias.name)
                local = _dotted(alias.asname.name) if alias.asname is not None else imported
                if local == name:
                    suffix = f" as {local}" if local != imported else ""
                    return f"from {absolute} import {imported}{suffix}", f"{absolute}.{imported}"
    raise MoveRefusedError(f"Could not tell which import binds {name!r} in {located.relpath}.")


def _top_statement(located: Located, node: cst.CSTNode) -> tuple[cst.CSTNode, list[cst.CSTNode]]:
    """The top-level statement holding ``node``, and the compound statements between them."""
    parents = located.wrapper.resolve(ParentNodeProvider)
    between: list[cst.CSTNode] = []
    current = node
    while True:
        parent = parents[current]
        if isinstance(parent, cst.Module):
            return current, between
        if isinstance(parent, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            between.append(parent)
        current = parent


def _is_logger(statement: cst.CSTNode) -> bool:
    """``name = logging.getLogger(__name__)`` (or ``getLogger(__name__)``)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    assign = statement.body[0]
    if not isinstance(assign, (cst.Assign, cst.AnnAssign)) or assign.value is None:
        return False
    value = assign.value
    return (
        isinstance(value, cst.Call)
        and _dotted(value.func) in ("logging.getLogger", "getLogger")
        and len(value.args) == 1
        and isinstance(value.args[0].value, cst.Name)
        and value.args[0].value.value == "__name__"
    )


def _line(located: Located, node: cst.CSTNode) -> int:
    return int(located.wrapper.resolve(PositionProvider)[node].start.line)


def _refuse_unsafe(located: Located, moved: set[int], what: str) -> None:
    """Refuse constructs that change meaning outside their class or module."""
    positions = located.wrapper.resolve(PositionProvider)
    problems: list[str] = []
    in_class = located.kind != "class" and located.owner is not None
    owner = located.owner.name.value.lstrip("_") if located.owner is not None else ""
    attributes: set[int] = set()

    def mangled(name: str) -> bool:
        return in_class and name.startswith("__") and not name.endswith("__")

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if in_class and id(node) in moved and _dotted(node.func) == "super" and not node.args:
                problems.append(
                    f"line {positions[node].start.line}: super() without arguments needs the "
                    "class it is written in (write super(Class, self))"
                )

        def visit_Attribute(self, node: cst.Attribute) -> None:
            attributes.add(id(node.attr))
            if id(node) in moved and mangled(node.attr.value):
                problems.append(
                    f"line {positions[node].start.line}: the name-mangled attribute "
                    f"`{_dotted(node)}` is _{owner}{node.attr.value} inside its class only "
                    "(rename it with one underscore)"
                )

        def visit_Name(self, node: cst.Name) -> None:
            if id(node) not in moved or id(node) in attributes:
                return
            line = positions[node].start.line
            if node.value == "__class__" and in_class:
                problems.append(
                    f"line {line}: __class__ needs the class it is written in (use type(self))"
                )
            elif node.value in _MODULE_DUNDERS:
                problems.append(
                    f"line {line}: {node.value} is the module's own and would name the new one"
                )
            elif mangled(node.value):
                problems.append(
                    f"line {line}: the name-mangled name `{node.value}` is _{owner}{node.value} "
                    "inside its class only (rename it with one underscore)"
                )

        def visit_Global(self, node: cst.Global) -> None:
            if id(node) in moved:
                names = ", ".join(n.name.value for n in node.names)
                problems.append(
                    f"line {positions[node].start.line}: `global {names}` rebinds a global of "
                    f"{located.module}, which stays there"
                )

    located.tree.visit(Finder())
    if problems:
        raise MoveRefusedError(
            f"Cannot move {what} safely: "
            + "; ".join(dict.fromkeys(problems))
            + ". Change that by hand first, then move."
        )


def _scopes(located: Located) -> set[Scope]:
    return {s for s in located.wrapper.resolve(ScopeProvider).values() if s is not None}


def refuse_nested(located: Located) -> None:
    """A function or class defined inside a function: name what it closes over."""
    moved = node_ids(located.node)
    closed: set[str] = set()
    for scope in _scopes(located):
        for access in scope.accesses:
            if id(access.node) not in moved:
                continue
            for referent in access.referents:
                if (
                    isinstance(referent.scope, FunctionScope)
                    and id(getattr(referent, "node", None)) not in moved
                ):
                    closed.add(str(getattr(access.node, "value", access.node)))
    where = located.qualname.rpartition(".")[0]
    if closed:
        raise MoveRefusedError(
            f"{located.qualname} is nested in {where} and closes over its locals "
            f"({', '.join(sorted(closed))}): at module level they would be undefined. Pass them "
            "as parameters by hand first, then move."
        )
    raise MoveRefusedError(
        f"{located.qualname} is nested in {where}: its callers there reach it as a local name. "
        "Define it at module level by hand first, then move it."
    )


def uses_of(
    located: Located,
    nodes: list[cst.CSTNode],
    what: str,
    copied: list[cst.CSTNode] = (),  # type: ignore[assignment]
) -> Uses:
    """The module-level names ``nodes`` (and the statements ``copied`` along, such as a module
    logger) read, after refusing what in ``nodes`` cannot move safely. The decorators that stay
    on what is left behind (``located.staying``) are not part of the moved code."""
    moved = node_ids(*nodes)
    if isinstance(located.node, cst.FunctionDef) and located.staying:
        moved -= node_ids(*located.node.decorators[: located.staying])
    _refuse_unsafe(located, moved, what)
    moved |= node_ids(*copied)
    global_scope = next(s for s in _scopes(located) if isinstance(s, GlobalScope))
    star = any(
        isinstance(s, cst.SimpleStatementLine)
        and any(
            isinstance(i, cst.ImportFrom) and isinstance(i.names, cst.ImportStar) for i in s.body
        )
        for s in located.tree.body
    )
    uses = Uses()
    unresolved: set[str] = set()
    evaluated: set[str] = set()
    for scope in _scopes(located):
        for access in scope.accesses:
            if id(access.node) not in moved:
                continue
            referents = [r for r in access.referents if not isinstance(r, BuiltinAssignment)]
            if not access.referents:
                unresolved.add(str(getattr(access.node, "value", "")))
            for referent in referents:
                if referent.scope is not global_scope:
                    continue
                name = referent.name
                if not access.is_annotation:
                    evaluated.add(name)
                if name in uses.imports or name in uses.definitions:
                    continue
                _bind(located, global_scope, name, moved, uses)
    if _postponed_annotations(located):
        _import_for_type_checking(located, uses, evaluated)
    if star and unresolved:
        raise MoveRefusedError(
            f"{what} reads {', '.join(sorted(unresolved))}, which {located.relpath} may bind by a "
            "star import (from m import *): import the names explicitly first, then move."
        )
    return uses


def _postponed_annotations(located: Located) -> bool:
    """True when the module has ``from __future__ import annotations``: its annotations are
    never evaluated when a function is defined."""
    for statement in located.tree.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (
                isinstance(small, cst.ImportFrom)
                and isinstance(small.module, cst.Name)
                and small.module.value == "__future__"
                and not isinstance(small.names, cst.ImportStar)
                and any(_dotted(alias.name) == "annotations" for alias in small.names)
            ):
                return True
    return False


def _import_for_type_checking(located: Located, uses: Uses, evaluated: set[str]) -> None:
    """Definitions of the source module that the moved code names in annotations only (never
    evaluated here) are imported from it under ``if TYPE_CHECKING:`` instead of moving along:
    ``-> Account`` in a method of ``Account`` imports the class for type checkers without an
    import cycle."""
    for name in [n for n, b in uses.definitions.items() if n not in evaluated and not b.logger]:
        binding = uses.definitions.pop(name)
        uses.imports[name] = Binding(
            name,
            binding.statement,
            binding.line_number,
            f"from {located.module} import {name}",
            f"{located.module}.{name}",
            type_checking=True,
        )


def _bind(located: Located, scope: GlobalScope, name: str, moved: set[int], uses: Uses) -> None:
    assignments = [a for a in scope.assignments[name] if not isinstance(a, BuiltinAssignment)]
    outside = [a for a in assignments if id(getattr(a, "node", None)) not in moved]
    if not outside:
        return  # the moved code defines it itself (a class or function referring to itself)
    statements = []
    for assignment in outside:
        node = getattr(assignment, "node", None)
        assert isinstance(node, cst.CSTNode)
        statement, between = _top_statement(located, node)
        statements.append((assignment, statement, between))
    lines = sorted({_line(located, getattr(a, "node", s)) for a, s, _ in statements})
    if len(statements) > 1:
        raise MoveRefusedError(
            f"The moved code reads `{name}`, which {located.relpath} binds {len(statements)} times "
            f"(lines {', '.join(map(str, lines))}): which one it is cannot be told before run "
            "time. Bind it once, then move."
        )
    assignment, statement, between = statements[0]
    type_checking = any(
        isinstance(b, cst.If) and "TYPE_CHECKING" in _dotted(b.test) for b in between
    )
    if between and not (type_checking and len(between) == 1):
        raise MoveRefusedError(
            f"The moved code reads `{name}`, bound conditionally in {located.relpath} (line "
            f"{lines[0]}, inside an if/try/with block): move that binding by hand first."
        )
    if isinstance(assignment, ImportAssignment):
        import_node = assignment.node
        assert isinstance(import_node, (cst.Import, cst.ImportFrom))
        line, refers_to = _import_binding(located, name, import_node)
        uses.imports[name] = Binding(
            name, statement, lines[0], line, refers_to, type_checking=type_checking
        )
    else:
        uses.definitions[name] = Binding(name, statement, lines[0], logger=_is_logger(statement))
