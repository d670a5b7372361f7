"""What a module-level name, or a dotted chain of attributes on it, refers to, read statically.

A name is looked up as Python looks it up at run time: the module's own bindings (the last
one wins when a later ``from m import *`` exports the name too), then the names star imports
bring (read from ``m``'s literal ``__all__``, else its public names), then the builtins. An
import is followed into the module it names (``from pkg.helpers import compute`` reaches the
``def`` or the import in ``pkg/helpers.py``), and so is a module-level alias
(``compute = compute_total``), until a definition is reached: a function, a class or a value
of a module. A module of the repository is read as it is on the side being resolved; a module
outside it from its installed source, when there is one; anything else is opaque and known by
its dotted name. A resolver reads installed sources only when made with ``installed=True``:
two names of the same dotted path are the same object without reading anything, and two
different paths to one object (a re-export) are found the same only by following them.

A name that cannot be resolved in a module of the repository (not bound, or perhaps bound by a
star import that cannot be read) resolves to an ``unresolved`` reference with the reason.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from golden_harness.moves._module_index import ModuleIndex
from golden_harness.moves._move_ast import dotted
from golden_harness.moves._sources import SourceFile, Sources

__all__ = ["MODULE_DUNDERS", "Ref", "Resolution", "Resolver"]

MODULE_DUNDERS = frozenset(
    {
        "__name__",
        "__file__",
        "__doc__",
        "__spec__",
        "__package__",
        "__loader__",
        "__path__",
        "__builtins__",
        "__cached__",
        "__annotations__",
        "__dict__",
    }
)
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Ref:
    """What a name refers to. ``kind`` is ``def`` (``module``'s ``name``, a ``function``,
    ``class``, ``value`` or ``other`` binding, said by ``what``), ``module``, ``builtin``,
    ``external`` (opaque, known by its dotted ``name``), ``dunder`` (a module attribute such as
    ``__name__``: each module has its own) or ``unresolved`` (``what`` says why)."""

    kind: str
    module: str = ""
    name: str = ""
    what: str = ""

    @property
    def key(self) -> str:
        """The text that stands for the object in a normalized body."""
        return {
            "def": f"{self.module}:{self.name}",
            "module": f"mod:{self.module}",
            "builtin": f"builtins:{self.name}",
            "external": f"ext:{self.name}",
            "dunder": f"dunder:{self.name}",
        }.get(self.kind, f"?{self.module}:{self.name}")

    def describe(self) -> str:
        """The reference in words, for a report."""
        if self.kind == "def":
            return f"{self.module}.{self.name}"
        if self.kind == "module":
            return f"module {self.module}"
        if self.kind == "builtin":
            return f"the builtin {self.name}"
        if self.kind == "dunder":
            return f"{self.module}'s {self.name}"
        if self.kind == "unresolved":
            return f"nothing ({self.what})"
        return self.name


@dataclass(frozen=True)
class Resolution:
    """What a name or chain refers to: one reference, or several when the module binds the
    name in more than one way (``try: import a as x`` / ``except ImportError: import b as
    x``), and the attributes left to look up on it."""

    refs: tuple[Ref, ...]
    rest: tuple[str, ...] = ()

    @property
    def unresolved(self) -> tuple[Ref, ...]:
        return tuple(r for r in self.refs if r.kind == "unresolved")

    def describe(self) -> str:
        if self.unresolved:
            return " or ".join(dict.fromkeys(r.describe() for r in self.unresolved))
        text = " or ".join(dict.fromkeys(r.describe() for r in self.refs))
        return text + "".join(f".{attr}" for attr in self.rest)


class Resolver:
    """Resolves names on each side of a move; every answer is cached."""

    def __init__(self, sources: Sources, *, installed: bool = False) -> None:
        self.sources = sources
        self.installed = installed
        self._indexes: dict[int, ModuleIndex] = {}
        self._names: dict[tuple[str, int, str], Resolution] = {}
        self._dotted: dict[tuple[str, str], Resolution] = {}
        self._exports: dict[tuple[str, str], frozenset[str] | None] = {}

    def index(self, file: SourceFile) -> ModuleIndex:
        """The module-level bindings of ``file``, built once."""
        if id(file) not in self._indexes:
            self._indexes[id(file)] = ModuleIndex(file)
        return self._indexes[id(file)]

    def name(self, side: str, file: SourceFile, name: str) -> Resolution:
        """What the module-level name ``name`` of ``file`` refers to on ``side``."""
        key = (side, id(file), name)
        if key not in self._names:
            self._names[key] = Resolution((Ref("unresolved", file.module, name, "a cycle"),))
            self._names[key] = self._name(side, file, name)
        return self._names[key]

    def chain(self, side: str, file: SourceFile, parts: list[str]) -> Resolution:
        """What ``a.b.c`` (``parts``: a name of ``file`` and attributes) refers to."""
        return self.follow(side, self.name(side, file, parts[0]), tuple(parts[1:]))

    def follow(self, side: str, found: Resolution, attributes: tuple[str, ...]) -> Resolution:
        """``found`` with ``attributes`` looked up on it, through modules."""
        rest = (*found.rest, *attributes)
        if rest and len(found.refs) == 1 and found.refs[0].kind == "module":
            return self.dotted(side, f"{found.refs[0].module}.{'.'.join(rest)}")
        return Resolution(found.refs, rest)

    def dotted(self, side: str, name: str) -> Resolution:
        """What the dotted name of an import (``pkg.mod.attr``) refers to on ``side``."""
        key = (side, name)
        if key not in self._dotted:
            self._dotted[key] = Resolution((Ref("external", name=name),))
            self._dotted[key] = self._resolve_dotted(side, name)
        return self._dotted[key]

    def _resolve_dotted(self, side: str, name: str) -> Resolution:
        parts = name.split(".")
        if not self.installed and not self.sources.in_repository(parts[0]):
            return Resolution((Ref("external", name=name),))
        for end in range(len(parts), 0, -1):
            module = ".".join(parts[:end])
            if self.sources.is_module(side, module):
                break
        else:
            return Resolution((Ref("external", name=name),))
        rest = parts[end:]
        if not rest:
            return Resolution((Ref("module", module),))
        file = self.sources.module(side, module)
        if file is None:
            if self.sources.in_repository(parts[0]):
                reason = f"module {module} cannot be read, or has no {rest[0]}"
                return Resolution((Ref("unresolved", module, rest[0], reason),), tuple(rest[1:]))
            return Resolution((Ref("external", name=".".join(parts[: end + 1])),), tuple(rest[1:]))
        found = self.name(side, file, rest[0])
        if file.side == "installed" and found.unresolved:
            return Resolution((Ref("external", name=".".join(parts[: end + 1])),), tuple(rest[1:]))
        if found.unresolved:
            reason = f"{name} cannot be imported: {module} has no {rest[0]}"
            return Resolution((Ref("unresolved", module, rest[0], reason),))
        return self.follow(side, found, tuple(rest[1:]))

    def _name(self, side: str, file: SourceFile, name: str) -> Resolution:
        index = self.index(file)
        bindings = index.bindings.get(name, [])
        last = max((b.line for b in bindings), default=0)
        for line, module in reversed(index.stars):
            if line < last:
                break
            exported = self.exports(side, module)
            if exported is None:
                reason = (
                    f"`from {module} import *` in {file.module} may bind it, and {module}'s "
                    "names cannot be read statically"
                )
                return Resolution((Ref("unresolved", file.module, name, reason),))
            if name in exported:
                return self.dotted(side, f"{module}.{name}")
        if bindings:
            refs: list[Ref] = []
            rest: tuple[str, ...] = ()
            for binding in bindings:
                if binding.kind == "import":
                    found = self.dotted(side, binding.target)
                    refs += found.refs
                    rest = found.rest
                elif binding.kind == "value" and len(bindings) == 1:
                    value = getattr(binding.node, "value", None)
                    chain = dotted(value) if value is not None else None
                    if chain is not None and chain.split(".")[0] != name:
                        return self.chain(side, file, chain.split("."))
                    refs.append(Ref("def", file.module, name, "value"))
                else:
                    refs.append(Ref("def", file.module, name, binding.kind))
            unique = tuple(dict.fromkeys(refs))
            return Resolution(unique, rest if len(unique) == 1 else ())
        if name in MODULE_DUNDERS:
            return Resolution((Ref("dunder", file.module, name),))
        if name in _BUILTINS:
            return Resolution((Ref("builtin", name=name),))
        return Resolution(
            (Ref("unresolved", file.module, name, f"`{name}` is not defined in {file.module}"),)
        )

    def value_of(self, side: str, ref: Ref) -> ast.expr | None:
        """The expression a module-level value reference (``ref.what == "value"``) is
        assigned, when one plain assignment binds it."""
        file = self.sources.module(side, ref.module)
        if file is None:
            return None
        bindings = self.index(file).bindings.get(ref.name, [])
        if len(bindings) != 1 or bindings[0].kind != "value":
            return None
        value = getattr(bindings[0].node, "value", None)
        return value if isinstance(value, ast.expr) else None

    def exports(self, side: str, module: str) -> frozenset[str] | None:
        """The names ``from module import *`` binds on ``side``; None when that cannot be
        read (the module cannot be read, or its ``__all__`` is computed)."""
        key = (side, module)
        if key not in self._exports:
            self._exports[key] = None
            file = self.sources.module(side, module)
            found: frozenset[str] | None = None
            if file is not None:
                index = self.index(file)
                if index.all_names is not None and not index.all_dynamic:
                    found = frozenset(index.all_names)
                elif not index.all_dynamic:
                    names = {n for n in index.bindings if not n.startswith("_")}
                    for _, inner in index.stars:
                        more = self.exports(side, inner)
                        if more is None:
                            names = set()
                            break
                        names |= {n for n in more if not n.startswith("_")}
                    else:
                        found = frozenset(names)
            self._exports[key] = found
        return self._exports[key]
