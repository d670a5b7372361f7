"""Which removed function each added function was.

Each function is indexed once: by name and by the fingerprint of its body (written as it is,
with and without its first parameter renamed). An added function is paired, one to one and in
this order of preference, with: the function its class pair's counterpart had under the same
name (a class moved whole); the function a wrapper or alias left at its old place names; a
removed function with the same fingerprint and name; the only one with the same fingerprint;
the most similar one of the same name; the most similar one. "Similar" means at least half of
the top-level statements alike, compared as written; similarity is computed only for the
functions the cheaper steps left unpaired.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass

from golden_harness.moves._move_ast import Function
from golden_harness.moves._normal_form import Dumper, fingerprint

__all__ = ["SIMILAR", "Pairing"]

SIMILAR = 0.5
CLOSE = 0.3
"""A function without counterpart shows its differences from the closest removed function
when that one has at least this share of its statements alike (or the same name)."""


def _same_name(a: Function, b: Function) -> bool:
    return a.name.lstrip("_") == b.name.lstrip("_")


@dataclass
class _Indexed:
    function: Function
    prints: tuple[str, str]
    statements: tuple[list[str], list[str]] | None = None


class Pairing:
    """Pairs added functions with removed ones (see the module's docstring)."""

    def __init__(self, pool: list[Function]) -> None:
        self.pool = pool
        self._indexed: dict[int, _Indexed] = {}
        self._by_print: dict[str, list[Function]] = defaultdict(list)
        self._by_name: dict[str, list[Function]] = defaultdict(list)
        self._similar: dict[tuple[int, int], float] = {}
        for old in pool:
            entry = self._index(old)
            for digest in set(entry.prints):
                self._by_print[digest].append(old)
            self._by_name[old.name.lstrip("_")].append(old)

    def _index(self, function: Function) -> _Indexed:
        key = id(function)
        if key not in self._indexed:
            first = function.params[0] if function.params else None
            prints = (fingerprint(function.node, first), fingerprint(function.node, None))
            self._indexed[key] = _Indexed(function, prints)
        return self._indexed[key]

    def _statements(self, function: Function) -> tuple[list[str], list[str]]:
        entry = self._index(function)
        if entry.statements is None:
            first = function.params[0] if function.params else None
            found = []
            for rename in ({first: "<first>"} if first else {}, {}):
                dumper = Dumper(rename=rename)
                found.append([dumper(s) for s in dumper.body(function.node.body, function.node)])
            entry.statements = (found[0], found[1])
        return entry.statements

    def similarity(self, old: Function, new: Function) -> float:
        """The share of statements alike of two bodies (written as they are, the first
        parameter renamed or not, whichever is closer)."""
        key = (id(old), id(new))
        if key not in self._similar:
            a, b = self._statements(old), self._statements(new)
            self._similar[key] = max(
                difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
                for x, y in ((a[0], b[0]), (a[1], b[1]))
            )
        return self._similar[key]

    def _rank(self, new: Function, candidates: list[Function]) -> list[Function]:
        return sorted(
            candidates,
            key=lambda old: (
                -self.similarity(old, new),
                not _same_name(old, new),
                old.path,
                old.qualname,
            ),
        )

    def pair(
        self,
        added: list[Function],
        forced: dict[int, Function],
        linked: dict[int, list[Function]],
        exact_only: set[int] | None = None,
    ) -> dict[int, Function]:
        """Counterparts by ``id`` of the added function. ``forced`` pairs come first (methods
        of a class moved whole), then ``linked`` candidates (a wrapper's or alias's). The
        removed functions in ``exact_only`` (by ``id``) are paired only by fingerprint."""
        found: dict[int, Function] = {}
        used: set[int] = set(exact_only or ())
        weak = set(exact_only or ())

        taken: set[int] = set()

        def take(new: Function, old: Function) -> None:
            found[id(new)] = old
            used.add(id(old))
            taken.add(id(old))

        for new in added:
            if id(new) in forced:
                take(new, forced[id(new)])
        for new in added:
            if id(new) not in found and linked.get(id(new)):
                take(new, self._rank(new, linked[id(new)])[0])
        waiting = [new for new in added if id(new) not in found]
        for step in ("print and name", "print"):
            for new in waiting:
                if id(new) in found:
                    continue
                prints = self._index(new).prints
                candidates = [
                    old
                    for digest in dict.fromkeys(prints)
                    for old in self._by_print.get(digest, [])
                    if id(old) not in used or (id(old) in weak and id(old) not in taken)
                ]
                candidates = list({id(c): c for c in candidates}.values())
                if step == "print and name":
                    candidates = [old for old in candidates if old.name == new.name]
                if len(candidates) == 1 or (step == "print and name" and candidates):
                    take(new, sorted(candidates, key=lambda f: (f.path, f.qualname))[0])
        waiting = [new for new in added if id(new) not in found]
        for new in waiting:
            same = [
                old for old in self._by_name.get(new.name.lstrip("_"), []) if id(old) not in used
            ]
            ranked = [old for old in self._rank(new, same) if self.similarity(old, new) >= SIMILAR]
            if ranked:
                take(new, ranked[0])
        waiting = [new for new in added if id(new) not in found]
        if waiting:
            scored = []
            for new in waiting:
                for old in self.pool:
                    if id(old) in used:
                        continue
                    score = self.similarity(old, new)
                    if score >= SIMILAR:
                        scored.append((-score, not _same_name(old, new), new, old))
            scored.sort(
                key=lambda s: (s[0], s[1], s[2].path, s[2].qualname, s[3].path, s[3].qualname)
            )
            for _, _, new, old in scored:
                if id(new) not in found and id(old) not in used:
                    take(new, old)
        return found

    def closest(self, new: Function) -> tuple[Function, float] | None:
        """The removed function most like ``new``, when one is close enough to show."""
        if not self.pool:
            return None
        best = self._rank(new, self.pool)[0]
        score = self.similarity(best, new)
        if score >= CLOSE or _same_name(best, new):
            return best, score
        return None
