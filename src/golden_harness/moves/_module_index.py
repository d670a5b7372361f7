"""What one parsed module binds at module level, and the scopes of its functions.

A module-level name may be bound by an import, a ``def``, a ``class``, an assignment or anything
else that stores a name (a ``for`` target, ``with ... as``, ``except ... as``, ``del``, a
``global`` statement in a function). Statements inside ``if``/``try``/``with``/``for`` blocks
count, since they run at import; the body of ``if TYPE_CHECKING:`` does not. ``from m import *``
is kept as it is (the names it brings are resolved from ``m`` by the resolver), and so is a
literal ``__all__``.

The scopes of a function (from the standard library's :mod:`symtable`) say which names it reads
from the module (its globals) and which it binds itself, nested functions and comprehensions
included.
"""

from __future__ import annotations

import ast
import symtable
from dataclasses import dataclass, field

from golden_harness.moves._move_ast import facts, import_base, import_targets
from golden_harness.moves._sources import SourceFile

__all__ = ["Binding", "FunctionScope", "ModuleIndex", "bound_names"]


@dataclass(frozen=True)
class Binding:
    """One statement binding a module-level name: ``kind`` is ``import`` (``target`` is the
    dotted name imported), ``function``, ``class``, ``value`` (a plain assignment, ``node`` its
    statement) or ``other``."""

    kind: str
    name: str
    line: int
    target: str = ""
    node: ast.AST | None = None


@dataclass(frozen=True)
class FunctionScope:
    """The names of a function's body: ``globals`` read from the module (in any of its nested
    scopes), ``bound`` stored by the function or a nested scope (parameters included),
    ``imported``: name -> dotted target, for the names its own import statements bind, and
    ``declared``: the names a ``global`` statement lets it rebind in the module."""

    globals: frozenset[str]
    bound: frozenset[str]
    imported: dict[str, str] = field(default_factory=dict)
    declared: frozenset[str] = frozenset()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def bound_names(target: ast.AST) -> list[str]:
    """The names an assignment target, ``for`` target or ``del`` stores."""
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _literal_names(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    return None


class ModuleIndex:
    """The module-level bindings, star imports and ``__all__`` of one parsed module."""

    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.bindings: dict[str, list[Binding]] = {}
        self.stars: list[tuple[int, str]] = []
        self.typing_only: set[str] = set()
        self.all_names: list[str] | None = None
        self.all_dynamic = False
        self._scopes: dict[int, FunctionScope] | None = None
        self._walk(file.tree.body, typing_only=False)
        for node in ast.walk(file.tree) if "global " in file.text else ():
            if isinstance(node, ast.Global):
                for name in node.names:
                    self._bind(Binding("other", name, node.lineno))

    def _bind(self, binding: Binding) -> None:
        self.bindings.setdefault(binding.name, []).append(binding)

    def _import(self, node: ast.Import | ast.ImportFrom, typing_only: bool) -> None:
        if typing_only:
            self.typing_only.update(
                import_targets(node, self.file.module, package=self.file.is_package)
            )
            return
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            base = import_base(node, self.file.module, package=self.file.is_package)
            self.stars.append((node.lineno, base))
        targets = import_targets(node, self.file.module, package=self.file.is_package)
        for name, target in targets.items():
            self._bind(Binding("import", name, node.lineno, target, node))

    def _all(self, node: ast.stmt) -> None:
        """Follow ``__all__ = [...]``, ``__all__ += [...]``, ``__all__.extend([...])``."""
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            names = _literal_names(node.value)
            self.all_names, self.all_dynamic = names, names is None
        elif isinstance(node, ast.AugAssign):
            names = _literal_names(node.value)
            if names is None or self.all_names is None:
                self.all_dynamic = True
            else:
                self.all_names = [*self.all_names, *names]

    def _walk(self, body: list[ast.stmt], *, typing_only: bool) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node, typing_only)
            elif typing_only:
                continue
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._bind(Binding("function", node.name, node.lineno, node=node))
            elif isinstance(node, ast.ClassDef):
                self._bind(Binding("class", node.name, node.lineno, node=node))
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                self._assignment(node)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "__all__"
                ):
                    names = _literal_names(node.value.args[0] if node.value.args else None)
                    if func.attr == "extend" and names is not None and self.all_names is not None:
                        self.all_names = [*self.all_names, *names]
                    elif func.attr in ("extend", "append", "insert", "remove", "pop"):
                        self.all_dynamic = True
            else:
                self._compound(node)

    def _assignment(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return
        for target in targets:
            if isinstance(target, ast.Name) and target.id == "__all__":
                self._all(node)
            if isinstance(target, ast.Name) and not isinstance(node, ast.AugAssign):
                kind = "value" if len(targets) == 1 else "other"
                self._bind(Binding(kind, target.id, node.lineno, node=node))
            else:
                for name in bound_names(target):
                    self._bind(Binding("other", name, node.lineno, node=node))

    def _compound(self, node: ast.stmt) -> None:
        if isinstance(node, ast.If):
            self._walk(node.body, typing_only=_is_type_checking(node.test))
            self._walk(node.orelse, typing_only=False)
            return
        stored: list[str] = []
        if isinstance(node, (ast.For, ast.AsyncFor)):
            stored = bound_names(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            stored = [
                n for i in node.items if i.optional_vars for n in bound_names(i.optional_vars)
            ]
        elif isinstance(node, ast.Delete):
            stored = [n for t in node.targets for n in bound_names(t)]
        for name in stored:
            self._bind(Binding("other", name, node.lineno, node=node))
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                self._walk(inner, typing_only=False)
        for handler in getattr(node, "handlers", []):
            if handler.name:
                self._bind(Binding("other", handler.name, handler.lineno, node=handler))
            self._walk(handler.body, typing_only=False)
        for case in getattr(node, "cases", []):
            self._walk(case.body, typing_only=False)

    def scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionScope:
        """The scope of a function or method of this module (see :class:`FunctionScope`)."""
        if self._scopes is None:
            self._scopes = {}
            table = symtable.symtable(self.file.text, self.file.path, "exec")
            self._index_tables(table)
        found = self._scopes.get(node.lineno)
        if found is None:
            return FunctionScope(frozenset(), frozenset())
        imported: dict[str, str] = {}
        for inner in facts(node).imports:
            imported.update(import_targets(inner, self.file.module, package=self.file.is_package))
        return FunctionScope(found.globals, found.bound, imported, found.declared)

    def _index_tables(self, table: symtable.SymbolTable) -> None:
        for child in table.get_children():
            if child.get_type() == "function" and table.get_type() in ("module", "class"):
                found_globals: set[str] = set()
                bound: set[str] = set()
                declared: set[str] = set()
                self._collect(child, found_globals, bound, declared)
                self._scopes[child.get_lineno()] = FunctionScope(  # type: ignore[index]
                    frozenset(found_globals), frozenset(bound), {}, frozenset(declared)
                )
            if child.get_type() == "class":
                self._index_tables(child)

    def _collect(
        self, table: symtable.SymbolTable, found: set[str], bound: set[str], declared: set[str]
    ) -> None:
        for symbol in table.get_symbols():
            if symbol.is_declared_global():
                declared.add(symbol.get_name())
            if symbol.is_global() or symbol.is_declared_global():
                found.add(symbol.get_name())
            elif symbol.is_local() or symbol.is_parameter():
                bound.add(symbol.get_name())
        for child in table.get_children():
            self._collect(child, found, bound, declared)
