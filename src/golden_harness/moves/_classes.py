"""Classes in a move: found in a module, linearized as Python would (their MRO, read
statically), and a class moved whole compared with the class it was.

A moved class compares whole: its decorators, bases and keywords (``metaclass=``), every
statement of its body that is not a method or a nested class, in order and with annotations
(class attributes, enum members and their values, dataclass fields and defaults,
``__slots__``), the names of its methods and of its nested classes. The methods themselves are
judged one by one as functions, the nested classes as classes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from golden_harness.moves._move_ast import dotted
from golden_harness.moves._move_context import (
    MoveContext,
    Namer,
    class_bound_names,
    expression_locals,
)
from golden_harness.moves._move_result import ClassVerdict, Definition
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._sources import SourceFile
from golden_harness.moves._statement_diff import detail, diff_statements, statement_text

__all__ = [
    "Located",
    "MroEntry",
    "classes_in",
    "compare_classes",
    "header_differences",
    "linearize",
    "members",
]

_CELL = 72


def classes_in(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """Every class of a module and the classes nested in them, by qualified name."""
    found: dict[str, ast.ClassDef] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                found[prefix + node.name] = node
                visit(node.body, f"{prefix}{node.name}.")

    visit(tree.body, "")
    return found


@dataclass(frozen=True)
class Located:
    """A class of one side: its file, qualified name and node."""

    file: SourceFile
    qualname: str
    node: ast.ClassDef

    @property
    def key(self) -> str:
        return f"{self.file.module}:{self.qualname}"

    def definition(self) -> Definition:
        return Definition(
            self.file.path, self.file.module, self.qualname, self.node.lineno, "class"
        )


@dataclass(frozen=True)
class MroEntry:
    """A class in a linearization: ``located`` is None for a base that cannot be read."""

    key: str
    located: Located | None


def _class_of(context: MoveContext, side: str, file: SourceFile, base: ast.expr) -> MroEntry:
    expression = base.value if isinstance(base, ast.Subscript) else base
    chain = dotted(expression)
    if chain is None:
        return MroEntry(ast.unparse(base), None)
    found = context.resolver.chain(side, file, chain.split("."))
    if len(found.refs) == 1 and found.refs[0].kind == "def" and found.refs[0].what == "class":
        ref = found.refs[0]
        module = context.sources.module(side, ref.module)
        qualname = ".".join([ref.name, *found.rest])
        node = classes_in(module.tree).get(qualname) if module is not None else None
        if module is not None and node is not None:
            return MroEntry(f"{module.module}:{qualname}", Located(module, qualname, node))
    return MroEntry(context.token(side, found), None)


def linearize(
    context: MoveContext, side: str, cls: Located, _seen: frozenset[str] = frozenset()
) -> list[MroEntry] | None:
    """The method resolution order of ``cls`` on ``side`` (C3, as Python computes it), without
    ``object``; a base that cannot be read stands for itself alone. None when the bases cannot
    be linearized (a cycle, an inconsistent order)."""
    if cls.key in _seen:
        return None
    bases = [
        entry
        for entry in (_class_of(context, side, cls.file, b) for b in cls.node.bases)
        if entry.key not in ("builtins:object", "ext:object")
    ]
    sequences: list[list[MroEntry]] = []
    for entry in bases:
        if entry.located is None:
            sequences.append([entry])
            continue
        inner = linearize(context, side, entry.located, _seen | {cls.key})
        if inner is None:
            return None
        sequences.append(inner)
    sequences.append(list(bases))
    result = [MroEntry(cls.key, cls)]
    while any(sequences):
        sequences = [s for s in sequences if s]
        for sequence in sequences:
            head = sequence[0]
            if not any(head.key in (e.key for e in s[1:]) for s in sequences):
                break
        else:
            return None
        result.append(head)
        sequences = [s[1:] if s[0].key == head.key else s for s in sequences]
    return result


def members(node: ast.ClassDef) -> tuple[list[str], list[str], list[ast.stmt]]:
    """(method names, nested class names, the other statements of the body)."""
    methods, nested, others = [], [], []
    for index, statement in enumerate(node.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.append(statement.name)
        elif isinstance(statement, ast.ClassDef):
            nested.append(statement.name)
        elif (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            continue
        else:
            others.append(statement)
    return methods, nested, others


def header_differences(
    left: Dumper,
    right: Dumper,
    old: ast.ClassDef,
    new: ast.ClassDef,
    compared_bases: list[ast.expr] | None = None,
) -> list[str]:
    """The decorators, bases and keywords of ``new`` that differ from ``old``'s (dumped with
    ``left`` and ``right``), as ``bases: A at the base, A, B now``; ``compared_bases`` are
    the bases of ``new`` to compare (default: all), the report naming all of them."""
    differences = []
    for label, a, b in (
        ("decorators", old.decorator_list, new.decorator_list),
        ("bases", old.bases, new.bases if compared_bases is None else compared_bases),
        ("keywords", old.keywords, new.keywords),
    ):
        if left(list(a)) != right(list(b)):
            was = ", ".join(ast.unparse(x) for x in a) or "none"
            shown = new.bases if label == "bases" else b
            now = ", ".join(ast.unparse(x) for x in shown) or "none"
            differences.append(f"{label}: {was} at the base, {now} now")
    return differences


def _cell(where: str, text: str) -> str:
    cell = f"{where}  {text}"
    return cell if len(cell) <= _CELL else cell[: _CELL - 1] + "…"


def _outer_names(enclosing: ast.ClassDef | None) -> set[str]:
    return class_bound_names(enclosing) if enclosing is not None else set()


def compare_classes(
    context: MoveContext,
    old: Located,
    new: Located,
    old_enclosing: ast.ClassDef | None = None,
    new_enclosing: ast.ClassDef | None = None,
) -> ClassVerdict:
    """``new`` against ``old``, compared whole (see the module's docstring); compared again
    through installed sources when it differs."""
    verdict = _compare(context, old, new, old_enclosing, new_enclosing)
    if verdict.pure:
        return verdict
    return _compare(context.deepened(), old, new, old_enclosing, new_enclosing)


def _compare(
    context: MoveContext,
    old: Located,
    new: Located,
    old_enclosing: ast.ClassDef | None,
    new_enclosing: ast.ClassDef | None,
) -> ClassVerdict:
    verdict = ClassVerdict(new.definition(), old.definition())
    if old.node.name != new.node.name:
        verdict.differences.append(
            f"renamed from `{old.node.name}` to `{new.node.name}`: a class's name shows in its "
            "objects' reprs and in messages"
        )
    own = expression_locals(old.node) | expression_locals(new.node)
    outer_key_old = f"{old.file.module}:{old.qualname.rpartition('.')[0]}"
    outer_key_new = f"{new.file.module}:{new.qualname.rpartition('.')[0]}"
    left_outer = Dumper(
        token=Namer(
            context, "base", old.file, class_names=_outer_names(old_enclosing),
            class_key=outer_key_old, own=own,
        )
    )  # fmt: skip
    right_outer = Dumper(
        token=Namer(
            context, "now", new.file, class_names=_outer_names(new_enclosing),
            class_key=outer_key_new, own=own,
        )
    )  # fmt: skip
    verdict.differences += header_differences(left_outer, right_outer, old.node, new.node)
    old_methods, old_nested, old_body = members(old.node)
    new_methods, new_nested, new_body = members(new.node)
    for kind, was_names, now_names in (
        ("method", old_methods, new_methods),
        ("nested class", old_nested, new_nested),
    ):
        for name in sorted(set(was_names) - set(now_names)):
            verdict.differences.append(f"{kind} `{name}` is missing now")
        for name in sorted(set(now_names) - set(was_names)):
            verdict.differences.append(f"{kind} `{name}` is new (nothing at the base)")
    left = Dumper(
        annotations=True,
        token=Namer(
            context, "base", old.file, class_names=class_bound_names(old.node),
            class_key=old.key, own=own,
        ),
    )  # fmt: skip
    right = Dumper(
        annotations=True,
        token=Namer(
            context, "now", new.file, class_names=class_bound_names(new.node),
            class_key=new.key, own=own,
        ),
    )  # fmt: skip
    for x, y in diff_statements(list(old_body), list(new_body), left, right):
        was = (
            _cell(f"{old.file.path}:{x.lineno}", statement_text(x, old.file.text))  # type: ignore[attr-defined]
            if x is not None
            else _cell("", "(nothing)")
        )
        now = (
            _cell(f"{new.file.path}:{y.lineno}", statement_text(y, new.file.text))  # type: ignore[attr-defined]
            if y is not None
            else _cell("", "(nothing)")
        )
        verdict.differences.append(f"{was:<{_CELL}} | {now}")
        if x is not None and y is not None:
            verdict.differences.append(f"    {detail(x, y, left, right)}")
    for namer in (right.token, right_outer.token):
        assert isinstance(namer, Namer)
        for use in namer.uses.values():
            if use.resolution.unresolved:
                reasons = "; ".join(r.what for r in use.resolution.unresolved)
                verdict.differences.append(
                    f"name `{use.name}` ({new.file.path}:{use.line}) cannot be resolved: {reasons}"
                )
    return verdict
