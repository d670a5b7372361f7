"""Replay Builder and Auditor: scripted responses read from the plan, per phase and per attempt.

A phase's `replay.builder` is a list indexed by attempt. Each entry is one response (a mapping) or a
list of responses consumed in call order within that attempt (batched phases and the structured-edit
fallback make several calls per attempt). `replay.auditor` is a list of reviews indexed by attempt;
an attempt without a scripted review is approved with no issues.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from autopack.llm_types import AuditorResult, BuilderResult

logger = logging.getLogger(__name__)

RESPONSE_FIELDS = frozenset(
    {
        "patch",
        "edit_plan",
        "error",
        "tokens_used",
        "token_budget",
        "token_prediction",
        "model",
        "summary",
        "expect",
    }
)


class ReplayBuilder:
    """Serves scripted builder responses; counts calls per (phase, attempt, revision epoch).

    A response reports the model it names, else the model the caller routed to, else `model`.

    A replanned phase (new revision epoch) replays its attempt's responses from the start.
    """

    def __init__(
        self, scripts: dict[str, list[Any]], *, model: str = "claude-sonnet-replay"
    ) -> None:
        self._scripts = scripts
        self._model = model
        self._cursor: dict[tuple[str, int, int], int] = defaultdict(int)

    def respond(
        self,
        *,
        phase_id: str,
        attempt_index: int,
        use_full_file_mode: bool,
        run_context: dict[str, Any],
    ) -> BuilderResult:
        """Return the next scripted response for this phase and attempt as a BuilderResult."""
        attempts = self._scripts.get(phase_id) or []
        if attempt_index >= len(attempts):
            return _failed(
                f"replay: no builder response scripted for phase {phase_id!r} attempt "
                f"{attempt_index + 1} ({len(attempts)} attempts scripted)",
                metadata={"model": self._model},
            )
        entry = attempts[attempt_index]
        calls = entry if isinstance(entry, list) else [entry]
        key = (phase_id, attempt_index, int(run_context.get("revision_epoch") or 0))
        index = self._cursor[key]
        self._cursor[key] += 1
        if index >= len(calls):
            return _failed(
                f"replay: builder called {index + 1} times for phase {phase_id!r} attempt "
                f"{attempt_index + 1}, only {len(calls)} responses scripted",
                metadata={"model": self._model},
            )
        return self._to_result(phase_id, attempt_index, calls[index], run_context)

    def _to_result(
        self,
        phase_id: str,
        attempt_index: int,
        response: dict[str, Any],
        run_context: dict[str, Any],
    ) -> BuilderResult:
        model = response.get("model") or run_context.get("model") or self._model
        metadata: dict[str, Any] = {"model": model}
        for key in ("token_budget", "token_prediction", "summary"):
            if key in response:
                metadata[key] = response[key]
        tokens_used = int(response.get("tokens_used", 0))
        expect = response.get("expect") or {}
        if expect.get("doctor_hint") and not run_context.get("doctor_hint"):
            return _failed(
                f"replay: phase {phase_id!r} attempt {attempt_index + 1} expected a Doctor hint, "
                "none was given",
                metadata=metadata,
                tokens_used=tokens_used,
            )
        if "max_tokens" in expect and run_context.get("max_tokens") != expect["max_tokens"]:
            return _failed(
                f"replay: phase {phase_id!r} attempt {attempt_index + 1} expected max_tokens="
                f"{expect['max_tokens']}, got {run_context.get('max_tokens')!r}",
                metadata=metadata,
                tokens_used=tokens_used,
            )
        if response.get("error"):
            return _failed(str(response["error"]), metadata=metadata, tokens_used=tokens_used)
        return BuilderResult(
            success=True,
            patch_content=str(response.get("patch", "")),
            edit_plan=response.get("edit_plan"),
            tokens_used=tokens_used,
            metadata=metadata,
        )


def _failed(error: str, *, metadata: dict[str, Any], tokens_used: int = 0) -> BuilderResult:
    """A failed Builder call: the scripted error, or the replay's own when the script does not
    fit the call."""
    return BuilderResult(success=False, error=error, tokens_used=tokens_used, metadata=metadata)


class ReplayAuditor:
    """Serves scripted auditor reviews per (phase, attempt); unscripted attempts are approved."""

    def __init__(self, scripts: dict[str, list[dict[str, Any]]]) -> None:
        self._scripts = scripts

    def review(self, *, phase_id: str, attempt_index: int) -> AuditorResult:
        """Return the scripted review for this phase and attempt, or an approval without issues."""
        reviews = self._scripts.get(phase_id) or []
        if attempt_index >= len(reviews):
            return AuditorResult(approved=True, issues=[])
        review = reviews[attempt_index]
        return AuditorResult(
            approved=bool(review.get("approved", True)), issues=list(review.get("issues") or [])
        )
