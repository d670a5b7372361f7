"""Editing a module's text without disturbing the rest: its module-level bindings, imports added
after its import block, imports left unused by the move removed, definitions appended.

Every function takes and returns source text or a LibCST tree; nothing here writes files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import GlobalScope, ImportAssignment, MetadataWrapper, ScopeProvider

from golden_harness.relocate._analysis import absolute_module

__all__ = [
    "ModuleBinding",
    "append_definitions",
    "bindings_of",
    "import_block",
    "insert_imports",
    "remove_unused_imports",
]


@dataclass(frozen=True)
class ModuleBinding:
    """A name bound at module level: by an import (``refers_to`` the dotted object) or by a
    definition or assignment (``refers_to`` None; ``value`` its source text for an assignment)."""

    name: str
    line: int
    refers_to: str | None = None
    value: str | None = None


def bindings_of(text: str, package: str) -> dict[str, ModuleBinding]:
    """Every name bound at the top level of a module (also inside top-level if/try blocks)."""
    found: dict[str, ModuleBinding] = {}

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    found.setdefault(
                        local,
                        ModuleBinding(local, node.lineno, alias.name if alias.asname else local),
                    )
            elif isinstance(node, ast.ImportFrom):
                base = absolute_module(package, node.level, node.module)
                for alias in node.names:
                    local = alias.asname or alias.name
                    found.setdefault(
                        local, ModuleBinding(local, node.lineno, f"{base}.{alias.name}")
                    )
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.setdefault(node.name, ModuleBinding(node.name, node.lineno))
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = ast.unparse(node.value) if node.value is not None else None
                for target in targets:
                    for inner in ast.walk(target):
                        if isinstance(inner, ast.Name):
                            found.setdefault(
                                inner.id, ModuleBinding(inner.id, node.lineno, value=value)
                            )
            elif isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
                visit(node.orelse)

    visit(ast.parse(text).body)
    return found


def _is_import_line(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _is_future(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.ImportFrom)
        and isinstance(statement.body[0].module, cst.Name)
        and statement.body[0].module.value == "__future__"
    )


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _type_checking_block(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.If) and "TYPE_CHECKING" in cst.Module(body=[]).code_for_node(
        statement.test
    )


def import_block(tree: cst.Module) -> int:
    """The index after the module's leading docstring, ``__future__`` imports and imports
    (``if TYPE_CHECKING:`` blocks among them included)."""
    index = 0
    body = list(tree.body)
    if body and _is_docstring(body[0]):
        index = 1
    after = index
    for position in range(index, len(body)):
        statement = body[position]
        import_try = isinstance(statement, cst.Try) and all(
            _is_import_line(s) for s in getattr(statement.body, "body", [])
        )
        if _is_import_line(statement) or _type_checking_block(statement) or import_try:
            after = position + 1
        else:
            break
    return after


def insert_imports(
    tree: cst.Module,
    lines: list[str],
    type_checking: list[str] = (),  # type: ignore[assignment]
    future: bool = False,
    after: list[str] = (),  # type: ignore[assignment]
) -> cst.Module:
    """``tree`` with the import ``lines`` added after its import block, ``type_checking`` ones
    in its ``if TYPE_CHECKING:`` block (created when missing), ``from __future__ import
    annotations`` first when ``future``, and the statements ``after`` (a module logger) after
    the imports."""
    body = list(tree.body)
    if future and not any(
        _is_future(s) and "annotations" in cst.Module(body=[]).code_for_node(s) for s in body
    ):
        position = 1 if body and _is_docstring(body[0]) else 0
        statement = cst.parse_statement("from __future__ import annotations\n")
        if position:
            statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
        body.insert(position, statement)
    index = import_block(tree.with_changes(body=body))
    ordered = sorted(lines, key=lambda line: (line.startswith("from "), line.split()[1], line))
    new = [cst.parse_statement(line + "\n") for line in ordered]
    if type_checking:
        existing = next((i for i, s in enumerate(body[:index]) if _type_checking_block(s)), None)
        inner = [cst.parse_statement(line + "\n") for line in type_checking]
        if existing is not None:
            block = body[existing]
            assert isinstance(block, cst.If)
            assert isinstance(block.body, cst.IndentedBlock)
            body[existing] = block.with_changes(
                body=block.body.with_changes(body=[*block.body.body, *inner])
            )
        else:
            new.append(
                cst.If(
                    test=cst.Name("TYPE_CHECKING"),
                    body=cst.IndentedBlock(body=inner),
                )
            )
    statements = [cst.parse_statement(line + "\n") for line in after]
    if statements and new:
        statements[0] = statements[0].with_changes(leading_lines=[cst.EmptyLine()])
    new += statements
    previous = body[index - 1] if index > 0 else None
    if new and previous is not None and (not _is_import_line(previous) or _is_future(previous)):
        new[0] = new[0].with_changes(leading_lines=[cst.EmptyLine()])
    if new and index < len(body):
        following = body[index]
        if not following.leading_lines:
            body[index] = following.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
    body[index:index] = new
    return tree.with_changes(body=body)


def append_definitions(text: str, codes: list[str]) -> str:
    """``text`` with each definition appended, two blank lines apart."""
    parts = [text.rstrip("\n")] if text.strip() else []
    parts += [code.strip("\n") for code in codes]
    return "\n\n\n".join(parts) + "\n"


def _dunder_all(tree: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in tree.body:
        code = cst.Module(body=[]).code_for_node(statement)
        if code.lstrip().startswith("__all__"):
            try:
                parsed = ast.parse(code.strip())
            except SyntaxError:
                continue
            names |= {
                n.value
                for n in ast.walk(parsed)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
    return names


class _Remover(cst.CSTTransformer):
    def __init__(self, unused: set[tuple[int, str]]) -> None:
        super().__init__()
        self.unused = unused

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.If | cst.RemovalSentinel:
        body = updated.body
        if isinstance(body, cst.IndentedBlock) and not body.body and updated.orelse is None:
            return cst.RemovalSentinel.REMOVE
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept: list[cst.BaseSmallStatement] = []
        for small, small_updated in zip(original.body, updated.body, strict=True):
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                small.names, cst.ImportStar
            ):
                assert isinstance(small_updated, (cst.Import, cst.ImportFrom))
                names = [
                    a
                    for a in small_updated.names  # type: ignore[union-attr]
                    if (id(small), _local(a)) not in self.unused
                ]
                if not names:
                    continue
                if len(names) != len(small_updated.names):  # type: ignore[arg-type]
                    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    small_updated = small_updated.with_changes(names=names)
                    if isinstance(small_updated, cst.ImportFrom) and len(names) == 1:
                        small_updated = small_updated.with_changes(lpar=None, rpar=None)
            kept.append(small_updated)
        if not kept:
            return cst.RemovalSentinel.REMOVE
        return updated.with_changes(body=kept)


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return cst.Module(body=[]).code_for_node(alias.asname.name)
    return cst.Module(body=[]).code_for_node(alias.name).split(".")[0]


def remove_unused_imports(text: str, names: set[str]) -> str:
    """``text`` without the module-level imports of ``names`` that nothing reads any more (names
    listed in ``__all__`` are kept: they are exported)."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    scope = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    if scope is None:
        return text
    exported = _dunder_all(wrapper.module)
    unused: set[tuple[int, str]] = set()
    for name in names - exported:
        assignments = list(scope.assignments[name])
        if not assignments or any(a.references for a in assignments):
            continue
        for assignment in assignments:
            if isinstance(assignment, ImportAssignment):
                unused.add((id(assignment.node), name))
    if not unused:
        return text
    return wrapper.module.visit(_Remover(unused)).code
