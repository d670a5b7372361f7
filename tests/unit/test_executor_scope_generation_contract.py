"""Contract of `executor.scope_generation.ensure_phase_scope`: the generator is asked only when the
phase names no paths, and a successful generation fills the phase's scope."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.scope_generation import ensure_phase_scope
from autopack.manifest_generator import ManifestResult

GENERATED = {"paths": ["src/api/routes.py"], "read_only_context": []}


class RecordingGenerator:
    """A manifest generator that records its calls and answers with `result`."""

    def __init__(self, result: ManifestResult) -> None:
        self.result = result
        self.calls: list[dict[str, Any]] = []

    def generate_manifest(self, **kwargs: Any) -> ManifestResult:
        self.calls.append(kwargs)
        return self.result


def executor_with(result: ManifestResult) -> SimpleNamespace:
    return SimpleNamespace(run_id="run-1", manifest_generator=RecordingGenerator(result))


def success(scope: dict[str, Any] | None = GENERATED) -> ManifestResult:
    return ManifestResult(
        success=True,
        enhanced_plan={"phases": [{"phase_id": "p", "scope": scope}]},
        confidence=0.9,
    )


def test_phase_with_paths_is_left_alone_and_the_generator_not_called() -> None:
    executor = executor_with(success())
    scope = {"paths": ["src/"], "read_only_context": ["docs/"]}
    phase = {"phase_id": "p", "scope": scope}

    assert ensure_phase_scope(executor=executor, phase=phase) is scope
    assert phase == {"phase_id": "p", "scope": scope}
    assert executor.manifest_generator.calls == []


@pytest.mark.parametrize(
    "fields",
    [{}, {"scope": None}, {"scope": {"paths": []}}, {"scope": {"read_only_context": ["d/"]}}],
    ids=["no_scope", "scope_none", "empty_paths", "no_paths_key"],
)
def test_pathless_phase_asks_the_generator_and_gets_its_scope(fields: dict[str, Any]) -> None:
    executor = executor_with(success())
    phase = {"phase_id": "p", **fields}

    returned = ensure_phase_scope(executor=executor, phase=phase)

    assert returned == GENERATED
    assert phase["scope"] == GENERATED
    assert executor.manifest_generator.calls == [
        {"plan_data": {"run_id": "run-1", "phases": [phase]}, "skip_validation": False}
    ]


@pytest.mark.parametrize(
    "result",
    [
        ManifestResult(success=False, error="no match"),
        success(scope=None),
        success(scope={}),
    ],
    ids=["generation_failed", "no_scope_generated", "empty_scope_generated"],
)
def test_unsuccessful_generation_keeps_the_scope_as_it_was(result: ManifestResult) -> None:
    executor = executor_with(result)
    phase = {"phase_id": "p", "scope": {"read_only_context": ["docs/"]}}

    returned = ensure_phase_scope(executor=executor, phase=phase)

    assert returned == {"read_only_context": ["docs/"]}
    assert phase == {"phase_id": "p", "scope": {"read_only_context": ["docs/"]}}
    assert len(executor.manifest_generator.calls) == 1
