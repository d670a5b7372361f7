"""Values for the scenario format's round-trip test (importable, as a replay needs)."""

from __future__ import annotations

from typing import NamedTuple


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
