"""The shapes ``golden move`` writes: the moved definition at module level, and what stays behind
(a thin wrapper or a class-level alias), as source text.

A method becomes a module function whose first parameter is the instance (``self`` renamed
everywhere it refers to that parameter, nested functions included). Comments and formatting
inside the body are kept as written (LibCST's concrete syntax tree); relative imports in the
body are made absolute when the package changes.

What stays behind delegates with the same arguments:
``return f(self, a, *args, k=k, **kw)``, ``return await f(...)`` for a coroutine,
``yield from f(...)`` for a generator (``return (yield from f(...))`` when it returns a value),
or an alias ``name = f``, ``name = property(f)``, ``name = classmethod(f)``.

A thin wrapper keeps every decorator, so the old name is still what the decorators make of a
function with the old signature (a click command, an ``lru_cache`` with its ``cache_clear``,
a registered handler), and the moved function is undecorated. An alias is the moved object
itself: the decorators move with the body, except the class-bound ones (``@property``,
``@classmethod``, ...), which wrap the alias.
"""

from __future__ import annotations

import keyword
import re

import libcst as cst
from libcst.metadata import ScopeProvider

from golden_harness.exceptions import MoveRefusedError
from golden_harness.relocate._analysis import absolute_module
from golden_harness.relocate._source import Located, is_generator

__all__ = ["alias_text", "default_name", "moved_code", "role_name", "wrapper_text"]

_EMPTY = cst.Module(body=[])


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def default_name(located: Located) -> str:
    """A method's module function drops the leading underscores of a private method
    (``_protected_paths`` -> ``protected_paths``); everything else keeps its name. A method with
    decorators that move along keeps its name too, since a decorator may read it."""
    name = located.name
    moving_decorators = (
        isinstance(located.node, cst.FunctionDef) and len(located.node.decorators) > located.staying
    )
    dunder = name.startswith("__") and name.endswith("__")
    if located.owner is None or dunder or moving_decorators:
        return name
    stripped = name.lstrip("_")
    return stripped if stripped.isidentifier() and not keyword.iskeyword(stripped) else name


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?=[A-Z][a-z]|$|\d)|[A-Z]?[a-z0-9]+", name)]


def _names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, inner: cst.Name) -> None:
            found.add(inner.value)

    node.visit(Collector())
    return found


def _first_param(node: cst.FunctionDef) -> cst.Param:
    params = [*node.params.posonly_params, *node.params.params]
    return params[0]


def role_name(located: Located, given: str | None) -> str:
    """The name of the instance parameter: ``--self-name``, else the last word of the class's
    name (``AutonomousExecutor`` -> ``executor``), else the whole name in snake case; a
    classmethod keeps its ``cls``. A name the body already uses is never taken."""
    node = located.node
    assert isinstance(node, cst.FunctionDef)
    assert located.owner is not None
    first = _first_param(node).name.value
    taken = _names_in(node) - {first}
    if given is not None:
        if not given.isidentifier() or keyword.iskeyword(given) or given in taken:
            why = "is used in the body" if given in taken else "is not a Python name"
            raise MoveRefusedError(f"--self-name {given!r} {why}; choose another name.")
        return given
    if located.kind == "classmethod":
        return first
    words = _words(located.owner.name.value) or ["instance"]
    for candidate in (words[-1], "_".join(words)):
        if candidate not in taken and not keyword.iskeyword(candidate):
            return candidate
    raise MoveRefusedError(
        f"The names {words[-1]!r} and {'_'.join(words)!r} are both used in {located.qualname}: "
        "pass --self-name NAME for the instance parameter."
    )


class _Rewriter(cst.CSTTransformer):
    """Renames the nodes in ``renamed`` and makes relative imports absolute."""

    def __init__(self, renamed: dict[int, str], package: str, absolute: bool) -> None:
        super().__init__()
        self.renamed = renamed
        self.package = package
        self.absolute = absolute

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        new = self.renamed.get(id(original))
        return updated.with_changes(value=new) if new is not None else updated

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if not self.absolute or not updated.relative:
            return updated
        module = _code(updated.module) if updated.module is not None else None
        dotted = absolute_module(self.package, len(updated.relative), module)
        return updated.with_changes(relative=[], module=cst.parse_expression(dotted))


def _dedent_docstring(
    node: cst.FunctionDef | cst.ClassDef, levels: int
) -> cst.FunctionDef | cst.ClassDef:
    """The docstring's continuation lines moved ``levels`` indents to the left, as the
    definition itself is."""
    body = node.body
    if levels <= 0 or not isinstance(body, cst.IndentedBlock) or not body.body:
        return node
    first = body.body[0]
    if not (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, cst.SimpleString)
    ):
        return node
    string = first.body[0].value
    prefix = " " * (4 * levels)
    lines = string.value.split("\n")
    if len(lines) == 1:
        return node
    lines = [lines[0], *(line.removeprefix(prefix) for line in lines[1:])]
    new_first = first.with_changes(
        body=[first.body[0].with_changes(value=string.with_changes(value="\n".join(lines)))]
    )
    return node.with_changes(body=body.with_changes(body=[new_first, *body.body[1:]]))


def moved_code(
    located: Located,
    new_name: str,
    role: str | None,
    target_package: str,
    local_imports: list[str] = (),  # type: ignore[assignment]
) -> str:
    """The definition as it is written in the new module (without the comments above it);
    the import statements ``local_imports`` open a function's body (after its docstring)."""
    node = located.node
    renamed: dict[int, str] = {}
    method = located.owner is not None and located.kind != "staticmethod"
    if isinstance(node, cst.FunctionDef) and role is not None and method:
        param = _first_param(node)
        if param.name.value != role:
            scope = located.wrapper.resolve(ScopeProvider)[node.body]
            assert scope is not None
            renamed[id(param.name)] = role
            for assignment in scope.assignments[param.name.value]:
                if getattr(assignment, "node", None) is param:
                    for access in assignment.references:
                        renamed[id(access.node)] = role
    renamed[id(node.name)] = new_name
    rewriter = _Rewriter(renamed, located.package, target_package != located.package)
    new = node.visit(rewriter)
    assert isinstance(new, (cst.FunctionDef, cst.ClassDef))
    if isinstance(new, cst.FunctionDef):
        new = new.with_changes(decorators=new.decorators[located.staying :])
    new = new.with_changes(leading_lines=[])
    new = _dedent_docstring(new, 1 if located.owner is not None else 0)
    if (
        local_imports
        and isinstance(new, cst.FunctionDef)
        and isinstance(new.body, cst.IndentedBlock)
    ):
        statements = list(new.body.body)
        at = 1 if _docstring(new) is not None else 0
        statements[at:at] = [cst.parse_statement(line + "\n") for line in local_imports]
        new = new.with_changes(body=new.body.with_changes(body=statements))
    return cst.Module(body=[new]).code


def _arguments(node: cst.FunctionDef) -> str:
    params = node.params
    passed = [p.name.value for p in [*params.posonly_params, *params.params]]
    if isinstance(params.star_arg, cst.Param):
        passed.append(f"*{params.star_arg.name.value}")
    passed += [f"{p.name.value}={p.name.value}" for p in params.kwonly_params]
    if params.star_kwarg is not None:
        passed.append(f"**{params.star_kwarg.name.value}")
    return ", ".join(passed)


def _returns_value(node: cst.FunctionDef) -> bool:
    class Finder(cst.CSTVisitor):
        found = False

        def visit_Return(self, inner: cst.Return) -> None:
            self.found |= inner.value is not None

        def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
            return inner is node

        def visit_Lambda(self, inner: cst.Lambda) -> bool:
            return False

    finder = Finder()
    node.visit(finder)
    return finder.found


def _docstring(node: cst.FunctionDef) -> str | None:
    body = node.body
    if isinstance(body, cst.IndentedBlock) and body.body:
        first = body.body[0]
        if (
            isinstance(first, cst.SimpleStatementLine)
            and len(first.body) == 1
            and isinstance(first.body[0], cst.Expr)
            and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
        ):
            return _code(first.body[0])
    return None


def wrapper_text(located: Located, reference: str) -> str:
    """The thin wrapper left in place of a function or method: its signature, decorators and
    docstring as written, and one delegating statement (module-level text; LibCST indents it
    where it is inserted)."""
    node = located.node
    assert isinstance(node, cst.FunctionDef)
    call = f"{reference}({_arguments(node)})"
    asynchronous = node.asynchronous
    generator = is_generator(node)
    if generator and asynchronous is not None:
        statement, asynchronous = f"return {call}", None
    elif generator:
        statement = f"return (yield from {call})" if _returns_value(node) else f"yield from {call}"
    elif asynchronous is not None:
        statement = f"return await {call}"
    else:
        statement = f"return {call}"
    body: list[cst.BaseStatement] = []
    doc = _docstring(node)
    if doc is not None:
        body.append(cst.parse_statement(doc + "\n"))
    body.append(cst.parse_statement(statement + "\n"))
    wrapper = node.with_changes(
        decorators=node.decorators[: located.staying],
        asynchronous=asynchronous,
        body=cst.IndentedBlock(body=body),
        leading_lines=[],
    )
    return cst.Module(body=[wrapper]).code


def alias_text(located: Located, reference: str) -> str:
    """The class-level alias left in place of a method (``name = f``, ``name = property(f)``)."""
    value = reference
    for decorator in reversed(located.bound_decorators):
        value = f"{decorator}({value})"
    return f"{located.name} = {value}"
