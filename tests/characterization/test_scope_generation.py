"""Characterization of scope generation: the block of `execute_phase` that gives a pathless phase a scope.

The block is driven through `execute_phase`. Everything after it is faked so that the attempt ends
at once: the phase row says every attempt is used, so `execute_phase` marks the phase failed
without running anything. What the block decided shows in the trace as the `generate_manifest`
call (or its absence), its log lines, the scope handed on to `self._derive_allowed_paths`, and the
mutation of the phase dict (`phase["scope"]` rewritten, or left as it was).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from autopack.manifest_generator import ManifestResult
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "scope_generation",
    covers=["autopack.executor.scope_generation:ensure_phase_scope"],
)

GENERATED_SCOPE: dict[str, Any] = {
    "paths": ["src/api/routes.py", "tests/test_routes.py"],
    "read_only_context": [],
}


def generated(
    scope: dict[str, Any] | None = GENERATED_SCOPE, *, confidence: float = 0.82
) -> ManifestResult:
    """A successful generation whose enhanced plan carries `scope` on its only phase."""
    return ManifestResult(
        success=True,
        enhanced_plan={"phases": [{"phase_id": "build-api", "scope": scope}]},
        confidence=confidence,
    )


@pytest.fixture
def executor(golden: Recorder, make_executor: Any) -> Any:
    """`execute_phase` real; the rest of the attempt ends at once (attempts exhausted)."""
    golden.fake(
        "self._derive_allowed_paths", side_effect=lambda scope: list(scope.get("paths") or [])
    )
    exhausted = SimpleNamespace(retry_attempt=5, revision_epoch=0, escalation_level=0)
    golden.fake("self._get_phase_from_db", returns=exhausted)
    golden.fake("self._mark_phase_failed_in_db", returns=True)
    return make_executor(real=["execute_phase"])


def phase_with(**fields: Any) -> dict[str, Any]:
    """The phase under test, with `fields` added."""
    return {"phase_id": "build-api", "description": "Add the routes of the API", **fields}


def test_scope_with_paths_is_used_as_is_without_generation(golden: Recorder, executor: Any) -> None:
    phase = phase_with(scope={"paths": ["src/api/"], "read_only_context": ["docs/"]})
    golden.call(executor.execute_phase, phase)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({}, id="no_scope_key"),
        pytest.param({"scope": None}, id="scope_none"),
        pytest.param({"scope": {"read_only_context": ["docs/"]}}, id="scope_without_paths"),
        pytest.param({"scope": {"paths": []}}, id="empty_paths"),
    ],
)
def test_pathless_phase_gets_the_generated_scope(
    golden: Recorder, executor: Any, fields: dict[str, Any]
) -> None:
    golden.fake("manifest_generator.generate_manifest", returns=generated())
    golden.call(executor.execute_phase, phase_with(**fields))


def test_generated_scope_replaces_the_whole_phase_scope(golden: Recorder, executor: Any) -> None:
    golden.fake("manifest_generator.generate_manifest", returns=generated())
    phase = phase_with(scope={"paths": [], "read_only_context": ["docs/"], "ci": {"skip": True}})
    golden.call(executor.execute_phase, phase)


@pytest.mark.parametrize(
    "confidence",
    [
        pytest.param(0.0, id="zero_warns"),
        pytest.param(0.29, id="just_below_0.30_warns"),
        pytest.param(0.30, id="exactly_0.30_is_info"),
        pytest.param(0.876, id="high_is_info_rounded"),
    ],
)
def test_generated_scope_logs_its_confidence(
    golden: Recorder, executor: Any, confidence: float
) -> None:
    golden.fake("manifest_generator.generate_manifest", returns=generated(confidence=confidence))
    golden.call(executor.execute_phase, phase_with())


def test_generated_scope_without_paths_is_applied_and_counts_zero_paths(
    golden: Recorder, executor: Any
) -> None:
    golden.fake(
        "manifest_generator.generate_manifest",
        returns=generated({"read_only_context": ["docs/"]}, confidence=0.1),
    )
    golden.call(executor.execute_phase, phase_with())


def test_scope_of_the_first_enhanced_phase_is_taken(golden: Recorder, executor: Any) -> None:
    result = ManifestResult(
        success=True,
        enhanced_plan={
            "phases": [
                {"phase_id": "build-api", "scope": {"paths": ["src/api/"]}},
                {"phase_id": "other", "scope": {"paths": ["src/other/"]}},
            ]
        },
        confidence=0.5,
    )
    golden.fake("manifest_generator.generate_manifest", returns=result)
    golden.call(executor.execute_phase, phase_with())


@pytest.mark.parametrize(
    "enhanced_plan",
    [
        pytest.param({}, id="no_phases_key"),
        pytest.param({"phases": None}, id="phases_none"),
        pytest.param({"phases": []}, id="no_phases"),
        pytest.param({"phases": [{"phase_id": "build-api"}]}, id="phase_without_scope"),
        pytest.param({"phases": [{"phase_id": "build-api", "scope": {}}]}, id="empty_scope"),
    ],
)
def test_success_without_a_generated_scope_keeps_the_scope(
    golden: Recorder, executor: Any, enhanced_plan: dict[str, Any]
) -> None:
    result = ManifestResult(success=True, enhanced_plan=enhanced_plan, confidence=0.9)
    golden.fake("manifest_generator.generate_manifest", returns=result)
    golden.call(executor.execute_phase, phase_with(scope={"read_only_context": ["docs/"]}))


def test_failed_generation_keeps_the_scope_and_warns(golden: Recorder, executor: Any) -> None:
    result = ManifestResult(
        success=False,
        error="no scope could be derived for phase 'build-api': no workspace file matches",
    )
    golden.fake("manifest_generator.generate_manifest", returns=result)
    golden.call(executor.execute_phase, phase_with(scope={"read_only_context": ["docs/"]}))


def test_generation_exception_keeps_the_scope_and_warns(golden: Recorder, executor: Any) -> None:
    golden.fake(
        "manifest_generator.generate_manifest",
        side_effect=PermissionError("[Errno 13] Permission denied: 'src/secret'"),
    )
    golden.call(executor.execute_phase, phase_with(scope={"read_only_context": ["docs/"]}))


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
