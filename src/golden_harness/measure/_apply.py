"""Applying a mutant of ``golden strength`` in a running process.

A mutant is applied in a running process by compiling the mutated module and giving the live
function (or method) the mutated code object: every alias of the function sees the mutant, its
identity does not change, and no copy of the tree is needed.

A span may also hold a module-level assignment (a constant or a table the code reads, such as
``LIMITS = {...}``): the same operators change its value, and an assignment of None is one more
mutant. Such a mutant is applied by running the mutated assignment, and every module-level
assignment after it, again in the module's namespace, so that values built from it are rebuilt;
each new object then replaces the old one wherever another module imported its name
(``from mod import LIMITS``), and the module-level values other modules of the same package
built from the changed module are built again. An object that keeps the old value otherwise (a
default argument, an object built inside a function) is not rebuilt.
"""

from __future__ import annotations
import __future__

import ast
import contextlib
import importlib
import inspect
import sys
from pathlib import Path
from types import CodeType

from golden_harness.measure._mutants import Mutant, assigned_name
from golden_harness.moves import imports_of

__all__ = ["MutantBreaksImport", "apply_mutant", "mutated_code"]

_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag


class MutantBreaksImport(ValueError):
    """A mutated module-level value cannot be computed: the mutated module would fail to
    import, so every scenario importing it fails (the mutant is killed)."""


def _code_named(code: CodeType, qualname: str) -> CodeType | None:
    for const in code.co_consts:
        if isinstance(const, CodeType):
            if const.co_qualname == qualname:
                return const
            inner = _code_named(const, qualname)
            if inner is not None:
                return inner
    return None


def apply_mutant(mutant: Mutant) -> None:
    """Give the live function the mutant's code, or the module the mutated value (in this
    process only). Raises ValueError when the mutated code cannot replace it (for example a
    changed set of closure variables) or the mutated value cannot be computed."""
    if mutant.kind == "value":
        _apply_value(mutant)
        return
    target: object = importlib.import_module(mutant.module)
    for part in mutant.qualname.split("."):
        owner = target
        target = vars(owner)[part] if part in vars(owner) else getattr(owner, part)
    function = getattr(target, "__func__", target)
    if not callable(function):
        raise ValueError(f"{mutant.module}:{mutant.qualname} is not a function")
    live = inspect.unwrap(function)
    original = getattr(live, "__code__", None)
    if not isinstance(original, CodeType):
        raise ValueError(f"{mutant.module}:{mutant.qualname} has no code object to replace")
    live.__code__ = mutated_code(mutant, original.co_flags & _FUTURE_FLAGS)


def mutated_code(mutant: Mutant, future_flags: int = 0) -> CodeType:
    """The code object of the mutant's function with the mutant in it.

    Only the function's own lines are compiled, at their line numbers, inside empty classes of
    the names that enclose it (so its qualified name, private-name mangling and ``super()`` are
    as in the module); the whole mutated module is compiled when that text does not compile (a
    definition inside an ``if`` block, for example). ``future_flags``: the ``from __future__``
    features of the module, as the live code object carries them."""
    _, def_line, last = mutant.frame
    if def_line:
        text = mutant.mutated_source().splitlines(keepends=True)
        shift = mutant.replacement.count("\n") - (mutant.end[0] - mutant.start[0])
        lines = ["\n"] * (def_line - 1)
        for line, column, name in mutant.classes:
            lines[line - 1] = " " * column + f"class {name}:\n"
        lines += text[def_line - 1 : last + shift]
        with contextlib.suppress(SyntaxError):
            code = compile(
                "".join(lines), str(mutant.file), "exec", flags=future_flags, dont_inherit=True
            )
            found = _code_named(code, mutant.qualname)
            if found is not None:
                return found
    try:
        code = compile(mutant.mutated_source(), str(mutant.file), "exec", dont_inherit=True)
    except SyntaxError as error:  # e.g. a swap that puts a name's use before its `global`
        raise ValueError(f"the mutated {mutant.file} does not compile: {error}") from None
    found = _code_named(code, mutant.qualname)
    if found is None:
        raise ValueError(f"no code object {mutant.qualname!r} in the mutated {mutant.file}")
    return found


def _apply_value(mutant: Mutant) -> None:
    """Run the mutated module-level assignment and the module-level assignments after it in the
    module's namespace; put each new object where other modules imported the name; then
    rebuild, in the modules of the same package, the module-level values built from what
    changed."""
    try:
        tree = ast.parse(mutant.mutated_source(), filename=str(mutant.file))
    except SyntaxError as error:
        raise ValueError(f"the mutated {mutant.file} does not parse: {error}") from None
    at = next(
        (
            index
            for index, statement in enumerate(tree.body)
            if statement.lineno <= mutant.line <= (statement.end_lineno or statement.lineno)
        ),
        None,
    )
    if at is None or assigned_name(tree.body[at]) != mutant.qualname:
        raise ValueError(f"no assignment to {mutant.qualname!r} in the mutated {mutant.file}")
    module = importlib.import_module(mutant.module)
    imports = _Imports()
    again = [s for s in tree.body[at:] if assigned_name(s) is not None]
    _run_again(module, again, f"{mutant.module}.{mutant.qualname}", imports)
    package = mutant.module.partition(".")[0]
    done = {module.__name__}
    changed = [module]
    while changed:
        source_module = changed.pop()
        for other in list(sys.modules.values()):
            name = getattr(other, "__name__", "")
            if name in done or not (name == package or name.startswith(package + ".")):
                continue
            statements = _built_from(other, source_module, imports)
            if statements:
                done.add(name)
                _run_again(other, statements, f"{mutant.module}.{mutant.qualname}", imports)
                changed.append(other)


class _Imports:
    """What a loaded module imports (local name -> ``module.attribute``), read from its source
    once; a source that does not mention the imported module's own name is not parsed."""

    def __init__(self) -> None:
        self._text: dict[str, str] = {}
        self._found: dict[str, dict[str, str]] = {}

    def of(self, module: object, imported: str) -> dict[str, str]:
        """``module``'s imports, or nothing when its source cannot name module ``imported``."""
        name = getattr(module, "__name__", "")
        if name not in self._text:
            file = getattr(module, "__file__", None)
            self._text[name] = ""
            if isinstance(file, str) and file.endswith(".py"):
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    self._text[name] = Path(file).read_text(encoding="utf-8")
        if imported.rpartition(".")[2] not in self._text[name]:
            return {}
        if name not in self._found:
            self._found[name] = {}
            with contextlib.suppress(SyntaxError, ValueError):
                self._found[name] = imports_of(self._text[name], name)
        return self._found[name]


def _run_again(module: object, statements: list[ast.stmt], what: str, imports: _Imports) -> None:
    """Run module-level assignments again in ``module``'s namespace, and put every new object
    wherever another module imported its name (``from module import NAME [as alias]``)."""
    namespace = vars(module)
    before = {n: namespace[n] for s in statements if (n := assigned_name(s)) in namespace}
    code = compile(
        ast.Module(body=statements, type_ignores=[]),
        getattr(module, "__file__", None) or "<module>",
        "exec",
        flags=__future__.annotations.compiler_flag,
        dont_inherit=True,
    )
    try:
        exec(code, namespace)
    except Exception as error:
        raise MutantBreaksImport(
            f"with the mutated value of {what}, the module-level assignments of "
            f"{getattr(module, '__name__', module)} fail: {type(error).__name__}: {error}"
        ) from None
    # By imported name, never by identity alone: equal small ints and strings are one object
    # in every module, so an identity search would also rewrite unrelated constants.
    rebound = {
        f"{module.__name__}.{n}": (old, namespace[n])  # type: ignore[attr-defined]
        for n, old in before.items()
        if namespace[n] is not old
    }
    for other in list(sys.modules.values()):
        held = getattr(other, "__dict__", None)
        if other is module or not isinstance(held, dict):
            continue
        for local, target in imports.of(other, module.__name__).items():  # type: ignore[attr-defined]
            if target in rebound and held.get(local) is rebound[target][0]:
                held[local] = rebound[target][1]


def _built_from(module: object, changed: object, imports: _Imports) -> list[ast.stmt]:
    """The module-level assignments of ``module`` whose value reads the ``changed`` module (by
    the name it is imported as, or a name imported from it), a function of it (which reads its
    globals when called), or a name such an assignment binds; in source order. Empty when the
    module's source cannot be read."""
    file = getattr(module, "__file__", None)
    if not file or not str(file).endswith(".py"):
        return []
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return []
    changed_name = getattr(changed, "__name__", "")
    changed_globals = vars(changed)
    triggers = {
        local
        for local, target in imports.of(module, changed_name).items()
        if target == changed_name or target.startswith(changed_name + ".")
    } | {
        key
        for key, value in vars(module).items()
        if value is changed or getattr(value, "__globals__", None) is changed_globals
    }
    if not triggers:
        return []
    found = []
    for statement in tree.body:
        name = assigned_name(statement)
        value = getattr(statement, "value", None)
        if name is None or value is None:
            continue
        if {n.id for n in ast.walk(value) if isinstance(n, ast.Name)} & triggers:
            found.append(statement)
            triggers.add(name)
    return found
