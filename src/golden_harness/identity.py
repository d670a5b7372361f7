"""Replace objects by identity in every loaded module namespace, and put them back.

``from x import f`` copies a reference to ``f`` into the importing module, so patching ``x.f``
alone misses the copies. :class:`IdentityPatcher` scans ``sys.modules`` and swaps every global
that *is* the original object (checked with ``is``), whatever its name there. On restore it scans
again, so modules imported while the fake was active (which copied the fake) are restored too.
A local ``from x import f`` inside a function reads ``x`` at call time and sees the fake.

Where an object was found is remembered for the process (:class:`HolderIndex`): patching the same
object in a later scenario re-checks the remembered places and rescans only the modules that are
new or whose namespace changed size since, instead of every module. Restoring always scans every
module, so no fake can outlive its scenario.
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


def _holders(
    ids: KeysView[int], namespaces: list[dict[str, Any]] | None = None
) -> list[tuple[dict[str, Any], str, Any]]:
    """Every ``(namespace, name, value)`` of a loaded module whose value's id is in ``ids``.

    The membership test runs in C (``isdisjoint`` over ``map(id, ...)``); only the few namespaces
    that hold a target are walked in Python.
    """
    found = []
    for namespace in _namespaces() if namespaces is None else namespaces:
        if not ids.isdisjoint(map(id, namespace.values())):
            found += [(namespace, k, v) for k, v in list(namespace.items()) if id(v) in ids]
    return found


class HolderIndex:
    """Remembers, per patched object, which module namespaces held it (see the module docs)."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[Any, list[tuple[dict[str, Any], str]], dict[int, int]]] = {}

    def holders(self, targets: dict[int, Any]) -> list[tuple[dict[str, Any], str, Any]]:
        """``(namespace, name, object)`` for every global that is one of ``targets`` (by id)."""
        namespaces = _namespaces()
        unknown = {i: obj for i, obj in targets.items() if self._entry(i, obj) is None}
        found: list[tuple[dict[str, Any], str, Any]] = []
        if unknown:
            hits = _holders(unknown.keys(), namespaces)
            sizes = {id(ns): len(ns) for ns in namespaces}
            for i, obj in unknown.items():
                places = [(ns, key) for ns, key, value in hits if value is obj]
                self._entries[i] = (obj, places, dict(sizes))
            found += hits
        for i, obj in targets.items():
            if i not in unknown:
                found += self._refresh(i, obj, namespaces)
        return found

    def _entry(self, key: int, obj: Any) -> Any:
        entry = self._entries.get(key)
        return entry if entry is not None and entry[0] is obj else None

    def _refresh(
        self, key: int, obj: Any, namespaces: list[dict[str, Any]]
    ) -> list[tuple[dict[str, Any], str, Any]]:
        _, places, sizes = self._entries[key]
        live = {id(ns) for ns in namespaces}
        kept = [(ns, name) for ns, name in places if id(ns) in live and ns.get(name) is obj]
        changed = [ns for ns in namespaces if sizes.get(id(ns)) != len(ns)]
        for ns, name, _value in _holders({key: obj}.keys(), changed):
            if (ns, name) not in kept:
                kept.append((ns, name))
        self._entries[key] = (obj, kept, {id(ns): len(ns) for ns in namespaces})
        return [(ns, name, obj) for ns, name in kept]


_INDEX = HolderIndex()


class IdentityPatcher:
    """Swaps objects by identity across module namespaces; :meth:`restore` undoes every swap."""

    def __init__(self) -> None:
        self._originals: dict[int, Any] = {}
        self._replacements: dict[int, Any] = {}
        self._alive: list[Any] = []

    def patch(self, original: Any, replacement: Any) -> None:
        """Swap ``original`` for ``replacement`` in every loaded module namespace."""
        if id(original) in self._originals:
            raise ScriptError(
                f"{original!r} is already faked in this scenario; script the existing fake "
                f"instead of faking it twice."
            )
        self._originals[id(original)] = original
        self._replacements[id(replacement)] = original
        self._alive.append(replacement)
        for namespace, key, _value in _INDEX.holders({id(original): original}):
            namespace[key] = replacement

    def restore(self) -> None:
        """Put every original back, including in modules imported since the swap."""
        if not self._replacements:
            return
        replacements, self._replacements = self._replacements, {}
        self._originals.clear()
        for namespace, key, value in _holders(replacements.keys()):
            namespace[key] = replacements[id(value)]
        self._alive.clear()
