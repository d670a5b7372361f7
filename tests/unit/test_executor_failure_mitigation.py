"""`executor.failure_mitigation.mitigate_known_failure` with a faked detector: what it asks, and
what a mitigated, an unmitigated and a raising detection do to the phase's retry counter."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import autopack.failure_hardening
from autopack.executor.failure_mitigation import mitigate_known_failure
from autopack.failure_hardening import HardeningResult


def run(
    monkeypatch: pytest.MonkeyPatch, detection: HardeningResult | Exception | None
) -> tuple[bool, list[Any], list[Any]]:
    asked: list[Any] = []
    updates: list[Any] = []

    def detect(error_text: str, context: dict[str, str]) -> HardeningResult | None:
        asked.append((error_text, context))
        if isinstance(detection, Exception):
            raise detection
        return detection

    monkeypatch.setattr(autopack.failure_hardening, "detect_and_mitigate_failure", detect)
    executor = SimpleNamespace(
        workspace=Path("/ws"),
        _update_phase_attempts_in_db=lambda *a, **k: updates.append((a, k)) or True,
    )
    mitigated = mitigate_known_failure(
        executor=executor,
        phase_id="p",
        status="CI_FAILED",
        error_text="ModuleNotFoundError: pkg",
        retry_attempt=2,
    )
    return mitigated, asked, updates


def test_a_mitigated_pattern_advances_the_counter_with_the_pattern_as_reason(monkeypatch) -> None:
    detection = HardeningResult("missing_init", mitigated=True, actions=["created pkg/__init__.py"])
    mitigated, asked, updates = run(monkeypatch, detection)
    assert mitigated is True
    assert asked == [
        ("ModuleNotFoundError: pkg", {"workspace": "/ws", "phase_id": "p", "status": "CI_FAILED"})
    ]
    assert updates == [
        (("p",), {"retry_attempt": 3, "last_failure_reason": "HARDENING_MITIGATED: missing_init"})
    ]


@pytest.mark.parametrize(
    "detection",
    [None, HardeningResult("missing_init", mitigated=False), RuntimeError("detector broke")],
    ids=["no_pattern", "not_mitigated", "detector_raises"],
)
def test_anything_else_leaves_the_counter_alone(monkeypatch, detection: Any) -> None:
    mitigated, asked, updates = run(monkeypatch, detection)
    assert mitigated is False
    assert len(asked) == 1
    assert updates == []
