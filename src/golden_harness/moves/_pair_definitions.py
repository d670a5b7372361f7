"""Which removed class or module-level value each added one was.

A class is paired with a removed class of the same name and nesting depth (a nested class
within its parent's pair), preferring the same qualified name, then the most methods in common.
A value is paired with a value of the same name that a changed file bound at the base:
preferably one gone from there (moved: each is paired once), else one still there (copied).
Every pair makes the added definition's key stand for its counterpart's in the comparisons.
A module-level statement that runs code on import (a registration, a call) is paired with a
removed one that is the same code where it is now.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass

from golden_harness.moves._classes import Located
from golden_harness.moves._move_result import Definition, ValueVerdict
from golden_harness.moves._sources import SourceFile
from golden_harness.moves._survey import ChangedFile, Survey
from golden_harness.moves._values import (
    ModuleValue,
    compare_statements,
    is_dunder,
    module_statements,
)

__all__ = ["ClassPair", "ValuePair", "pair_classes", "pair_statements", "pair_values"]


@dataclass(frozen=True)
class ClassPair:
    """An added class, the class it was (None when none), and the classes they are nested in."""

    new: Located
    old: Located | None
    new_parent: ast.ClassDef | None = None
    old_parent: ast.ClassDef | None = None


@dataclass(frozen=True)
class ValuePair:
    """An added value, the value it was (None when none), and whether that one stays."""

    new: ModuleValue
    old: ModuleValue | None
    copied: bool = False


def _methods(node: ast.ClassDef) -> set[str]:
    return {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def pair_classes(survey: Survey) -> tuple[list[ClassPair], list[tuple[ChangedFile, str]]]:
    """The added classes with their counterparts, and the removed classes left unpaired."""
    added: list[tuple[ChangedFile, str]] = []
    removed: dict[str, list[tuple[ChangedFile, str]]] = {}
    for changed in survey.files:
        for qualname in changed.old_classes:
            if qualname not in changed.new_classes:
                removed.setdefault(qualname.rpartition(".")[2], []).append((changed, qualname))
        if changed.in_scope:
            added += [(changed, q) for q in changed.new_classes if q not in changed.old_classes]
    added.sort(key=lambda item: (item[1].count("."), item[0].path, item[1]))
    paired: dict[tuple[str, str], tuple[str, str]] = {}
    used: set[tuple[str, str]] = set()
    pairs = []
    for changed, qualname in added:
        assert changed.now is not None
        node = changed.new_classes[qualname]
        parent = qualname.rpartition(".")[0]
        parent_pair = paired.get((changed.path, parent)) if parent else None
        candidates = [
            (c, q)
            for c, q in removed.get(node.name, [])
            if (c.path, q) not in used
            and q.count(".") == qualname.count(".")
            and (parent_pair is None or (c.path, q.rpartition(".")[0]) == parent_pair)
        ]
        methods = _methods(node)
        candidates.sort(
            key=lambda item: (
                item[1] != qualname,
                -len(methods & _methods(item[0].old_classes[item[1]])),
                item[0].path,
            )
        )
        new = Located(changed.now, qualname, node)
        new_parent = changed.new_classes.get(parent) if parent else None
        if not candidates:
            pairs.append(ClassPair(new, None, new_parent))
            continue
        owner, old_qualname = candidates[0]
        assert owner.base is not None
        used.add((owner.path, old_qualname))
        paired[changed.path, qualname] = (owner.path, old_qualname)
        old = Located(owner.base, old_qualname, owner.old_classes[old_qualname])
        old_parent_name = old_qualname.rpartition(".")[0]
        old_parent = owner.old_classes.get(old_parent_name) if old_parent_name else None
        survey.context.back[new.key] = old.key
        pairs.append(ClassPair(new, old, new_parent, old_parent))
    left = [(c, q) for items in removed.values() for c, q in items if (c.path, q) not in used]
    return pairs, left


def pair_values(survey: Survey) -> tuple[list[ValuePair], list[tuple[ChangedFile, ModuleValue]]]:
    """The added values with their counterparts, and the removed values left unpaired."""
    by_name: dict[str, list[tuple[ChangedFile, ModuleValue]]] = {}
    for changed in survey.files:
        for name, value in changed.old_values.items():
            by_name.setdefault(name, []).append((changed, value))
    used: set[str] = set()
    pairs = []
    for changed in survey.files:
        if not changed.in_scope:
            continue
        for name, value in changed.new_values.items():
            if name in changed.old_values or is_dunder(name):
                continue
            text = ast.dump(value.value)
            candidates = sorted(
                (
                    (owner, old)
                    for owner, old in by_name.get(name, [])
                    if old.key not in used or name in owner.new_values
                ),
                key=lambda item: (
                    name in item[0].new_values,
                    ast.dump(item[1].value) != text,
                    item[0].path,
                ),
            )
            if not candidates:
                pairs.append(ValuePair(value, None))
                continue
            owner, old = candidates[0]
            copied = name in owner.new_values
            if copied:
                survey.context.copies.add(value.key)
            else:
                used.add(old.key)
            survey.context.back[value.key] = old.key
            pairs.append(ValuePair(value, old, copied))
    left = [
        (changed, value)
        for changed in survey.files
        for name, value in changed.old_values.items()
        if name not in changed.new_values and not is_dunder(name) and value.key not in used
    ]
    return pairs, left


def _statement(file: SourceFile, node: ast.stmt) -> Definition:
    text = " ".join(ast.unparse(node).split())
    shown = text if len(text) <= 60 else text[:59] + "…"
    return Definition(file.path, file.module, shown, node.lineno, "statement")


def _only_in(first: list[ast.stmt], second: list[ast.stmt]) -> list[ast.stmt]:
    left = Counter(ast.dump(node) for node in second)
    found = []
    for node in first:
        text = ast.dump(node)
        if left[text]:
            left[text] -= 1
        else:
            found.append(node)
    return found


def pair_statements(
    survey: Survey,
) -> tuple[list[ValueVerdict], list[Definition]]:
    """The module-level statements the move added (code run on import: a registration, a
    call), each paired with a statement removed from a changed file that is the same code
    where it is now; and the removed statements of the changed packages left unpaired."""
    removed: list[tuple[SourceFile, ast.stmt]] = []
    added: list[tuple[SourceFile, ast.stmt]] = []
    for changed in survey.files:
        before = module_statements(changed.base) if changed.base is not None else []
        after = module_statements(changed.now) if changed.now is not None else []
        if changed.base is not None:
            removed += [(changed.base, node) for node in _only_in(before, after)]
        if changed.now is not None and changed.in_scope:
            added += [(changed.now, node) for node in _only_in(after, before)]
    used: set[int] = set()
    verdicts = []
    for file, node in added:
        match = next(
            (
                (old_file, old)
                for old_file, old in removed
                if id(old) not in used
                and compare_statements(survey.context, old_file, old, file, node)
            ),
            None,
        )
        if match is None:
            verdict = ValueVerdict(_statement(file, node), None)
            verdict.differences.append(
                "module-level code without counterpart: it runs when the module is imported"
            )
        else:
            used.add(id(match[1]))
            verdict = ValueVerdict(_statement(file, node), _statement(*match))
        verdicts.append(verdict)
    defaults = {c.path for c in survey.files if c.in_default}
    left = [
        _statement(file, node)
        for file, node in removed
        if id(node) not in used and file.path in defaults
    ]
    return verdicts, left
