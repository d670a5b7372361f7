"""Thin wrappers: functions whose body only hands the call on to another function, and where
that other function is.

A wrapper's body is one delegation (after an optional docstring and local imports), in one of
the forms a move leaves behind: ``return f(self, a)`` (or the call alone), ``return await
f(self, a)``, ``yield from f(self, a)``, ``async for item in f(self, a): yield item``, and
``with f(self, a) as value: yield value`` (also ``async with``, for context managers).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from golden_harness.moves._move_ast import Function, import_targets, module_tree

__all__ = [
    "Wrapper",
    "attribute_class",
    "class_node",
    "delegate_of",
    "is_docstring",
    "local_imports",
    "stored_parameters",
    "wrapper_call",
]


def is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


@dataclass(frozen=True)
class Wrapper:
    """A function whose body is one delegation: the call's target (as written), whether every
    other parameter is passed on unchanged, and the call.

    ``passes_first`` tells whether the first parameter is passed on (positionally or by
    keyword: ``execute(self, order)``, ``execute(executor=self, order=order)``). A method may
    also delegate without passing ``self`` on (only with ``unbound=True``): to a function
    (``fix_diffs(patch)``, ``receiver`` None), to another method of the same object
    (``self.fix(patch)``, ``receiver`` ``""``) or to a method of an object it holds
    (``self.state._get_phase(phase_id)``, ``receiver`` ``"state"``).

    ``form`` is how the call is used: ``call``, ``await``, ``yield from``, ``async for``,
    ``with`` or ``async with``; ``returns`` is False when the wrapper drops what the call
    returns (``f(self)`` alone, ``await f(self)`` alone, ``yield from`` without ``return``)."""

    target: str
    same_arguments: bool
    call: str
    passes_first: bool = True
    receiver: str | None = None
    form: str = "call"
    returns: bool = True


def _receiver(func: ast.expr, first: str) -> str | None:
    """``self.x.m`` -> ``"x"``, ``self.m`` -> ``""``; None when the call is not on ``first``."""
    if not isinstance(func, ast.Attribute):
        return None
    value = func.value
    if isinstance(value, ast.Name) and value.id == first:
        return ""
    if (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id == first
    ):
        return value.attr
    return None


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _is_name(node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _yields(body: list[ast.stmt], name: str) -> bool:
    """True for a body that is exactly ``yield <name>``."""
    return (
        len(body) == 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Yield)
        and _is_name(body[0].value.value, name)
    )


def _delegation(statement: ast.stmt, is_async: bool) -> tuple[ast.expr | None, str, bool]:
    """The call a one-statement body delegates to, its form and whether it returns the
    call's result; (None, "", False) when the statement is no delegation."""
    if isinstance(statement, (ast.Return, ast.Expr)):
        value, returns = statement.value, isinstance(statement, ast.Return)
        if isinstance(value, ast.Await) and is_async:
            return value.value, "await", returns
        if isinstance(value, ast.YieldFrom) and not is_async:
            return value.value, "yield from", returns
        if isinstance(value, ast.Call):
            return value, "call", returns
    elif isinstance(statement, ast.AsyncFor) and not statement.orelse:
        if isinstance(statement.target, ast.Name) and _yields(statement.body, statement.target.id):
            return statement.iter, "async for", True
    elif isinstance(statement, (ast.With, ast.AsyncWith)) and len(statement.items) == 1:
        item = statement.items[0]
        held = item.optional_vars
        if isinstance(held, ast.Name) and _yields(statement.body, held.id):
            form = "async with" if isinstance(statement, ast.AsyncWith) else "with"
            return item.context_expr, form, True
    return None, "", False


def wrapper_call(function: Function, *, unbound: bool = False) -> Wrapper | None:
    """The delegation of a thin wrapper (see the module's docstring), or None when
    ``function`` is not one. With ``unbound``, a method that delegates without passing
    ``self`` on is a wrapper too (see :class:`Wrapper`)."""
    body = [
        s
        for s in function.node.body
        if not is_docstring(s) and not isinstance(s, (ast.Import, ast.ImportFrom))
    ]
    if len(body) != 1:
        return None
    call, form, returns = _delegation(body[0], isinstance(function.node, ast.AsyncFunctionDef))
    params = function.params
    if not isinstance(call, ast.Call) or not params:
        return None
    first = params[0]
    positional = bool(call.args) and _is_name(call.args[0], first)
    by_keyword = [k for k in call.keywords if k.arg is not None and _is_name(k.value, first)]
    receiver: str | None = None
    if positional or by_keyword:
        passes_first = True
    elif unbound and function.is_method:
        receiver = _receiver(call.func, first)
        arguments = [*call.args, *(k.value for k in call.keywords)]
        if any(_mentions(a, first) for a in arguments) or (
            receiver is None and _mentions(call.func, first)
        ):
            return None
        passes_first = False
    else:
        return None
    passed: list[str] = []
    same = True
    for arg in call.args[1:] if positional else call.args:
        inner = arg.value if isinstance(arg, ast.Starred) else arg
        same &= isinstance(inner, ast.Name)
        passed.append(inner.id if isinstance(inner, ast.Name) else ast.unparse(arg))
    for keyword in call.keywords:
        value = keyword.value
        if not positional and by_keyword and keyword is by_keyword[0]:
            continue  # the first parameter, passed on under the delegate's name for it
        same &= isinstance(value, ast.Name) and value.id == (keyword.arg or value.id)
        passed.append(
            keyword.arg or (value.id if isinstance(value, ast.Name) else ast.unparse(value))
        )
    a = function.node.args
    expected = [
        *params[1:],
        *([a.vararg.arg] if a.vararg else []),
        *([a.kwarg.arg] if a.kwarg else []),
    ]
    same &= sorted(passed) == sorted(expected)
    return Wrapper(
        ast.unparse(call.func), same, ast.unparse(call), passes_first, receiver, form, returns
    )


def class_node(source: str, qualname: str) -> ast.ClassDef | None:
    """The class ``A.B`` of a module's source (nested classes included), or None."""
    body: list[ast.stmt] = module_tree(source).body
    found: ast.ClassDef | None = None
    for part in qualname.split("."):
        found = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == part), None)
        if found is None:
            return None
        body = found.body
    return found


def local_imports(node: ast.AST, module: str) -> dict[str, str]:
    """The names the import statements inside ``node`` bind (local name -> dotted target)."""
    bound: dict[str, str] = {}
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Import, ast.ImportFrom)):
            bound.update(import_targets(inner, module))
    return bound


def _resolve(expression: ast.expr, module: str, source: str, bound: dict[str, str]) -> str | None:
    """The dotted name ``Name`` or ``mod.Name`` refers to: an import, or a class of the module."""
    text = ast.unparse(expression)
    head, _, rest = text.partition(".")
    if not all(part.isidentifier() for part in text.split(".")):
        return None
    if head in bound:
        return bound[head] + (f".{rest}" if rest else "")
    if class_node(source, text) is not None:
        return f"{module}.{text}"
    return None


def _is_self_attribute(node: ast.expr, first: str, attribute: str | None = None) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == first
        and (attribute is None or node.attr == attribute)
    )


def attribute_class(
    function: Function, attribute: str, module_imports: dict[str, str]
) -> str | None:
    """The dotted name of the class a method's object holds in ``self.<attribute>``: the class
    called in an assignment ``self.<attribute> = Class(...)`` in any method of its class, or
    the annotation of the attribute (``attribute: Class`` in the class body,
    ``self.<attribute>: Class = ...``); None when it cannot be told."""
    cls = class_node(function.source, function.owner) if function.owner else None
    if cls is None:
        return None
    for node in cls.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == attribute
        ):
            found = _resolve(node.annotation, function.module, function.source, module_imports)
            if found is not None:
                return found
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.args.args:
            continue
        first = method.args.args[0].arg
        bound = {**module_imports, **local_imports(method, function.module)}
        for walked in ast.walk(method):
            targets: list[ast.expr] = []
            values: list[ast.expr] = []
            if isinstance(walked, ast.Assign):
                targets, values = walked.targets, [walked.value]
            elif isinstance(walked, ast.AnnAssign):
                targets, values = [walked.target], [walked.annotation]
                values += [walked.value] if walked.value is not None else []
            if not any(_is_self_attribute(t, first, attribute) for t in targets):
                continue
            for value in values:
                for inner in ast.walk(value):
                    expression = inner.func if isinstance(inner, ast.Call) else inner
                    if isinstance(expression, (ast.Name, ast.Attribute)):
                        found = _resolve(expression, function.module, function.source, bound)
                        if found is not None:
                            return found
    return None


def stored_parameters(function: Function) -> list[str] | None:
    """The attributes an ``__init__`` sets when all it does is store its parameters
    (``self.run_id = run_id``, after an optional docstring); None for any other function."""
    node = function.node
    if not function.is_method or node.name != "__init__" or not node.args.args:
        return None
    first, params = node.args.args[0].arg, set(function.params[1:])
    stored = []
    for statement in node.body:
        if is_docstring(statement):
            continue
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            return None
        if not (_is_self_attribute(target, first) and isinstance(value, ast.Name)):
            return None
        if value.id not in params:
            return None
        assert isinstance(target, ast.Attribute)
        stored.append(target.attr)
    return stored


def delegate_of(wrapper: Wrapper, function: Function, module_imports: dict[str, str]) -> str:
    """The dotted name a wrapper's call refers to (``pkg.mod.execute``): through the imports of
    its module or its own local imports, else a name of its own module. A call on an object the
    method holds (``self.state.get``) is resolved through the class assigned to the attribute
    (``pkg.state.PhaseState.get``), a call on ``self`` to the method of the same class; when
    the class cannot be told, the call's target is returned as written."""
    if wrapper.receiver is not None:
        method = wrapper.target.rpartition(".")[2]
        if wrapper.receiver == "":
            return f"{function.module}.{function.owner}.{method}"
        cls = attribute_class(function, wrapper.receiver, module_imports)
        return f"{cls}.{method}" if cls is not None else wrapper.target
    head, _, rest = wrapper.target.partition(".")
    bound = {**module_imports, **local_imports(function.node, function.module)}
    if head in bound:
        return bound[head] + (f".{rest}" if rest else "")
    return f"{function.module}.{wrapper.target}"
