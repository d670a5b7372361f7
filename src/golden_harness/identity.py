"""Replace objects by identity in every loaded module namespace, and put them back.

``from x import f`` copies a reference to ``f`` into the importing module, so patching ``x.f``
alone misses the copies. :class:`IdentityPatcher` scans ``sys.modules`` and swaps every global
that *is* the original object (checked with ``is``), whatever its name there. On restore it scans
again, so modules imported while the fake was active (which copied the fake) are restored too.
A local ``from x import f`` inside a function reads ``x`` at call time and sees the fake.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import KeysView
from types import ModuleType
from typing import Any

from golden_harness.exceptions import ScriptError

__all__ = ["IdentityPatcher", "resolve_target"]


def resolve_target(target: str) -> Any:
    """Import ``"pkg.mod:Qual.name"`` or ``"pkg.mod.name"`` and return the object it names."""
    if ":" in target:
        module_name, _, qualname = target.partition(":")
    else:
        module_name, _, qualname = target.rpartition(".")
    if not module_name or not qualname:
        raise ScriptError(
            f"Cannot resolve {target!r}: write it as 'package.module:Qualified.name' or "
            f"'package.module.name', or pass the object itself."
        )
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as error:
        raise ScriptError(
            f"Cannot resolve {target!r}: importing {module_name!r} failed ({error})."
        ) from None
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ScriptError(
                f"Cannot resolve {target!r}: {obj!r} has no attribute {part!r}."
            ) from None
    return obj


def _namespaces() -> list[dict[str, Any]]:
    found = []
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None) if isinstance(module, ModuleType) else None
        if isinstance(namespace, dict):
            found.append(namespace)
    return found


def _holders(ids: KeysView[int]) -> list[tuple[dict[str, Any], str, Any]]:
    """Every ``(namespace, name, value)`` of a loaded module whose value's id is in ``ids``.

    The membership test runs in C (``isdisjoint`` over ``map(id, ...)``); only the few namespaces
    that hold a target are walked in Python.
    """
    found = []
    for namespace in _namespaces():
        if not ids.isdisjoint(map(id, namespace.values())):
            found += [(namespace, k, v) for k, v in list(namespace.items()) if id(v) in ids]
    return found


class IdentityPatcher:
    """Swaps objects by identity across module namespaces; :meth:`restore` undoes every swap."""

    def __init__(self) -> None:
        self._originals: dict[int, Any] = {}
        self._replacements: dict[int, Any] = {}
        self._pending: dict[int, Any] = {}
        self._alive: list[Any] = []
        self.scans = 0

    def patch(self, original: Any, replacement: Any, *, defer: bool = False) -> None:
        """Swap ``original`` for ``replacement`` everywhere; with ``defer``, at the next scan."""
        if id(original) in self._originals:
            raise ScriptError(
                f"{original!r} is already faked in this scenario; script the existing fake "
                f"instead of faking it twice."
            )
        self._originals[id(original)] = original
        self._replacements[id(replacement)] = original
        self._pending[id(original)] = replacement
        self._alive.append(replacement)
        if not defer:
            self.apply()

    def apply(self) -> None:
        """Perform all pending swaps with one scan of the loaded modules."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        self.scans += 1
        for namespace, key, value in _holders(pending.keys()):
            namespace[key] = pending[id(value)]

    def restore(self) -> None:
        """Put every original back, including in modules imported since the swap."""
        self._pending.clear()
        if not self._replacements:
            return
        replacements, self._replacements = self._replacements, {}
        self._originals.clear()
        self.scans += 1
        for namespace, key, value in _holders(replacements.keys()):
            namespace[key] = replacements[id(value)]
        self._alive.clear()
