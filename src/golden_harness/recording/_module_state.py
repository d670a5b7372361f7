"""Module state a seam changes: recorded as ``global`` events, and put back after the scenario.

:class:`ModuleState` watches the namespaces of the modules a seam covers (the seam's
``covers``, and the module of the function ``golden.call`` runs). Around each call it compares
every global: a name bound to another object (``global _count; _count += 1``), added or deleted
gives a ``global`` event with ``before`` and ``after``; a module-level dict, list or set changed in
place (``_registry[name] = handler``) gives one with ``changes``, as ``mutated`` does. Events
name the global only (not its module), so moving code between modules changes nothing.

When the scenario ends, every global of those modules is put back as it was before the
scenario's first call (containers changed in place get their old items back, keeping their
identity), so no scenario sees what another one left. ``functools`` caches of the modules'
functions and of their classes' methods (and of the modules of the same package they import as
modules) are cleared before the first call and at the end, and
so are ``cached_property`` values of the seam's instance, of its arguments and of the modules'
instances: a scenario never reads a value cached by another.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sys
import types
import weakref
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["MISSING", "ModuleState"]

_CONTAINERS = (dict, list, set)
_MISSING = object()
MISSING = _MISSING
"""Stands for a global that did not exist (before) or no longer exists (after)."""


def _clear_cache(value: Any) -> None:
    """``value.cache_clear()`` when ``value`` is a ``functools`` cache (looked up on its type, so
    that objects answering every attribute, such as fakes, are left alone)."""
    if callable(getattr(type(value), "cache_clear", None)):
        value.cache_clear()


def _clear_module_caches(namespace: dict[str, Any], module_name: str) -> None:
    for value in list(namespace.values()):
        if isinstance(value, type):
            if value.__module__ == module_name:
                for attribute in list(vars(value).values()):
                    if isinstance(attribute, (staticmethod, classmethod)):
                        attribute = attribute.__func__
                    _clear_cache(attribute)
        elif not isinstance(value, types.ModuleType):
            _clear_cache(value)


def _clear_caches(namespace: dict[str, Any], module_name: str) -> None:
    """Clear the caches of a watched module, and of the modules of its own package it imports
    as modules (``from pkg import helpers`` then ``helpers.rate(...)``): a cached function moved
    out of a watched module is then reached through a module, and must not carry a value over."""
    _clear_module_caches(namespace, module_name)
    package = module_name.partition(".")[0]
    for value in list(namespace.values()):
        if (
            isinstance(value, types.ModuleType)
            and value.__name__ != module_name
            and value.__name__.partition(".")[0] == package
        ):
            _clear_module_caches(vars(value), value.__name__)


_PROPERTY_NAMES: weakref.WeakKeyDictionary[type, tuple[str, ...]] = weakref.WeakKeyDictionary()


def _cached_property_names(cls: type) -> tuple[str, ...]:
    """The names of ``cls``'s ``cached_property`` attributes (remembered while ``cls`` lives)."""
    names = _PROPERTY_NAMES.get(cls)
    if names is None:
        names = _PROPERTY_NAMES[cls] = tuple(
            name
            for klass in cls.__mro__
            for name, attribute in vars(klass).items()
            if isinstance(attribute, functools.cached_property)
        )
    return names


def clear_cached_properties(value: Any) -> None:
    """Forget the ``cached_property`` values stored on ``value``."""
    if isinstance(value, type | types.ModuleType):
        return
    cls: Any = type(value)
    try:
        names = _cached_property_names(cls)
    except TypeError:  # an unhashable metaclass
        return
    stored = getattr(value, "__dict__", None)
    if names and isinstance(stored, dict):
        for name in names:
            stored.pop(name, None)


class ModuleState:
    """The globals of watched modules, compared around each call and restored at the end."""

    def __init__(self, module_names: Iterable[str]) -> None:
        self._names = list(dict.fromkeys(module_names))
        self._original: dict[str, dict[str, Any]] = {}
        self._contents: dict[tuple[str, str], Any] = {}
        self._instances: list[Any] = []

    def watch(self, module_name: str | None) -> None:
        """Also watch ``module_name`` (from the scenario's next call on)."""
        if module_name and module_name not in self._names:
            self._names.append(module_name)

    def _modules(self) -> list[types.ModuleType]:
        found = []
        for name in self._names:
            module = sys.modules.get(name)
            if isinstance(module, types.ModuleType):
                found.append(module)
        return found

    def before_call(
        self, instances: Iterable[Any]
    ) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """Clear caches (first call), note the original state, and return the state to compare
        after this call: per module, its bindings and copies of its containers."""
        self._instances.extend(instances)
        state: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for module in self._modules():
            namespace = vars(module)
            if module.__name__ not in self._original:
                _clear_caches(namespace, module.__name__)
                for value in namespace.values():
                    if not isinstance(value, type | types.ModuleType | types.FunctionType):
                        clear_cached_properties(value)
                self._original[module.__name__] = _state_of(namespace)
                for name, value in self._original[module.__name__].items():
                    copied = _copy(value)
                    if copied is not _MISSING:
                        self._contents[module.__name__, name] = copied
            bindings = _state_of(namespace)
            copies = {n: c for n, v in bindings.items() if (c := _copy(v)) is not _MISSING}
            state[module.__name__] = (bindings, copies)
        for instance in self._instances:
            clear_cached_properties(instance)
        return state

    def changes(
        self,
        before: dict[str, tuple[dict[str, Any], dict[str, Any]]],
        describe: Callable[[Any, Any], dict[str, Any] | None],
    ) -> list[dict[str, Any]]:
        """``global`` events for what changed since ``before``; ``describe(old, new)`` gives the
        event's fields for a value (``before``/``after`` or ``changes``), or None for no change."""
        events: list[dict[str, Any]] = []
        for module in self._modules():
            recorded = before.get(module.__name__)
            if recorded is None:
                continue
            bindings, copies = recorded
            namespace = vars(module)
            for name in [*bindings, *(n for n in namespace if n not in bindings)]:
                if _is_dunder(name):
                    continue
                old = bindings.get(name, _MISSING)
                new = namespace.get(name, _MISSING)
                if old is new:
                    copied = copies.get(name, _MISSING)
                    if copied is _MISSING or _equal(copied, new):
                        continue
                    fields = describe(copied, new)
                else:
                    if _is_code(old) or _is_code(new):
                        continue
                    fields = describe(old, new)
                if fields:
                    events.append({"global": name, **fields})
        return events

    def restore(self) -> None:
        """Put every watched global back as it was before the scenario's first call; clear the
        caches the scenario filled."""
        for module in self._modules():
            original = self._original.get(module.__name__)
            if original is None:
                continue
            namespace = vars(module)
            for name in [n for n in namespace if n not in original and not _is_dunder(n)]:
                if not _is_code(namespace[name]):
                    del namespace[name]
            for name, value in original.items():
                if namespace.get(name, _MISSING) is not value:
                    namespace[name] = value
                copied = self._contents.get((module.__name__, name), _MISSING)
                if copied is not _MISSING and not _equal(copied, value):
                    _refill(value, copied)
            _clear_caches(namespace, module.__name__)
        for instance in self._instances:
            clear_cached_properties(instance)
        self._original.clear()
        self._contents.clear()
        self._instances.clear()


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _state_of(namespace: dict[str, Any]) -> dict[str, Any]:
    """A module's own globals: its dunder names (``__builtins__``, ``__dict__``...) left out."""
    return {name: value for name, value in namespace.items() if not _is_dunder(name)}


def _is_code(value: Any) -> bool:
    """Functions, classes and modules: a seam rebinding them is faking, not state."""
    return isinstance(value, type | types.ModuleType) or inspect.isroutine(value)


def _copy(value: Any) -> Any:
    if type(value) not in _CONTAINERS:
        return _MISSING
    try:
        return copy.deepcopy(value)
    except Exception:  # an item that cannot be copied: the container is not compared
        return _MISSING


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and (not isinstance(a, dict) or list(a) == list(b))
    except Exception:
        return False


def _refill(container: Any, items: Any) -> None:
    if isinstance(container, dict):
        container.clear()
        container.update(copy.deepcopy(items))
    elif isinstance(container, list):
        container[:] = copy.deepcopy(items)
    elif isinstance(container, set):
        container.clear()
        container.update(copy.deepcopy(items))
