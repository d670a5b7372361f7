"""The synthetic god class: its ``__init__`` does real work the scenarios must not repeat."""

from __future__ import annotations

import dataclasses
import enum
import subprocess
from pathlib import Path
from typing import Any

from harness.harvest_shop import grading
from harness.harvest_shop.grading import Ledger
from harness.harvest_shop.grading import score as grade

# Planted behaviour changes of the tests: WEIGHT_STEP changes only an argument of a cut call
# (the replay's golden differs), BONUS changes the result (the replay differs from the run).
WEIGHT_STEP = 1
BONUS = 1


class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


@dataclasses.dataclass(frozen=True)
class Limits:
    max_words: int
    level: Level


class Assistant:
    """A collaborator object: a service with methods and a plain attribute."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.calls = 0

    def ask(self, prompt: str, *, api_key: str) -> dict[str, Any]:
        self.calls += 1
        if "fail" in prompt:
            raise ValueError(f"cannot answer {prompt!r}")
        return {"answer": prompt.upper(), "model": self.model, "api_key": api_key}

    def session(self) -> Unrecordable:
        return Unrecordable()

    def remember(self, item: object) -> None:
        self.calls += 1


class Unrecordable:
    """An object that is neither plain data nor used as a collaborator (it is returned)."""


class Workshop:
    def __init__(self, name: str, workspace: Path, *, model: str = "m-1") -> None:
        self.name = name
        self.workspace = workspace
        self.limits = Limits(max_words=5, level=Level.HIGH)
        self.llm = Assistant(model)
        self.history: list[str] = []
        self.secret_token = "tok-very-secret-value"

    def review(self, change_id: str, *, strict: bool = False) -> dict[str, Any]:
        notes = self._fetch_notes(change_id)
        words = grade(notes, weight=WEIGHT_STEP * (2 if strict else 1)) + BONUS
        head = subprocess.run(
            ["git", "-C", str(self.workspace), "log", "-1", "--format=%s"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        readme = (self.workspace / "README.txt").read_text(encoding="utf-8").splitlines()[0]
        try:
            answer = self.llm.ask(f"{change_id}: {notes}", api_key=self.secret_token)["answer"]
        except ValueError as error:
            answer = f"error: {error}"
        ledger = Ledger(self.name)
        booking = ledger.book(words)
        summary = summarize(self, [head, readme])
        self.history.append(change_id)
        return {
            "label": self._label(change_id),
            "words": words,
            "too_long": words > self.limits.max_words,
            "level": self.limits.level.value,
            "model": self.llm.model,
            "head": head,
            "answer": answer,
            "booking": booking,
            "summary": summary,
        }

    def _fetch_notes(self, change_id: str) -> str:
        return f"notes for {change_id} from the network"

    def review_remote(self, change_id: str) -> str:
        return self._label(change_id) + ": " + self._fetch_remote(change_id)

    def _fetch_remote(self, change_id: str) -> str:
        head = subprocess.run(
            ["git", "-C", str(self.workspace), "rev-parse", "--abbrev-ref", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        return self.llm.ask(f"{change_id} on {head}", api_key="k")["answer"]

    def _label(self, change_id: str) -> str:
        return f"{self.name}/{change_id}"

    def leak(self) -> Unrecordable:
        return Unrecordable()

    def read_unrecordable(self) -> str:
        return type(self.cache[0]).__name__

    def describe_session(self) -> str:
        return type(self.llm.session()).__name__

    def outer(self, text: str) -> str:
        return self.inner(text) + f" [{self.limits.max_words}]"

    def inner(self, text: str) -> str:
        return f"{self.name}: {self.llm.ask(text, api_key='k')['answer']}"

    def llm_kind(self) -> str:
        return "assistant" if isinstance(self.llm, Assistant) else "other"

    def hand_over(self) -> None:
        self.llm.remember(Unrecordable())

    def echo(self, text: str) -> str:
        return f"{self.name}: {text} (sk-{'x' * 20})"

    def crash(self) -> None:
        raise RuntimeError(f"{self.name} crashed")


def summarize(workshop: Workshop, items: list[str]) -> str:
    """A function entry whose subject is ``workshop``."""
    return f"{workshop.name}: " + " | ".join(sorted(items)) + f" ({grading.score(items[0])})"


def grade_all(texts: list[str]) -> list[str]:
    """A pure helper (no subject) calling a cut function that may raise."""
    results = []
    for text in texts:
        try:
            results.append(str(grading.strict_score(text)))
        except grading.GradeError as error:
            results.append(str(error))
    return results


def read_config(workspace: Path) -> str:
    """Reads one file of the workspace."""
    return (workspace / "config.ini").read_text(encoding="utf-8").strip()


def timed_run(argv: list[str], helper_seconds: float) -> dict[str, float]:
    """Measures, as a CI runner does, how long a command and a cut helper took."""
    import time

    started = time.monotonic()
    subprocess.run(argv, check=True)
    command = round(time.monotonic() - started, 1)
    started = time.monotonic()
    grading.pause(helper_seconds)
    return {"command": command, "helper": round(time.monotonic() - started, 1)}


def probe(commands: list[list[str]]) -> list[str]:
    """Runs each command with a short timeout; says how each one ended."""
    outcomes = []
    for argv in commands:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=0.5, check=True)
            outcomes.append(f"ok {done.stdout.strip()}")
        except subprocess.TimeoutExpired as error:
            outcomes.append(f"timed out after {error.timeout}")
        except subprocess.CalledProcessError as error:
            outcomes.append(f"exit {error.returncode}: {error.stderr.strip()}")
        except FileNotFoundError as error:
            outcomes.append(f"missing {error.filename}")
    return outcomes
