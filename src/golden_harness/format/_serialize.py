"""Turn recorded Python values into plain, normalized data that the golden format writes.

The result ("plain data") is made of ``None``, ``bool``, ``int``, ``float``, ``str``, ``list``,
``dict`` (insertion order kept) and :class:`Tagged` nodes for everything else: tuples, sets
(sorted), bytes, dates, decimals, paths, enums, exceptions, fakes, isolated instances (by class
name: the seam's own object passed to a collaborator), and objects written by type
name and public fields (dataclasses, namedtuples, pydantic models, SQLAlchemy rows and mapped
instances, ``SimpleNamespace``, instances of classes with ``__slots__``). Strings pass through the scenario's :class:`Normalizer`; values
under secret-looking keys become ``<redacted>``. Any other object raises
:class:`UnserializableValueError` naming its type and :func:`register_serializer`, never a repr
that carries an address.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import types
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from golden_harness.exceptions import UnserializableValueError
from golden_harness.format._normalize import Normalizer
from golden_harness.redaction import REDACTED, is_redactable, is_secret_name

__all__ = [
    "ISOLATED_MARKER",
    "Tagged",
    "ValueSerializer",
    "isolated_name",
    "register_serializer",
    "slot_fields",
    "type_tag",
]

_SERIALIZERS: dict[type, Callable[[Any], Any]] = {}

# Set on the class of every isolated instance: the path prefix its faked methods are recorded under.
ISOLATED_MARKER = "__golden_isolated__"


def isolated_name(value: object) -> str | None:
    """The class name of an instance the recorder isolated (see ``isolate_instance``), else None."""
    if ISOLATED_MARKER in vars(type(value)):
        return type(value).__qualname__
    return None


_SCALARS = (type(None), bool, int, float, str)


@dataclass(frozen=True)
class Tagged:
    """A value written with a YAML tag: ``!tag value`` (for example ``!tuple``, ``!Order``)."""

    tag: str
    value: Any


def register_serializer(cls: type, serializer: Callable[[Any], Any]) -> None:
    """Serialize instances of ``cls`` (and subclasses) as ``!<ClassName> serializer(obj)``.

    ``serializer`` returns plain data (dicts, lists, scalars, or other serializable values).
    """
    if not isinstance(cls, type) or not callable(serializer):
        raise TypeError(
            f"register_serializer(cls, serializer) takes a class and a callable, got "
            f"{cls!r} and {serializer!r}; for example "
            f"register_serializer(Money, lambda m: {{'amount': str(m.amount)}})."
        )
    _SERIALIZERS[cls] = serializer


def type_tag(cls: type) -> str:
    """The tag used for instances of ``cls``: its qualified name without the module."""
    return cls.__qualname__.rsplit("<locals>.", 1)[-1]


def _registered(value: object) -> Callable[[Any], Any] | None:
    for klass in type(value).__mro__:
        found = _SERIALIZERS.get(klass)
        if found is not None:
            return found
    return None


class ValueSerializer:
    """Serializes values for one scenario, using that scenario's normalizer."""

    def __init__(self, normalizer: Normalizer, fake_path: Callable[[object], str | None]) -> None:
        self.normalizer = normalizer
        self._fake_path = fake_path

    def __call__(self, value: object, where: str = "value") -> Any:
        """Return ``value`` as plain data; ``where`` names it in error messages."""
        return self._plain(value, where, set())

    def _plain(self, value: object, where: str, active: set[int]) -> Any:
        if isinstance(value, str):
            return self.normalizer.text(value)
        if isinstance(value, _SCALARS):
            return value
        fake = self._fake_path(value)
        if fake is not None:
            return Tagged("fake", fake)
        isolated = isolated_name(value)
        if isolated is not None:
            # The seam's own instance, passed on (e.g. `run_attempt(self, ...)`): named, not dumped.
            return Tagged("isolated", isolated)
        key = id(value)
        if key in active:
            raise UnserializableValueError(value, f"{where} (it contains itself)")
        active.add(key)
        try:
            return self._container_or_object(value, where, active)
        finally:
            active.discard(key)

    def _container_or_object(self, value: Any, where: str, active: set[int]) -> Any:
        custom = _registered(value)
        if custom is not None:
            return Tagged(type_tag(type(value)), self._plain(custom(value), where, active))
        if isinstance(value, dict):
            return self._mapping(value, where, active)
        if isinstance(value, list):
            return [self._plain(v, f"{where}[{i}]", active) for i, v in enumerate(value)]
        if isinstance(value, tuple):
            if hasattr(value, "_asdict"):
                return Tagged(type_tag(type(value)), self._mapping(value._asdict(), where, active))
            items = [self._plain(v, f"{where}[{i}]", active) for i, v in enumerate(value)]
            return Tagged("tuple", items)
        if isinstance(value, (set, frozenset)):
            items = [self._plain(v, f"{where}{{}}", active) for v in value]
            return Tagged("set", sorted(items, key=_sort_key))
        return self._leaf_object(value, where, active)

    def _leaf_object(self, value: Any, where: str, active: set[int]) -> Any:
        if isinstance(value, (bytes, bytearray)):
            try:
                return Tagged("bytes", self.normalizer.text(bytes(value).decode("utf-8")))
            except UnicodeDecodeError:
                return Tagged("bytes-hex", bytes(value).hex())
        if isinstance(value, enum.Enum):
            return Tagged(type_tag(type(value)), value.name)
        if isinstance(value, dt.datetime):
            return Tagged("datetime", value.isoformat())
        if isinstance(value, (dt.date, dt.time)):
            return Tagged("date" if isinstance(value, dt.date) else "time", value.isoformat())
        if isinstance(value, dt.timedelta):
            return Tagged("timedelta", str(value))
        if isinstance(value, decimal.Decimal):
            return Tagged("decimal", str(value))
        if isinstance(value, PurePath):
            return Tagged("path", self.normalizer.text(str(value)))
        if isinstance(value, uuid.UUID):
            return Tagged("uuid", self.normalizer.text(str(value)))
        if isinstance(value, BaseException):
            return Tagged(type_tag(type(value)), self.normalizer.text(str(value)))
        if isinstance(value, type):
            return Tagged("class", type_tag(value))
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
            return Tagged("function", value.__qualname__.rsplit("<locals>.", 1)[-1])
        fields = _public_fields(value)
        if fields is None:
            raise UnserializableValueError(value, where)
        return Tagged(type_tag(type(value)), self._mapping(fields, where, active))

    def _mapping(self, value: dict[Any, Any], where: str, active: set[int]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, item in value.items():
            plain_key = self._plain(key, f"{where} key", active)
            if not isinstance(plain_key, _SCALARS):
                plain_key = repr(plain_key)
            if plain_key in out:
                plain_key = distinct_key(plain_key, out)
            if isinstance(key, str) and is_secret_name(key) and is_redactable(item):
                out[plain_key] = REDACTED
            else:
                out[plain_key] = self._plain(item, f"{where}[{key!r}]", active)
        return out


def distinct_key(key: Any, taken: Mapping[Any, Any]) -> str:
    """``key`` with the first suffix `` (2)``, `` (3)``... that no key of ``taken`` has.

    Two keys that are one text after normalization (two ``sk-...`` keys are both ``<redacted>``,
    two objects whose reprs differ only by their addresses) stay two entries, in the order the
    dict holds them, so a change of either value still shows."""
    number = 2
    while f"{key} ({number})" in taken:
        number += 1
    return f"{key} ({number})"


def _public_fields(value: Any) -> dict[str, Any] | None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: getattr(value, f.name)
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if hasattr(value, "model_dump") and hasattr(type(value), "model_fields"):
        return {k: getattr(value, k) for k in type(value).model_fields if not k.startswith("_")}
    if hasattr(value, "_mapping") and hasattr(value, "_fields"):
        return dict(value._mapping)
    if hasattr(value, "_sa_instance_state"):
        from sqlalchemy import inspect as sa_inspect

        mapper = sa_inspect(value).mapper
        return {attr.key: getattr(value, attr.key) for attr in mapper.column_attrs}
    if isinstance(value, types.SimpleNamespace):
        return {k: v for k, v in vars(value).items() if not k.startswith("_")}
    return slot_fields(value)


def slot_fields(value: Any) -> dict[str, Any] | None:
    """The fields of an instance whose class declares ``__slots__``: every slot that holds a
    value (private ones too: they are where such classes keep their state), then the public
    attributes of its ``__dict__`` if it has one; None for a class without slots."""
    names: list[str] = []
    for klass in reversed(type(value).__mro__):
        declared = vars(klass).get("__slots__")
        if declared is None:
            continue
        for name in [declared] if isinstance(declared, str) else declared:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{klass.__name__.lstrip('_')}{name}"
            if name not in names:
                names.append(name)
    if not names:
        return None
    fields: dict[str, Any] = {}
    for name in names:
        try:
            fields[name] = object.__getattribute__(value, name)
        except AttributeError:
            continue
    instance_dict = getattr(value, "__dict__", None)
    if isinstance(instance_dict, dict):
        fields.update((k, v) for k, v in instance_dict.items() if not k.startswith("_"))
    return fields


def _sort_key(item: Any) -> tuple[str, str]:
    return (type(item).__name__, repr(item))
