"""The checks around a move: what was removed and is nowhere now, undefined names in the code
that changed where the moved code lives and lived, and attributes a class reads but no longer
sets."""

from __future__ import annotations

from golden_harness.moves._class_attrs import ClassAttributes, class_attributes, self_reads
from golden_harness.moves._classes import Located
from golden_harness.moves._move_ast import Function
from golden_harness.moves._move_result import (
    AliasReport,
    AttributeWarning,
    Definition,
    Removed,
    UndefinedName,
    WrapperReport,
)
from golden_harness.moves._survey import ChangedFile, Survey
from golden_harness.moves._undefined import Span, undefined_names
from golden_harness.moves._values import ModuleValue

__all__ = ["attribute_warnings", "old_name_differences", "removed_definitions", "undefined_around"]


def removed_definitions(
    survey: Survey,
    unpaired: list[Function],
    wrappers: list[WrapperReport],
    aliases: list[AliasReport],
    classes: list[tuple[ChangedFile, str]],
    values: list[tuple[ChangedFile, ModuleValue]],
    statements: list[Definition],
) -> list[Removed]:
    """The functions, classes and values of the changed packages (tests aside) that were
    defined at the base and are paired with nothing now."""
    defaults = {c.path for c in survey.files if c.in_default}
    delegation = {
        (w.function.path, w.function.qualname): f"now a thin wrapper around {w.delegates_to}"
        for w in wrappers
    }
    delegation |= {
        (a.function.path, a.function.qualname): f"now an alias of {a.target}" for a in aliases
    }
    removed = []
    for old in unpaired:
        if old.path not in defaults:
            continue
        how = delegation.get((old.path, old.qualname))
        why = (
            f"{how}, and its old body is no added function's counterpart"
            if how
            else "not moved, and no wrapper or alias is left: its code is nowhere now"
        )
        definition = Definition(old.path, old.module, old.qualname, old.node.lineno, "function")
        removed.append(Removed(definition, why))
    for changed, qualname in classes:
        if changed.path in defaults and changed.base is not None:
            located = Located(changed.base, qualname, changed.old_classes[qualname])
            why = "no added class of that name: its code is nowhere now"
            removed.append(Removed(located.definition(), why))
    for changed, value in values:
        if changed.path in defaults:
            removed.append(Removed(value.definition(), "no added value of that name"))
    removed += [
        Removed(d, "module-level code that ran on import, and no added statement is the same")
        for d in statements
    ]
    return sorted(removed, key=lambda r: (r.definition.path, r.definition.line))


def _span(node_first: int, node_last: int | None, where: str) -> Span:
    return node_first, node_last or node_first, where


def undefined_around(
    survey: Survey,
    files: set[str],
    changed_functions: dict[str, list[Function]],
    judged: set[int],
) -> list[UndefinedName]:
    """Undefined names in ``files`` (where moved code lives and lived, and the wrappers): in
    the functions that changed (but those judged against a counterpart, whose every name is
    resolved by the comparison), and in the classes and values the move added."""
    spans: dict[str, list[Span]] = {}
    for changed in survey.files:
        if changed.path not in files or changed.now is None:
            continue
        found: list[Span] = []
        for function in changed_functions.get(changed.path, []):
            if id(function) in judged:
                continue
            node = function.node
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            found.append(_span(first, node.end_lineno, function.full_name))
        if changed.in_scope:
            module = changed.now.module
            for qualname, cls in changed.new_classes.items():
                if qualname not in changed.old_classes:
                    first = min([cls.lineno, *(d.lineno for d in cls.decorator_list)])
                    found.append(_span(first, cls.end_lineno, f"{module}.{qualname}"))
            for name, value in changed.new_values.items():
                if name not in changed.old_values:
                    statement = value.statement
                    where = f"{module}.{name}"
                    found.append(_span(statement.lineno, statement.end_lineno, where))
        if found:
            spans[changed.path] = found

    def star_reason(path: str, name: str) -> str | None:
        file = survey.sources.file("now", path, strict=False)
        if file is None:
            return None
        found = survey.context.resolver.name("now", file, name)
        return "; ".join(r.what for r in found.unresolved) or None

    return undefined_names(survey.root, spans, star_reason)


def attribute_warnings(
    survey: Survey, changed_functions: dict[str, list[Function]]
) -> list[AttributeWarning]:
    """``self.<attr>`` reads in changed methods of a class that set the attribute at the base
    and sets it nowhere now (classes that may get attributes otherwise are skipped)."""
    warnings = []
    for changed in survey.files:
        if changed.base is None or changed.now is None:
            continue
        cache: dict[tuple[str, str], ClassAttributes | None] = {}
        for function in changed_functions.get(changed.path, []):
            if not function.is_method:
                continue
            for side, file in (("base", changed.base), ("now", changed.now)):
                if (side, function.owner) not in cache:
                    cache[side, function.owner] = class_attributes(file.text, function.owner)
            before, after = cache["base", function.owner], cache["now", function.owner]
            if before is None or after is None or after.open:
                continue
            for attribute, line in self_reads(function):
                if attribute in before.names and attribute not in after.names:
                    base_line = before.names[attribute]
                    warnings.append(
                        AttributeWarning(
                            changed.path, line, attribute, function.full_name, base_line
                        )
                    )
    return sorted(warnings, key=lambda w: (w.path, w.line, w.attribute))


def old_name_differences(survey: Survey, old: Definition, new: Definition) -> list[str]:
    """When the module a definition moved out of still binds its name (an import of the moved
    definition, for the callers that name it there), the name must refer to what it moved to:
    ``from pkg.new import helper2 as helper`` would hand its callers another function."""
    file = survey.sources.file("now", old.path, strict=False)
    name = old.qualname
    if file is None or "." in name or name not in survey.context.resolver.index(file).bindings:
        return []
    found = survey.context.resolver.name("now", file, name)
    keys = {survey.context.key("now", ref) for ref in found.refs}
    if keys == {f"{old.module}:{name}"}:
        return []
    return [
        f"{old.full_name} now refers to {found.describe()}, not to {new.full_name}: its "
        f"callers there get another object"
    ]
