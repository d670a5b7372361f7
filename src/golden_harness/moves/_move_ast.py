"""What a module defines, read from its syntax: its functions and methods, the names its
imports bind, and the names its module or class bodies bind to another function (aliases).

These are the pieces ``check-move`` and the seam tools share: the seam tools follow a thin
wrapper or an alias to the function that does the work, check-move pairs the functions a move
added with those it removed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

from golden_harness.moves._sources import module_name

__all__ = [
    "BINDING_DECORATORS",
    "Alias",
    "Function",
    "FunctionFacts",
    "aliases_in",
    "aliases_of",
    "dotted",
    "facts",
    "functions_in",
    "functions_of",
    "import_targets",
    "imports_of",
    "module_name",
    "module_tree",
]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_ACCESSORS = ("setter", "getter", "deleter")
BINDING_DECORATORS = frozenset(
    {"staticmethod", "classmethod", "property", "cached_property", "functools.cached_property"}
)
"""Decorators that bind a function to a class (or make it an attribute) and read nothing of it
but the function itself."""


@dataclass(frozen=True, eq=False)
class Function:
    """A top-level function or a method (``Class.method``) of one file."""

    path: str
    module: str
    qualname: str
    node: FunctionNode
    source: str
    is_method: bool

    @property
    def full_name(self) -> str:
        return f"{self.module}.{self.qualname}"

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def owner(self) -> str:
        """The qualified name of the class a method belongs to ("" for a module function)."""
        parts = self.qualname.split(".")
        if len(parts) > 1 and parts[-2] == self.node.name and parts[-1] in _ACCESSORS:
            parts = parts[:-1]
        return ".".join(parts[:-1])

    @property
    def params(self) -> list[str]:
        a = self.node.args
        return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


_KNOWN_TREES: dict[int, tuple[str, ast.Module]] = {}
_KNOWN_LIMIT = 512


def remember_tree(source: str, tree: ast.Module) -> None:
    """Let :func:`module_tree` answer with ``tree`` for this very ``source`` object."""
    if len(_KNOWN_TREES) >= _KNOWN_LIMIT:
        _KNOWN_TREES.pop(next(iter(_KNOWN_TREES)))
    _KNOWN_TREES[id(source)] = (source, tree)


def module_tree(source: str) -> ast.Module:
    """The syntax tree of a module's source, parsed once per source text (shared: read it,
    never change it)."""
    known = _KNOWN_TREES.get(id(source))
    if known is not None and known[0] is source:
        return known[1]
    return _parsed(source)


@lru_cache(maxsize=64)
def _parsed(source: str) -> ast.Module:
    return ast.parse(source)


def decorator_name(node: ast.expr) -> str:
    """``staticmethod`` for ``@staticmethod``; the source of any other decorator."""
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def _accessor(node: FunctionNode) -> str | None:
    """``setter`` for a function decorated ``@<name>.setter`` (also ``getter``, ``deleter``)."""
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Attribute)
            and decorator.attr in _ACCESSORS
            and isinstance(decorator.value, ast.Name)
            and decorator.value.id == node.name
        ):
            return decorator.attr
    return None


def functions_in(
    path: str, tree: ast.Module, source: str, *, unique: bool = False
) -> dict[str, Function]:
    """Every top-level function and method (nested classes included) of a parsed module. A
    name defined twice keeps its last definition, unless ``unique``: then each definition is
    kept, a property's setter as ``Class.name.setter`` (also ``getter``, ``deleter``), any other
    repeated definition as ``name#2``, ``name#3``, ..."""
    found: dict[str, Function] = {}
    module = module_name(path)
    remember_tree(source, tree)

    def visit(body: list[ast.stmt], prefix: str, in_class: bool) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.", True)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                static = any(decorator_name(d) == "staticmethod" for d in node.decorator_list)
                qualname = prefix + node.name
                if unique and qualname in found:
                    accessor = _accessor(node)
                    qualname = f"{qualname}.{accessor}" if accessor else qualname
                    count = 2
                    while qualname in found:
                        qualname = f"{prefix}{node.name}#{count}"
                        count += 1
                found[qualname] = Function(
                    path, module, qualname, node, source, in_class and not static
                )

    visit(tree.body, "", False)
    return found


def functions_of(path: str, source: str) -> dict[str, Function]:
    """Every top-level function and method (nested classes included) of a module's source."""
    return functions_in(path, ast.parse(source, filename=path), source)


def import_targets(
    node: ast.Import | ast.ImportFrom, module: str, *, package: bool = False
) -> dict[str, str]:
    """The names an import statement binds: local name -> the dotted name it refers to. A
    relative import counts from ``module``'s package (``module`` itself when ``package``)."""
    if isinstance(node, ast.Import):
        return {
            (a.asname or a.name.split(".")[0]): (a.name if a.asname else a.name.split(".")[0])
            for a in node.names
        }
    return {
        (a.asname or a.name): f"{import_base(node, module, package=package)}.{a.name}"
        for a in node.names
        if a.name != "*"
    }


def import_base(node: ast.ImportFrom, module: str, *, package: bool = False) -> str:
    """The module a ``from ... import`` reads from, relative imports resolved."""
    base = node.module or ""
    if node.level:
        parts = module.split(".")
        keep = len(parts) - node.level + (1 if package else 0)
        base = ".".join([*parts[: max(keep, 0)], *([base] if base else [])])
    return base


def imports_of(source: str, module: str) -> dict[str, str]:
    """Module-level names bound by imports: local name -> ``module.attribute`` it refers to."""
    bound: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update(import_targets(node, module))
    return bound


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return ".".join([node.id, *parts]) if isinstance(node, ast.Name) else None


@dataclass(frozen=True)
class Alias:
    """A name bound in a module or class body to another function: ``ship = execute``, or
    through a binding decorator called on it, ``total = property(totals.total)``
    (``binding`` is then ``property``). ``target`` is the dotted name it is bound to, through
    the module's imports, else a name of its own module."""

    qualname: str
    line: int
    target: str
    binding: str | None = None


def _alias_value(value: ast.expr | None) -> tuple[str | None, str | None]:
    """(the dotted name a value names, the binding decorator called on it, if any)."""
    if value is None:
        return None, None
    if (
        isinstance(value, ast.Call)
        and len(value.args) == 1
        and not value.keywords
        and (binding := dotted(value.func)) is not None
        and binding.rpartition(".")[2] in BINDING_DECORATORS
    ):
        return dotted(value.args[0]), binding.rpartition(".")[2]
    return dotted(value), None


def aliases_in(tree: ast.Module, module: str, *, package: bool = False) -> dict[str, Alias]:
    """Every alias of a parsed module, by qualified name (see :class:`Alias`)."""
    bound: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update(import_targets(node, module, package=package))
    found: dict[str, Alias] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                name, binding = _alias_value(node.value)
                if len(targets) == 1 and isinstance(targets[0], ast.Name) and name is not None:
                    head, _, rest = name.partition(".")
                    target = bound.get(head, f"{module}.{head}") + (f".{rest}" if rest else "")
                    qualname = prefix + targets[0].id
                    found[qualname] = Alias(qualname, node.lineno, target, binding)

    visit(tree.body, "")
    return found


def aliases_of(source: str, module: str) -> dict[str, tuple[int, str]]:
    """Names bound in a module or class body to another name (``ship = execute``,
    ``ship = mod.execute``, ``ship: Callable = execute``, ``total = property(totals.total)``):
    qualified name -> (line, the dotted name it is bound to, through the module's imports, else
    a name of its own module)."""
    return {
        name: (alias.line, alias.target)
        for name, alias in aliases_in(ast.parse(source), module).items()
    }


_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)


@dataclass(frozen=True)
class FunctionFacts:
    """What one walk over a function's syntax finds: its import statements (nested scopes
    included), the ids of the ``__name__`` nodes passed alone to ``getLogger``, whether it
    calls ``super()`` (or reads ``__class__``) or a logger's method (``logger.info(...)``), and,
    in its own scope, whether it yields and whether it returns a value."""

    imports: tuple[ast.Import | ast.ImportFrom, ...]
    logger_names: frozenset[int]
    uses_super: bool
    logs: bool
    generator: bool
    returns_value: bool


_FACTS: dict[int, tuple[ast.AST, FunctionFacts]] = {}


def _is_logger_call(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _LOG_METHODS:
        return False
    return "log" in (dotted(func.value) or "").lower()


def facts(node: FunctionNode) -> FunctionFacts:
    """The :class:`FunctionFacts` of a function, found once."""
    known = _FACTS.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    imports: list[ast.Import | ast.ImportFrom] = []
    loggers: set[int] = set()
    uses_super = logs = generator = returns_value = False
    stack: list[tuple[ast.AST, bool]] = [(child, True) for child in node.body]
    stack += [(child, False) for child in [*node.decorator_list, node.args]]
    while stack:
        inner, own = stack.pop()
        kind = type(inner)
        if kind is ast.Import or kind is ast.ImportFrom:
            imports.append(inner)  # type: ignore[arg-type]
        elif kind is ast.Call:
            call: ast.Call = inner  # type: ignore[assignment]
            func = call.func
            if isinstance(func, ast.Name) and func.id == "super" and not call.args:
                uses_super = True
            if (
                (dotted(func) or "").rpartition(".")[2] == "getLogger"
                and len(call.args) == 1
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id == "__name__"
            ):
                loggers.add(id(call.args[0]))
            logs = logs or _is_logger_call(call)
        elif kind is ast.Name and inner.id == "__class__":  # type: ignore[attr-defined]
            uses_super = True
        elif own and (kind is ast.Yield or kind is ast.YieldFrom):
            generator = True
        elif own and kind is ast.Return:
            value = inner.value  # type: ignore[attr-defined]
            returns_value = returns_value or not (
                value is None or (isinstance(value, ast.Constant) and value.value is None)
            )
        nested = own and kind not in (
            ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef
        )  # fmt: skip
        stack.extend((child, nested) for child in ast.iter_child_nodes(inner))
    found = FunctionFacts(
        tuple(imports), frozenset(loggers), uses_super, logs, generator, returns_value
    )
    if len(_FACTS) > 4096:
        _FACTS.clear()
    _FACTS[id(node)] = (node, found)
    return found
