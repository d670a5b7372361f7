"""What a moved function relies on around its body, checked against its counterpart: the
module constants it reads, the module attributes of its own module (``__name__``), the class it
belongs to (a class pair, a base class or mixin of the old class, or a class the old object
holds), its name (a rename someone may observe), the module globals it rebinds, and its
annotations when they are evaluated."""

from __future__ import annotations

import ast
from collections.abc import Callable

from golden_harness.moves._class_attrs import class_attributes, class_values, self_reads
from golden_harness.moves._classes import Located, classes_in, linearize
from golden_harness.moves._function_sides import Sides
from golden_harness.moves._move_ast import (
    BINDING_DECORATORS,
    Function,
    decorator_name,
    facts,
    functions_in,
)
from golden_harness.moves._move_context import MoveContext, Namer, class_bound_names
from golden_harness.moves._move_result import MoveVerdict
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._values import in_place_change
from golden_harness.moves._wrappers import class_node

SameCode = Callable[[Function, Function], bool]
"""Whether two functions (at the base, now) are the same code: a full comparison."""

__all__ = [
    "annotation_differences",
    "dunder_differences",
    "owner_differences",
    "rename_differences",
    "scope_differences",
    "values_read",
]

_NAME_BLIND = frozenset(
    {
        *BINDING_DECORATORS,
        "abstractmethod",
        "abc.abstractmethod",
        "override",
        "typing.override",
        "overload",
        "typing.overload",
        "final",
        "typing.final",
    }
)


def values_read(sides: Sides, verdict: MoveVerdict) -> None:
    context = sides.context
    seen = set()
    for namer in (sides.left_namer, sides.left_outer.token):
        assert isinstance(namer, Namer)
        for use in namer.uses.values():
            for ref in use.resolution.refs:
                if ref.kind != "def" or ref.what != "value" or ref.key in seen:
                    continue
                seen.add(ref.key)
                change = context.value_changes.get(ref.key) or in_place_change(context, ref.key)
                if change is not None:
                    verdict.differences.append(change)


def dunder_differences(old: Function, new: Function, sides: Sides, verdict: MoveVerdict) -> None:
    if old.module == new.module:
        return
    for name, line in sides.right_namer.dunders.items():
        verdict.differences.append(
            f"`{name}` ({new.path}:{line}) is each module's own: {old.module}'s at the base, "
            f"{new.module}'s now"
        )


def owner_differences(
    context: MoveContext,
    old: Function,
    new: Function,
    sides: Sides,
    verdict: MoveVerdict,
    same_code: SameCode,
) -> None:
    """A method moved to another class: the class pair, a base class of the old one, or a
    class the old object holds."""
    if not (old.is_method and new.is_method):
        return
    old_key, new_key = f"{old.module}:{old.owner}", f"{new.module}:{new.owner}"
    if context.back.get(new_key, new_key) == old_key:
        return
    if facts(new.node).uses_super:
        verdict.differences.append(
            f"uses `super()`: in {new.owner} it continues the method resolution order after "
            f"{new.owner}, not after {old.owner}"
        )
    now_file = context.sources.file("now", old.path, strict=False)
    old_class = classes_in(now_file.tree).get(old.owner) if now_file is not None else None
    order = (
        linearize(context, "now", Located(now_file, old.owner, old_class))
        if now_file is not None and old_class is not None
        else None
    )
    keys = [entry.key for entry in order or []]
    if new_key in keys:
        for entry in order[: keys.index(new_key)]:  # type: ignore[index]
            if entry.located is None:
                verdict.differences.append(
                    f"{old.owner} now inherits {new.qualname}, but its base {entry.key} comes "
                    "first and cannot be read: it may define the same name"
                )
                return
            if old.name in class_bound_names(entry.located.node):
                verdict.differences.append(
                    f"{old.owner}.{old.name} now resolves to {entry.key}.{old.name}, which "
                    f"shadows {new.qualname} in the method resolution order"
                )
                return
        verdict.notes.append(f"{old.owner} inherits it: {old.owner}.{old.name} resolves here")
        return
    _attribute_differences(context, old, new, sides, verdict, same_code)


def _methods(cls: ast.ClassDef | None) -> set[str]:
    return {
        n.name
        for n in (cls.body if cls is not None else [])
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _same_method(
    context: MoveContext, old: Function, new: Function, name: str, same_code: SameCode
) -> bool:
    """Whether the method ``name`` of the new class is the old class's, moved (paired with
    it), or the same code."""
    was, now = (old.path, f"{old.owner}.{name}"), (new.path, f"{new.owner}.{name}")
    if context.method_pairs.get(now) == was:
        return True
    before = context.sources.file("base", old.path, strict=False)
    after = context.sources.file("now", new.path, strict=False)
    if before is None or after is None:
        return False
    a = functions_in(before.path, before.tree, before.text, unique=True).get(was[1])
    b = functions_in(after.path, after.tree, after.text, unique=True).get(now[1])
    if a is None or b is None:
        return False
    return same_code(a, b)


def _attribute_differences(
    context: MoveContext,
    old: Function,
    new: Function,
    sides: Sides,
    verdict: MoveVerdict,
    same_code: SameCode,
) -> None:
    """A method moved to another class reads on ``self`` what its old class set: the new class
    must set or define each such attribute too, a class attribute with the same value."""
    before = class_attributes(old.source, old.owner)
    after = class_attributes(new.source, new.owner)
    if before is None or after is None:
        return
    old_values, new_values = (
        class_values(old.source, old.owner),
        class_values(new.source, new.owner),
    )
    old_cls, new_cls = class_node(old.source, old.owner), class_node(new.source, new.owner)
    old_methods = _methods(old_cls)
    new_methods = _methods(new_cls)
    for attribute, line in self_reads(new):
        where = f"`self.{attribute}` ({new.path}:{line})"
        if attribute in old_methods and attribute in new_methods:
            if not _same_method(context, old, new, attribute, same_code):
                verdict.differences.append(
                    f"{where} is {new.owner}.{attribute} now, which is neither "
                    f"{old.owner}.{attribute} moved nor the same code: another method"
                )
            continue
        if attribute in old_values and attribute in new_values:
            a, b = old_values[attribute], new_values[attribute]
            value_a, value_b = getattr(a, "value", None), getattr(b, "value", None)
            if sides.left_outer(value_a) != sides.right_outer(value_b):
                verdict.differences.append(
                    f"{where}: class attribute {ast.unparse(value_a or a)} in {old.owner} at "
                    f"the base, {ast.unparse(value_b or b)} in {new.owner} now"
                )
            continue
        if attribute not in before.names or attribute in after.names:
            continue
        unknown = _inherited(context, new, attribute) if after.open else None
        if unknown == "":
            continue
        if unknown:
            verdict.differences.append(
                f"{where}: {new.owner} does not set it, and {unknown}: it cannot be told "
                f"that the attribute {old.owner} set at the base "
                f"({old.path}:{before.names[attribute]}) is there"
            )
        else:
            verdict.differences.append(
                f"{where} is read, but {new.owner} never sets it; {old.owner} did at the "
                f"base ({old.path}:{before.names[attribute]})"
            )


def _inherited(context: MoveContext, new: Function, attribute: str) -> str | None:
    """Whether a class whose attributes cannot all be read in its module gets ``attribute``
    from its other bases: "" when one of them sets it, what cannot be read when that is
    unknown, None when none of them sets it."""
    file = context.sources.file("now", new.path, strict=False)
    cls = classes_in(file.tree).get(new.owner) if file is not None else None
    if file is None or cls is None:
        return "its class cannot be read"
    order = linearize(context, "now", Located(file, new.owner, cls))
    if order is None:
        return "its bases cannot be put in order"
    for entry in order:
        if entry.located is None:
            return f"its base {entry.key.removeprefix('ext:')} cannot be read"
        found = class_attributes(entry.located.file.text, entry.located.qualname)
        if found is None:
            return f"its base {entry.key} cannot be read"
        if attribute in found.names:
            return ""
        dynamic = _dynamic(entry.located.node)
        if dynamic:
            return f"{entry.key} {dynamic}"
    return None


def _dynamic(cls: ast.ClassDef) -> str:
    """How a class may get attributes that cannot be read (``setattr``, ``__dict__``,
    ``__getattr__``), or ""."""
    for node in ast.walk(cls):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in (
            "__getattr__",
            "__getattribute__",
        ):
            return f"defines {node.name}"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
        ):
            return "calls setattr"
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            return "writes its __dict__"
    return ""


_MODULE_HOOKS = frozenset({"__getattr__", "__dir__"})
"""Module-level function names Python calls as the module's attribute hooks (PEP 562)."""


def rename_differences(
    context: MoveContext, old: Function, new: Function, allow: bool, verdict: MoveVerdict
) -> None:
    if old.owner and not new.owner and new.name in _MODULE_HOOKS:
        verdict.differences.append(
            f"`{new.name}` at module level is the attribute hook of {new.module} (PEP 562): "
            "every missing attribute of the module now goes through it; give it another name"
        )
    if old.name == new.name:
        return
    observers = [
        f"its decorator `@{ast.unparse(d)}` may read its name"
        for d in new.node.decorator_list
        if decorator_name(d) not in _NAME_BLIND
    ]
    formats = context.name_formats() if facts(new.node).logs else []
    if formats:
        observers.append(
            f"it logs, and {formats[0]} formats log records with the function's name (funcName)"
        )
    renamed = f"renamed from `{old.name}` to `{new.name}`"
    if not observers:
        verdict.notes.append(f"{renamed} (nothing reads its name)")
    elif allow:
        verdict.notes.append(f"{renamed}: {'; '.join(observers)} (allowed by --allow-rename)")
    else:
        verdict.differences.append(
            f"{renamed}: {'; '.join(observers)}; pass --allow-rename if that does not matter"
        )


def scope_differences(
    context: MoveContext,
    old: Function,
    new: Function,
    sides: Sides,
    first: str | None,
    verdict: MoveVerdict,
) -> None:
    """The first parameter renamed onto a name the body already binds; the module globals the
    function rebinds (``global X``), which must be the moved variable itself, not a copy."""
    if (
        first is not None
        and old.params
        and first != old.params[0]
        and first in sides.old_scope.bound
    ):
        verdict.differences.append(
            f"`{old.params[0]}` becomes `{first}`, a name the body at the base already binds"
        )
    for name in sorted(sides.new_scope.declared | sides.old_scope.declared):
        was = context.resolver.chain("base", sides.left_namer.file, [name])
        now = context.resolver.chain("now", sides.right_namer.file, [name])
        keys_was = sorted(context.key("base", r) for r in was.refs)
        keys_now = sorted(context.key("now", r) for r in now.refs)
        copied = any(r.key in context.copies for r in now.refs)
        if keys_was != keys_now or copied or name not in sides.new_scope.declared:
            verdict.differences.append(
                f"rebinds the module global `{name}` (global statement): {was.describe()} at "
                f"the base, {now.describe()} now, not one variable"
            )


def annotation_differences(new: Function, sides: Sides, verdict: MoveVerdict) -> None:
    """Without ``from __future__ import annotations`` a function's annotations are evaluated
    when it is defined: each name they read must be defined where it moved."""
    if sides.right_namer.file.future_annotations:
        return
    a = new.node.args
    annotations = [
        p.annotation
        for p in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
        if p is not None and p.annotation is not None
    ]
    if new.node.returns is not None:
        annotations.append(new.node.returns)
    namer = Sides.outer(sides.context, "now", new, sides.right_namer.file, set())
    dumper = Dumper(token=namer)
    for annotation in annotations:
        dumper(annotation)
    for use in namer.uses.values():
        if use.resolution.unresolved:
            reasons = "; ".join(r.what for r in use.resolution.unresolved)
            verdict.differences.append(
                f"annotation name `{use.name}` ({new.path}:{use.line}), evaluated when the "
                f"function is defined, cannot be resolved in {new.module}: {reasons}"
            )
