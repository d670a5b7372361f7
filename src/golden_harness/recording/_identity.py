"""Replace objects by identity in every loaded module namespace, and put them back.

``from x import f`` copies a reference to ``f`` into the importing module, so patching ``x.f``
alone misses the copies. :class:`IdentityPatcher` swaps every module global that *is* the
original object (checked with ``is``), whatever its name there, and :meth:`IdentityPatcher.restore`
puts the original back wherever the replacement is found, including in modules imported while the
fake was active (which copied the fake). A local ``from x import f`` inside a function reads ``x``
at call time and sees the fake.

Where objects are is kept in one process-wide :class:`HolderIndex`, maintained incrementally: it
watches ``sys.modules`` and the size of every module namespace (compared in C, a few microseconds
for a thousand modules), and rescans only the namespaces that are new or whose size changed since
it last looked, for every object it tracks (the originals ever patched and the replacements now
active). The first patch of an object scans every module once; later patches of it, and every
restore, touch only the places already known plus the namespaces that changed. A module that
rebinds an existing global to a tracked object without changing its namespace's size is not
noticed (see the limitations in the harness docs).
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


def _namespaces(modules: list[Any]) -> list[dict[str, Any]]:
    found = []
    for module in modules:
        namespace = getattr(module, "__dict__", None) if isinstance(module, ModuleType) else None
        if isinstance(namespace, dict):
            found.append(namespace)
    return found


def _holders(
    ids: KeysView[int], namespaces: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], str, Any]]:
    """Every ``(namespace, name, value)`` of ``namespaces`` whose value's id is in ``ids``.

    The membership test runs in C (``isdisjoint`` over ``map(id, ...)``); only the few namespaces
    that hold a target are walked in Python.
    """
    found = []
    for namespace in namespaces:
        if not ids.isdisjoint(map(id, namespace.values())):
            found += [(namespace, k, v) for k, v in list(namespace.items()) if id(v) in ids]
    return found


Place = tuple[dict[str, Any], str]


class HolderIndex:
    """Which module namespaces hold each tracked object, kept current incrementally.

    An entry maps ``id(obj)`` to ``(obj, places)``; places map ``(id(namespace), name)`` to the
    namespace (keyed by identity: namespaces are never compared by value). Places are candidates:
    a lookup keeps those where ``namespace[name] is obj``.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[Any, dict[tuple[int, str], dict[str, Any]]]] = {}
        self._modules: list[Any] = []
        self._namespaces: list[dict[str, Any]] = []
        self._sizes: list[int] = []

    def sync(self) -> None:
        """Rescan, for every tracked object, the namespaces that are new or changed size."""
        modules = list(sys.modules.values())
        if modules != self._modules:
            old = {id(ns): size for ns, size in zip(self._namespaces, self._sizes, strict=True)}
            self._modules, self._namespaces = modules, _namespaces(modules)
            self._sizes = list(map(len, self._namespaces))
            changed = [
                ns
                for ns, size in zip(self._namespaces, self._sizes, strict=True)
                if old.get(id(ns)) != size
            ]
            live = {id(ns) for ns in self._namespaces}
            if not live.issuperset(old):
                self._forget(live)
        else:
            sizes = list(map(len, self._namespaces))
            if sizes == self._sizes:
                return
            changed = [
                ns
                for ns, old, new in zip(self._namespaces, self._sizes, sizes, strict=True)
                if old != new
            ]
            self._sizes = sizes
        if changed and self._entries:
            for ns, name, value in _holders(self._entries.keys(), changed):
                obj, places = self._entries[id(value)]
                if obj is value:
                    places[id(ns), name] = ns

    def _forget(self, live: set[int]) -> None:
        """Drop the places in namespaces no longer in ``sys.modules`` (ids in ``live`` stay)."""
        for _obj, places in self._entries.values():
            for key in [key for key in places if key[0] not in live]:
                del places[key]

    def holders(self, obj: Any, *, sync: bool = True) -> list[Place]:
        """Every ``(namespace, name)`` of a loaded module whose value is ``obj``; tracks ``obj``.

        ``sync=False`` skips looking for changed namespaces (the caller has just done it).
        """
        if sync:
            self.sync()
        entry = self._entries.get(id(obj))
        if entry is None or entry[0] is not obj:
            hits = _holders({id(obj): None}.keys(), self._namespaces)
            entry = self._entries[id(obj)] = (obj, {(id(ns), name): ns for ns, name, _ in hits})
        return [(ns, name) for (_, name), ns in entry[1].items() if ns.get(name) is obj]

    def track(self, obj: Any, places: list[Place]) -> None:
        """Track ``obj`` (a replacement just put in ``places``) without scanning for it."""
        self._entries[id(obj)] = (obj, {(id(ns), name): ns for ns, name in places})

    def untrack(self, obj: Any) -> None:
        """Stop tracking ``obj``."""
        entry = self._entries.get(id(obj))
        if entry is not None and entry[0] is obj:
            del self._entries[id(obj)]

    def add_places(self, obj: Any, places: list[Place]) -> None:
        """Note that ``obj`` (tracked) now also lives in ``places``."""
        entry = self._entries.get(id(obj))
        if entry is not None and entry[0] is obj:
            entry[1].update(((id(ns), name), ns) for ns, name in places)


_INDEX = HolderIndex()


class IdentityPatcher:
    """Swaps objects by identity across module namespaces; :meth:`restore` undoes every swap."""

    def __init__(self) -> None:
        self._originals: dict[int, Any] = {}
        self._replacements: dict[int, Any] = {}
        self._alive: list[Any] = []

    def patch(self, original: Any, replacement: Any) -> None:
        """Swap ``original`` for ``replacement`` in every loaded module namespace."""
        self.patch_many([(original, replacement)])

    def patch_many(self, pairs: list[tuple[Any, Any]]) -> None:
        """Swap each ``original`` for its ``replacement``, looking for changed namespaces once."""
        for original, _ in pairs:
            if id(original) in self._originals:
                raise ScriptError(
                    f"{original!r} is already faked in this scenario; script the existing fake "
                    f"instead of faking it twice."
                )
        _INDEX.sync()
        for original, replacement in pairs:
            self._originals[id(original)] = original
            self._replacements[id(replacement)] = original
            self._alive.append(replacement)
            places = _INDEX.holders(original, sync=False)
            for namespace, key in places:
                namespace[key] = replacement
            _INDEX.track(replacement, places)

    def restore(self) -> None:
        """Put every original back, including in modules imported since the swap."""
        if not self._replacements:
            return
        replacements, self._replacements = self._replacements, {}
        self._originals.clear()
        alive, self._alive = self._alive, []
        _INDEX.sync()
        for replacement in alive:
            original = replacements[id(replacement)]
            places = _INDEX.holders(replacement, sync=False)
            for namespace, key in places:
                namespace[key] = original
            _INDEX.untrack(replacement)
            _INDEX.add_places(original, places)
