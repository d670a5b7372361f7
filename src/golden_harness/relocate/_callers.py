"""``--leave nothing``: every caller is rewritten to reach the moved code at its new place.

A method's callers inside its class (``self.name(...)``, ``cls.name(...)``, ``Class.name(...)``,
a property read ``self.name``) become calls of the module function with the instance first
(a class method called on the instance: ``type(self)``).
Any other reference to the attribute in the repository's Python files (``obj.name`` on an
object whose class cannot be told, a bound method passed on, a string naming it for a fake or a
patch) refuses the move, listing the places: leave a wrapper or an alias there instead.

A function's or class's importers (``from source import name``) import it from the new module;
a reference through the module (``source.name``) or a dotted string refuses the move.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import PositionProvider

from golden_harness.exceptions import MoveRefusedError
from golden_harness.moves import git
from golden_harness.relocate._checks import module_binding
from golden_harness.relocate._edit import ModuleBinding, bindings_of

if TYPE_CHECKING:
    from golden_harness.relocate._plan import Plan

__all__ = ["refuse_imported_helpers", "rewrite_callers"]

_SHOWN = 6
_COVERS_REF = re.compile(r"[\"'][\w.]+:[\w.]+(#[\w.\-]+)?[\"']")
"""A ``Seam(covers=...)`` reference: updated with the seams, not a caller."""


class _MethodCallers(cst.CSTTransformer):
    """Rewrites the calls of the moved method inside its class; collects what it cannot."""

    def __init__(self, owner: str, name: str, kind: str, reference: str) -> None:
        super().__init__()
        self.owner, self.name, self.kind, self.reference = owner, name, kind, reference
        self.classes: list[str] = []
        self.firsts: list[str | None] = []
        self.on_class: list[bool] = []
        self.handled: set[int] = set()
        self.left: list[str] = []
        self.count = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        self.classes.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        params = [*node.params.posonly_params, *node.params.params]
        in_owner = bool(self.classes) and self.classes[-1] == self.owner
        direct = in_owner and (not self.firsts or self.firsts[-1] is None)
        first = params[0].name.value if params and direct else None
        self.firsts.append(first if direct else (self.firsts[-1] if self.firsts else None))
        decorators = {
            d.decorator.value for d in node.decorators if isinstance(d.decorator, cst.Name)
        }
        on_class = (
            "classmethod" in decorators if direct else bool(self.on_class and self.on_class[-1])
        )
        self.on_class.append(on_class)

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.firsts.pop()
        self.on_class.pop()
        return updated

    def _receiver(self, node: cst.Attribute) -> str | None:
        if node.attr.value != self.name or not isinstance(node.value, cst.Name):
            return None
        value = node.value.value
        current = self.firsts[-1] if self.firsts else None
        if value == current or value == self.owner:
            return value
        return None

    def _call(self, receiver: str) -> cst.Call:
        self.count += 1
        return cst.Call(
            func=cst.parse_expression(self.reference), args=[cst.Arg(cst.Name(receiver))]
        )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and self.kind != "property"
            and self._receiver(func) is not None
        ):
            self.handled.add(id(func))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if id(func) not in self.handled:
            return updated
        assert isinstance(func, cst.Attribute)
        assert isinstance(func.value, cst.Name)
        self.count += 1
        first: list[cst.Arg] = []
        on_owner = func.value.value == self.owner
        # `Class.method(self, x)` already passes the instance; a static method takes none.
        if self.kind != "staticmethod" and (self.kind == "classmethod" or not on_owner):
            comma = (
                cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                if updated.args
                else cst.MaybeSentinel.DEFAULT
            )
            receiver: cst.BaseExpression = cst.Name(func.value.value)
            instance = not on_owner and not (self.on_class and self.on_class[-1])
            if self.kind == "classmethod" and instance:
                # A class method called on the instance receives the instance's class.
                receiver = cst.Call(func=cst.Name("type"), args=[cst.Arg(receiver)])
            first = [cst.Arg(receiver, comma=comma)]
        return updated.with_changes(
            func=cst.parse_expression(self.reference), args=[*first, *updated.args]
        )

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if original.attr.value != self.name or id(original) in self.handled:
            return updated
        receiver = self._receiver(original)
        if receiver is not None and receiver != self.owner and self.kind == "property":
            return self._call(receiver)
        self.left.append(cst.Module(body=[]).code_for_node(original))
        return updated


def _tracked_python(root: Path) -> list[str]:
    return [p for p in git(root, "ls-files", "*.py").splitlines() if p]


def _elsewhere(root: Path, skip: set[str], pattern: re.Pattern[str]) -> list[tuple[str, int, str]]:
    found = []
    for relpath in _tracked_python(root):
        if relpath in skip or not (root / relpath).is_file():
            continue
        text = (root / relpath).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.search(_COVERS_REF.sub("", line)):
                found.append((relpath, number, line.strip()))
    return found


def _lines_holding(relpath: str, text: str, fragments: list[str]) -> list[tuple[str, int, str]]:
    """The place of each fragment, found in source order: the first line at or after the
    previous fragment's that holds it (the line number and the line as written; the moved
    definition's lines are blanked in ``text``)."""
    lines = text.splitlines()
    places: list[tuple[str, int, str]] = []
    at = 0
    for fragment in fragments:
        pattern = re.compile(rf"(?<![\w.]){re.escape(fragment)}(?!\w)")
        found = next((i for i in range(at, len(lines)) if pattern.search(lines[i])), None)
        if found is None:
            found = next((i for i, line in enumerate(lines) if pattern.search(line)), None)
        if found is None:
            places.append((relpath, 0, fragment))
            continue
        places.append((relpath, found + 1, lines[found].strip()))
        at = found
    return places


def _refuse(what: str, places: list[tuple[str, int, str]], hint: str) -> None:
    shown = "; ".join(f"{p}:{n} `{text[:70]}`" for p, n, text in places[:_SHOWN])
    more = f" and {len(places) - _SHOWN} more" if len(places) > _SHOWN else ""
    raise MoveRefusedError(
        f"--leave nothing cannot rewrite every use of {what}: {shown}{more}. {hint}"
    )


def _methods(plan: Plan, tree: cst.Module) -> cst.Module:
    located = plan.located
    assert located.owner is not None
    owner = located.owner.name.value
    rewriter = _MethodCallers(owner, located.name, located.kind, plan.reference)
    new = tree.visit(rewriter)
    hint = "Use --leave wrapper or --leave alias, which keep the attribute for them."
    if rewriter.left:
        span = located.wrapper.resolve(PositionProvider)[located.node]
        text = "\n".join(
            "" if span.start.line <= number <= span.end.line else line
            for number, line in enumerate(located.text.splitlines(), start=1)
        )
        places = _lines_holding(located.relpath, text, rewriter.left)
        _refuse(f"{located.qualname} in its module", places, hint)
    name = re.escape(located.name)
    pattern = re.compile(rf"\.{name}\b|[\"']([\w.]*\.)?{name}[\"']")
    places = _elsewhere(plan.request.root, {located.relpath, plan.target.relpath}, pattern)
    if places:
        _refuse(located.qualname, places, hint)
    return new


def _importers(plan: Plan, source_names: dict[str, ModuleBinding]) -> None:
    """Rewrite ``from source import name`` elsewhere; refuse other references."""
    located, root = plan.located, plan.request.root
    module, name = located.module, located.name
    dotted = re.compile(rf"\b{re.escape(module)}\.{re.escape(name)}\b")
    places = _elsewhere(root, {located.relpath, plan.target.relpath}, dotted)
    word = re.compile(rf"\b{re.escape(name)}\b")
    for relpath in _tracked_python(root):
        if relpath in (located.relpath, plan.target.relpath) or not (root / relpath).is_file():
            continue
        text = (root / relpath).read_text(encoding="utf-8")
        if not word.search(text):
            continue
        package = _package_of(root, relpath)
        bound = bindings_of(text, package)
        mine = [b for b in bound.values() if b.refers_to == f"{module}.{name}"]
        via_module = [b for b in bound.values() if b.refers_to == module]
        for binding in via_module:
            if re.search(rf"\b{re.escape(binding.name)}\.{re.escape(name)}\b", text):
                places.append((relpath, binding.line, f"{binding.name}.{name}"))
        if mine:
            plan.files[relpath] = (text, _reimport(text, module, name, plan, mine))
    if places:
        _refuse(
            f"{located.qualname}",
            places,
            "Use --leave alias, which keeps the name importable from its old module.",
        )


def refuse_imported_helpers(plan: Plan, helpers: list[str]) -> None:
    """Refuse to move along (``--with-helpers``) a definition that another file of the
    repository imports from the source module (``from source import name``, or
    ``source.name`` through an import of the module): it would no longer be there."""
    if not helpers:
        return
    located, root = plan.located, plan.request.root
    module = located.module
    words = re.compile(rf"\b({'|'.join(map(re.escape, helpers))})\b")
    places: list[str] = []
    for relpath in _tracked_python(root):
        if relpath in (located.relpath, plan.target.relpath) or not (root / relpath).is_file():
            continue
        text = (root / relpath).read_text(encoding="utf-8", errors="replace")
        if module.rpartition(".")[2] not in text or not words.search(text):
            continue
        try:
            bound = bindings_of(text, _package_of(root, relpath))
        except (SyntaxError, MoveRefusedError):
            continue
        for binding in bound.values():
            for name in helpers:
                if binding.refers_to == f"{module}.{name}" or (
                    binding.refers_to == module
                    and re.search(rf"\b{re.escape(binding.name)}\.{re.escape(name)}\b", text)
                ):
                    places.append(f"`{name}` ({relpath}:{binding.line})")
    if places:
        raise MoveRefusedError(
            f"--with-helpers would move {', '.join(sorted(set(places)))} out of {module}, where "
            "that file imports it from. Move it first with its own golden move (an alias keeps "
            "it importable there), then move this."
        )


def _package_of(root: Path, relpath: str) -> str:
    path = root / relpath
    parts: list[str] = []
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _reimport(text: str, module: str, name: str, plan: Plan, mine: list[ModuleBinding]) -> str:
    """``text`` importing ``name`` from the new module instead of ``module``."""
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        targets = [a for a in node.names if a.name == name]
        if not targets or node.end_lineno is None:
            continue
        rest = [a for a in node.names if a.name != name]
        indent = re.match(r"\s*", lines[node.lineno - 1]).group(0)  # type: ignore[union-attr]
        new_lines = []
        if rest:
            kept = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in rest)
            new_lines.append(f"{indent}from {'.' * node.level}{node.module or ''} import {kept}\n")
        for alias in targets:
            local = alias.asname or name
            suffix = f" as {local}" if local != plan.new_name else ""
            new_lines.append(f"{indent}from {plan.target.module} import {plan.new_name}{suffix}\n")
        edits.append((node.lineno, node.end_lineno, "".join(new_lines)))
    for first, last, new in sorted(edits, reverse=True):
        lines[first - 1 : last] = [new]
    del mine
    return "".join(lines)


def rewrite_callers(
    plan: Plan, tree: cst.Module, source_names: dict[str, ModuleBinding]
) -> tuple[cst.Module, list[str]]:
    """The source tree with its callers rewritten, the import lines it now needs, and (in
    ``plan.files``) every other file whose imports change."""
    located = plan.located
    if located.owner is not None:
        plan.module_binding, line = module_binding(plan, source_names)
        new = _methods(plan, tree)
        return new, [line] if line and plan.module_binding and _mentions(
            new, plan.module_binding
        ) else []
    _importers(plan, source_names)
    suffix = f" as {located.name}" if plan.new_name != located.name else ""
    still_used = re.search(rf"\b{re.escape(located.name)}\b", tree.code) is not None
    return tree, [f"from {plan.target.module} import {plan.new_name}{suffix}"] if still_used else []


def _mentions(tree: cst.Module, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\.", tree.code) is not None
