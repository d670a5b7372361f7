"""The normal form in which two pieces of code compare equal when they differ only in what a
pure move may change.

A :class:`Dumper` writes a syntax node as text, without copying it: docstrings and the import
statements of a body are left out (imports are compared through the names they bind), type
annotations too unless asked (an annotated assignment is a plain one; a bare annotation is
nothing), a parameter may be renamed (``self`` becomes the new first parameter), and a name or
dotted chain the caller resolves (a global, an imported name) is written as what it refers to,
so that ``click.style`` and ``style`` imported ``from click`` are the same text.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable, Mapping, Sequence

from golden_harness.moves._wrappers import is_docstring

__all__ = ["BODY_FIELDS", "Dumper", "fingerprint", "statements"]

BODY_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_SKIPPED = frozenset({"ctx", "type_comment", "kind"})
_EMPTY = "[Pass()]"
_KEPT = (ast.stmt, ast.excepthandler, ast.match_case)
"""Nodes whose text is kept once written: the statements the differences are read from."""
_OWNERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)

Token = Callable[[ast.expr], "str | None"]


def statements(body: list[ast.stmt], owner: ast.AST | None, *, annotations: bool) -> list[ast.stmt]:
    """The statements of a body that are compared: without the docstring (of a function, class
    or module), import statements, and (unless ``annotations``) bare annotations."""
    kept = []
    for index, statement in enumerate(body):
        if index == 0 and isinstance(owner, _OWNERS) and is_docstring(statement):
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if not annotations and isinstance(statement, ast.AnnAssign) and statement.value is None:
            continue
        kept.append(statement)
    return kept


class Dumper:
    """Normalized text of syntax nodes (see the module's docstring); each node is written once.

    ``rename`` maps parameter and variable names; ``token`` gives the text of a name or an
    attribute chain that refers to something outside the code (None: written as it is);
    ``annotations`` keeps type annotations (a class body's annotations make dataclass fields)."""

    def __init__(
        self,
        *,
        rename: Mapping[str, str] | None = None,
        token: Token | None = None,
        annotations: bool = False,
    ) -> None:
        self.rename = dict(rename or {})
        self.token = token
        self.annotations = annotations
        self._known: dict[int, str] = {}
        self._field_names: dict[type[ast.AST], tuple[str, ...]] = {}

    def __call__(self, node: ast.AST | Sequence[ast.AST | str] | None) -> str:
        if node is None:
            return "~"
        if not isinstance(node, ast.AST):
            return (
                "[" + ",".join([self(i) if isinstance(i, ast.AST) else repr(i) for i in node]) + "]"
            )
        if not isinstance(node, _KEPT):
            return self._dump(node)
        key = id(node)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._dump(node)
        return found

    def body(self, statements_: list[ast.stmt], owner: ast.AST | None) -> list[ast.stmt]:
        """The statements of ``statements_`` that are compared (see :func:`statements`)."""
        return statements(statements_, owner, annotations=self.annotations)

    def _fields(self, kind: type[ast.AST]) -> tuple[str, ...]:
        found = self._field_names.get(kind)
        if found is None:
            found = self._field_names[kind] = tuple(
                name
                for name in kind._fields
                if name not in _SKIPPED and (self.annotations or name != "returns")
            )
        return found

    def _dump(self, node: ast.AST) -> str:
        kind = type(node)
        if kind is ast.Name or kind is ast.Attribute:
            if self.token is not None:
                token = self.token(node)  # type: ignore[arg-type]
                if token is not None:
                    return f"@{token}"
            if kind is ast.Name:
                name = node.id  # type: ignore[attr-defined]
                return f"N:{self.rename.get(name, name)}"
        elif kind is ast.Constant:
            return f"C:{node.value!r}"  # type: ignore[attr-defined]
        elif kind is ast.arg:
            name = node.arg  # type: ignore[attr-defined]
            annotation = f":{self(node.annotation)}" if self.annotations else ""  # type: ignore[attr-defined]
            return f"arg:{self.rename.get(name, name)}{annotation}"
        elif kind is ast.AnnAssign and not self.annotations:
            return f"Assign([{self(node.target)}],{self(node.value)})"  # type: ignore[attr-defined]
        parts = []
        for name in self._fields(kind):
            value = getattr(node, name, None)
            if isinstance(value, list):
                if name in BODY_FIELDS and value and isinstance(value[0], ast.stmt):
                    kept = self.body(value, node)
                    parts.append(self(list(kept)) if kept else _EMPTY)
                else:
                    parts.append(self(value))
            elif isinstance(value, ast.AST) or value is None:
                parts.append(self(value))
            else:
                parts.append(repr(value))
        return f"{kind.__name__}({','.join(parts)})"

    def signature(self, node: ast.FunctionDef | ast.AsyncFunctionDef, *, drop_first: bool) -> str:
        """The parameters of a function: names in order (keyword-only ones among them, so that
        a parameter becoming keyword-only is not a difference), defaults, ``*args``,
        ``**kwargs``, and how many are positional-only."""
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults))
        defaults += list(a.defaults)
        rows = list(zip(positional, defaults, strict=True))
        posonly = len(a.posonlyargs)
        if drop_first and rows:
            rows, posonly = rows[1:], max(posonly - 1, 0)
        rows += list(zip(a.kwonlyargs, a.kw_defaults, strict=True))
        text = ",".join(
            f"{self.rename.get(p.arg, p.arg)}={self(d) if d is not None else ''}" for p, d in rows
        )
        star = self.rename.get(a.vararg.arg, a.vararg.arg) if a.vararg else ""
        double = self.rename.get(a.kwarg.arg, a.kwarg.arg) if a.kwarg else ""
        return f"({text};*{star};**{double};/{posonly})"


def fingerprint(node: ast.FunctionDef | ast.AsyncFunctionDef, first: str | None) -> str:
    """A digest of a function's body written as it is, its first parameter (when given) named
    ``<first>``: two functions whose bodies are the same code have the same fingerprint."""
    dumper = Dumper(rename={first: "<first>"} if first else None)
    kept = dumper.body(node.body, node)
    text = dumper(list(kept)) if kept else _EMPTY
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
