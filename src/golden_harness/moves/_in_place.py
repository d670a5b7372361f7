"""Functions changed where they stand, in a move: the same code, or a caller of moved code
rewritten to reach it at its new place?

A function defined at the base and now in the same file under the same name, changed but not
reduced to a thin wrapper or an alias, must behave as it did: it is compared with itself at
the base as a moved function is (:func:`compare_functions`: the same code in normal form, every
name referring to the same object), after undoing the rewrites a move makes of its callers. A
call of the function a method moved to, with the caller's own first parameter first
(``moved.ship(self, order)``, ``ship(self, order)``), reads as the call at the base
(``self.ship(order)``) when the callee resolves to the function paired with that method and the
method belonged to the caller's class; for a ``property``, ``ship(self)`` reads as
``self.ship``. The first parameter must be bound nowhere else in the caller, and be a class
method's class only for a class method (``type(self)`` for a class method called on the
instance); a static method's call reads back on what the base
called it on in the call it replaced (taken in order), only when that reached the same method
(the instance, the class, ``type(self)``).
Anything else that changed (a reformatting aside) is a difference.

At the base ``self.ship(...)`` reached an override in a subclass; the rewritten call does not.
A subclass at the base that finds the method's name before the method's class
(:mod:`golden_harness.moves._overrides`) makes the rewrite a difference, named.

A method moved to a class the object now holds (``self.ledger = Ledger(db)`` added, the old
method a wrapper through ``self.ledger``) adds that statement: it is left out of the comparison
when the attribute is the one a wrapper of the class delegates through, the class is new in the
move, its arguments are names stored under the attributes the method sets from them, and
constructing it only stores its parameters (its
``__init__``, its own or the first in its bases' order); anything else there is a difference.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from golden_harness.moves._classes import Located, classes_in, linearize
from golden_harness.moves._compare_functions import compare_functions, first_parameter
from golden_harness.moves._move_ast import Function, decorator_name, dotted
from golden_harness.moves._move_context import MoveContext, Namer
from golden_harness.moves._move_result import Definition, MoveVerdict
from golden_harness.moves._overrides import Overrides
from golden_harness.moves._wrappers import stored_parameters

__all__ = ["judge_in_place"]

_REWRITABLE = {"", "classmethod", "staticmethod", "property"}
"""The kinds of method whose callers a move may rewrite (``""``: a plain method)."""


@dataclass(frozen=True)
class _Moved:
    """A method at the base, paired with the function it moved to."""

    old: Function
    new: Function

    @property
    def kind(self) -> str:
        return _kind(self.old.node)


def judge_in_place(
    context: MoveContext,
    commit: str,
    survivors: list[tuple[Function, Function]],
    pairs: dict[int, Function],
    added: list[Function],
    held: dict[tuple[str, str], set[str]],
    new_classes: list[Definition],
) -> list[MoveVerdict]:
    """A verdict for each function changed in place (``survivors``: at the base, now), with
    the calls of moved methods through their new functions read as the calls they replace
    (``pairs``: an added function's id to its counterpart at the base), and the new objects
    a class holds for its wrappers left out (``held``: the attributes the wrappers of a class,
    by path and qualified name, delegate through; ``new_classes``: the classes the move adds)."""
    moved = {
        f"{f.module}:{f.qualname}": _Moved(pairs[id(f)], f)
        for f in added
        if id(f) in pairs and pairs[id(f)].owner
    }
    overrides = Overrides(context, commit)
    verdicts = []
    for old, now in survivors:
        rewriter = _Rewriter(context, old, now, moved, overrides)
        undone = rewriter.visit(copy.deepcopy(now.node))
        assert isinstance(undone, type(now.node))
        holder = _Holder(context, now, held.get((now.path, now.owner), set()), new_classes)
        undone.body = [s for s in undone.body if not holder.holds(s, old)] or [ast.Pass()]
        seen = Function(now.path, now.module, now.qualname, undone, now.source, now.is_method)
        added_back = {k: v for k, v in rewriter.stands_for.items() if k not in context.back}
        context.back.update(added_back)
        try:
            verdict = compare_functions(context, old, seen)
        finally:
            for key in added_back:
                del context.back[key]
        verdict.added = now
        verdict.differences = rewriter.problems + holder.problems + verdict.differences
        verdict.notes += holder.notes
        verdicts.append(verdict)
    return verdicts


class _Rewriter(ast.NodeTransformer):
    """Undoes, in a copy of ``function`` (``old`` at the base), the rewrites a move made of
    calls of moved methods."""

    def __init__(
        self,
        context: MoveContext,
        old: Function,
        function: Function,
        moved: dict[str, _Moved],
        overrides: Overrides,
    ) -> None:
        self.old = old
        file = context.file("now", function.path)
        scope = context.resolver.index(file).scope(function.node)
        self.namer = Namer(context, "now", file, scope)
        self.function, self.moved, self.overrides = function, moved, overrides
        self.first = function.params[0] if function.is_method and function.params else None
        self.caller = _kind(function.node)
        self.problems: list[str] = []
        self._base_calls: dict[str, list[ast.expr]] = {}
        self.stands_for: dict[str, str] = {}
        """Keys of moved functions called as written, and the keys of the methods they replace."""
        self._taken: dict[str, int] = {}
        self.base_namer = Namer(
            context,
            "base",
            context.file("base", old.path),
            context.resolver.index(context.file("base", old.path)).scope(old.node),
        )
        line = rebinding(function.node, self.first) if self.first else None
        if line is not None:
            self.problems.append(
                f"`{self.first}` is bound again in {function.full_name} (line {line}): a call "
                "passing it first need not be on the instance, and is not read back"
            )
            self.first = None

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        target = self._target(node)
        if target is None:
            return node
        kind, method = target.kind, target.old.node.name
        at_base = self._next_at_base(method)
        if kind in ("", "staticmethod") and at_base is not None and self._names_owner(at_base):
            # Called on the class by name at the base (`Notes.norm(b)`, `Notes.path(self, a)`):
            # no override can step in, and the name no longer reaches the method now; the call
            # stays as written, its callee standing for the method it replaced.
            self.stands_for[f"{target.new.module}:{target.new.qualname}"] = (
                f"{target.old.module}:{target.old.qualname}"
            )
            return node
        dropped = kind == "staticmethod" or first_parameter(target.old, target.new)[1]
        leads = [a.id for a in node.args[:1] if isinstance(a, ast.Name)] == [self.first]
        # The instance passed on must be what the base called the method on: a class method's
        # class from a class method, an instance from any other method; a class method called
        # on the instance gets the instance's class (`moved.make(type(self), x)`).
        through_type = (
            kind == "classmethod" and self.caller != "classmethod" and self._type_of(node)
        )
        if (
            not dropped
            and not through_type
            and (not leads or (kind == "classmethod") != (self.caller == "classmethod"))
        ):
            return node
        rest = node.args if dropped else node.args[1:]
        if kind == "property" and (rest or node.keywords):
            return node
        receiver: ast.expr | None = ast.Name(id=self.first or "self", ctx=ast.Load())
        if dropped:
            receiver = self._dropped_receiver(at_base, kind)
        if receiver is None:
            return node
        where = ", ".join(self.overrides.of(target.old))
        if where:
            self.problems.append(
                f"`{self.first}.{method}` at the base could reach an override in a subclass "
                f"({where}); the call of {target.new.full_name} now cannot"
            )
        attribute = ast.Attribute(value=receiver, attr=method, ctx=ast.Load())
        replaced: ast.expr = (
            attribute
            if kind == "property"
            else ast.Call(func=attribute, args=list(rest), keywords=node.keywords)
        )
        return ast.copy_location(replaced, node)

    def _next_at_base(self, method: str) -> ast.expr | None:
        """What the base called ``method`` on in the call this rewritten one replaced: the
        calls of ``method`` at the base and the rewritten calls now are taken in the same order
        (arguments before the call), the k-th standing for the k-th; a call that does not line
        up makes the bodies differ. None past the last call at the base."""
        if method not in self._base_calls:
            self._base_calls[method] = [
                node.func.value
                for node in _post_order(self.old.node)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == method
            ]
        index = self._taken.get(method, 0)
        self._taken[method] = index + 1
        calls = self._base_calls[method]
        return calls[index] if index < len(calls) else None

    def _dropped_receiver(self, at_base: ast.expr | None, kind: str) -> ast.expr | None:
        """The receiver to read a call back on when the move dropped the instance (a static
        method: ``self.parse(x)``, ``type(self).parse(x)``): what the base called it on, when
        that reached the moved method; else None (``other.parse(x)``: another object's)."""
        if at_base is None:
            return ast.Name(id=self.first, ctx=ast.Load()) if self.first else None
        return copy.deepcopy(at_base) if self._reaches_owner(at_base, kind) else None

    def _names_owner(self, receiver: ast.expr) -> bool:
        """True when ``receiver`` names the method's class itself (``Notes``), not the
        instance or ``type(self)``."""
        if isinstance(receiver, ast.Name) and receiver.id == self.first:
            return False
        return self._is_owner_name(receiver)

    def _is_owner_name(self, receiver: ast.expr) -> bool:
        """True when ``receiver`` is a dotted name that refers, at the base, to the moved
        method's class."""
        name = dotted(receiver)
        if name is None or self.base_namer.local(name.split(".")[0]):
            return False
        found = self.base_namer.resolve(name.split("."))
        owner = f"{self.old.module}:{self.old.owner}"
        return not found.rest and len(found.refs) == 1 and found.refs[0].key == owner

    def _type_of(self, node: ast.Call) -> bool:
        """True when the call's first argument is ``type(<first parameter>)``, ``type`` the
        builtin."""
        first = node.args[0] if node.args else None
        return (
            self.first is not None
            and isinstance(first, ast.Call)
            and isinstance(first.func, ast.Name)
            and first.func.id == "type"
            and [a.id for a in first.args if isinstance(a, ast.Name)] == [self.first]
            and len(first.args) == 1
            and not first.keywords
            and [r.kind for r in self.namer.resolve(["type"]).refs] == ["builtin"]
        )

    def _reaches_owner(self, receiver: ast.expr, kind: str) -> bool:
        """True when ``receiver.method`` at the base is the method of the function's own class
        (or of a subclass, which the override search covers): the instance (or class) the
        function was called with; for a static or class method also the class, by name or
        as ``type(self)``."""
        if isinstance(receiver, ast.Name) and receiver.id == self.first:
            return kind != "" or self.caller != "classmethod"
        if kind == "":
            return False
        if (
            isinstance(receiver, ast.Call)
            and dotted(receiver.func) == "type"
            and len(receiver.args) == 1
            and not receiver.keywords
            and isinstance(receiver.args[0], ast.Name)
            and receiver.args[0].id == self.first
            and self.caller != "classmethod"
            and not self.base_namer.local("type")
        ):
            return True
        return self._is_owner_name(receiver)

    def _target(self, node: ast.Call) -> _Moved | None:
        """The moved method whose new function ``node`` calls, when a move may have written it
        and the method belonged to this function's class."""
        name = dotted(node.func)
        if name is None or self.first is None:
            return None
        found = self.namer.resolve(name.split("."))
        if found.rest or len(found.refs) != 1 or found.refs[0].kind != "def":
            return None
        target = self.moved.get(found.refs[0].key)
        if target is None or target.kind not in _REWRITABLE:
            return None
        if (target.old.path, target.old.owner) != (self.function.path, self.function.owner):
            return None
        return target


def _post_order(node: ast.AST) -> list[ast.AST]:
    """``node`` and everything under it, children first, in the order ``NodeTransformer``
    leaves them."""
    found: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        found += _post_order(child)
    found.append(node)
    return found


def _kind(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """``classmethod``, ``staticmethod`` or ``property`` for a method so decorated, else ""."""
    names = [decorator_name(d) for d in node.decorator_list]
    return next((n for n in names if n in {"classmethod", "staticmethod", "property"}), "")


def rebinding(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> int | None:
    """The line of the first place in ``node`` that binds ``name`` other than as ``node``'s
    own parameter (an assignment, a loop or ``with`` target, ``:=``, ``except ... as``, an
    import, a ``match`` capture, a nested function's, lambda's or comprehension's variable);
    None when only the parameter binds it."""
    own = {id(a) for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}
    own |= {id(a) for a in (node.args.vararg, node.args.kwarg) if a is not None}
    lines = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
            bound = inner.id
        elif isinstance(inner, ast.arg) and id(inner) not in own:
            bound = inner.arg
        elif isinstance(inner, ast.alias):
            bound = inner.asname or inner.name.partition(".")[0]
        elif isinstance(inner, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            bound = inner.name or ""
        elif isinstance(inner, ast.MatchMapping):
            bound = inner.rest or ""
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound = inner.name if inner is not node else ""
        elif isinstance(inner, (ast.Global, ast.Nonlocal)):
            bound = name if name in inner.names else ""
        else:
            continue
        if bound == name:
            lines.append(getattr(inner, "lineno", node.lineno))
    return min(lines) if lines else None


class _Holder:
    """Finds the statements of a changed method that make the object it holds for its
    wrappers (``self.ledger = Ledger(db)``), and judges what making it runs."""

    def __init__(
        self,
        context: MoveContext,
        function: Function,
        attributes: set[str],
        new_classes: list[Definition],
    ) -> None:
        self.context, self.function, self.attributes = context, function, attributes
        self.first = function.params[0] if function.is_method and function.params else None
        self.classes = {f"{d.module}:{d.qualname}": d for d in new_classes}
        file = context.file("now", function.path)
        self.namer = Namer(context, "now", file, context.resolver.index(file).scope(function.node))
        self.problems: list[str] = []
        self.notes: list[str] = []

    def holds(self, statement: ast.stmt, old: Function) -> bool:
        """True when ``statement`` makes a held object, not at the base in ``old``."""
        if not (
            self.first is not None
            and isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(target := statement.targets[0], ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == self.first
            and target.attr in self.attributes
            and isinstance(call := statement.value, ast.Call)
            and (name := dotted(call.func)) is not None
        ):
            return False
        if any(ast.dump(statement) == ast.dump(s) for s in old.node.body):
            return False
        found = self.namer.resolve(name.split("."))
        if found.rest or len(found.refs) != 1 or found.refs[0].key not in self.classes:
            return False
        made = f"`{ast.unparse(statement)}` (line {statement.lineno})"
        plain = all(
            isinstance(a, ast.Name) or (isinstance(a, ast.Attribute) and dotted(a) is not None)
            for a in [*call.args, *(k.value for k in call.keywords)]
        ) and not any(isinstance(a, ast.Starred) for a in call.args)
        made_of = self.classes[found.refs[0].key]
        why, init = self._construction(made_of)
        if not plain:
            why = "its arguments are not plain names"
        elif not why and init is not None:
            why = self._stored_elsewhere(call, init)
        if why:
            self.problems.append(f"added {made}: {why}")
        else:
            self.notes.append(
                f"added {made}: holds the new {made_of.full_name} its wrappers delegate to; making it only "
                "stores its parameters"
            )
        return True

    def _stored_elsewhere(self, call: ast.Call, init: Function) -> str:
        """Why the object made by ``call`` may not hold what this function's object holds: an
        argument stored under an attribute this function does not set from that very name (or
        read from it: ``self.db``), or a name bound again in the function; "" when none is."""
        node = init.node
        params = [p.arg for p in [*node.args.posonlyargs, *node.args.args][1:]]
        given = dict(zip(params, call.args, strict=False))
        given |= {k.arg: k.value for k in call.keywords if k.arg is not None}
        stores: dict[str, str] = {}
        for statement in ast.walk(self.function.node):
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(target := statement.targets[0], ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == self.first
            ):
                stores.setdefault(target.attr, ast.unparse(statement.value))
        owner = f"{self.function.owner}.{self.function.name}"
        for statement in node.body:
            if not (isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value):
                continue
            target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
            value = statement.value
            if not (isinstance(target, ast.Attribute) and isinstance(value, ast.Name)):
                continue
            argument = given.get(value.id)
            if argument is None:
                continue
            text, attribute = ast.unparse(argument), target.attr
            if text == f"{self.first}.{attribute}":
                continue
            if isinstance(argument, ast.Name) and (line := rebinding(self.function.node, text)):
                return f"`{text}` is bound again in {owner} (line {line})"
            if stores.get(attribute) != text:
                where = f"sets `{self.first}.{attribute}` from `{stores[attribute]}`"
                return f"it stores `{text}` as `{attribute}`, but {owner} " + (
                    where if attribute in stores else f"does not set `{self.first}.{attribute}`"
                )
        return ""

    def _construction(self, definition: Definition) -> tuple[str, Function | None]:
        """Why making an object of the new class may do more than store its parameters, or
        "", and the ``__init__`` that makes it (None when none is found)."""
        file = self.context.sources.file("now", definition.path, strict=False)
        node = classes_in(file.tree).get(definition.qualname) if file is not None else None
        if file is None or node is None:
            return f"{definition.full_name} cannot be read", None
        located = Located(file, definition.qualname, node)
        order = linearize(self.context, "now", located)
        if order is None:
            return f"the bases of {definition.full_name} cannot be put in order", None
        for entry in [located, *(e.located for e in order)]:
            if entry is None:
                return f"a base of {definition.full_name} cannot be read", None
            for item in entry.node.body:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                where = f"{entry.qualname}.{item.name} ({entry.file.path}:{item.lineno})"
                if item.name in {"__new__", "__init_subclass__", "__post_init__"}:
                    return f"making it runs {where}", None
                if item.name == "__init__":
                    init = Function(
                        entry.file.path,
                        entry.file.module,
                        f"{entry.qualname}.__init__",
                        item,
                        entry.file.text,
                        True,
                    )
                    if stored_parameters(init) is None:
                        return (
                            f"making it runs {where}, which does more than store its parameters",
                            None,
                        )
                    return "", init
            if entry.node.decorator_list or entry.node.keywords:
                return (
                    f"{entry.qualname} is decorated or has a metaclass: making it may run more",
                    None,
                )
        return "", None
