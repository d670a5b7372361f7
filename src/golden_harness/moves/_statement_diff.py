"""The differences between two bodies, statement by statement, for a reader.

Statements are compared in their normal form (the two sides' :class:`Dumper`). Runs of
differing statements are aligned by similarity, so that a changed statement is shown next to its
old version and statements with nothing alike are shown against ``(nothing)``, never paired
with an unrelated one. A compound statement whose header is the same on both sides is compared
inside, so that a difference deep in a loop shows the statement that differs, not the loop.
"""

from __future__ import annotations

import ast
import difflib
import re

from golden_harness.moves._normal_form import BODY_FIELDS, Dumper

__all__ = ["detail", "diff_statements", "similarity", "statement_text"]

Pair = tuple[ast.AST | None, ast.AST | None]
_ALIKE = 0.5
_LARGEST_ALIGNMENT = 60 * 60
_TOKENS = re.compile(r"[(),=\[\]]+")


def _header(node: ast.AST, dumper: Dumper) -> str:
    fields = [
        dumper(value) if isinstance(value, (ast.AST, list)) else repr(value)
        for name, value in ast.iter_fields(node)
        if name not in BODY_FIELDS and name not in ("ctx", "type_comment")
    ]
    return f"{type(node).__name__}({','.join(fields)})"


def similarity(left: str, right: str) -> float:
    """How alike two normalized texts are (0 to 1), by the tokens they share."""
    if left == right:
        return 1.0
    return difflib.SequenceMatcher(
        None, _TOKENS.split(left), _TOKENS.split(right), autojunk=False
    ).quick_ratio()


def _align(olds: list[ast.AST], news: list[ast.AST], left: Dumper, right: Dumper) -> list[Pair]:
    """The smallest alignment of two runs of differing statements: pairs of alike statements
    (same kind, mostly the same text) in order, the others each against nothing."""
    n, m = len(olds), len(news)
    if n * m > _LARGEST_ALIGNMENT:
        return [(x, None) for x in olds] + [(None, y) for y in news]
    alike = [
        [similarity(left(x), right(y)) if type(x) is type(y) else 0.0 for y in news] for x in olds
    ]
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                cost[i][j] = float(i + j)
                continue
            best = min(cost[i - 1][j], cost[i][j - 1]) + 1
            if alike[i - 1][j - 1] >= _ALIKE:
                best = min(best, cost[i - 1][j - 1] + 1 - alike[i - 1][j - 1])
            cost[i][j] = best
    pairs: list[Pair] = []
    i, j = n, m
    while i or j:
        if (
            i
            and j
            and alike[i - 1][j - 1] >= _ALIKE
            and cost[i][j] == cost[i - 1][j - 1] + 1 - alike[i - 1][j - 1]
        ):
            pairs.append((olds[i - 1], news[j - 1]))
            i, j = i - 1, j - 1
        elif j and cost[i][j] == cost[i][j - 1] + 1:
            pairs.append((None, news[j - 1]))
            j -= 1
        else:
            pairs.append((olds[i - 1], None))
            i -= 1
    return pairs[::-1]


def _inside(node: ast.AST, name: str, dumper: Dumper) -> list[ast.AST] | None:
    value = getattr(node, name, None)
    if not isinstance(value, list):
        return None
    if value and isinstance(value[0], ast.stmt):
        return list(dumper.body(value, node))
    return list(value)


def diff_statements(
    old: list[ast.AST], new: list[ast.AST], left: Dumper, right: Dumper
) -> list[Pair]:
    """Pairs of differing statements (old, new); None where one side has no counterpart."""
    a, b = [left(s) for s in old], [right(s) for s in new]
    pairs: list[Pair] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for x, y in _align(old[i1:i2], new[j1:j2], left, right):
            if (
                x is not None
                and y is not None
                and type(x) is type(y)
                and any(isinstance(getattr(x, f, None), list) for f in BODY_FIELDS)
                and _header(x, left) == _header(y, right)
            ):
                for name in BODY_FIELDS:
                    xs, ys = _inside(x, name, left), _inside(y, name, right)
                    if xs is not None and ys is not None:
                        pairs += diff_statements(xs, ys, left, right)
            else:
                pairs.append((x, y))
    return pairs


def statement_text(node: ast.AST, source: str) -> str:
    """The statement as written (its first line for a compound statement), on one line."""
    segment = ast.get_source_segment(source, node) or ast.unparse(node)
    if any(isinstance(getattr(node, f, None), list) for f in BODY_FIELDS):
        segment = segment.splitlines()[0]
    return " ".join(segment.split())


def detail(old: ast.AST, new: ast.AST, left: Dumper, right: Dumper) -> str:
    """The smallest difference between two statements, for example
    ``keyword argument `retries`: 2 -> 3``."""
    if type(old) is type(new):
        for name, a in ast.iter_fields(old):
            b = getattr(new, name, None)
            if name == "keywords" and isinstance(a, list) and isinstance(b, list):
                olds = {k.arg: k for k in a}
                news = {k.arg: k for k in b}
                for key in [*olds, *(k for k in news if k not in olds)]:
                    if key not in news:
                        return f"keyword argument `{key}` removed"
                    if key not in olds:
                        return f"keyword argument `{key}` added: {ast.unparse(news[key].value)}"
                    if left(olds[key]) != right(news[key]):
                        return (
                            f"keyword argument `{key}`: {ast.unparse(olds[key].value)} -> "
                            f"{ast.unparse(news[key].value)}"
                        )
                continue
            if isinstance(a, ast.AST) and isinstance(b, ast.AST):
                if left(a) != right(b):
                    return detail(a, b, left, right)
            elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
                for x, y in zip(a, b, strict=True):
                    if isinstance(x, ast.AST) and isinstance(y, ast.AST) and left(x) != right(y):
                        return detail(x, y, left, right)
            elif a != b and not isinstance(a, (ast.AST, list)) and name not in ("ctx", "kind"):
                break
    return f"{_text(old)} -> {_text(new)}"


_OPERATORS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.MatMult: "@", ast.Div: "/", ast.Mod: "%",
    ast.Pow: "**", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|", ast.BitXor: "^",
    ast.BitAnd: "&", ast.FloorDiv: "//", ast.And: "and", ast.Or: "or", ast.Invert: "~",
    ast.Not: "not", ast.UAdd: "+", ast.USub: "-", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<",
    ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in",
}  # fmt: skip


def _text(node: ast.AST) -> str:
    """A node as source; an operator, which has no source of its own, as ``operator `>=```."""
    if type(node) in _OPERATORS:
        return f"operator `{_OPERATORS[type(node)]}`"
    return ast.unparse(node) or f"({type(node).__name__})"
