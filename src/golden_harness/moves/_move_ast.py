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
    "ClassAttributes",
    "Function",
    "Normalized",
    "Wrapper",
    "aliases_of",
    "attribute_class",
    "class_attributes",
    "delegate_of",
    "detail",
    "diff_statements",
    "functions_of",
    "imports_of",
    "module_name",
    "normalize",
    "self_reads",
    "statement_text",
    "stored_parameters",
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


def aliases_of(source: str, module: str) -> dict[str, tuple[int, str]]:
    """Names bound in a module or class body to another name (``ship = execute``,
    ``ship = mod.execute``, ``ship: Callable = execute``): qualified name -> (line, the dotted name it is bound to, through
    the module's imports, else a name of its own module)."""
    bound = imports_of(source, module)
    found: dict[str, tuple[int, str]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                dotted = _dotted(node.value) if node.value is not None else None
                if len(targets) == 1 and isinstance(targets[0], ast.Name) and dotted is not None:
                    head, _, rest = dotted.partition(".")
                    target = bound.get(head, f"{module}.{head}")
                    found[prefix + targets[0].id] = (
                        node.lineno,
                        target + (f".{rest}" if rest else ""),
                    )

    visit(ast.parse(source).body, "")
    return found


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    return ".".join([node.id, *parts]) if isinstance(node, ast.Name) else None


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
    function: Function,
    first_param: str | None,
    module_imports: dict[str, str],
    *,
    drop_first: bool = False,
) -> Normalized:
    """``function`` normalized; its first parameter renamed to ``first_param`` when given, or
    left out of the signature with ``drop_first`` (a method that became a function without the
    ``self`` it never used)."""
    node = copy.deepcopy(function.node)
    params = function.params
    if drop_first:
        positional = node.args.posonlyargs or node.args.args
        if positional:
            positional.pop(0)
            remaining = len(node.args.posonlyargs) + len(node.args.args)
            node.args.defaults = node.args.defaults[len(node.args.defaults) - remaining :]
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
    """A function whose body is one call that delegates: the call's target (as written), whether
    every other parameter is passed on unchanged, and the call.

    ``passes_first`` tells whether the first parameter is passed on (positionally or by
    keyword: ``execute(self, order)``, ``execute(executor=self, order=order)``). A method may
    also delegate without passing ``self`` on (only with ``unbound=True``): to a function
    (``fix_diffs(patch)``, ``receiver`` None), to another method of the same object
    (``self.fix(patch)``, ``receiver`` ``""``) or to a method of an object it holds
    (``self.state._get_phase(phase_id)``, ``receiver`` ``"state"``)."""

    target: str
    same_arguments: bool
    call: str
    passes_first: bool = True
    receiver: str | None = None


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


def wrapper_call(function: Function, *, unbound: bool = False) -> Wrapper | None:
    """The delegation of a thin wrapper (``return target(self, a, b=b)``, after an optional
    docstring and local imports), or None when ``function`` is not one. With ``unbound``, a
    method that delegates without passing ``self`` on is a wrapper too (see :class:`Wrapper`)."""
    body = [
        s
        for s in function.node.body
        if not _is_docstring(s) and not isinstance(s, (ast.Import, ast.ImportFrom))
    ]
    if len(body) != 1 or not isinstance(body[0], (ast.Return, ast.Expr)):
        return None
    call = body[0].value
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
    return Wrapper(ast.unparse(call.func), same, ast.unparse(call), passes_first, receiver)


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _class_node(source: str, qualname: str) -> ast.ClassDef | None:
    """The class ``A.B`` of a module's source (nested classes included), or None."""
    body: list[ast.stmt] = ast.parse(source).body
    found: ast.ClassDef | None = None
    for part in qualname.split("."):
        found = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == part), None)
        if found is None:
            return None
        body = found.body
    return found


def _local_imports(node: ast.AST, module: str) -> dict[str, str]:
    bound: dict[str, str] = {}
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Import, ast.ImportFrom)):
            bound.update(_import_targets(inner, module))
    return bound


def _resolve(expression: ast.expr, module: str, source: str, bound: dict[str, str]) -> str | None:
    """The dotted name ``Name`` or ``mod.Name`` refers to: an import, or a class of the module."""
    text = ast.unparse(expression)
    head, _, rest = text.partition(".")
    if not all(part.isidentifier() for part in text.split(".")):
        return None
    if head in bound:
        return bound[head] + (f".{rest}" if rest else "")
    if _class_node(source, text) is not None:
        return f"{module}.{text}"
    return None


def attribute_class(
    function: Function, attribute: str, module_imports: dict[str, str]
) -> str | None:
    """The dotted name of the class a method's object holds in ``self.<attribute>``: the class
    called in an assignment ``self.<attribute> = Class(...)`` in any method of its class, or
    the annotation of the attribute (``attribute: Class`` in the class body,
    ``self.<attribute>: Class = ...``); None when it cannot be told."""
    owner = function.qualname.rpartition(".")[0]
    cls = _class_node(function.source, owner) if owner else None
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
        bound = {**module_imports, **_local_imports(method, function.module)}
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


def _is_self_attribute(node: ast.expr, first: str, attribute: str | None = None) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == first
        and (attribute is None or node.attr == attribute)
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
    cls = _class_node(source, qualname)
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
            elif isinstance(walked, ast.Call) and _is_name(walked.func, "setattr"):
                is_open = True
    return ClassAttributes(names, is_open)


def stored_parameters(function: Function) -> list[str] | None:
    """The attributes an ``__init__`` sets when all it does is store its parameters
    (``self.run_id = run_id``, after an optional docstring); None for any other function."""
    node = function.node
    if not function.is_method or node.name != "__init__" or not node.args.args:
        return None
    first, params = node.args.args[0].arg, set(function.params[1:])
    stored = []
    for statement in node.body:
        if _is_docstring(statement):
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


def delegate_of(wrapper: Wrapper, function: Function, module_imports: dict[str, str]) -> str:
    """The dotted name a wrapper's call refers to (``pkg.mod.execute``): through the imports of
    its module or its own local imports, else a name of its own module. A call on an object the
    method holds (``self.state.get``) is resolved through the class assigned to the attribute
    (``pkg.state.PhaseState.get``), a call on ``self`` to the method of the same class; when
    the class cannot be told, the call's target is returned as written."""
    if wrapper.receiver is not None:
        method = wrapper.target.rpartition(".")[2]
        owner = function.qualname.rpartition(".")[0]
        if wrapper.receiver == "":
            return f"{function.module}.{owner}.{method}"
        cls = attribute_class(function, wrapper.receiver, module_imports)
        return f"{cls}.{method}" if cls is not None else wrapper.target
    head, _, rest = wrapper.target.partition(".")
    bound = {**module_imports, **_local_imports(function.node, function.module)}
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
    return f"{_text(old)} -> {_text(new)}"


_OPERATORS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.MatMult: "@", ast.Div: "/", ast.Mod: "%",
    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&", ast.FloorDiv: "//", ast.And: "and", ast.Or: "or", ast.Invert: "~",
    ast.Not: "not", ast.UAdd: "+", ast.USub: "-", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<",
    ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in",
}  # fmt: skip


def _text(node: ast.AST) -> str:
    """A node as source; an operator, which has no source of its own, as ``operator `>=```."""
    if type(node) in _OPERATORS:
        return f"operator `{_OPERATORS[type(node)]}`"
    return ast.unparse(node) or f"({type(node).__name__})"
