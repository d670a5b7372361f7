"""What ``golden move`` moves and where to: the definition named by ``path.py::Qual.name``, its
kind, and the module file named by ``--to``.

A source is a top-level function, a top-level class, or a method of a top-level (or nested)
class. Its kind decides how the moved code is shaped and what is left behind: ``method``,
``classmethod``, ``staticmethod``, ``property`` (also ``cached_property``), ``function`` or
``class``. Modules are named as Python imports them: the dotted path from the first folder
upwards that is not a package (has no ``__init__.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from golden_harness.exceptions import MoveRefusedError

__all__ = [
    "CLASS_BOUND",
    "Located",
    "Target",
    "decorator_text",
    "is_generator",
    "locate",
    "target_of",
]

CLASS_BOUND = frozenset(
    {
        "property",
        "cached_property",
        "functools.cached_property",
        "classmethod",
        "staticmethod",
        "override",
        "typing.override",
        "typing_extensions.override",
    }
)
"""Decorators that only make sense on a class attribute: they stay on what is left behind."""

_ABSTRACT = frozenset({"abstractmethod", "abc.abstractmethod"})
_MODULE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")

Definition = cst.FunctionDef | cst.ClassDef


@dataclass
class Located:
    """The definition to move, in its parsed module (``wrapper.module`` is the tree)."""

    path: Path
    relpath: str
    module: str
    import_root: Path
    qualname: str
    text: str
    wrapper: MetadataWrapper
    node: Definition
    owner: cst.ClassDef | None
    kind: str
    bound_decorators: tuple[str, ...]
    staying: int = 0
    """How many of the definition's decorators (the outermost) stay on what is left behind:
    all of them on a thin wrapper, the class-bound ones (``bound_decorators``) on an alias;
    the others move with the body."""

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def tree(self) -> cst.Module:
        return self.wrapper.module

    @property
    def package(self) -> str:
        """The package the module is in (the module itself for a package's ``__init__``)."""
        if self.path.name == "__init__.py":
            return self.module
        return self.module.rpartition(".")[0]


@dataclass(frozen=True)
class Target:
    """The module ``--to`` names: its dotted name, its file, and whether that file exists."""

    module: str
    path: Path
    relpath: str

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def package(self) -> str:
        if self.path.name == "__init__.py":
            return self.module
        return self.module.rpartition(".")[0]


def decorator_text(decorator: cst.Decorator) -> str:
    """A decorator's expression as written (``functools.cached_property``, ``retry(times=3)``)."""
    return cst.Module(body=[]).code_for_node(decorator.decorator)


def _import_root(path: Path) -> tuple[Path, str]:
    """The folder Python imports ``path`` from, and its dotted module name."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return folder, ".".join(parts)


def is_generator(node: cst.FunctionDef) -> bool:
    """True when the function's own body yields (nested functions and classes not counted)."""

    class Finder(cst.CSTVisitor):
        found = False

        def visit_Yield(self, node: cst.Yield) -> bool:
            self.found = True
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    finder = Finder()
    node.body.visit(finder)
    return finder.found


def _body(node: cst.CSTNode) -> list[cst.CSTNode]:
    if isinstance(node, cst.Module):
        return list(node.body)
    body = getattr(node, "body", None)
    inner = getattr(body, "body", None)
    return list(inner) if isinstance(inner, (list, tuple)) else []


def _split(spec: str) -> tuple[str, str]:
    path, sep, qualname = spec.partition("::")
    if not sep or not path.endswith(".py") or not qualname or not _MODULE.match(qualname):
        raise MoveRefusedError(
            f"SOURCE {spec!r} is not a definition: write path/to/file.py::Class.method, "
            f"path/to/file.py::function or path/to/file.py::Class."
        )
    return path, qualname


def locate(root: Path, spec: str) -> Located:
    """Parse the file ``spec`` names (relative to ``root`` or the current folder) and find the
    definition; refuse what cannot be named or moved as a unit."""
    given, qualname = _split(spec)
    path = (root / given) if not Path(given).is_absolute() else Path(given)
    if not path.is_file() and (Path.cwd() / given).is_file():
        path = Path.cwd() / given
    path = path.resolve()
    if not path.is_file():
        raise MoveRefusedError(f"SOURCE file {given!r} does not exist under {str(root)!r}.")
    if not path.is_relative_to(root):
        raise MoveRefusedError(f"SOURCE file {str(path)!r} is outside the repository {root}.")
    text = path.read_text(encoding="utf-8")
    try:
        wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    except cst.ParserSyntaxError as error:
        raise MoveRefusedError(f"{given} does not parse ({error.message}); fix it first.") from None
    import_root, module = _import_root(path)
    parents: list[cst.CSTNode] = [wrapper.module]
    found: Definition | None = None
    parts = qualname.split(".")
    for index, part in enumerate(parts):
        matches = [
            n
            for n in _body(parents[-1])
            if isinstance(n, (cst.FunctionDef, cst.ClassDef)) and n.name.value == part
        ]
        if not matches:
            where = ".".join(parts[:index]) or given
            raise MoveRefusedError(
                f"{given} has no definition {'.'.join(parts[: index + 1])!r} (looked in {where}); "
                f"name a top-level function or class, or Class.method."
            )
        if len(matches) > 1:
            raise MoveRefusedError(
                f"{given}::{'.'.join(parts[: index + 1])} is defined {len(matches)} times (a "
                "property with a setter or deleter, or a redefinition): move it by hand."
            )
        found = matches[0]
        if isinstance(found, cst.FunctionDef) and index < len(parts) - 1:
            parents.append(found)
            continue
        parents.append(found)
    assert found is not None
    enclosing = [p for p in parents[1:-1] if isinstance(p, cst.FunctionDef)]
    owner = parents[-2] if isinstance(parents[-2], cst.ClassDef) else None
    located = Located(
        path=path,
        relpath=path.relative_to(root).as_posix(),
        module=module,
        import_root=import_root,
        qualname=qualname,
        text=text,
        wrapper=wrapper,
        node=found,
        owner=owner,
        kind="",
        bound_decorators=(),
    )
    if enclosing:
        located.kind = "nested"
        return located
    _classify(located)
    return located


def _classify(located: Located) -> None:
    node = located.node
    if isinstance(node, cst.ClassDef):
        located.kind = "class"
        return
    texts = [decorator_text(d) for d in node.decorators]
    if abstract := [t for t in texts if t in _ABSTRACT]:
        raise MoveRefusedError(
            f"{located.qualname} is decorated with @{abstract[0]}: an abstract method is part of "
            "its class's interface, not code to move."
        )
    if located.owner is None:
        located.kind = "function"
        return
    if any(t.endswith((".setter", ".deleter", ".getter")) for t in texts):
        raise MoveRefusedError(
            f"{located.qualname} is a property's setter or deleter: move the property by hand."
        )
    bound = [t for t in texts if t in CLASS_BOUND]
    if bound != texts[: len(bound)]:
        raise MoveRefusedError(
            f"{located.qualname}: @{bound[0]} is not the outermost decorator ({', '.join('@' + t for t in texts)}); "
            "only such an order can stay on the class while the others move with the body."
        )
    located.bound_decorators = tuple(bound)
    located.staying = len(bound)
    names = {t.rpartition(".")[2] for t in bound}
    if "staticmethod" in names:
        located.kind = "staticmethod"
    elif "classmethod" in names:
        located.kind = "classmethod"
    elif names & {"property", "cached_property"}:
        located.kind = "property"
    else:
        located.kind = "method"
    if located.kind != "staticmethod" and not (node.params.posonly_params or node.params.params):
        raise MoveRefusedError(
            f"{located.qualname} takes no positional first parameter (self or cls): there is no "
            "instance to pass to a module function."
        )


def target_of(root: Path, source: Located, module: str) -> Target:
    """The file of module ``module``, beside the source's package tree (same import root); its
    package must exist."""
    if not _MODULE.match(module):
        raise MoveRefusedError(
            f"--to {module!r} is not a dotted module name: write it as Python imports it, for "
            "example pkg.sub.module."
        )
    if module == source.module:
        raise MoveRefusedError(f"--to {module!r} is the module SOURCE is in already.")
    parts = module.split(".")
    package = source.import_root.joinpath(*parts[:-1])
    if len(parts) > 1 and not (package / "__init__.py").is_file():
        raise MoveRefusedError(
            f"--to {module!r}: package {'.'.join(parts[:-1])!r} does not exist under "
            f"{source.import_root} (no {package / '__init__.py'}); create it first."
        )
    path = package / f"{parts[-1]}.py"
    if (package / parts[-1] / "__init__.py").is_file():
        path = package / parts[-1] / "__init__.py"
    return Target(module, path, path.relative_to(root).as_posix())
