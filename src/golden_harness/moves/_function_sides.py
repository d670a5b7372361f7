"""The two sides of one function comparison: a :class:`Namer` and a :class:`Dumper` for each
body, and for the code around each function that runs where it is defined (its defaults and
decorators, in its class when it is a method)."""

from __future__ import annotations

from golden_harness.moves._classes import classes_in
from golden_harness.moves._move_ast import Function, facts
from golden_harness.moves._move_context import (
    MoveContext,
    Namer,
    class_bound_names,
    expression_locals,
)
from golden_harness.moves._normal_form import Dumper
from golden_harness.moves._sources import SourceFile

__all__ = ["Sides"]


class Sides:
    """The dumpers of one comparison: bodies (``left``/``right``) and the code around them
    that runs where the function is defined (``outer``: defaults, decorators)."""

    def __init__(self, context: MoveContext, old: Function, new: Function, rename: str | None):
        self.context = context
        old_file, new_file = context.file("base", old.path), context.file("now", new.path)
        self.old_scope = context.resolver.index(old_file).scope(old.node)
        self.new_scope = context.resolver.index(new_file).scope(new.node)
        exempt = set(facts(old.node).logger_names | facts(new.node).logger_names)
        self.left_namer = Namer(context, "base", old_file, self.old_scope, exempt=exempt)
        self.right_namer = Namer(context, "now", new_file, self.new_scope, exempt=exempt)
        renamed = {old.params[0]: rename} if rename and old.params else {}
        self.left = Dumper(rename=renamed, token=self.left_namer)
        self.right = Dumper(token=self.right_namer)
        own = expression_locals(old.node.args) | expression_locals(new.node.args)
        for decorator in [*old.node.decorator_list, *new.node.decorator_list]:
            own |= expression_locals(decorator)
        self.left_outer = Dumper(token=self.outer(context, "base", old, old_file, own))
        self.right_outer = Dumper(token=self.outer(context, "now", new, new_file, own))

    @staticmethod
    def outer(
        context: MoveContext, side: str, f: Function, file: SourceFile, own: set[str]
    ) -> Namer:
        """A namer for the code around ``f`` that runs where it is defined."""
        cls = classes_in(file.tree).get(f.owner) if f.owner else None
        return Namer(
            context,
            side,
            file,
            class_names=class_bound_names(cls) if cls is not None else None,
            class_key=f"{f.module}:{f.owner}" if cls is not None else None,
            own=own,
        )

    def redo_right(self, overridden: set[str]) -> None:
        """Dump the right side again with the names in ``overridden`` resolved as the left
        side resolves them (their difference is reported once, by name)."""
        for name in overridden:
            self.right_namer.override[name] = self.left_namer
        self.right = Dumper(token=self.right_namer)
