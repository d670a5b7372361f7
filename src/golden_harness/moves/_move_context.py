"""What the comparisons of one ``check-move`` run share, and how names are written in the
normal form.

Every name a body reads from outside itself (a global, a name its own imports bind) is written
as the key of what it refers to (see :mod:`golden_harness.moves._resolve`). On the working
tree's side, the key of something the move added is written as the key of its counterpart at the
base (``pkg.new:helper`` as ``pkg.god:helper``), so that a call of a moved helper compares equal
to the call of the helper it was, and a call of anything else does not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from golden_harness.moves._git import run_git
from golden_harness.moves._module_index import FunctionScope
from golden_harness.moves._move_ast import dotted
from golden_harness.moves._resolve import Ref, Resolution, Resolver
from golden_harness.moves._sources import SourceFile, Sources

__all__ = [
    "MoveContext",
    "Namer",
    "Use",
    "class_bound_names",
    "expression_locals",
    "immutable",
    "logger_arguments",
    "own_logger",
]


_CONFIGURATION = (
    "*.py", "*.ini", "*.cfg", "*.conf", "*.toml", "*.yaml", "*.yml", "*.json",
)  # fmt: skip


def expression_locals(node: ast.AST) -> set[str]:
    """The names the lambdas, comprehensions and ``:=`` of module-level code bind."""
    names: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Lambda):
            a = inner.args
            names |= {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
            names |= {p.arg for p in (a.vararg, a.kwarg) if p is not None}
        elif isinstance(inner, ast.comprehension):
            names |= {n.id for n in ast.walk(inner.target) if isinstance(n, ast.Name)}
        elif isinstance(inner, ast.NamedExpr):
            names.add(inner.target.id)
    return names


def logger_arguments(node: ast.AST) -> set[int]:
    """The ids of the ``__name__`` nodes passed alone to ``getLogger`` in ``node``: a module's
    own logger, whose name the harness maps, so a move may change it."""
    found = set()
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.Call)
            and (dotted(inner.func) or "").rpartition(".")[2] == "getLogger"
            and len(inner.args) == 1
            and isinstance(inner.args[0], ast.Name)
            and inner.args[0].id == "__name__"
        ):
            found.add(id(inner.args[0]))
    return found


def immutable(node: ast.expr) -> bool:
    """True for a literal that cannot change: numbers, strings, ``None``, tuples and
    ``frozenset`` of them, and arithmetic on them."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple):
        return all(immutable(e) for e in node.elts)
    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        return all(immutable(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "frozenset"
        and not node.keywords
    ):
        return all(
            isinstance(a, (ast.Set, ast.Tuple, ast.List)) and all(immutable(e) for e in a.elts)
            for a in node.args
        )
    return False


def own_logger(node: ast.expr) -> bool:
    """True for ``logging.getLogger(__name__)`` (or ``getLogger(__name__)``)."""
    return isinstance(node, ast.Call) and len(node.args) == 1 and bool(logger_arguments(node))


def class_bound_names(node: ast.ClassDef) -> set[str]:
    """The names a class body binds (its attributes, methods, nested classes, imports)."""
    names: set[str] = set()
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in statement.names}
    return names


@dataclass
class Use:
    """One name a piece of code reads from outside itself, and what it refers to."""

    name: str
    resolution: Resolution
    token: str
    line: int


@dataclass
class MoveContext:
    """The sources, the resolver, and the pairs found so far (keys on the working tree's side
    mapped to their counterparts' keys at the base)."""

    sources: Sources
    resolver: Resolver
    back: dict[str, str] = field(default_factory=dict)
    value_changes: dict[str, str] = field(default_factory=dict)
    in_place: dict[str, str | None] = field(default_factory=dict)
    value_keys: dict[tuple[str, str], str | None] = field(default_factory=dict)
    copies: set[str] = field(default_factory=set)
    method_pairs: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _name_formats: list[str] | None = None
    _deep: MoveContext | None = None

    def name_formats(self) -> list[str]:
        """Where the project formats log records with the calling function's name
        (``path:line``), searched once: its code and configuration files, not its tests or
        documentation."""
        if self._name_formats is None:
            pattern = r"%\(func" + r"Name\)|\{func" + r"Name[}:!]"
            done = run_git(
                self.sources.root,
                "grep", "-n", "-I", "-E", "--untracked", "-e", pattern, "--",
                *_CONFIGURATION, ":!tests", ":!test", ":!docs",
            )  # fmt: skip
            self._name_formats = [
                ":".join(line.split(":", 2)[:2]) for line in done.stdout.splitlines()
            ]
        return self._name_formats

    def deepened(self) -> MoveContext:
        """The same context with a resolver that follows names into installed sources too
        (slower; used again on code found different, to tell re-exports apart)."""
        if self._deep is None:
            self._deep = MoveContext(
                self.sources,
                Resolver(self.sources, installed=True),
                self.back,
                self.value_changes,
                copies=self.copies,
                method_pairs=self.method_pairs,
            )
            self._deep._deep = self._deep
        return self._deep

    def file(self, side: str, path: str) -> SourceFile:
        found = self.sources.file(side, path, strict=False)
        assert found is not None, (side, path)
        return found

    def key(self, side: str, ref: Ref) -> str:
        """The key of ``ref`` as compared: on the working tree's side, the counterpart's."""
        return self.back.get(ref.key, ref.key) if side == "now" else ref.key

    def token(self, side: str, resolution: Resolution) -> str:
        """The text that stands for what ``resolution`` refers to, on ``side``. A module's own
        logger stands for any module's own logger, and a value that is a literal for its
        value: another module's ``TIMEOUT = 10`` is the same as this one."""
        keys = sorted(
            {self._value_key(side, ref) or self.key(side, ref) for ref in resolution.refs}
        )
        return "|".join(keys) + "".join(f".{attr}" for attr in resolution.rest)

    def _value_key(self, side: str, ref: Ref) -> str | None:
        if ref.kind != "def" or ref.what != "value":
            return None
        cached = (side, ref.key)
        if cached not in self.value_keys:
            value = self.resolver.value_of(side, ref)
            found = None
            if value is not None and own_logger(value):
                found = "own-logger"
            elif value is not None and immutable(value):
                found = f"literal:{ast.dump(value)}"
            self.value_keys[cached] = found
        return self.value_keys[cached]


class Namer:
    """The token function of a :class:`Dumper` for code of one side.

    ``scope`` is the function's (None for code that runs in a module or class body: a
    decorator, a default value, a class body). ``class_names`` are the names of the enclosing
    class body and ``class_key`` that class's key, for such code in a class. Every name
    resolved is kept in :attr:`uses`; ``override`` makes chains that start with one of its
    names resolve as another namer resolves them."""

    def __init__(
        self,
        context: MoveContext,
        side: str,
        file: SourceFile,
        scope: FunctionScope | None = None,
        *,
        class_names: set[str] | None = None,
        class_key: str | None = None,
        exempt: set[int] | None = None,
        own: set[str] | None = None,
    ) -> None:
        self.context = context
        self.side = side
        self.file = file
        self.scope = scope
        self.class_names = class_names or set()
        self.class_key = class_key
        self.exempt = exempt or set()
        self.own = own or set()
        self.uses: dict[str, Use] = {}
        self.dunders: dict[str, int] = {}
        self.override: dict[str, Namer] = {}
        self._import_only = (
            set(scope.imported) - (scope.bound - set(scope.imported)) if scope else set()
        )

    def local(self, name: str) -> bool:
        """True when ``name`` is the code's own (a parameter, a local variable, a name a
        comprehension or lambda of module-level code binds: ``own``)."""
        if name in self.own:
            return True
        if self.scope is None:
            return False
        if name in self._import_only and name not in self.scope.globals:
            return False
        return name in self.scope.bound

    def resolve(self, parts: list[str]) -> Resolution:
        head = parts[0]
        resolver: Resolver = self.context.resolver
        if self.scope is not None and head in self._import_only:
            found = resolver.dotted(self.side, self.scope.imported[head])
            return resolver.follow(self.side, found, tuple(parts[1:]))
        if self.scope is None and head in self.class_names and self.class_key is not None:
            module, _, qualname = self.class_key.partition(":")
            ref = Ref("def", module, qualname, "class attribute")
            return Resolution((ref,), tuple(parts))
        return resolver.chain(self.side, self.file, parts)

    def __call__(self, node: ast.expr) -> str | None:
        chain = dotted(node)
        if chain is None:
            return None
        parts = chain.split(".")
        head = parts[0]
        if head in self.override:
            return self.override[head](node)
        if self.local(head) or (
            self.scope is not None
            and head not in self.scope.globals
            and head not in self._import_only
        ):
            return None
        if head == "__name__" and id(node) in self.exempt:
            return "dunder:__name__"
        resolution = self.resolve(parts)
        token = self.context.token(self.side, resolution)
        if head not in self.uses:
            head_resolution = self.resolve([head]) if len(parts) > 1 else resolution
            self.uses[head] = Use(
                head,
                head_resolution,
                self.context.token(self.side, head_resolution),
                getattr(node, "lineno", 0),
            )
        if any(ref.kind == "dunder" for ref in resolution.refs):
            self.dunders.setdefault(head, getattr(node, "lineno", 0))
        return token
