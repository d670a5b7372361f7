"""Does what a move left behind still hand every call on unchanged?

A thin wrapper must pass each argument to the delegate's parameter of the same name, return
what the delegate returns, and delegate in the delegate's own way (``await`` a coroutine
function, ``yield from`` a generator). It must call an undecorated delegate: a call of a
decorated one reaches what the decorators made of it (a click command, a cache), whose
parameters and attributes need not be the def's, while the old name lost them. An alias must
be bound to a function that takes the parameters the old function took, so that callers'
arguments bind the same way.
"""

from __future__ import annotations

import ast

from golden_harness.moves._move_ast import Function, decorator_name, facts
from golden_harness.moves._move_result import WrapperReport

__all__ = ["binding_problems", "parameter_problems"]


def _described(f: Function, skip: int) -> list[tuple[str, str, str | None]]:
    a = f.node.args
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults))
    defaults += list(a.defaults)
    rows = [
        ("positional", p.arg, ast.unparse(d) if d is not None else None)
        for p, d in zip(positional, defaults, strict=True)
    ]
    rows += [
        ("keyword-only", p.arg, ast.unparse(d) if d is not None else None)
        for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
    ]
    rows += [("*args", a.vararg.arg, None)] if a.vararg else []
    rows += [("**kwargs", a.kwarg.arg, None)] if a.kwarg else []
    return rows[skip:]


def parameter_problems(function: Function, target: Function) -> tuple[str, ...]:
    """How ``target``'s parameters differ from ``function``'s (after the first, for a method
    bound to its object): by name, kind or default, so that a call written for ``function``
    would bind differently."""
    skip = 1 if function.is_method else 0
    was, now = _described(function, skip), _described(target, skip)
    if was == now:
        return ()

    def show(rows: list[tuple[str, str, str | None]]) -> str:
        return ", ".join(f"{name}={default}" if default else name for _, name, default in rows)

    after = "after the first " if skip else ""
    return (f"parameters {after}were ({show(was)}), the target takes ({show(now)})",)


_CALL_AS_DEFINED = frozenset(
    {"staticmethod", "classmethod", "override", "typing.override", "typing_extensions.override"}
)
"""Decorators after which a call still binds to the def's own parameters."""


def _decorated_problems(wrapper: WrapperReport, delegate: Function) -> list[str]:
    if wrapper.wrapper.form.endswith("with"):
        return []  # compared with the wrapper's own decorators in _form_problems
    made = [d for d in delegate.node.decorator_list if decorator_name(d) not in _CALL_AS_DEFINED]
    if not made:
        return []
    shown = ", ".join(f"`@{ast.unparse(d)}`" for d in made)
    return [
        f"it calls {delegate.qualname}, which is decorated ({shown}): the call reaches what "
        "the decorators made of it, not the parameters of its def; keep the decorators on the "
        "wrapper, or leave an alias"
    ]


def _form_problems(wrapper: WrapperReport, delegate: Function) -> list[str]:
    form = wrapper.wrapper.form
    is_async = isinstance(delegate.node, ast.AsyncFunctionDef)
    generator = facts(delegate.node).generator
    problems = []
    if form == "await" and not is_async:
        problems.append(f"it awaits {delegate.qualname}, which is not `async def`")
    if form == "yield from" and (is_async or not generator):
        problems.append(f"it uses `yield from` on {delegate.qualname}, which is no generator")
    if form == "async for" and not (is_async and generator):
        problems.append(f"it iterates {delegate.qualname} with `async for`: no async generator")
    if form.endswith("with"):
        kept = [ast.unparse(d) for d in wrapper.function.node.decorator_list]
        made = [ast.unparse(d) for d in delegate.node.decorator_list]
        if kept != made:
            problems.append(
                f"it enters {delegate.qualname} as a context manager: the wrapper is decorated "
                f"with ({', '.join(kept) or 'nothing'}), {delegate.qualname} with "
                f"({', '.join(made) or 'nothing'})"
            )
    if not wrapper.wrapper.returns and facts(delegate.node).returns_value:
        problems.append(f"it drops what {delegate.qualname} returns")
    return problems


def binding_problems(wrapper: WrapperReport, delegate: Function) -> tuple[str, ...]:
    """The wrapper's arguments that do not reach the delegate's parameter of the same name
    (``ship(self, b, a)`` for ``def ship(orders, a, b)`` passes `b` as `a`), and what its form
    of delegation loses (see the module's docstring)."""
    call = ast.parse(wrapper.wrapper.call, mode="eval").body
    assert isinstance(call, ast.Call)
    args = delegate.node.args
    positional = [p.arg for p in [*args.posonlyargs, *args.args]]
    if delegate.is_method and not wrapper.wrapper.passes_first:
        positional = positional[1:]  # a bound method: its `self` is the object called
    first = wrapper.function.params[0] if wrapper.function.params else None
    problems: list[str] = [
        *_form_problems(wrapper, delegate),
        *_decorated_problems(wrapper, delegate),
    ]
    bound: set[str] = set()
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return tuple(problems)
        if index >= len(positional):
            if args.vararg is None:
                problems.append(
                    f"`{ast.unparse(arg)}` is passed by position, but {delegate.qualname} takes "
                    f"{len(positional)} positional argument(s)"
                )
            continue
        parameter = positional[index]
        bound.add(parameter)
        is_first = index == 0 and wrapper.wrapper.passes_first
        if isinstance(arg, ast.Name) and arg.id != parameter and not is_first:
            problems.append(f"`{arg.id}` is passed as `{parameter}`")
    names = {p.arg for p in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    for keyword in call.keywords:
        if keyword.arg is None:
            return tuple(problems)
        bound.add(keyword.arg)
        if keyword.arg not in names and args.kwarg is None:
            problems.append(f"`{keyword.arg}` is not a parameter of {delegate.qualname}")
        elif isinstance(keyword.value, ast.Name) and keyword.value.id == first:
            continue
    with_default = set(positional[len(positional) - len(args.defaults) :]) | {
        a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None
    }
    required = [
        p for p in [*positional, *(a.arg for a in args.kwonlyargs)] if p not in with_default
    ]
    problems += [f"`{p}` is not passed" for p in required if p not in bound]
    return tuple(problems)
