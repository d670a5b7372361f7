"""The attributes a class gives its objects, and the ones a method reads on ``self``: what a
method moved to another class must still find there."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from golden_harness.moves._move_ast import Function
from golden_harness.moves._wrappers import class_node

__all__ = ["ClassAttributes", "class_attributes", "class_values", "self_reads"]


def _is_self_attribute(node: ast.expr, first: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == first
    )


@dataclass(frozen=True)
class ClassAttributes:
    """The attributes a class defines: set on ``self`` in its methods (``self.x = ...``,
    ``self.x += ...``, ``for self.x in``, ``with ... as self.x``), assigned or annotated in its
    body, and its methods and nested classes, with the line of the first. ``open`` is True when
    it may have others that cannot be read here: a base class that is not a class of the same
    module, or ``setattr``/``__dict__``/``__getattr__``."""

    names: dict[str, int]
    open: bool


def class_attributes(
    source: str, qualname: str, _seen: frozenset[str] = frozenset()
) -> ClassAttributes | None:
    """The attributes of class ``qualname`` in ``source`` and of its bases of the same module;
    None when the module has no such class."""
    cls = class_node(source, qualname)
    if cls is None:
        return None
    names: dict[str, int] = {}
    is_open = False
    for base in cls.bases:
        text = ast.unparse(base)
        if text == "object":
            continue
        inherited = (
            class_attributes(source, text, _seen | {qualname}) if text not in _seen else None
        )
        if inherited is None:
            is_open = True
            continue
        is_open |= inherited.open
        for name, line in inherited.names.items():
            names.setdefault(name, line)
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.setdefault(node.name, node.lineno)
            is_open |= node.name in ("__getattr__", "__getattribute__")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for inner in ast.walk(target):
                    if isinstance(inner, ast.Name):
                        names.setdefault(inner.id, node.lineno)
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or not method.args.args:
            continue
        first = method.args.args[0].arg
        for walked in ast.walk(method):
            if isinstance(walked, ast.Attribute) and _is_self_attribute(walked, first):
                if isinstance(walked.ctx, (ast.Store, ast.Del)):
                    names.setdefault(walked.attr, walked.lineno)
                elif walked.attr == "__dict__":
                    is_open = True
            elif (
                isinstance(walked, ast.Call)
                and isinstance(walked.func, ast.Name)
                and walked.func.id == "setattr"
            ):
                is_open = True
    return ClassAttributes(names, is_open)


def class_values(source: str, qualname: str) -> dict[str, ast.stmt]:
    """The names a class body binds by plain assignment (``RETRIES = 2``, ``size: int = 0``),
    with the last statement binding each; empty when the module has no such class."""
    cls = class_node(source, qualname)
    found: dict[str, ast.stmt] = {}
    for node in cls.body if cls is not None else []:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            found[node.target.id] = node
    return found


def self_reads(function: Function) -> list[tuple[str, int]]:
    """The ``self.<attribute>`` reads of a method's body: (attribute, line), in order."""
    if not function.is_method or not function.node.args.args:
        return []
    first = function.node.args.args[0].arg
    return sorted(
        {
            (node.attr, node.lineno)
            for node in ast.walk(function.node)
            if isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Load)
            and _is_self_attribute(node, first)
        },
        key=lambda item: (item[1], item[0]),
    )
