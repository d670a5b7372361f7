"""The harvested scenario format: exact values and the ``*.scenario.yaml`` document holding them.

A golden is written once and only compared, so its values may lose their type
(``!Order {...}``). A harvested scenario is read back to script fakes, so its values must
round-trip: :class:`ScenarioCodec` writes plain data with tags that name the type to rebuild
(``!tuple``, ``!set``, ``!frozenset``, ``!namedtuple {type, fields}``, ``!bytes``, ``!path``, ``!datetime``, ``!enum {type,
name}``, ``!dataclass {type, fields}``, ``!orm {type, fields}`` (a SQLAlchemy mapped instance, by its
columns; rebuilt detached, without ``__init__``), ``!registered {type, data}`` for the types of
:func:`register_harvest_type`), and :meth:`ScenarioCodec.decode` builds the same values again.
Type paths are written ``package.module:Qualified.Name``.

Strings are rewritten as in goldens where that is needed for a stable, safe file: secret values
and token shapes become ``<redacted>`` (so do values under secret-looking keys), the workspace
and the temporary folder become ``<workspace>`` and ``<tmp>``, the running interpreter
(``sys.executable``) ``<python>`` (decoding puts the replay's folders and interpreter in their
place), memory addresses become ``0x<addr>``. UUIDs are kept, and the
normalizers of ``register_normalizer`` are not applied: strings are data (a golden of the replay
normalizes them as usual).

The document is a YAML mapping in the golden format's style (same dumper, same tags), after the
header line ``# golden_harness scenario v1 (harvested)``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import importlib
import os
import re
import sys
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from golden_harness.exceptions import (
    HarvestValueError,
    MergedKeysError,
    ScenarioFormatError,
    UnserializableValueError,
)
from golden_harness.format._golden_format import _block, read_versioned_yaml
from golden_harness.format._normalize import Normalizer
from golden_harness.format._serialize import Tagged
from golden_harness.redaction import REDACTED, is_redactable, is_secret_name

__all__ = [
    "SCENARIO_HEADER",
    "SCENARIO_SUFFIX",
    "ScenarioCodec",
    "dump_scenario",
    "load_scenario",
    "register_harvest_type",
    "resolve_type",
    "type_path",
]

SCENARIO_VERSION = 1
SCENARIO_HEADER = f"# golden_harness scenario v{SCENARIO_VERSION} (harvested)"
SCENARIO_SUFFIX = ".scenario.yaml"
_HEADER_RE = re.compile(r"^# golden_harness scenario v(\d+)")

_HARVEST_TYPES: dict[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}


def register_harvest_type(
    cls: type, to_data: Callable[[Any], Any], from_data: Callable[[Any], Any]
) -> None:
    """Record instances of ``cls`` (and subclasses) in harvested scenarios as ``to_data(obj)``.

    ``to_data`` returns values a scenario can hold (plain data, dataclasses, ...); replay
    rebuilds the object with ``from_data(data)``, which must give back an equal object.
    """
    if not isinstance(cls, type) or not callable(to_data) or not callable(from_data):
        raise TypeError(
            f"register_harvest_type(cls, to_data, from_data) takes a class and two callables, got "
            f"{cls!r}, {to_data!r} and {from_data!r}; for example register_harvest_type(Money, "
            f"lambda m: str(m.amount), lambda s: Money(Decimal(s)))."
        )
    _HARVEST_TYPES[cls] = (to_data, from_data)


def type_path(cls: type) -> str:
    """``package.module:Qualified.Name`` of ``cls``: how a scenario names a type to rebuild."""
    return f"{cls.__module__}:{cls.__qualname__}"


def _registered(cls: type) -> tuple[type, Callable[[Any], Any]] | None:
    for klass in cls.__mro__:
        found = _HARVEST_TYPES.get(klass)
        if found is not None:
            return klass, found[0]
    return None


def _importable(cls: type, value: object, where: str) -> str:
    if "<locals>" in cls.__qualname__:
        raise HarvestValueError(
            value, f"{where} (its class is defined inside a function: replay cannot import it)"
        )
    return type_path(cls)


_SCALARS = (type(None), bool, int, float)
_DATA_TYPES = (
    str,
    *_SCALARS,
    list,
    dict,
    tuple,
    set,
    frozenset,
    bytes,
    bytearray,
    enum.Enum,
    dt.date,
    dt.time,
    dt.timedelta,
    decimal.Decimal,
    uuid.UUID,
    Path,
)


class ScenarioCodec:
    """Encodes values into exact scenario data and decodes them back (see the module docstring)."""

    def __init__(self, *, workspace: Path | None = None, tmp: Path | None = None) -> None:
        paths: list[tuple[str | os.PathLike[str], str]] = []
        if workspace is not None:
            paths.append((workspace, "<workspace>"))
        if tmp is not None:
            paths.append((tmp, "<tmp>"))
        if sys.executable:
            paths.append((sys.executable, "<python>"))
        self._normalizer = Normalizer(paths=paths, number_uuids=False, registered=False)
        self._workspace = workspace
        self._tmp = tmp

    def text(self, value: str) -> str:
        """``value`` with secrets redacted and the folders replaced by placeholders."""
        return self._normalizer.text(value)

    # -- encoding --------------------------------------------------------------------------
    def is_data(self, value: Any) -> bool:
        """Whether ``value`` is of a kind a scenario records as data (it may still contain
        something that is not); anything else is an object whose calls are recorded."""
        if isinstance(value, _DATA_TYPES) or _registered(type(value)) is not None:
            return True
        if hasattr(value, "_sa_instance_state") and not isinstance(value, type):
            return True
        return dataclasses.is_dataclass(value) and not isinstance(value, type)

    def encode(self, value: Any, where: str) -> Any:
        """``value`` as scenario data; :class:`HarvestValueError` names ``where`` otherwise."""
        return self._encode(value, where, set())

    def attribute(self, name: str, value: Any, where: str) -> Any:
        """The value of the attribute ``name`` as scenario data (``<redacted>`` when the name
        looks like a secret's)."""
        if is_secret_name(name) and is_redactable(value):
            return REDACTED
        return self.encode(value, where)

    def lenient(self, value: Any, where: str) -> Any:
        """``value`` as scenario data, or ``"<TypeName>"`` where it cannot be written (for text
        meant for the reader only, such as the arguments of a cut call)."""
        try:
            return self.encode(value, where)
        except MergedKeysError:
            raise
        except UnserializableValueError:
            pass
        if isinstance(value, (list, tuple)):
            return [self.lenient(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, dict):
            return {
                str(key): REDACTED
                if isinstance(key, str) and is_secret_name(key) and is_redactable(item)
                else self.lenient(item, f"{where}[{key!r}]")
                for key, item in value.items()
            }
        shown = getattr(value, "__class__", type(value))  # what a stand-in stands for
        return f"<{shown.__qualname__.rsplit('<locals>.', 1)[-1]}>"

    def _encode(self, value: Any, where: str, active: set[int]) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, _SCALARS):
            return value
        key = id(value)
        if key in active:
            raise HarvestValueError(value, f"{where} (it contains itself)")
        active.add(key)
        try:
            return self._encode_object(value, where, active)
        finally:
            active.discard(key)

    def _encode_object(self, value: Any, where: str, active: set[int]) -> Any:
        registered = _registered(type(value))
        if registered is not None:
            klass, to_data = registered
            data = self._encode(to_data(value), where, active)
            return Tagged("registered", {"type": type_path(klass), "data": data})
        kind = type(value)
        if kind is list:
            return [self._encode(v, f"{where}[{i}]", active) for i, v in enumerate(value)]
        if kind is dict:
            return self._mapping(value, where, active)
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            fields = {
                name: self._encode(item, f"{where}.{name}", active)
                for name, item in zip(value._fields, value, strict=True)
            }
            return Tagged("namedtuple", {"type": _importable(kind, value, where), "fields": fields})
        if kind is tuple:
            return Tagged(
                "tuple", [self._encode(v, f"{where}[{i}]", active) for i, v in enumerate(value)]
            )
        if kind in (set, frozenset):
            items = [self._encode(v, f"{where}{{}}", active) for v in value]
            return Tagged(kind.__name__, sorted(items, key=_sort_key))
        if kind in (bytes, bytearray):
            try:
                return Tagged(kind.__name__, self.text(bytes(value).decode("utf-8")))
            except UnicodeDecodeError:
                return Tagged(f"{kind.__name__}-hex", bytes(value).hex())
        return self._encode_leaf(value, where, active)

    def _encode_leaf(self, value: Any, where: str, active: set[int]) -> Any:
        if isinstance(value, enum.Enum):
            return Tagged(
                "enum", {"type": _importable(type(value), value, where), "name": value.name}
            )
        if isinstance(value, dt.datetime):
            return Tagged("datetime", value.isoformat())
        if isinstance(value, dt.date):
            return Tagged("date", value.isoformat())
        if isinstance(value, dt.time):
            return Tagged("time", value.isoformat())
        if isinstance(value, dt.timedelta):
            return Tagged("timedelta", [value.days, value.seconds, value.microseconds])
        if isinstance(value, decimal.Decimal):
            return Tagged("decimal", str(value))
        if isinstance(value, uuid.UUID):
            return Tagged("uuid", str(value))
        if isinstance(value, Path):
            return Tagged("path", self.text(str(value)))
        if hasattr(value, "_sa_instance_state") and not isinstance(value, type):
            return Tagged(
                "orm",
                {
                    "type": _importable(type(value), value, where),
                    "fields": self._columns(value, where, active),
                },
            )
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {
                f.name: self._encode(getattr(value, f.name), f"{where}.{f.name}", active)
                for f in dataclasses.fields(value)
            }
            return Tagged(
                "dataclass", {"type": _importable(type(value), value, where), "fields": fields}
            )
        raise HarvestValueError(value, where)

    def _columns(self, value: Any, where: str, active: set[int]) -> dict[str, Any]:
        """The column attributes of a SQLAlchemy mapped instance (relationships left out)."""
        from sqlalchemy import inspect as sa_inspect

        return {
            attr.key: self._encode(getattr(value, attr.key), f"{where}.{attr.key}", active)
            for attr in sa_inspect(type(value)).column_attrs
        }

    def _mapping(self, value: dict[Any, Any], where: str, active: set[int]) -> Any:
        if all(isinstance(key, str) for key in value):
            out: dict[str, Any] = {}
            positions: dict[str, int] = {}
            for position, (key, item) in enumerate(value.items(), start=1):
                text = self.text(key)
                if text in out:
                    raise MergedKeysError((positions[text], position), text, where)
                positions[text] = position
                if is_secret_name(key) and is_redactable(item):
                    out[text] = REDACTED
                else:
                    out[text] = self._encode(item, f"{where}[{key!r}]", active)
            return out
        pairs = [
            [self._encode(k, f"{where} key", active), self._encode(v, f"{where}[{k!r}]", active)]
            for k, v in value.items()
        ]
        return Tagged("dict", pairs)

    # -- decoding --------------------------------------------------------------------------
    def decode(self, data: Any, where: str = "value") -> Any:
        """The value ``data`` (written by :meth:`encode`) stands for; placeholders become the
        replay's folders."""
        if isinstance(data, str):
            return self._restore(data)
        if isinstance(data, list):
            return [self.decode(item, where) for item in data]
        if isinstance(data, dict):
            return {self._restore(str(k)): self.decode(v, where) for k, v in data.items()}
        if isinstance(data, Tagged):
            return self._decode_tagged(data, where)
        return data

    def _restore(self, text: str) -> str:
        if self._workspace is not None:
            text = text.replace("<workspace>", str(self._workspace))
        if self._tmp is not None:
            text = text.replace("<tmp>", str(self._tmp))
        if sys.executable:
            text = text.replace("<python>", sys.executable)
        return text

    def _decode_tagged(self, data: Tagged, where: str) -> Any:
        tag, raw = data.tag, data.value
        simple: dict[str, Callable[[Any], Any]] = {
            "tuple": lambda v: tuple(self.decode(v, where)),
            "set": lambda v: set(self.decode(v, where)),
            "frozenset": lambda v: frozenset(self.decode(v, where)),
            "bytes": lambda v: self._restore(v).encode("utf-8"),
            "bytearray": lambda v: bytearray(self._restore(v).encode("utf-8")),
            "bytes-hex": bytes.fromhex,
            "bytearray-hex": lambda v: bytearray(bytes.fromhex(v)),
            "datetime": dt.datetime.fromisoformat,
            "date": dt.date.fromisoformat,
            "time": dt.time.fromisoformat,
            "timedelta": lambda v: dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
            "decimal": decimal.Decimal,
            "uuid": uuid.UUID,
            "path": lambda v: Path(self._restore(v)),
            "dict": lambda v: {self.decode(k, where): self.decode(i, where) for k, i in v},
        }
        if tag in simple:
            return simple[tag](raw)
        if tag == "enum":
            return getattr(resolve_type(raw["type"], where), raw["name"])
        if tag == "dataclass":
            cls = resolve_type(raw["type"], where)
            obj = object.__new__(cls)
            for name, item in raw["fields"].items():
                object.__setattr__(obj, name, self.decode(item, where))
            return obj
        if tag == "orm":
            from sqlalchemy import inspect as sa_inspect
            from sqlalchemy.orm import configure_mappers

            cls = resolve_type(raw["type"], where)
            configure_mappers()  # a replay may build the first instance of the run
            obj = sa_inspect(cls).class_manager.new_instance()
            for name, item in raw["fields"].items():
                setattr(obj, name, self.decode(item, where))
            return obj
        if tag == "namedtuple":
            cls = resolve_type(raw["type"], where)
            return cls(**{name: self.decode(item, where) for name, item in raw["fields"].items()})
        if tag == "registered":
            cls = resolve_type(raw["type"], where)
            if cls not in _HARVEST_TYPES:
                raise ScenarioFormatError(
                    where,
                    1,
                    f"{raw['type']} was recorded with register_harvest_type, which this run has "
                    f"not called: register it (in conftest.py) before the scenarios replay",
                )
            return _HARVEST_TYPES[cls][1](self.decode(raw["data"], where))
        raise ScenarioFormatError(where, 1, f"unknown tag !{tag} in a harvested scenario")


def resolve_type(path: str, where: str) -> Any:
    """Import the object at ``package.module:Qualified.Name``; errors name ``where``."""
    module_name, _, qualname = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as error:
        raise ScenarioFormatError(where, 1, f"cannot import {path!r}: {error}") from None
    return obj


def _sort_key(item: Any) -> str:
    return repr(item)


def dump_scenario(document: Mapping[str, Any], *, comments: list[str] | None = None) -> str:
    """Render a scenario (a mapping of scenario data) as ``*.scenario.yaml`` text."""
    lines = [SCENARIO_HEADER, *(f"# {c}" for c in comments or [])]
    lines.extend(_block(dict(document), ""))
    return "\n".join(lines) + "\n"


def load_scenario(text: str, path: str = "<scenario>") -> dict[str, Any]:
    """Parse ``*.scenario.yaml`` text back into its mapping; errors name ``path``."""
    data = read_versioned_yaml(
        text,
        path,
        header=_HEADER_RE,
        expected=SCENARIO_HEADER,
        version=SCENARIO_VERSION,
        kind="scenario",
        upgrade="harvest the scenarios again",
        error=ScenarioFormatError,
    )
    if not isinstance(data, dict):
        raise ScenarioFormatError(path, 2, f"expected a mapping, found {type(data).__name__}")
    return data
