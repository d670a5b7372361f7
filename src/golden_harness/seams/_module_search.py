"""Find the source file of a module: first under given folders, then on ``sys.path``.

Used to resolve seam code references (:func:`golden_harness.seams.resolve_code`) without
importing the module. :func:`search_roots` checks and normalizes the folders a caller gives
(``str`` or ``os.PathLike``); :func:`module_file` looks for ``root/pkg/mod.py``,
``root/pkg/mod/__init__.py`` and the same under ``root/src/``, then asks ``importlib``.
Callers pass the ``sys.path`` entries after their own roots. A module not found is an error
that suggests close names of modules that exist.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from golden_harness.exceptions import SeamResolutionError, SeamRootsError

__all__ = ["Roots", "module_file", "search_roots"]

Roots = Iterable[str | os.PathLike[str]]


def search_roots(roots: Roots | None, where: str) -> list[Path]:
    """``roots`` as a list of paths; anything but an iterable of ``str``/``PathLike`` is refused.

    ``where`` names the function the roots were given to, for the error message.
    """
    if roots is None:
        return []
    if isinstance(roots, (str, bytes, os.PathLike)):
        raise SeamRootsError(
            f"{where}(..., roots={roots!r}) takes a list of folders, not a single path; "
            f"pass roots=[{roots!r}]."
        )
    try:
        items = list(roots)
    except TypeError:
        raise SeamRootsError(
            f"{where}(..., roots={roots!r}) takes a list of folders (str or pathlib.Path), not "
            f"a value of type {type(roots).__name__}; for example roots=['.', 'src'] or "
            f"roots=[Path.cwd()]."
        ) from None
    paths = []
    for item in items:
        if isinstance(item, str) or (
            isinstance(item, os.PathLike) and isinstance(os.fspath(item), str)
        ):
            paths.append(Path(item))
            continue
        raise SeamRootsError(
            f"{where}(..., roots={items!r}) got {item!r} ({type(item).__name__}) among its "
            f"folders; each root must be a str or a pathlib.Path, for example "
            f"roots=['.', Path('src')]."
        )
    return paths


def module_file(module: str, roots: list[Path]) -> Path:
    """The source file of ``module``, searched under each root (and its ``src/``), then through
    ``importlib``; :class:`SeamResolutionError` names the folders searched when not found."""
    for root in roots:
        for base in (root, root / "src"):
            candidate = base.joinpath(*module.split("."))
            for file in (candidate.with_suffix(".py"), candidate / "__init__.py"):
                if file.is_file():
                    return file
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not Path(spec.origin).is_file():
        close = _close_modules(module, roots)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        searched = [str(r) for r in roots if str(r) not in sys.path]
        raise SeamResolutionError(
            f"Cannot find module {module!r} (searched {searched} and sys.path).{hint}"
        )
    return Path(spec.origin)


def _close_modules(module: str, roots: list[Path]) -> list[str]:
    """Dotted names close to ``module`` that exist under the roots: the longest package prefix
    of ``module`` that is found, followed by a close name among that package's modules."""
    parts = module.split(".")
    for depth in range(len(parts) - 1, -1, -1):
        found: set[str] = set()
        for root in roots:
            for base in (root, root / "src"):
                folder = base.joinpath(*parts[:depth])
                if depth and not (folder / "__init__.py").is_file():
                    continue
                if folder.is_dir():
                    found.update(_module_names(folder))
        if found:
            prefix = parts[:depth]
            names = difflib.get_close_matches(parts[depth], sorted(found), n=3)
            return [".".join([*prefix, name, *parts[depth + 1 :]]) for name in names]
    return []


def _module_names(folder: Path) -> set[str]:
    """The modules and packages directly in ``folder``."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return set()
    return {
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in entries
        if (entry.suffix == ".py" and entry.is_file()) or (entry / "__init__.py").is_file()
    }
