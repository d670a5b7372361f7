"""Seam declarations: which golden folder a test module fills and which code it covers.

A characterization module declares its seam with a module-level assignment::

    from golden_harness import Seam

    GOLDEN_SEAM = Seam(
        "scope_generation",
        covers=["autopack.autonomous_executor:AutonomousExecutor.execute_phase#scope_generation"],
    )

``name`` is the golden folder (``golden/<name>/``). Each ``covers`` entry is
``"package.module:Qualified.name"``, optionally followed by ``#region`` to restrict it to the
lines between ``# golden-seam: region`` and ``# golden-seam-end: region`` inside that function.
The last part of the name may also be a name bound by an assignment in a module or class body
(an alias such as ``ship = execute``), which :func:`resolve_seams` can follow to its target.
A module without ``GOLDEN_SEAM`` uses its file name without the ``test_`` prefix as seam name.

:func:`discover_seams` finds declarations statically (the test modules are parsed, not imported);
:func:`resolve_code` turns a reference into a file and line ranges.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from golden_harness.exceptions import SeamDeclarationError, SeamResolutionError
from golden_harness.moves import (
    aliases_of,
    delegate_of,
    functions_of,
    imports_of,
    parse_source,
    wrapper_call,
)
from golden_harness.seams._module_search import Roots, module_file, search_roots

__all__ = [
    "SEAM_VARIABLE",
    "CodeLocation",
    "ResolvedSeam",
    "Seam",
    "SeamDeclaration",
    "discover_seams",
    "followed_note",
    "resolve_code",
    "resolve_seams",
    "seam_name_of_module",
    "static_seam_name",
]

SEAM_VARIABLE = "GOLDEN_SEAM"
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_REF = re.compile(
    r"^(?P<module>[A-Za-z_][\w.]*):(?P<qualname>[A-Za-z_][\w.]*)(?:#(?P<region>[\w.\-]+))?$"
)
_MARK = re.compile(r"^\s*#\s*golden-seam(?P<end>-end)?:\s*(?P<name>[\w.\-]+)\s*$")


@dataclass(frozen=True)
class Seam:
    """A seam: its ``name`` (the golden folder) and the code references it ``covers``."""

    name: str
    covers: tuple[str, ...] = field(default=())

    def __init__(self, name: str, covers: list[str] | tuple[str, ...] = ()) -> None:
        if not isinstance(name, str) or not _NAME.match(name):
            raise SeamDeclarationError(
                f"Seam name {name!r} is not a valid folder name: use letters, digits, '_', '-' "
                f"and '.', for example Seam('scope_generation', covers=[...])."
            )
        if isinstance(covers, str):
            covers = (covers,)
        for ref in covers:
            if not isinstance(ref, str) or not _REF.match(ref):
                raise SeamDeclarationError(
                    f"Seam {name!r} covers {ref!r}, which is not a code reference; write "
                    f"'package.module:Qualified.name' or 'package.module:Qualified.name#region'."
                )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "covers", tuple(covers))


@dataclass(frozen=True)
class SeamDeclaration:
    """A seam as declared by one test module (``module_path``)."""

    seam: Seam
    module_path: Path
    line: int


@dataclass(frozen=True)
class CodeLocation:
    """Where a code reference lives now: a file and 1-based inclusive line ranges."""

    ref: str
    file: Path
    lines: tuple[tuple[int, int], ...]

    def describe(self, root: Path | None = None) -> str:
        """``path/to/file.py:10-42,50-61``, relative to ``root`` when possible."""
        file = self.file
        if root is not None and file.is_relative_to(root):
            file = file.relative_to(root)
        spans = ",".join(f"{a}-{b}" if a != b else str(a) for a, b in self.lines)
        return f"{file.as_posix()}:{spans}"


@dataclass(frozen=True)
class ResolvedSeam:
    """A declaration with its code resolved: ``locations`` found, ``errors`` for the others.

    ``followed`` pairs each ``covers`` reference that is a thin wrapper with the reference of the
    function it delegates to, when the wrappers were followed (that function is then among the
    locations too)."""

    declaration: SeamDeclaration
    locations: tuple[CodeLocation, ...]
    errors: tuple[str, ...]
    followed: tuple[tuple[str, str], ...] = ()


def resolve_seams(
    tests_dir: str | os.PathLike[str],
    roots: Roots | None = None,
    *,
    follow_wrappers: bool = False,
) -> list[ResolvedSeam]:
    """Every seam declared under ``tests_dir`` with each ``covers`` reference resolved.

    ``roots`` are as for :func:`resolve_code` (checked once, before any reference). A reference
    that does not resolve is reported in ``errors`` (the message of its
    :class:`SeamResolutionError`) instead of stopping the others.

    ``follow_wrappers``: a whole-definition reference whose body is now a thin wrapper (one call
    passing its first parameter on, as ``golden check-move`` recognizes them) also locates the
    function it delegates to, wrapper after wrapper; ``followed`` names both references, so
    tools can say what to put in ``covers``.

    Nested seams: a marked region that one seam declares (``...#region``) belongs to that seam
    only. When another seam covers the function around it, the region's lines are left out of
    that seam's locations, so per-seam coverage and mutation scores measure each line against the
    scenarios written for it.
    """
    roots = search_roots(roots, "resolve_seams")
    resolved = []
    for declaration in discover_seams(tests_dir):
        locations, errors = [], []
        for ref in declaration.seam.covers:
            try:
                locations.append(resolve_code(ref, roots))
            except SeamResolutionError as error:
                errors.append(str(error))
        followed = _follow_wrappers(locations, roots) if follow_wrappers else []
        resolved.append(ResolvedSeam(declaration, tuple(locations), tuple(errors), tuple(followed)))
    return [_without_nested_regions(seam, resolved) for seam in resolved]


_FOLLOW_LIMIT = 5


def _follow_wrappers(locations: list[CodeLocation], roots: list[Path]) -> list[tuple[str, str]]:
    """Add to ``locations`` the functions their thin wrappers delegate to; return the pairs
    (reference in ``covers``, reference of the last function reached)."""
    followed = []
    for location in list(locations):
        current, last = location, None
        for _ in range(_FOLLOW_LIMIT):
            target = _delegate(current, roots)
            if target is None or any(loc.ref == target for loc in locations):
                break
            current = resolve_code(target, roots)
            locations.append(current)
            last = target
        if last is not None:
            followed.append((location.ref, last))
    return followed


def _delegate(location: CodeLocation, roots: list[Path]) -> str | None:
    """The reference of the function a thin wrapper at ``location`` delegates to, or None."""
    if "#" in location.ref:
        return None
    module, qualname = location.ref.split(":")
    source, _ = _read_python(location.file)
    function = functions_of(module.replace(".", "/") + ".py", source).get(qualname)
    wrapper = wrapper_call(function) if function is not None else None
    if function is None:
        line_and_target = aliases_of(source, module).get(qualname)
        target = line_and_target[1] if line_and_target is not None else None
    elif wrapper is not None:
        target = delegate_of(wrapper, function, imports_of(source, module))
    else:
        target = None
    if target is None:
        return None
    dotted = target.split(".")
    cuts = [(".".join(dotted[:n]), ".".join(dotted[n:])) for n in range(len(dotted) - 1, 0, -1)]
    # Files under the roots first: looking a dotted name up through importlib imports its parents.
    on_disk = [
        (m, q)
        for m, q in cuts
        for root in roots
        for base in (root, root / "src")
        if base.joinpath(*m.split(".")).with_suffix(".py").is_file()
        or (base.joinpath(*m.split(".")) / "__init__.py").is_file()
    ]
    for candidate_module, candidate_qualname in [*on_disk, *cuts]:
        ref = f"{candidate_module}:{candidate_qualname}"
        try:
            resolve_code(ref, roots)
        except SeamResolutionError:
            continue
        return ref
    return None


def _without_nested_regions(seam: ResolvedSeam, everyone: list[ResolvedSeam]) -> ResolvedSeam:
    regions = [
        (location.file, span)
        for other in everyone
        if other.declaration.seam.name != seam.declaration.seam.name
        for location in other.locations
        if "#" in location.ref
        for span in location.lines
    ]
    locations = []
    for location in seam.locations:
        spans = list(location.lines)
        for file, (start, end) in regions:
            if file == location.file:
                spans = _subtract(spans, start, end)
        if spans:
            locations.append(CodeLocation(location.ref, location.file, tuple(spans)))
    return ResolvedSeam(seam.declaration, tuple(locations), seam.errors, seam.followed)


def _subtract(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """``spans`` without the lines ``start..end`` (all 1-based and inclusive)."""
    kept: list[tuple[int, int]] = []
    for a, b in spans:
        if b < start or a > end:
            kept.append((a, b))
            continue
        if a < start:
            kept.append((a, start - 1))
        if b > end:
            kept.append((end + 1, b))
    return kept


def followed_note(wrapper: str, target: str) -> str:
    """What the tools say about a ``covers`` reference they followed through a thin wrapper."""
    return (
        f"{wrapper} is a thin wrapper around {target}: measured there too "
        f"(put '{target}' in covers)"
    )


def seam_name_of_module(module: ModuleType) -> str:
    """The seam a test module fills: its ``GOLDEN_SEAM`` name, or its file name sans ``test_``."""
    declared = getattr(module, SEAM_VARIABLE, None)
    if declared is not None:
        if not isinstance(declared, Seam):
            raise SeamDeclarationError(
                f"{module.__name__}.{SEAM_VARIABLE} is {declared!r}; it must be a "
                f"golden_harness.Seam, for example {SEAM_VARIABLE} = Seam('name', covers=[...])."
            )
        return declared.name
    stem = Path(module.__file__ or module.__name__).stem
    return stem.removeprefix("test_")


def covered_modules(module: ModuleType) -> list[str]:
    """The modules a test module's ``GOLDEN_SEAM`` covers (``package.module`` of each entry of
    its ``covers``), in order; empty without a declaration."""
    declared = getattr(module, SEAM_VARIABLE, None)
    if not isinstance(declared, Seam):
        return []
    return list(dict.fromkeys(ref.split(":", 1)[0] for ref in declared.covers))


def _declaration_calls(tree: ast.Module) -> list[ast.Call]:
    """The ``Seam(...)`` calls assigned to ``GOLDEN_SEAM`` at the top level of a module."""
    return [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == SEAM_VARIABLE for t in node.targets)
        and isinstance(node.value, ast.Call)
    ]


def static_seam_name(path: Path) -> str | None:
    """The seam a test module file fills, read without importing it.

    Its ``GOLDEN_SEAM`` name when declared; otherwise, when the file mentions ``golden`` at all,
    its file name without ``test_``; None for a module that cannot hold goldens or cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
        calls = _declaration_calls(ast.parse(text, filename=str(path)))
        if calls:
            return _literal_seam(calls[0], path).name
    except (OSError, UnicodeDecodeError, SyntaxError, SeamDeclarationError):
        return None
    return path.stem.removeprefix("test_") if "golden" in text else None


def discover_seams(tests_dir: str | os.PathLike[str]) -> list[SeamDeclaration]:
    """Every ``GOLDEN_SEAM = Seam(...)`` declaration in ``test_*.py`` files under ``tests_dir``."""
    found: list[SeamDeclaration] = []
    for path in sorted(Path(tests_dir).rglob("test_*.py")):
        _, tree = _read_python(path)
        for call in _declaration_calls(tree):
            found.append(SeamDeclaration(_literal_seam(call, path), path, call.lineno))
    return found


def _literal_seam(call: ast.Call, path: Path) -> Seam:
    try:
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        raise SeamDeclarationError(
            f"{path}:{call.lineno}: {SEAM_VARIABLE} must be built from literals (strings and a "
            f"list of strings) so that tools can read it without importing the module."
        ) from None
    return Seam(*args, **kwargs)


def resolve_code(ref: str, roots: Roots | None = None) -> CodeLocation:
    """Resolve ``"package.module:Qualified.name[#region]"`` to its file and line ranges.

    ``roots`` (folders as ``str`` or ``pathlib.Path``) are searched first (as ``root/…`` and
    ``root/src/…``), then ``sys.path``. Roots of another type raise :class:`SeamRootsError`.
    """
    folders = search_roots(roots, "resolve_code")
    match = _REF.match(ref)
    if not match:
        raise SeamResolutionError(
            f"{ref!r} is not a code reference ('package.module:Qualified.name')."
        )
    try:
        file = module_file(match["module"], [*folders, *(Path(p) for p in sys.path if p)])
    except SeamResolutionError as error:
        raise SeamResolutionError(f"{ref!r}: {error}") from None
    source, tree = _read_python(file)
    node = _find_definition(tree, match["qualname"], ref, file)
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    end = node.end_lineno or node.lineno
    if match["region"] is None:
        return CodeLocation(ref, file.resolve(), ((start, end),))
    lines = source.splitlines()[start - 1 : end]
    return CodeLocation(ref, file.resolve(), _regions(lines, start, match["region"], ref, file))


_DEFS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_Definition = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign | ast.AnnAssign


def _find_definition(tree: ast.Module, qualname: str, ref: str, file: Path) -> _Definition:
    """The ``def`` or ``class`` a qualified name names; its last part may also be a name bound by
    an assignment in the module or class body (``_ship = mod.execute``, an alias)."""
    scope: list[ast.stmt] = tree.body
    node: _Definition | None = None
    parts = qualname.split(".")
    for index, part in enumerate(parts):
        defs: dict[str, _Definition] = {n.name: n for n in scope if isinstance(n, _DEFS)}
        if index == len(parts) - 1:
            for assignment, name in _assigned_names(scope):
                defs.setdefault(name, assignment)
        node = defs.get(part)
        if node is None and any(name == part for _, name in _assigned_names(scope)):
            raise SeamResolutionError(
                f"{ref!r}: {part!r} in {file} is bound by an assignment, so it has no "
                f"{parts[index + 1]!r}; an assigned name can only end a reference."
            )
        if node is None:
            close = difflib.get_close_matches(part, list(defs), n=3)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise SeamResolutionError(f"{ref!r}: {file} defines no {part!r} there.{hint}")
        scope = node.body if isinstance(node, _DEFS) else []
    assert node is not None
    return node


def _assigned_names(scope: list[ast.stmt]) -> list[tuple[ast.Assign | ast.AnnAssign, str]]:
    """Each plain name a statement of ``scope`` binds by assignment, with that statement."""
    found: list[tuple[ast.Assign | ast.AnnAssign, str]] = []
    for statement in scope:
        if isinstance(statement, ast.Assign):
            found.extend((statement, t.id) for t in statement.targets if isinstance(t, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            found.append((statement, statement.target.id))
    return found


def _regions(
    lines: list[str], first: int, region: str, ref: str, file: Path
) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for offset, line in enumerate(lines):
        mark = _MARK.match(line)
        if not mark or mark["name"] != region:
            continue
        number = first + offset
        if mark["end"] is None:
            if open_at is not None:
                raise SeamResolutionError(
                    f"{file}:{number}: region {region!r} opened again before its end marker (opened at line {open_at})."
                )
            open_at = number
        else:
            if open_at is None:
                raise SeamResolutionError(
                    f"{file}:{number}: '# golden-seam-end: {region}' without a matching '# golden-seam: {region}'."
                )
            spans.append((open_at, number))
            open_at = None
    if open_at is not None:
        raise SeamResolutionError(
            f"{file}:{open_at}: region {region!r} has no '# golden-seam-end: {region}' line."
        )
    if not spans:
        raise SeamResolutionError(
            f"{ref!r}: no '# golden-seam: {region}' region inside that definition in {file}; add the "
            f"markers around the block or drop '#{region}' from the reference."
        )
    return tuple(spans)


def _read_python(path: Path) -> tuple[str, ast.Module]:
    """The text and syntax tree of the Python file ``path``, read without importing it; a file
    that does not decode or parse raises :class:`~golden_harness.exceptions.SourceError`."""
    return parse_source(str(path), path.read_bytes())
