"""Serialization of recorded values: plain data, objects by type and public fields, clear errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import types
import uuid
from collections import namedtuple
from pathlib import Path

import pytest
from sqlalchemy import Integer, String, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from golden_harness import Tagged, UnserializableValueError, register_serializer
from golden_harness.format import Normalizer
from golden_harness.format._serialize import _SERIALIZERS, ValueSerializer
from golden_harness.recording import fake_path


@pytest.fixture
def serialize() -> ValueSerializer:
    return ValueSerializer(Normalizer(environ={}), fake_path)


@dataclasses.dataclass
class Line:
    sku: str
    qty: int
    _cache: object = None


Point = namedtuple("Point", "x y")


class Colour(enum.Enum):
    RED = 1


class Opaque:
    def __init__(self) -> None:
        self.value = 1


class Base(DeclarativeBase):
    pass


class PhaseRow(Base):
    __tablename__ = "phases"
    phase_id: Mapped[str] = mapped_column(String, primary_key=True)
    retry_attempt: Mapped[int] = mapped_column(Integer)


def test_containers_keep_order_and_types(serialize: ValueSerializer) -> None:
    value = {"b": [1, (2, 3)], "a": {5, 4}, "c": frozenset({"z", "y"})}
    assert serialize(value) == {
        "b": [1, Tagged("tuple", [2, 3])],
        "a": Tagged("set", [4, 5]),
        "c": Tagged("set", ["y", "z"]),
    }
    assert list(serialize(value)) == ["b", "a", "c"]


def test_objects_by_type_name_and_public_fields(serialize: ValueSerializer) -> None:
    assert serialize(Line("pen", 2)) == Tagged("Line", {"sku": "pen", "qty": 2})
    assert serialize(Point(1, 2)) == Tagged("Point", {"x": 1, "y": 2})
    assert serialize(Colour.RED) == Tagged("Colour", "RED")


def test_simple_namespace_uses_its_type_name(serialize: ValueSerializer) -> None:
    assert serialize(types.SimpleNamespace(a=1, _hidden=2)) == Tagged("SimpleNamespace", {"a": 1})


def test_standard_library_values(serialize: ValueSerializer) -> None:
    assert serialize(dt.datetime(2024, 1, 2, 3, 4, 5)) == Tagged("datetime", "2024-01-02T03:04:05")
    assert serialize(dt.date(2024, 1, 2)) == Tagged("date", "2024-01-02")
    assert serialize(dt.timedelta(seconds=90)) == Tagged("timedelta", "0:01:30")
    assert serialize(decimal.Decimal("12.50")) == Tagged("decimal", "12.50")
    assert serialize(b"hi") == Tagged("bytes", "hi")
    assert serialize(b"\xff\x00") == Tagged("bytes-hex", "ff00")
    assert serialize(ValueError("bad")) == Tagged("ValueError", "bad")
    assert serialize(Path("a/b")) == Tagged("path", "a/b")
    assert serialize(Line) == Tagged("class", "Line")


def test_uuids_are_numbered(serialize: ValueSerializer) -> None:
    first, second = uuid.UUID(int=1), uuid.UUID(int=2)
    assert serialize([first, second, first]) == [
        Tagged("uuid", "<uuid-1>"),
        Tagged("uuid", "<uuid-2>"),
        Tagged("uuid", "<uuid-1>"),
    ]


def test_sqlalchemy_rows_and_mapped_instances_on_real_sqlite(serialize: ValueSerializer) -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(PhaseRow(phase_id="p1", retry_attempt=2))
        session.commit()
        instance = session.scalars(select(PhaseRow)).one()
        row = session.execute(text("SELECT phase_id, retry_attempt FROM phases")).one()

        assert serialize(instance) == Tagged("PhaseRow", {"phase_id": "p1", "retry_attempt": 2})
        assert serialize(row) == Tagged("Row", {"phase_id": "p1", "retry_attempt": 2})


def test_secret_keys_are_redacted_but_token_counts_are_not(serialize: ValueSerializer) -> None:
    value = {"api_key": "abc123", "max_tokens": 8192, "token_budget": {"x": 1}, "password": None}
    assert serialize(value) == {
        "api_key": "<redacted>",
        "max_tokens": 8192,
        "token_budget": {"x": 1},
        "password": None,
    }


def test_unknown_object_names_its_type_and_the_registration_call(
    serialize: ValueSerializer,
) -> None:
    with pytest.raises(UnserializableValueError) as caught:
        serialize({"order": [Opaque()]}, "db.save keyword arguments")
    message = str(caught.value)
    assert "test_serialize.Opaque" in message
    assert "db.save keyword arguments['order'][0]" in message
    assert "golden_harness.register_serializer(Opaque, lambda obj:" in message
    assert "0x" not in message


def test_registered_serializer_is_used_for_subclasses(serialize: ValueSerializer) -> None:
    class Special(Opaque):
        pass

    register_serializer(Opaque, lambda obj: {"value": obj.value})
    try:
        assert serialize(Special()) == Tagged("Special", {"value": 1})
    finally:
        del _SERIALIZERS[Opaque]


def test_register_serializer_rejects_non_classes() -> None:
    with pytest.raises(TypeError, match="takes a class and a callable"):
        register_serializer("Opaque", str)  # type: ignore[arg-type]


def test_self_containing_value_is_an_error(serialize: ValueSerializer) -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(UnserializableValueError, match="contains itself"):
        serialize(loop)


class _Slotted:
    __slots__ = ("__hidden", "_balance", "name", "unset")

    def __init__(self) -> None:
        self.name = "ada"
        self._balance = 3
        self.__hidden = "h"


class _MoreSlots(_Slotted):
    __slots__ = "extra"

    def __init__(self) -> None:
        super().__init__()
        self.extra = [1]


def test_slots_instances_are_written_by_their_slots_without_a_serializer(
    serialize: ValueSerializer,
) -> None:
    assert serialize(_MoreSlots()) == Tagged(
        "_MoreSlots",
        {"_Slotted__hidden": "h", "_balance": 3, "name": "ada", "extra": [1]},
    )
