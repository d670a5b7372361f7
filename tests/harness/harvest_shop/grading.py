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


class GradeError(Exception):
    """An exception whose constructor does not take its own ``args`` back."""

    def __init__(self, text: str, code: int) -> None:
        super().__init__(f"grading {text!r} failed with code {code}")


def strict_score(text: str) -> int:
    """Raises :class:`GradeError` for an empty text."""
    if not text:
        raise GradeError(text, 3)
    return score(text)


def pause(seconds: float) -> None:
    """A slow collaborator."""
    import time

    time.sleep(seconds)
