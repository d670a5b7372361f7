"""`executor.models.PhaseSpec`: a typed view that reads the phase dict and never copies it."""

from __future__ import annotations

from typing import Any

import pytest

from autopack.executor.models import PhaseSpec


def test_fields_are_read_from_the_phase_dict() -> None:
    raw: dict[str, Any] = {
        "phase_id": "p",
        "name": "Add routes",
        "description": "HTTP routes",
        "goal_anchor": "an API",
        "builder_mode": "structured_edit",
        "complexity": "high",
        "_escalated_tokens": 5120,
        "_escalated_once": True,
        "_revision_epoch": 2,
        "_doctor_hint": "narrow the change",
    }
    spec = PhaseSpec(raw)
    assert (spec.phase_id, spec.name, spec.description, spec.goal_anchor) == (
        "p",
        "Add routes",
        "HTTP routes",
        "an API",
    )
    assert (spec.builder_mode, spec.complexity) == ("structured_edit", "high")
    assert (spec.escalated_tokens, spec.escalated_once) == (5120, True)
    assert (spec.revision_epoch, spec.doctor_hint) == (2, "narrow the change")


def test_defaults_of_a_bare_phase() -> None:
    spec = PhaseSpec({"phase_id": "p", "builder_mode": None})
    assert spec.builder_mode == "full_file"
    assert spec.complexity == "medium"
    assert spec.revision_epoch == 0
    assert (spec.name, spec.goal_anchor, spec.escalated_tokens, spec.doctor_hint) == (None,) * 4
    assert spec.escalated_once is None


def test_the_view_is_the_dict_itself() -> None:
    raw: dict[str, Any] = {"phase_id": "p"}
    spec = PhaseSpec(raw)
    spec.raw["_escalated_tokens"] = 100
    assert spec.raw is raw
    assert raw["_escalated_tokens"] == 100
    assert spec.escalated_tokens == 100


def test_a_phase_without_id_raises_like_indexing() -> None:
    with pytest.raises(KeyError, match="phase_id"):
        _ = PhaseSpec({}).phase_id
