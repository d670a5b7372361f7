"""Mutants of a seam's code for ``golden strength``: small, single-place changes of the source
inside given line ranges, each applied by swapping the code object of the function it lies in.

Operators: a number ``n`` becomes ``n + 1``; a string ``s`` becomes ``"XX" + s + "XX"``;
``True`` and ``False`` swap; a comparison operator becomes its neighbour (``<`` and ``<=``,
``==`` and ``!=``, ``is`` and ``is not``, ``in`` and ``not in``); ``+`` and ``-``, ``*`` and
``/`` swap; ``and`` and ``or`` swap; ``not x`` becomes ``x``; ``return x`` returns None; an
assignment assigns None; a call made for its effect is dropped; ``break`` and ``continue`` swap.
And the mistakes refactors make: a keyword argument of a call dropped; the first two entries of
a dict literal swapped (its key order changes); two adjacent statements swapped; a whole
condition (of ``if``, ``while``, ``x if c else y``) negated.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Mutant", "assigned_name", "mutants_in"]

_COMPARE_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}  # fmt: skip
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_BINOP_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
}


@dataclass(frozen=True)
class Mutant:
    """One change: the source span ``start``-``end`` ((line, column) pairs, columns in
    characters) replaced by ``replacement``, inside function ``qualname`` of ``module``."""

    file: Path
    module: str
    qualname: str
    start: tuple[int, int]
    end: tuple[int, int]
    replacement: str
    operator: str
    # The file's text when the mutant was found: mutants apply to it and describe it, so that
    # editing the file during a long run cannot shift a mutant onto other code.
    source: str = field(repr=False, compare=False, default="")
    # "function": inside function ``qualname``; "value": in the value of the module-level
    # assignment to ``qualname``.
    kind: str = "function"
    # The top-level definition the mutant lies in: its first line (decorators included), its
    # ``def`` line and its last line; for a value, the assignment's first line, 0 and its last.
    frame: tuple[int, int, int] = field(compare=False, default=(0, 0, 0))
    # The classes around that definition, outermost first: (line, column, name) of each header.
    classes: tuple[tuple[int, int, str], ...] = field(compare=False, default=())

    @property
    def line(self) -> int:
        return self.start[0]

    def mutated_source(self) -> str:
        source = self.source
        lines = source.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        a = offsets[self.start[0] - 1] + self.start[1]
        b = offsets[self.end[0] - 1] + self.end[1]
        return source[:a] + self.replacement + source[b:]

    def describe(self) -> tuple[str, str]:
        """The original and the mutated text of the mutant's first line."""
        before = self.source.splitlines()[self.line - 1]
        after = self.mutated_source().splitlines()[self.line - 1]
        return before.strip(), after.strip()


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _chars(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


class _Finder(ast.NodeVisitor):
    def __init__(self, file: Path, module: str, source: str, lines: set[int]) -> None:
        self.file, self.module, self.lines = file, module, lines
        self.source = source
        self.text = source.splitlines()
        self._kept = source.splitlines(keepends=True)
        # Lines as the parser counts them (``\n``, ``\r\n``, ``\r``; not form feeds), with their
        # ends, split once: ``ast.get_source_segment`` splits the whole source on every call.
        self._parsed = _parser_lines(source)
        self.scope: list[str] = []
        self.function: str | None = None
        self.found: list[Mutant] = []
        self.skip: set[int] = set()
        self.kind = "function"
        self.frame = (0, 0, 0)
        self.classes: list[tuple[int, int, str]] = []

    def _add(
        self, node: ast.AST, replacement: str, operator: str, last: ast.AST | None = None
    ) -> None:
        """A mutant replacing ``node`` (through ``last``, when given) by ``replacement``."""
        last = last or node
        end_line = last.end_lineno or last.lineno  # type: ignore[attr-defined]
        if self.function is None or not {node.lineno, end_line} <= self.lines:  # type: ignore[attr-defined]
            return
        start = (node.lineno, _chars(self.text[node.lineno - 1], node.col_offset))  # type: ignore[attr-defined]
        end = (end_line, _chars(self.text[end_line - 1], last.end_col_offset or 0))  # type: ignore[attr-defined]
        self.found.append(
            Mutant(
                self.file,
                self.module,
                self.function,
                start,
                end,
                replacement,
                operator,
                self.source,
                self.kind,
                self.frame,
                tuple(self.classes),
            )
        )

    def visit_Module(self, node: ast.Module) -> None:
        for statement in node.body:
            name = assigned_name(statement)
            last = statement.end_lineno or statement.lineno
            value = getattr(statement, "value", None)
            in_span = set(range(statement.lineno, last + 1)) <= self.lines
            if name is None or value is None or not in_span:
                self.visit(statement)
                continue
            self.function, self.kind = name, "value"
            self.frame = (statement.lineno, 0, last)
            if isinstance(statement, ast.Assign) and not (
                isinstance(value, ast.Constant) and value.value is None
            ):
                self._add(value, "None", "assigns None")
            self.visit(value)
            self.function, self.kind = None, "function"

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.function is None
        self.scope.append(node.name)
        if outer:
            self.classes.append((node.lineno, node.col_offset, node.name))
        self.generic_visit(node)
        if outer:
            self.classes.pop()
        self.scope.pop()

    def visit(self, node: ast.AST) -> None:
        if self.function is not None and not isinstance(node, _FUNCTIONS):
            for name in ("body", "orelse", "finalbody"):
                statements = getattr(node, name, None)
                if isinstance(statements, list) and statements:
                    self._swaps(statements)
        super().visit(node)

    def _segment(self, node: ast.AST) -> str:
        """The node's source text, as ``ast.get_source_segment`` gives it."""
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        first, last = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None or first is None or last is None:
            return ast.unparse(node)
        lines = self._parsed
        if start == end:
            text = lines[start - 1].encode("utf-8")[first:last].decode("utf-8")
        else:
            head = lines[start - 1].encode("utf-8")[first:].decode("utf-8")
            tail = lines[end - 1].encode("utf-8")[:last].decode("utf-8")
            text = head + "".join(lines[start : end - 1]) + tail
        return text or ast.unparse(node)

    def _swaps(self, statements: list[ast.stmt]) -> None:
        """A mutant per pair of adjacent statements (not docstrings, decorated definitions, or
        two identical statements), the second put first."""
        for first, second in itertools.pairwise(statements):
            if any(_is_docstring(s) or getattr(s, "decorator_list", None) for s in (first, second)):
                continue
            if ast.dump(first) == ast.dump(second):
                continue
            a = (first.end_lineno or first.lineno, first.end_col_offset or 0)
            b = (second.lineno, second.col_offset)
            gap = self._between(a, b)
            self._add(
                first,
                self._segment(second) + gap + self._segment(first),
                "statements swapped",
                last=second,
            )

    def _between(self, a: tuple[int, int], b: tuple[int, int]) -> str:
        """The source text from ``a`` to ``b`` ((line, byte column) pairs)."""
        lines = self._kept
        if a[0] == b[0]:
            return lines[a[0] - 1].encode("utf-8")[a[1] : b[1]].decode("utf-8")
        head = lines[a[0] - 1].encode("utf-8")[a[1] :].decode("utf-8")
        tail = lines[b[0] - 1].encode("utf-8")[: b[1]].decode("utf-8")
        return head + "".join(lines[a[0] : b[0] - 1]) + tail

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        top = self.function is None
        if top:
            self.function = ".".join([*self.scope, node.name])
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            self.frame = (first, node.lineno, node.end_lineno or node.lineno)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.skip.add(id(body[0].value))
        if top:
            self._swaps(body)
        for child in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if child is not None:
                self.skip.update(id(n) for n in ast.walk(child))
        for statement in body:
            self.visit(statement)
        if top:
            self.function = None

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self.skip.update(id(v) for v in node.values)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.skip.update(id(n) for n in ast.walk(node.annotation))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if id(node) in self.skip:
            return
        if isinstance(value, bool):
            self._add(node, repr(not value), f"{value!r} -> {not value!r}")
        elif isinstance(value, (int, float)):
            self._add(node, repr(value + 1), "number + 1")
        elif isinstance(value, str):
            self._add(node, repr(f"XX{value}XX"), "string changed")

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            if type(op) in _COMPARE_SWAPS:
                ops = list(node.ops)
                ops[index] = _COMPARE_SWAPS[type(op)]()
                changed = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
                self._add(node, f"({ast.unparse(changed)})", "comparison changed")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if type(node.op) in _BINOP_SWAPS:
            changed = ast.BinOp(left=node.left, op=_BINOP_SWAPS[type(node.op)](), right=node.right)
            self._add(node, f"({ast.unparse(changed)})", "arithmetic changed")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self._add(
            node, f"({ast.unparse(ast.BoolOp(op=other, values=node.values))})", "and/or swapped"
        )
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self._add(node, f"({ast.unparse(node.operand)})", "not removed")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            self._add(node.value, "None", "returns None")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self._add(node.value, "None", "assigns None")
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call):
            self._add(node.value, "None", "call dropped")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        for index, keyword in enumerate(node.keywords):
            if keyword.arg is None:
                continue
            kept = [k for i, k in enumerate(node.keywords) if i != index]
            changed = ast.Call(func=node.func, args=node.args, keywords=kept)
            self._add(node, ast.unparse(changed), f"keyword `{keyword.arg}` dropped")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        keys, values = list(node.keys), list(node.values)
        if len(keys) >= 2 and keys[0] is not None and keys[1] is not None:
            keys[0], keys[1] = keys[1], keys[0]
            values[0], values[1] = values[1], values[0]
            self._add(node, ast.unparse(ast.Dict(keys=keys, values=values)), "dict keys swapped")
        self.generic_visit(node)

    def _negate(self, test: ast.expr) -> None:
        self._add(test, f"(not ({self._segment(test)}))", "condition negated")

    def visit_If(self, node: ast.If) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_Break(self, node: ast.Break) -> None:
        self._add(node, "continue", "break -> continue")

    def visit_Continue(self, node: ast.Continue) -> None:
        self._add(node, "break", "continue -> break")


def _parser_lines(source: str) -> list[str]:
    """``source``'s lines with their ends, split where the parser counts a new line."""
    lines, start = [], 0
    for match in re.finditer(r"\r\n|\r|\n", source):
        lines.append(source[start : match.end()])
        start = match.end()
    if start < len(source):
        lines.append(source[start:])
    return lines


def assigned_name(statement: ast.stmt) -> str | None:
    """The name a module-level ``name = value`` (or ``name: T = value``) binds, else None."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.targets[0].id
    if (
        isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and statement.value is not None
    ):
        return statement.target.id
    return None


def mutants_in(file: Path, module: str, spans: tuple[tuple[int, int], ...]) -> list[Mutant]:
    """Every mutant whose change lies inside ``spans`` (1-based inclusive line ranges) of
    ``file``, in source order."""
    source = file.read_text(encoding="utf-8")
    lines = {n for a, b in spans for n in range(a, b + 1)}
    finder = _Finder(file, module, source, lines)
    finder.visit(ast.parse(source, filename=str(file)))
    return sorted(finder.found, key=lambda m: (m.start, m.end, m.replacement))
