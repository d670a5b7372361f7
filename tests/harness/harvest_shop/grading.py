"""A module-level collaborator of the workshop (cut by identity when harvesting)."""

from __future__ import annotations


def score(text: str, *, weight: int = 1) -> int:
    """A stand-in for an expensive scorer: the number of words times ``weight``."""
    return len(text.split()) * weight


class Ledger:
    """A class collaborator: the seam builds one and calls its methods."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def book(self, amount: int) -> str:
        return f"{self.owner}:{amount}"
