"""Subclasses at the base that would have reached another method than a moved one.

At the base ``self.ship(...)`` in ``Orders`` reached whatever the object's class resolves
``ship`` to; a call rewritten to the function ``Orders.ship`` moved to does not. Every class at
the base whose method resolution order (computed statically, as
:func:`~golden_harness.moves._classes.linearize` does) contains ``Orders`` is a subclass,
however its bases are written (an alias import, a module variable, bases over several lines);
one that finds ``ship`` before reaching ``Orders`` (defined in it, bound by an assignment in its
body, or in a mixin ahead of ``Orders``) is an override. Subclasses are found by searching the
base's Python files for the names of the classes found so far (``git grep -w``), from
``Orders`` down.
"""

from __future__ import annotations

import ast

from golden_harness.moves._classes import Located, MroEntry, classes_in, linearize
from golden_harness.moves._git import run_git
from golden_harness.moves._move_ast import Function
from golden_harness.moves._move_context import MoveContext

__all__ = ["Overrides"]


def _binds(node: ast.ClassDef, name: str) -> int | None:
    """The line at which the body of ``node`` binds ``name`` (a method, an assignment, a
    nested class, an import), or None."""
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [item.name]
        elif isinstance(item, ast.Assign):
            names = [n.id for t in item.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(item, (ast.AnnAssign, ast.AugAssign)):
            names = [item.target.id] if isinstance(item.target, ast.Name) else []
        elif isinstance(item, (ast.Import, ast.ImportFrom)):
            names = [a.asname or a.name.partition(".")[0] for a in item.names]
        else:
            continue
        if name in names:
            return item.lineno
    return None


class Overrides:
    """Subclasses at ``commit`` of a moved method's class that resolve its name elsewhere."""

    def __init__(self, context: MoveContext, commit: str) -> None:
        self.context, self.commit = context, commit
        self._found: dict[tuple[str, str, str], list[str]] = {}

    def of(self, old: Function) -> list[str]:
        """Where the subclasses of ``old``'s class find ``old``'s name before that class
        (``Archive.path_of at src/shop/archive.py:5``, ``Archive.path_of (Flat.path_of at
        ...)`` through a mixin), sorted."""
        key = (old.module, old.owner, old.node.name)
        if key not in self._found:
            self._found[key] = self._search(f"{old.module}:{old.owner}", old.node.name)
        return self._found[key]

    def _files(self, word: str) -> list[str]:
        done = run_git(
            self.context.sources.root, "grep", "-l", "-w", "-e", word, self.commit, "--", "*.py"
        )
        return [line.split(":", 1)[1] for line in done.stdout.splitlines() if ":" in line]

    def _search(self, owner: str, method: str) -> list[str]:
        found: set[str] = set()
        names, searched, seen = [owner.partition(":")[2].rpartition(".")[2]], set(), {owner}
        while names:
            word = names.pop()
            if word in searched:
                continue
            searched.add(word)
            for path in self._files(word):
                file = self.context.sources.file("base", path, strict=False)
                if file is None:
                    continue
                for qualname, node in classes_in(file.tree).items():
                    located = Located(file, qualname, node)
                    order = linearize(self.context, "base", located)
                    if located.key in seen or order is None:
                        continue
                    keys = [entry.key for entry in order]
                    if owner not in keys:
                        continue
                    seen.add(located.key)
                    names.append(node.name)
                    found |= self._ahead(located, order[: keys.index(owner)], method)
        return sorted(found)

    def _ahead(self, cls: Located, ahead: list[MroEntry], method: str) -> set[str]:
        """Where ``cls`` finds ``method`` among the classes ahead of the moved method's."""
        for entry in ahead:
            if entry.located is None:
                return {f"{cls.qualname}.{method} (its base {entry.key} cannot be read)"}
            line = _binds(entry.located.node, method)
            if line is None:
                continue
            where = f"{entry.located.file.path}:{line}"
            if entry.located is cls or entry.key == cls.key:
                return {f"{cls.qualname}.{method} at {where}"}
            return {f"{cls.qualname}.{method} ({entry.located.qualname}.{method} at {where})"}
        return set()
