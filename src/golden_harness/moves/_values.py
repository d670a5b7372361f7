"""Module-level values in a move (``RETRIES = 2``, ``PATTERN = re.compile(...)``): the ones a
move added, paired with the ones it moved or copied them from, and compared.

A value moved (gone from where it was) must keep its value: the expression in normal form, so
that the names it reads must refer to the same objects. A value copied (the old module keeps its
own) makes two objects of one: that is the same only for a value that cannot change, a literal
(numbers, strings, tuples and frozensets of them), or a module's own logger
(``logging.getLogger(__name__)``, whose name the harness maps).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from golden_harness.moves._move_context import (
    MoveContext,
    Namer,
    expression_locals,
    immutable,
    logger_arguments,
    own_logger,
)
from golden_harness.moves._move_result import Definition, ValueVerdict
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._sources import SourceFile

__all__ = [
    "ModuleValue",
    "compare_statements",
    "compare_values",
    "in_place_change",
    "is_dunder",
    "module_statements",
    "module_values",
    "value_change",
]


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


@dataclass(frozen=True)
class ModuleValue:
    """A name a module's body binds by one plain assignment, and the statement."""

    file: SourceFile
    name: str
    statement: ast.Assign | ast.AnnAssign

    @property
    def key(self) -> str:
        return f"{self.file.module}:{self.name}"

    @property
    def value(self) -> ast.expr:
        assert self.statement.value is not None
        return self.statement.value

    def definition(self) -> Definition:
        return Definition(
            self.file.path, self.file.module, self.name, self.statement.lineno, "value"
        )


def module_values(file: SourceFile) -> dict[str, ModuleValue]:
    """The values a module's body (not its blocks) binds by plain assignment, last one kept."""
    found: dict[str, ModuleValue] = {}
    for node in file.tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
        else:
            continue
        if isinstance(target, ast.Name):
            found[target.id] = ModuleValue(file, target.id, node)
    return found


def _dumper(context: MoveContext, side: str, value: ModuleValue) -> Dumper:
    namer = Namer(
        context,
        side,
        value.file,
        exempt=logger_arguments(value.value),
        own=expression_locals(value.value),
    )
    return Dumper(token=namer)


def value_change(context: MoveContext, old: ModuleValue, new: ModuleValue) -> str | None:
    """``module constant `X`: 2 at the base (path), 3 now (path)`` when the two values differ
    in normal form, else None."""
    left, right = _dumper(context, "base", old), _dumper(context, "now", new)
    if left(old.value) == right(new.value):
        return None
    where_old = old.file.path
    where_new = new.file.path
    return (
        f"module constant `{old.name}`: {ast.unparse(old.value)} at the base ({where_old}), "
        f"{ast.unparse(new.value)} now ({where_new})"
    )


def compare_values(
    context: MoveContext, old: ModuleValue, new: ModuleValue, *, copied: bool
) -> ValueVerdict:
    """``new`` against the value it was moved (or, with ``copied``, copied) from; compared
    again through installed sources when it differs."""
    verdict = _compare(context, old, new, copied)
    if verdict.pure:
        return verdict
    return _compare(context.deepened(), old, new, copied)


def _compare(
    context: MoveContext, old: ModuleValue, new: ModuleValue, copied: bool
) -> ValueVerdict:
    verdict = ValueVerdict(new.definition(), old.definition())
    change = value_change(context, old, new)
    if change is not None:
        verdict.differences.append(change)
        context.value_changes[old.key] = change
    else:
        context.value_changes.pop(old.key, None)
    rebound = any(
        len(context.resolver.index(v.file).bindings.get(v.name, [])) > 1 for v in (old, new)
    )
    if copied and (rebound or not (immutable(new.value) or own_logger(new.value))):
        verdict.differences.append(
            f"copied: {old.file.module}.{old.name} ({old.file.path}:{old.statement.lineno}) is "
            f"still there, and {new.file.module}.{new.name} is a second object, not the same "
            f"one; import it from one place instead (from {old.file.module} import {old.name})"
        )
    right = _dumper(context, "now", new)
    right(new.value)
    namer = right.token
    assert isinstance(namer, Namer)
    for use in namer.uses.values():
        if use.resolution.unresolved:
            reasons = "; ".join(r.what for r in use.resolution.unresolved)
            verdict.differences.append(f"name `{use.name}` cannot be resolved: {reasons}")
    if old.file.module != new.file.module:
        for name, line in namer.dunders.items():
            verdict.differences.append(
                f"`{name}` ({new.file.path}:{line}) is each module's own: "
                f"{old.file.module}'s at the base, {new.file.module}'s now"
            )
    if copied and change is None and not verdict.differences and immutable(new.value):
        verdict.notes.append(
            f"copied: {old.file.module}.{old.name} stays; the value cannot change, so both are "
            "the same"
        )
    return verdict


def in_place_change(context: MoveContext, key: str) -> str | None:
    """For the key of a value that stayed where it was (``pkg.mod:TIMEOUT``) in a file the
    move changed: how its value changed there, or None."""
    if key not in context.in_place:
        context.in_place[key] = None
        module, _, name = key.partition(":")
        old_file = context.sources.module("base", module)
        new_file = context.sources.module("now", module)
        if (
            old_file is not None
            and new_file is not None
            and old_file.path in context.sources.changed
        ):
            old = module_values(old_file).get(name)
            new = module_values(new_file).get(name)
            if old is not None and new is not None:
                context.in_place[key] = value_change(context, old, new)
    return context.in_place[key]


def _imports_only(node: ast.stmt) -> bool:
    """A ``try`` block of imports and their fallbacks (``except ImportError: x = None``)."""
    inner = [*node.body, *node.orelse, *node.finalbody]  # type: ignore[attr-defined]
    for handler in getattr(node, "handlers", []):
        inner += handler.body
    return all(
        isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass))
        or (isinstance(s, ast.Assign) and all(isinstance(t, ast.Name) for t in s.targets))
        for s in inner
    )


def _about_all(node: ast.stmt) -> bool:
    target: ast.expr | None = None
    if isinstance(node, ast.AugAssign):
        target = node.target
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        target = func.value if isinstance(func, ast.Attribute) else None
    return isinstance(target, ast.Name) and target.id == "__all__"


def module_statements(file: SourceFile) -> list[ast.stmt]:
    """The statements of a module's body that run code of their own when it is imported:
    everything but docstrings (the module's, its values'), imports, definitions, plain
    assignments (values), what
    maintains ``__all__``, ``if TYPE_CHECKING:`` blocks and ``try`` blocks of imports."""
    found = []
    for node in file.tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring, an attribute's docstring: nothing runs
        if isinstance(
            node,
            (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef),
        ):
            continue
        if isinstance(node, ast.AnnAssign) or (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            continue
        if _about_all(node):
            continue
        if isinstance(node, ast.If) and (
            "TYPE_CHECKING" in ast.unparse(node.test) and not node.orelse
        ):
            continue
        if isinstance(node, ast.Try) and _imports_only(node):
            continue
        found.append(node)
    return found


def compare_statements(
    context: MoveContext, old: SourceFile, old_node: ast.stmt, new: SourceFile, new_node: ast.stmt
) -> bool:
    """True when two module-level statements are the same code where they are."""
    own = expression_locals(old_node) | expression_locals(new_node)
    left = Dumper(token=Namer(context, "base", old, own=own))
    right = Dumper(token=Namer(context, "now", new, own=own))
    return left(old_node) == right(new_node)
