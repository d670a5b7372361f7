"""Contract of `executor.patch_apply_pipeline.apply_builder_result_patch`, on a real git workspace:
a YAML validation failure, a goal-drift block and a successful apply, each with its status."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.patch_apply_pipeline import apply_builder_result_patch


def executor_on(workspace: Path, *, goal_anchor: str | None = None) -> SimpleNamespace:
    def no_approval(*args: Any, **kwargs: Any) -> bool:
        raise AssertionError(f"no approval expected: {args} {kwargs}")

    return SimpleNamespace(
        workspace=workspace,
        goal_anchor=goal_anchor,
        _last_error_by_phase={},
        _last_files_changed_by_phase={},
        _protected_paths=lambda: [".autonomous_runs/"],
        _request_approval=no_approval,
    )


PHASE = {
    "phase_id": "build-api",
    "name": "Add the routes",
    "description": "HTTP routes for the API",
}


def test_invalid_yaml_is_refused_before_anything_is_applied(
    git_repo: Path, new_file_patch: Any
) -> None:
    executor = executor_on(git_repo)
    patch = new_file_patch("config/app.yaml", "key: [unclosed\n")

    result = apply_builder_result_patch(
        executor,
        PHASE,
        patch_content=patch,
        allowed_paths=["config/"],
        full_file_mode=True,
    )

    assert result == (False, "YAML_VALIDATION_FAILED")
    assert executor._last_error_by_phase["build-api"].startswith("config/app.yaml: ")
    assert not (git_repo / "config").exists()
    assert executor._last_files_changed_by_phase == {}


def test_goal_drift_blocks_a_change_unrelated_to_the_goal(
    git_repo: Path, new_file_patch: Any
) -> None:
    executor = executor_on(git_repo, goal_anchor="billing invoices payments ledger")
    patch = new_file_patch("src/routes.py", "ROUTES = []\n")

    result = apply_builder_result_patch(
        executor,
        PHASE,
        patch_content=patch,
        allowed_paths=["src/"],
        full_file_mode=True,
        summary="render the greeting banner",
    )

    assert result == (False, "GOAL_DRIFT_BLOCKED")
    assert executor._last_error_by_phase["build-api"].startswith("goal drift: no keyword in common")
    assert not (git_repo / "src" / "routes.py").exists()


@pytest.mark.parametrize("goal_anchor", [None, "routes for the HTTP API server"])
def test_a_valid_change_in_scope_is_applied(
    git_repo: Path, new_file_patch: Any, goal_anchor: str | None
) -> None:
    executor = executor_on(git_repo, goal_anchor=goal_anchor)
    patch = new_file_patch("src/routes.py", "ROUTES = []\n")

    result = apply_builder_result_patch(
        executor, PHASE, patch_content=patch, allowed_paths=["src/"], full_file_mode=True
    )

    assert result == (True, "APPLIED")
    assert (git_repo / "src" / "routes.py").read_text() == "ROUTES = []\n"
    assert executor._last_files_changed_by_phase == {"build-api": ["src/routes.py"]}
    assert executor._last_error_by_phase == {}


def test_a_change_outside_the_scope_is_a_patch_failure(git_repo: Path, new_file_patch: Any) -> None:
    executor = executor_on(git_repo)
    patch = new_file_patch("elsewhere.txt", "x\n")

    result = apply_builder_result_patch(
        executor, PHASE, patch_content=patch, allowed_paths=["src/"], full_file_mode=True
    )

    assert result == (False, "PATCH_FAILED")
    assert "elsewhere.txt" in executor._last_error_by_phase["build-api"]
    assert not (git_repo / "elsewhere.txt").exists()
