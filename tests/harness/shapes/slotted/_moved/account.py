"""An account that applies transactions, with its fields in ``__slots__``."""

from __future__ import annotations

from dataclasses import dataclass

from slotted.ledger import apply_transaction


@dataclass(frozen=True)
class Transaction:
    kind: str
    amount: int


class Account:
    __slots__ = ("_balance", "_history", "overdraft", "owner")

    def __init__(self, owner: str, *, overdraft: int = 0) -> None:
        self.owner = owner
        self.overdraft = overdraft
        self._balance = 0
        self._history: list[str] = []

    @property
    def balance(self) -> int:
        return self._balance

    @balance.setter
    def balance(self, value: int) -> None:
        if value < -self.overdraft:
            raise ValueError(f"{self.owner} would be overdrawn: {value}")
        self._balance = value

    @property
    def fee(self) -> int:
        return 1 if self._balance < 100 else 0

    def apply(self, transaction: Transaction) -> Account:
        return apply_transaction(self, transaction)
