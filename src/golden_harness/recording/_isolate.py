"""Build an instance of a large class without running ``__init__``, with its seam isolated.

:func:`isolate_instance` creates the instance through a thin subclass that keeps the class's
name, module and qualified name, so ``isinstance`` and reprs behave. Every method defined by the
class (plain, static or class methods, excluding dunders) that is not listed in ``real`` is
replaced on the instance by a fake recorded as ``self.<method>``; attributes given in ``attrs``
are set as they are (they are real). Reading an attribute that was neither set nor is a method
raises :class:`UnsetAttributeError` (an ``AttributeError``) with the line that would set it;
a class with a ``__getattr__`` of its own (a facade delegating to the object it wraps) is asked
first, as without isolation.

A plain read in the code (``self.db``, ``self.db.save()``, ``self.count += 1``) is a mistake of
the scenario: the error is also handed to ``on_error`` (the recorder keeps it, so the scenario
fails even when the seam catches it). A probe through ``getattr(obj, name, default)`` or
``hasattr`` (the caller's instruction is a call, not an attribute read) is how code asks whether
an attribute exists: it sees the attribute as absent and nothing is kept.
"""

from __future__ import annotations

import difflib
import dis
import inspect
import sys
from collections.abc import Callable, Iterable, Mapping
from types import FrameType
from typing import Any

from golden_harness.exceptions import GoldenHarnessError, ScriptError, UnsetAttributeError
from golden_harness.format import ISOLATED_MARKER, isolated_name

__all__ = ["ISOLATED_MARKER", "isolate_instance", "isolated_name", "method_names"]


def method_names(cls: type) -> list[str]:
    """Names of the non-dunder methods ``cls`` and its bases (except ``object``) define."""
    names: dict[str, None] = {}
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, value in vars(klass).items():
            if name.startswith("__") and name.endswith("__"):
                continue
            if inspect.isfunction(value) or isinstance(value, (staticmethod, classmethod)):
                names.setdefault(name, None)
    return list(names)


# The instructions by which Python code reads an attribute (``LOAD_METHOD`` until 3.11,
# ``LOAD_SUPER_ATTR`` from 3.12); ``getattr()`` and ``hasattr()`` are calls instead.
_ATTRIBUTE_READS = frozenset(
    dis.opmap[name] for name in ("LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR") if name in dis.opmap
)


def _is_attribute_read(frame: FrameType | None) -> bool:
    """Whether ``frame`` (the caller of ``__getattr__``) is executing a plain attribute read."""
    if frame is None:
        return False
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and code[frame.f_lasti] in _ATTRIBUTE_READS


def _missing_attribute(
    cls: type, on_error: Callable[[GoldenHarnessError], GoldenHarnessError] | None
) -> Callable[[Any, str], Any]:
    own = getattr(cls, "__getattr__", None)
    resolving: set[tuple[int, str]] = set()

    def __getattr__(self: Any, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        key = (id(self), name)
        if own is not None and key not in resolving:
            # The class delegates unknown attributes itself (a facade): let it, as it would.
            resolving.add(key)
            try:
                return own(self, name)
            except UnsetAttributeError:
                raise
            except AttributeError:
                pass
            finally:
                resolving.discard(key)
        error = UnsetAttributeError(cls.__qualname__, name)
        if on_error is not None and _is_attribute_read(sys._getframe(1)):
            raise on_error(error)
        raise error

    return __getattr__


def isolate_instance(
    cls: type,
    *,
    real: Iterable[str],
    attrs: Mapping[str, Any],
    make_fake: Callable[[str], Any],
    prefix: str = "self",
    on_error: Callable[[GoldenHarnessError], GoldenHarnessError] | None = None,
) -> Any:
    """Return an instance of ``cls`` built without ``__init__``; see the module docstring."""
    if not isinstance(cls, type):
        raise ScriptError(f"golden.isolate() takes a class, got {cls!r}.")
    methods = method_names(cls)
    real_names = list(real)
    for name in real_names:
        if name not in methods and not hasattr(cls, name):
            close = difflib.get_close_matches(name, methods, n=3)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise ScriptError(
                f"golden.isolate({cls.__qualname__}, real=[...{name!r}...]): {cls.__qualname__} "
                f"has no method {name!r}.{hint}"
            )
    namespace = {
        ISOLATED_MARKER: prefix,
        "__getattr__": _missing_attribute(cls, on_error),
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
    }
    isolated_cls = type(cls.__name__, (cls,), namespace)
    instance: Any = object.__new__(isolated_cls)
    for name in methods:
        if name not in real_names:
            instance.__dict__[name] = make_fake(f"{prefix}.{name}")
    for name, value in attrs.items():
        setattr(instance, name, value)
    return instance
