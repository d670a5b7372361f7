"""Values for the scenario format's round-trip test (importable, as a replay needs)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Money:
    """Not a dataclass: recorded through ``register_harvest_type``."""

    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and other.cents == self.cents

    def __hash__(self) -> int:
        return hash(self.cents)


class Point(NamedTuple):
    x: int
    y: int


class Base(DeclarativeBase):
    pass


class Row(Base):
    """A mapped class whose constructor takes other arguments than its columns."""

    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]

    def __init__(self, text: str) -> None:
        self.label = text.upper()


def score(text: str) -> int:
    """A function with the same name as ``grading.score``."""
    return len(text)
