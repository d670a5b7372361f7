"""The syntax work behind ``golden check-move``: functions of a module, their bodies normalized
for comparison, the imports their names resolve to, thin wrappers, and statement differences.

Normalization makes two bodies compare equal when they differ only in what a pure move may
change: the first parameter's name (``self`` becomes the new function's first parameter),
docstrings, type annotations (they do not run; an annotated assignment becomes a plain one), and
the placement of imports (import statements are taken out of the body and compared as a set).
"""

from __future__ import annotations

import ast
import copy
import difflib
from dataclasses import dataclass

__all__ = [
    "Function",
    "Normalized",
    "Wrapper",
    "delegate_of",
    "detail",
    "diff_statements",
    "functions_of",
    "imports_of",
    "module_name",
    "normalize",
    "statement_text",
    "wrapper_call",
]

_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_PASSTHROUGH_DECORATORS = frozenset({"staticmethod", "classmethod"})


@dataclass(frozen=True)
class Function:
    """A top-level function or a method (``Class.method``) of one file."""

    path: str
    module: str
    qualname: str
    node: _FunctionNode
    source: str
    is_method: bool

    @property
    def full_name(self) -> str:
        return f"{self.module}.{self.qualname}"

    @property
    def params(self) -> list[str]:
        a = self.node.args
        return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


def module_name(path: str) -> str:
    """``src/pkg/mod.py`` -> ``pkg.mod``; ``pkg/__init__.py`` -> ``pkg``."""
    parts = path.removesuffix(".py").split("/")
    if parts[0] == "src":
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def functions_of(path: str, source: str) -> dict[str, Function]:
    """Every top-level function and method (nested classes included) of a module's source."""
    found: dict[str, Function] = {}
    module = module_name(path)

    def visit(body: list[ast.stmt], prefix: str, in_class: bool) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.", True)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                static = any(_decorator_name(d) == "staticmethod" for d in node.decorator_list)
                qualname = prefix + node.name
                found[qualname] = Function(
                    path, module, qualname, node, source, in_class and not static
                )

    visit(ast.parse(source, filename=path).body, "", False)
    return found


def _decorator_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


def _import_targets(node: ast.Import | ast.ImportFrom, module: str) -> dict[str, str]:
    if isinstance(node, ast.Import):
        return {
            (a.asname or a.name.split(".")[0]): (a.name if a.asname else a.name.split(".")[0])
            for a in node.names
        }
    base = node.module or ""
    if node.level:
        package = module.split(".")[: -node.level] if node.level else []
        base = ".".join([*package, *([base] if base else [])])
    return {(a.asname or a.name): f"{base}.{a.name}" for a in node.names if a.name != "*"}


def imports_of(source: str, module: str) -> dict[str, str]:
    """Module-level names bound by imports: local name -> ``module.attribute`` it refers to."""
    bound: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update(_import_targets(node, module))
    return bound


@dataclass(frozen=True)
class Normalized:
    """A function normalized for comparison: signature, decorators, body, local imports, and
    the imported names its body uses (name -> what it refers to)."""

    signature: str
    decorators: tuple[str, ...]
    body: list[ast.stmt]
    local_imports: frozenset[str]
    names: dict[str, str]


class _Normalizer(ast.NodeTransformer):
    def __init__(self, rename: dict[str, str], module: str) -> None:
        self.rename = rename
        self.module = module
        self.imports: set[str] = set()
        self.bound: dict[str, str] = {}

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.rename.get(node.id, node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.rename.get(node.arg, node.arg)
        node.annotation = None
        return node

    def visit_Import(self, node: ast.Import) -> None:
        self.imports.add(ast.unparse(node))
        self.bound.update(_import_targets(node, self.module))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.visit_Import(node)  # type: ignore[arg-type]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None
        assign = ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
        return ast.copy_location(self.generic_visit(assign), node)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and _is_docstring(body[0]) and _has_docstring(node):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        return super().generic_visit(node)


def _has_docstring(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def normalize(
    function: Function, first_param: str | None, module_imports: dict[str, str]
) -> Normalized:
    """``function`` normalized; its first parameter renamed to ``first_param`` when given."""
    node = copy.deepcopy(function.node)
    params = function.params
    rename = {params[0]: first_param} if first_param and params else {}
    normalizer = _Normalizer(rename, function.module)
    node = normalizer.visit(node)
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    bound = {**module_imports, **normalizer.bound}
    names = {name: target for name, target in bound.items() if name in used}
    decorators = tuple(
        ast.dump(d)
        for d in node.decorator_list
        if _decorator_name(d) not in _PASSTHROUGH_DECORATORS
    )
    arguments = copy.deepcopy(node.args)
    arguments.kwonlyargs, arguments.args = [], [*arguments.args, *arguments.kwonlyargs]
    arguments.kw_defaults = []
    defaults = [
        (a.arg, ast.dump(d))
        for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
        if d
    ]
    signature = ast.dump(
        ast.arguments(
            posonlyargs=arguments.posonlyargs,
            args=arguments.args,
            vararg=arguments.vararg,
            kwonlyargs=[],
            kw_defaults=[],
            kwarg=arguments.kwarg,
            defaults=node.args.defaults,
        )
    ) + repr(defaults)
    return Normalized(signature, decorators, node.body, frozenset(normalizer.imports), names)


@dataclass(frozen=True)
class Wrapper:
    """A function whose body is one call passing its first parameter on: the call's target
    (as written), whether every other parameter is passed on unchanged, and the call."""

    target: str
    same_arguments: bool
    call: str


def wrapper_call(function: Function) -> Wrapper | None:
    """The delegation of a thin wrapper (``return target(self, a, b=b)``, after an optional
    docstring and local imports), or None when ``function`` is not one."""
    body = [
        s
        for s in function.node.body
        if not _is_docstring(s) and not isinstance(s, (ast.Import, ast.ImportFrom))
    ]
    if len(body) != 1 or not isinstance(body[0], (ast.Return, ast.Expr)):
        return None
    call = body[0].value
    params = function.params
    if not isinstance(call, ast.Call) or not params or not call.args:
        return None
    first = call.args[0]
    if not (isinstance(first, ast.Name) and first.id == params[0]):
        return None
    passed: list[str] = []
    same = True
    for arg in call.args[1:]:
        inner = arg.value if isinstance(arg, ast.Starred) else arg
        same &= isinstance(inner, ast.Name)
        passed.append(inner.id if isinstance(inner, ast.Name) else ast.unparse(arg))
    for keyword in call.keywords:
        value = keyword.value
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
    return Wrapper(ast.unparse(call.func), same, ast.unparse(call))


def delegate_of(wrapper: Wrapper, function: Function, module_imports: dict[str, str]) -> str:
    """The dotted name a wrapper's call refers to (``pkg.mod.execute``): through the imports of
    its module or its own local imports, else a name of its own module."""
    head, _, rest = wrapper.target.partition(".")
    local = {}
    for node in ast.walk(function.node):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update(imports_of(ast.unparse(node), function.module))
    bound = {**module_imports, **local}
    if head in bound:
        return bound[head] + (f".{rest}" if rest else "")
    return f"{function.module}.{wrapper.target}"


_BODY_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _header(node: ast.AST) -> str:
    clone = copy.copy(node)
    for name in _BODY_FIELDS:
        if isinstance(getattr(clone, name, None), list):
            setattr(clone, name, [])
    return ast.dump(clone)


def diff_statements(
    old: list[ast.AST], new: list[ast.AST]
) -> list[tuple[ast.AST | None, ast.AST | None]]:
    """Pairs of differing statements (old, new); None where one side has no counterpart.
    Compound statements with the same header are compared inside, so that a difference deep in
    a loop shows the statement that differs, not the whole loop."""
    a, b = [ast.dump(s) for s in old], [ast.dump(s) for s in new]
    pairs: list[tuple[ast.AST | None, ast.AST | None]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for index in range(max(len(olds), len(news))):
            x = olds[index] if index < len(olds) else None
            y = news[index] if index < len(news) else None
            if x is not None and y is not None and type(x) is type(y) and _header(x) == _header(y):
                for name in _BODY_FIELDS:
                    xs, ys = getattr(x, name, None), getattr(y, name, None)
                    if isinstance(xs, list) and isinstance(ys, list):
                        pairs += diff_statements(xs, ys)
            else:
                pairs.append((x, y))
    return pairs


def statement_text(node: ast.AST, source: str) -> str:
    """The statement as written (its first line for a compound statement), on one line."""
    segment = ast.get_source_segment(source, node) or ast.unparse(node)
    if any(isinstance(getattr(node, f, None), list) for f in _BODY_FIELDS):
        segment = segment.splitlines()[0]
    return " ".join(segment.split())


def detail(old: ast.AST, new: ast.AST) -> str:
    """The smallest difference between two statements, for example
    ``keyword argument `retries`: 2 -> 3``."""
    if type(old) is type(new):
        for name, a in ast.iter_fields(old):
            b = getattr(new, name, None)
            if name == "keywords" and isinstance(a, list) and isinstance(b, list):
                olds = {k.arg: k for k in a}
                news = {k.arg: k for k in b}
                for key in [*olds, *(k for k in news if k not in olds)]:
                    if key not in news:
                        return f"keyword argument `{key}` removed"
                    if key not in olds:
                        return f"keyword argument `{key}` added: {ast.unparse(news[key].value)}"
                    if ast.dump(olds[key]) != ast.dump(news[key]):
                        return (
                            f"keyword argument `{key}`: {ast.unparse(olds[key].value)} -> "
                            f"{ast.unparse(news[key].value)}"
                        )
                continue
            if isinstance(a, ast.AST) and isinstance(b, ast.AST):
                if ast.dump(a) != ast.dump(b):
                    return detail(a, b)
            elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
                for x, y in zip(a, b, strict=True):
                    if (
                        isinstance(x, ast.AST)
                        and isinstance(y, ast.AST)
                        and ast.dump(x) != ast.dump(y)
                    ):
                        return detail(x, y)
            elif a != b and not isinstance(a, (ast.AST, list)):
                break
    return f"{ast.unparse(old)} -> {ast.unparse(new)}"
