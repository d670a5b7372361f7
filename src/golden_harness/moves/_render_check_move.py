"""The lines ``golden check-move`` prints for a :class:`CheckMoveResult`."""

from __future__ import annotations

from golden_harness.moves._move_result import CheckMoveResult, WrapperReport
from golden_harness.moves._wrappers import stored_parameters

__all__ = ["render_check_move"]


def _delegation(w: WrapperReport) -> str:
    """How a wrapper delegates: the target, and how ``self`` gets there."""
    first = w.function.params[0] if w.function.params else "self"
    if w.wrapper.passes_first:
        return w.delegates_to
    if w.wrapper.receiver == "":
        return f"{w.delegates_to} (a method of the same object)"
    if w.wrapper.receiver is not None:
        held = f"`{first}.{w.wrapper.receiver}`"
        if w.delegates_to == w.wrapper.target:
            return f"{w.delegates_to} (the class of {held} could not be told)"
        return f"{w.delegates_to} through {held}"
    return f"{w.delegates_to} without `{first}`"


def _functions(result: CheckMoveResult) -> list[str]:
    lines = []
    for c in result.constructors:
        stored = ", ".join(f"`self.{name}`" for name in stored_parameters(c) or [])
        lines.append(
            f"  constructor      {c.full_name} ({c.path}:{c.node.lineno}): only stores its "
            f"parameters ({stored or 'none'})"
        )
    for v in result.verdicts:
        where = f"{v.added.full_name} ({v.added.path}:{v.added.node.lineno})"
        if v.counterpart is None:
            lines.append(f"  no counterpart   {where}: {v.why_none}")
            if v.closest is not None:
                lines.append(
                    f"      closest: {v.closest.full_name} ({v.closest.path}:"
                    f"{v.closest.node.lineno} at the base), which differs in:"
                )
                lines += [f"      {line}" for line in v.closest_differences]
            continue
        origin = f"{v.counterpart.full_name} ({v.counterpart.path}:{v.counterpart.node.lineno} at the base)"
        lines.append(f"  {'pure move' if v.pure else 'NOT A PURE MOVE':<16} {where} <- {origin}")
        lines += [f"      {line}" for line in v.differences]
        lines += [f"      note: {note}" for note in v.notes]
    return lines


def _in_place(result: CheckMoveResult) -> list[str]:
    if not result.in_place and not result.in_place_definitions:
        return []
    lines = ["changed in place (must be the same code, or a caller rewritten to reach moved code):"]
    for d in result.in_place_definitions:
        lines.append(f"  {'CHANGED':<16} {d.added.full_name} ({d.added.where})")
        lines += [f"      {line}" for line in d.differences]
    for v in result.in_place:
        verdict = "same code" if v.pure else "CHANGED"
        lines.append(f"  {verdict:<16} {v.added.full_name} ({v.added.path}:{v.added.node.lineno})")
        lines += [f"      {line}" for line in v.differences]
        lines += [f"      note: {note}" for note in v.notes]
    return lines


def _definitions(result: CheckMoveResult) -> list[str]:
    lines = []
    if result.classes or result.new_classes:
        lines.append("classes (compared whole: header, body statements, methods):")
    for c in result.classes:
        origin = (
            f" <- {c.counterpart.full_name} ({c.counterpart.where} at the base)"
            if c.counterpart
            else ""
        )
        lines.append(
            f"  {'pure move' if c.pure else 'NOT A PURE MOVE':<16} {c.added.full_name} "
            f"({c.added.where}){origin}"
        )
        lines += [f"      {line}" for line in c.differences]
        lines += [f"      note: {note}" for note in c.notes]
    for d in result.new_classes:
        lines.append(
            f"  new class        {d.full_name} ({d.where}): no class of that name was removed; "
            "its methods are judged above"
        )
    if result.values:
        lines.append("module-level values and code run on import:")
    for v in result.values:
        if v.added.kind == "statement":
            origin = f" <- {v.counterpart.where} at the base" if v.counterpart else ""
            verdict = "pure move" if v.pure else "NOT A PURE MOVE"
            lines.append(f"  {verdict:<16} {v.added.where} `{v.added.qualname}`{origin}")
            lines += [f"      {line}" for line in v.differences]
            continue
        if v.counterpart is None:
            lines.append(
                f"  no counterpart   {v.added.full_name} ({v.added.where}): no value of that "
                "name was removed or is kept in a changed file"
            )
            continue
        lines.append(
            f"  {'pure move' if v.pure else 'NOT A PURE MOVE':<16} {v.added.full_name} "
            f"({v.added.where}) <- {v.counterpart.full_name} ({v.counterpart.where} at the base)"
        )
        lines += [f"      {line}" for line in v.differences]
        lines += [f"      note: {note}" for note in v.notes]
    if result.removed:
        accepted = " (accepted: --allow-removed)" if result.allow_removed else ""
        lines.append(f"removed (defined at the base, nowhere now){accepted}:")
    for r in result.removed:
        d = r.definition
        name = f"`{d.qualname}`" if d.kind == "statement" else d.full_name
        lines.append(f"  removed          {name} ({d.where} at the base): {r.why}")
    return lines


def _around(result: CheckMoveResult) -> list[str]:
    lines = []
    if result.wrappers:
        lines.append("thin wrappers (functions at the base whose body now delegates):")
    for w in result.wrappers:
        if w.passes_on:
            arguments = "the same arguments"
        else:
            arguments = f"OTHER ARGUMENTS: {w.wrapper.call}" + (
                f" ({'; '.join(w.problems)})" if w.problems else ""
            )
        form = "" if w.wrapper.form == "call" else f" ({w.wrapper.form})"
        lines.append(
            f"  {w.function.full_name} ({w.function.path}:{w.function.node.lineno}) -> "
            f"{_delegation(w)}{form} with {arguments}"
        )
    if result.aliases:
        lines.append("aliases (functions at the base now a name bound to a function):")
    for alias in result.aliases:
        parameters = (
            "the same parameters"
            if alias.passes_on
            else f"OTHER PARAMETERS: {'; '.join(alias.problems)}"
        )
        bound = f"{alias.binding}({alias.target})" if alias.binding else alias.target
        lines.append(
            f"  {alias.function.full_name} ({alias.function.path}:{alias.line}) = {bound} "
            f"with {parameters}"
        )
    if result.undefined:
        lines.append("undefined names in the changed functions (ruff F821):")
    for u in result.undefined:
        reason = f" ({u.reason})" if u.reason else ""
        lines.append(f"  {u.path}:{u.line}  `{u.name}` in {u.function} is not defined{reason}")
    if result.warnings:
        lines.append("warning: attributes read that the class no longer sets:")
    for a in result.warnings:
        lines.append(
            f"  {a.path}:{a.line}  `self.{a.attribute}` in {a.function}: set at the base "
            f"({a.path}:{a.base_line}), nowhere now"
        )
    if result.unread:
        lines.append("not read (outside the changed packages; cannot be parsed):")
    lines += [f"  {problem}" for problem in result.unread]
    return lines


def _summary(result: CheckMoveResult) -> str:
    pure = sum(v.pure for v in result.verdicts)
    orphans = sum(v.counterpart is None for v in result.verdicts)
    text = (
        f"{pure} pure move(s), {len(result.verdicts) - pure - orphans} not pure, {orphans} without "
        f"counterpart; {len(result.wrappers)} wrapper(s), "
        f"{sum(not w.passes_on for w in result.wrappers)} passing other arguments; "
        f"{len(result.undefined)} undefined name(s), {len(result.warnings)} attribute "
        f"warning(s)"
    )
    if result.constructors:
        text += f", {len(result.constructors)} constructor(s)"
    if result.aliases:
        text += (
            f", {len(result.aliases)} alias(es), "
            f"{sum(not a.passes_on for a in result.aliases)} with other parameters"
        )
    if result.classes:
        text += (
            f", {len(result.classes)} class(es), {sum(not c.pure for c in result.classes)} not pure"
        )
    if result.values:
        text += (
            f", {len(result.values)} value(s), {sum(not v.pure for v in result.values)} not pure"
        )
    if result.removed:
        text += f", {len(result.removed)} removed"
    if result.in_place or result.in_place_definitions:
        judged = len(result.in_place) + len(result.in_place_definitions)
        changed = sum(not v.pure for v in result.in_place) + len(result.in_place_definitions)
        text += f", {judged} changed in place, {changed} not the same code"
    return text + f"; {result.seconds:.2f} s."


def render_check_move(result: CheckMoveResult) -> list[str]:
    """The lines ``golden check-move`` prints."""
    lines = [
        f"check-move: base {result.base} ({result.commit[:12]}), "
        f"{len(result.verdicts) + len(result.constructors)} function(s) added under "
        f"{', '.join(result.scope) or '(no changed package)'}"
    ]
    lines += _functions(result) + _in_place(result) + _definitions(result) + _around(result)
    lines.append(_summary(result))
    if not result.moved_anything:
        lines.append("Nothing to check: no function was added there since the base.")
    return lines
