"""``golden check-move --base REV [--package PKG]``: is everything added since REV a pure move
of something removed, and does the code around the move still hold together?

"Added" means defined now, in a Python file under PKG changed since REV, and not defined in that
file at REV: functions and methods, classes, module-level values. Each is paired with what it
was (:mod:`golden_harness.moves._pairing` for functions,
:mod:`golden_harness.moves._pair_definitions` for classes and values) among the definitions, at
REV, of every changed Python file that are gone now or reduced to a thin wrapper or an alias,
and compared with it (:mod:`golden_harness.moves._compare_functions`,
:mod:`golden_harness.moves._classes`, :mod:`golden_harness.moves._values`). Then the checks
around the move (:mod:`golden_harness.moves._around_move`): what was removed and is nowhere
now, undefined names, attributes a class no longer sets. Each file is read and parsed once per
side (:mod:`golden_harness.moves._survey`).
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

from golden_harness.moves._around_move import (
    attribute_warnings,
    old_name_differences,
    removed_definitions,
    undefined_around,
)
from golden_harness.moves._classes import compare_classes
from golden_harness.moves._compare_functions import Link, compare_functions
from golden_harness.moves._git import resolve_revision
from golden_harness.moves._in_place import judge_in_place
from golden_harness.moves._in_place_definitions import judge_definitions_in_place
from golden_harness.moves._move_ast import Alias, Function
from golden_harness.moves._move_result import (
    AliasReport,
    CheckMoveResult,
    ClassVerdict,
    Definition,
    MoveVerdict,
    ValueVerdict,
    WrapperReport,
)
from golden_harness.moves._pair_definitions import (
    ClassPair,
    pair_classes,
    pair_statements,
    pair_values,
)
from golden_harness.moves._pairing import SIMILAR, Pairing
from golden_harness.moves._survey import ChangedFile, Survey, survey
from golden_harness.moves._values import compare_values
from golden_harness.moves._wrapper_checks import binding_problems, parameter_problems
from golden_harness.moves._wrappers import Wrapper, delegate_of, stored_parameters, wrapper_call

__all__ = ["check_move"]

_SHOWN_CLOSEST = 12


def check_move(
    root: Path,
    base: str,
    package: str | None = None,
    *,
    allow_rename: bool = False,
    allow_removed: bool = False,
) -> CheckMoveResult:
    """Compare everything added under ``package`` (a dotted package; default: every changed
    package) since ``base`` with what it was, and check the code around the move (see the
    module's docstring). ``allow_rename`` accepts a function renamed on its move although
    something may read its name; ``allow_removed`` accepts definitions removed without a trace.

    Raises :class:`~golden_harness.exceptions.ReviewError` when the check cannot run (an unknown
    revision, a package not found, ruff missing), :class:`~golden_harness.exceptions.SourceError`
    for a changed file of the checked packages that cannot be decoded or parsed."""
    started = time.monotonic()
    found = survey(root, resolve_revision(root, base), package)
    checker = _Checker(found, allow_rename=allow_rename)
    result = checker.result(base, allow_removed=allow_removed)
    result.seconds = time.monotonic() - started
    return result


def _alias_link(changed: ChangedFile, alias: Alias) -> Link:
    """The binding an alias keeps (``property`` in ``total = property(totals.total)``)."""
    if alias.binding is None or changed.now is None:
        return Link()
    for node in changed.now.tree.body + [n for c in changed.new_classes.values() for n in c.body]:
        if (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.lineno == alias.line
            and isinstance(node.value, ast.Call)
        ):
            return Link((node.value.func,), changed.path, alias.qualname)
    return Link()


class _Checker:
    """Pairs and judges what one :func:`survey` found."""

    def __init__(self, found: Survey, *, allow_rename: bool) -> None:
        self.survey = found
        self.context = found.context
        self.allow_rename = allow_rename
        self.added: list[Function] = []
        self.pool: list[Function] = []
        self.survivors: list[Function] = []
        self.now_of: dict[int, Function] = {}
        self.maybe_wrappers: list[tuple[Function, WrapperReport]] = []
        self.wrappers: list[WrapperReport] = []
        self.aliases: list[AliasReport] = []
        self.links: dict[tuple[str, str], Link] = {}
        self.changed_functions: dict[str, list[Function]] = {}
        for changed in found.files:
            self._functions(changed)
        self.pairing = Pairing(self.pool)

    def _functions(self, changed: ChangedFile) -> None:
        """Added functions, and the functions at the base that are gone now, or a wrapper or
        alias now (the pool of counterparts), or changed otherwise (survivors)."""
        olds, news = changed.olds, changed.news
        if changed.in_scope:
            self.added += [f for name, f in news.items() if name not in olds]
        self.changed_functions[changed.path] = [
            f
            for name, f in news.items()
            if name not in olds or changed.text(olds[name]) != changed.text(f)
        ]
        for name, old in olds.items():
            now = news.get(name)
            if now is not None:
                self.now_of[id(old)] = now
            if now is None:
                self.pool.append(old)
                alias = changed.aliases.get(name)
                if alias is not None:
                    bound = AliasReport(old, alias.line, alias.target, (), alias.binding)
                    self.aliases.append(bound)
                    self.links[old.path, old.qualname] = _alias_link(changed, alias)
            elif (wrapper := wrapper_call(now, unbound=True)) is not None and (
                (before := wrapper_call(old, unbound=True)) is None or before.call != wrapper.call
            ):
                report = WrapperReport(now, wrapper, self._delegate(changed, wrapper, now))
                if before is None:
                    self.pool.append(old)
                    self._wrapper(old, report)
                else:
                    # One call before, another call now: a body moved behind a wrapper only
                    # if a moved function is paired with it; else a caller updated.
                    self.maybe_wrappers.append((old, report))
            elif changed.text(old) != changed.text(now):
                self.survivors.append(old)

    def _wrapper(self, old: Function, report: WrapperReport) -> None:
        self.wrappers.append(report)
        now, form = report.function, report.wrapper.form
        kept = () if form.endswith("with") else tuple(now.node.decorator_list)
        self.links[old.path, old.qualname] = Link(kept, now.path, now.qualname)

    def _delegate(self, changed: ChangedFile, wrapper: Wrapper, function: Function) -> str:
        """The dotted name a wrapper delegates to: a call on the object it holds as
        :func:`delegate_of` tells, any other through the resolver (star imports included)."""
        if wrapper.receiver is not None or changed.now is None:
            return delegate_of(wrapper, function, changed.imports)
        parts = wrapper.target.split(".")
        scope = self.context.resolver.index(changed.now).scope(function.node)
        if parts[0] in scope.imported or parts[0] in scope.bound:
            return delegate_of(wrapper, function, changed.imports)
        found = self.context.resolver.chain("now", changed.now, parts)
        if len(found.refs) == 1 and found.refs[0].kind == "def":
            ref = found.refs[0]
            return ".".join([ref.module, ref.name, *found.rest])
        return delegate_of(wrapper, function, changed.imports)

    def _pair_functions(self, classes: list[ClassPair]) -> dict[int, Function]:
        by_place = {(f.path, f.qualname): f for f in self.pool}
        forced: dict[int, Function] = {}
        for pair in classes:
            if pair.old is None:
                continue
            for function in self.added:
                if function.path == pair.new.file.path and function.owner == pair.new.qualname:
                    inner = function.qualname[len(pair.new.qualname) + 1 :]
                    old = by_place.get((pair.old.file.path, f"{pair.old.qualname}.{inner}"))
                    if old is not None:
                        forced[id(function)] = old
        by_full_name: dict[str, list[Function]] = {}
        for function in self.added:
            by_full_name.setdefault(function.full_name, []).append(function)
        linked: dict[int, list[Function]] = {}
        for report in self.wrappers:
            old = by_place[report.function.path, report.function.qualname]
            for function in by_full_name.get(report.delegates_to, []):
                linked.setdefault(id(function), []).append(old)
        for alias in self.aliases:
            for function in by_full_name.get(alias.target, []):
                linked.setdefault(id(function), []).append(alias.function)
        ordered = sorted(self.added, key=lambda f: (f.path, f.node.lineno))
        maybe = [old for old, _ in self.maybe_wrappers]
        self.pairing = Pairing([*self.pool, *maybe])
        pairs = self.pairing.pair(ordered, forced, linked, {id(old) for old in maybe})
        paired = {id(old) for old in pairs.values()}
        for old, report in self.maybe_wrappers:
            unpaired = [f for f in by_full_name.get(report.delegates_to, []) if id(f) not in pairs]
            if id(old) not in paired and unpaired:
                pairs[id(unpaired[0])] = old
                paired.add(id(old))
            if id(old) in paired:
                self.pool.append(old)
                self._wrapper(old, report)
            else:
                self.pairing.pool.remove(old)
                self.survivors.append(old)
        for function in self.added:
            old = pairs.get(id(function))
            if old is not None:
                self.context.method_pairs[function.path, function.qualname] = (
                    old.path,
                    old.qualname,
                )
            if old is not None and not old.owner and not function.owner:
                self.context.back[f"{function.module}:{function.qualname}"] = (
                    f"{old.module}:{old.qualname}"
                )
        return pairs

    def _why_none(self, added: Function) -> str:
        for old in self.survivors:
            if old.name.lstrip("_") == added.name.lstrip("_"):
                return (
                    f"{old.full_name} ({old.path}:{old.node.lineno} at the base) has the same "
                    "name and changed, but is not a thin wrapper now (one call passing its "
                    "parameters on): compare the two by hand"
                )
        if not self.pool:
            return "no function was removed or reduced to a thin wrapper"
        best = max(
            self.pool,
            key=lambda old: (self.pairing.similarity(old, added), old.name == added.name),
        )
        return (
            f"no removed or wrapped function has a similar body (the closest, {best.full_name}, "
            f"has {self.pairing.similarity(best, added):.0%} of its statements alike; "
            f"{SIMILAR:.0%} needed)"
        )

    def _unpaired(self, function: Function) -> MoveVerdict:
        verdict = MoveVerdict(function, None, why_none=self._why_none(function))
        closest = self.pairing.closest(function)
        if closest is not None:
            verdict.closest = closest[0]
            shown = compare_functions(self.context, closest[0], function).differences
            more = len(shown) - _SHOWN_CLOSEST
            verdict.closest_differences = shown[:_SHOWN_CLOSEST] + (
                [f"… {more} more"] if more > 0 else []
            )
        return verdict

    def _verdicts(self, pairs: dict[int, Function]) -> tuple[list[MoveVerdict], list[Function]]:
        verdicts, constructors = [], []
        for function in sorted(self.added, key=lambda f: (f.path, f.node.lineno)):
            old = pairs.get(id(function))
            if old is not None:
                link = self.links.get((old.path, old.qualname))
                verdicts.append(
                    compare_functions(
                        self.context, old, function, link, allow_rename=self.allow_rename
                    )
                )
            elif stored_parameters(function) is not None:
                constructors.append(function)
            else:
                verdicts.append(self._unpaired(function))
        return verdicts, constructors

    def _old_names(
        self, verdicts: list[MoveVerdict], definitions: list[ClassVerdict | ValueVerdict]
    ) -> None:
        """Add to each verdict what the name its definition had at its old place refers to now,
        when that place still binds the name and it refers to something else."""
        for verdict in verdicts:
            old, new = verdict.counterpart, verdict.added
            if old is None or old.owner or new.owner:
                continue
            before = Definition(old.path, old.module, old.qualname, old.node.lineno, "function")
            after = Definition(new.path, new.module, new.qualname, new.node.lineno, "function")
            verdict.differences += old_name_differences(self.survey, before, after)
        for judged in definitions:
            if judged.counterpart is not None and judged.added.kind != "statement":
                judged.differences += old_name_differences(
                    self.survey, judged.counterpart, judged.added
                )

    def _delegations(self) -> tuple[list[WrapperReport], list[AliasReport]]:
        by_name = {f.full_name: f for f in self.added}
        wrappers = [
            WrapperReport(
                w.function, w.wrapper, w.delegates_to, binding_problems(w, by_name[w.delegates_to])
            )
            if w.delegates_to in by_name
            else w
            for w in self.wrappers
        ]
        aliases = [
            AliasReport(
                a.function,
                a.line,
                a.target,
                parameter_problems(a.function, by_name[a.target]),
                a.binding,
            )
            if a.target in by_name
            else a
            for a in self.aliases
        ]
        return wrappers, aliases

    def result(self, base: str, *, allow_removed: bool) -> CheckMoveResult:
        class_pairs, removed_classes = pair_classes(self.survey)
        value_pairs, removed_values = pair_values(self.survey)
        pairs = self._pair_functions(class_pairs)
        values = [
            compare_values(self.context, p.old, p.new, copied=p.copied)
            if p.old is not None
            else ValueVerdict(p.new.definition(), None)
            for p in value_pairs
        ]
        statements, removed_statements = pair_statements(self.survey)
        values += statements
        classes: list[ClassVerdict] = []
        new_classes: list[Definition] = []
        for pair in class_pairs:
            if pair.old is None:
                new_classes.append(pair.new.definition())
            else:
                verdict = compare_classes(
                    self.context, pair.old, pair.new, pair.old_parent, pair.new_parent
                )
                classes.append(verdict)
        verdicts, constructors = self._verdicts(pairs)
        in_scope = {c.path for c in self.survey.files if c.in_scope}
        held: dict[tuple[str, str], set[str]] = {}
        for w in self.wrappers:
            if w.wrapper.receiver:
                held.setdefault((w.function.path, w.function.owner), set()).add(w.wrapper.receiver)
        in_place = judge_in_place(
            self.context,
            self.survey.commit,
            [(old, self.now_of[id(old)]) for old in self.survivors if old.path in in_scope],
            pairs,
            self.added,
            held,
            new_classes,
        )
        self._old_names(verdicts, [*classes, *values])
        wrappers, aliases = self._delegations()
        paired = {id(old) for old in pairs.values()}
        defaults = {c.path for c in self.survey.files if c.in_default}
        files = {f.path for f in self.added} | {
            f.path for f in [*self.pool, *self.survivors] if f.path in defaults
        }
        files |= {w.function.path for w in self.wrappers} | {a.function.path for a in aliases}
        judged = {id(f) for f in self.added if id(f) in pairs}
        undefined = undefined_around(self.survey, files, self.changed_functions, judged)
        removed = removed_definitions(
            self.survey,
            [old for old in self.pool if id(old) not in paired],
            self.wrappers,
            self.aliases,
            removed_classes,
            removed_values,
            removed_statements,
        )
        return CheckMoveResult(
            base=base,
            commit=self.survey.commit,
            scope=self.survey.scope,
            verdicts=verdicts,
            wrappers=wrappers,
            seconds=0.0,
            undefined=undefined,
            warnings=attribute_warnings(self.survey, self.changed_functions),
            constructors=sorted(constructors, key=lambda f: (f.path, f.node.lineno)),
            aliases=aliases,
            classes=classes,
            values=values,
            removed=removed,
            new_classes=new_classes,
            unread=self.survey.unread,
            allow_removed=allow_removed,
            in_place=in_place,
            in_place_definitions=judge_definitions_in_place(
                self.context, self.survey.files, new_classes
            ),
        )
