"""Module values and classes changed where they stand, in a move.

A move relocates code; the values and classes it leaves in place keep what they were. In every
changed file of the checked packages:

- a module-level value bound on both sides (``LIMIT = 1``) must have the same value in normal
  form (names referring to the same objects, moved ones standing for their counterparts);
- a class defined on both sides keeps its decorators, bases and keywords (a base may be added
  that is a class new in the move holding only methods: the mixin methods moved into, whose
  resolution order their verdicts check), the value of every class attribute bound on both
  sides, and the other statements of its body; a class attribute bound only now is a
  difference unless the name was a method at the base (a wrapper or alias left by the move,
  judged as such), since it may shadow what a base class binds.

Names bound only at the base are gone: what moved is paired elsewhere, and what went nowhere is
listed as removed. Functions changed in place are judged by
:mod:`golden_harness.moves._in_place`.
"""

from __future__ import annotations

import ast

from golden_harness.moves._classes import Located, classes_in, header_differences, members
from golden_harness.moves._move_ast import dotted
from golden_harness.moves._move_context import MoveContext, Namer, class_bound_names
from golden_harness.moves._move_result import ClassVerdict, Definition, ValueVerdict
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._statement_diff import diff_statements, statement_text
from golden_harness.moves._survey import ChangedFile
from golden_harness.moves._values import value_change

__all__ = ["judge_definitions_in_place"]


def judge_definitions_in_place(
    context: MoveContext, files: list[ChangedFile], new_classes: list[Definition]
) -> list[ClassVerdict | ValueVerdict]:
    """A verdict for each module value and class of ``files`` (in the checked packages) that
    changed in place; the unchanged ones are left out. ``new_classes``: the classes the move
    adds without counterpart."""
    added = {f"{d.module}:{d.qualname}": d for d in new_classes}
    found: list[ClassVerdict | ValueVerdict] = []
    for changed in files:
        if not changed.in_scope or changed.base is None or changed.now is None:
            continue
        for name in sorted(changed.old_values.keys() & changed.new_values.keys()):
            old, new = changed.old_values[name], changed.new_values[name]
            change = value_change(context, old, new)
            if change is not None and value_change(context.deepened(), old, new) is not None:
                found.append(ValueVerdict(new.definition(), old.definition(), [change]))
        olds, news = classes_in(changed.base.tree), classes_in(changed.now.tree)
        for qualname in sorted(olds.keys() & news.keys()):
            old_class = Located(changed.base, qualname, olds[qualname])
            new_class = Located(changed.now, qualname, news[qualname])
            differences = _class_differences(context, old_class, new_class, added)
            if differences:
                found.append(
                    ClassVerdict(new_class.definition(), old_class.definition(), differences)
                )
    return found


def _assigned(statement: ast.stmt) -> str | None:
    """The one name a plain assignment of a class body binds, else None."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign):
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _value_text(statement: ast.stmt) -> str:
    """What a class attribute's assignment binds, as written (its annotation too)."""
    assert isinstance(statement, (ast.Assign, ast.AnnAssign))
    value = ast.unparse(statement.value) if statement.value is not None else "(no value)"
    if isinstance(statement, ast.AnnAssign):
        return f"{ast.unparse(statement.annotation)} = {value}"
    return value


def _body(node: ast.ClassDef) -> tuple[dict[str, ast.stmt], list[ast.stmt], set[str]]:
    """(the class attributes by name, the other statements, the names of methods and nested
    classes) of a class body, its docstring left out."""
    methods, nested, statements = members(node)
    attributes: dict[str, ast.stmt] = {}
    others: list[ast.stmt] = []
    for statement in statements:
        if (name := _assigned(statement)) is not None:
            attributes[name] = statement
        else:
            others.append(statement)
    return attributes, others, {*methods, *nested}


def _dumper(context: MoveContext, side: str, located: Located, *, inside: bool) -> Dumper:
    """Dumps code of the class's header (``inside`` False) or body, names resolved on ``side``."""
    if inside:
        namer = Namer(
            context,
            side,
            located.file,
            class_names=class_bound_names(located.node),
            class_key=located.key,
        )
    else:
        namer = Namer(context, side, located.file)
    return Dumper(annotations=True, token=namer)


def _class_differences(
    context: MoveContext, old: Located, new: Located, added: dict[str, Definition]
) -> list[str]:
    differences = _header_differences(context, old, new, added)
    old_attributes, old_others, old_defined = _body(old.node)
    new_attributes, new_others, _ = _body(new.node)
    left = _dumper(context, "base", old, inside=True)
    right = _dumper(context, "now", new, inside=True)
    for name in sorted(old_attributes.keys() & new_attributes.keys()):
        was, now = old_attributes[name], new_attributes[name]
        if left(was) != right(now):
            differences.append(
                f"class attribute `{name}`: {_value_text(was)} at the base "
                f"({old.file.path}:{was.lineno}), {_value_text(now)} now "
                f"({new.file.path}:{now.lineno})"
            )
    for name in sorted(new_attributes.keys() - old_attributes.keys() - old_defined):
        statement = new_attributes[name]
        differences.append(
            f"class attribute `{name}` is new ({new.file.path}:{statement.lineno}): "
            f"{statement_text(statement, new.file.text)}"
        )
    pairs = diff_statements(list[ast.AST](old_others), list[ast.AST](new_others), left, right)
    for x, y in pairs:
        was_text = statement_text(x, old.file.text) if x is not None else "(nothing)"
        now_text = statement_text(y, new.file.text) if y is not None else "(nothing)"
        differences.append(f"class body: {was_text} at the base, {now_text} now")
    return differences


def _header_differences(
    context: MoveContext, old: Located, new: Located, added: dict[str, Definition]
) -> list[str]:
    """Decorators, bases and keywords that changed. A base added that is a class new in the
    move and holds only methods (a mixin the methods moved into, whose resolution the moved
    methods' verdicts check) is not a difference."""
    kept_bases = [b for b in new.node.bases if _new_mixin(context, new, b, added) is None]
    left = _dumper(context, "base", old, inside=False)
    right = _dumper(context, "now", new, inside=False)
    return header_differences(left, right, old.node, new.node, kept_bases)


def _new_mixin(
    context: MoveContext, new: Located, base: ast.expr, added: dict[str, Definition]
) -> str | None:
    """The key of the class ``base`` names when it is new in the move and its body holds only
    methods and a docstring, else None."""
    chain = dotted(base)
    if chain is None:
        return None
    found = Namer(context, "now", new.file).resolve(chain.split("."))
    if found.rest or len(found.refs) != 1 or found.refs[0].key not in added:
        return None
    definition = added[found.refs[0].key]
    file = context.sources.file("now", definition.path, strict=False)
    node = classes_in(file.tree).get(definition.qualname) if file is not None else None
    if node is None or node.bases or node.keywords or node.decorator_list:
        return None
    special = {"__init__", "__new__", "__init_subclass__", "__set_name__", "__class_getitem__"}
    for index, statement in enumerate(node.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name in special:
                return None
        elif not (index == 0 and isinstance(statement, ast.Expr)):
            return None
    return found.refs[0].key
