"""Characterization of the patch apply: `_apply_builder_result_patch` and its helper `_protected_paths`.

The apply validates the YAML and docker-compose files whose whole content is known (files the patch
creates, files an edit plan writes) and stops with YAML_VALIDATION_FAILED on any error; then the
goal-drift check (phase anchor, else the run's) may stop it with GOAL_DRIFT_BLOCKED; then the
governed apply runs with the allowed paths and the protected paths (the database file when it lies
in the workspace). A refusal for protected paths only asks the approval channel and, when approved,
applies again with those paths approved; any failure left is PATCH_FAILED. Success records the
changed files and returns APPLIED.

Outside the seam and faked: the validators (by identity, answering as the real ones do, so the
trace shows which file went to which validator), `should_block_on_drift`, `GovernedApplyPath` (by
identity; its constructor arguments and `apply_patch` calls are recorded) and `self._request_approval`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autopack import validators
from autopack.autonomous_executor import AutonomousExecutor
from autopack.goal_drift import should_block_on_drift
from autopack.governed_apply import ApplyResult, GovernedApplyPath
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "patch_apply",
    covers=[
        "autopack.executor.patch_apply_pipeline:apply_builder_result_patch",
        "autopack.autonomous_executor:AutonomousExecutor._apply_builder_result_patch",
        "autopack.executor.patch_apply_pipeline:protected_paths",
        "autopack.autonomous_executor:AutonomousExecutor._protected_paths",
    ],
)

APPLY = "GovernedApplyPath().apply_patch"
COMPOSE = "validate_docker_compose"
DB_FILE = ".autonomous_runs/autopack.db"
PHASE = {"phase_id": "feature-config", "name": "Add service configuration"}

MODIFY_APP = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-debug = True\n+debug = False\n"


def create(path: str, text: str) -> str:
    """A unified diff creating `path` with `text`."""
    lines = text.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}"


MakeExecutor = Callable[..., AutonomousExecutor]


@pytest.fixture
def executor(golden: Recorder, make_executor: MakeExecutor) -> AutonomousExecutor:
    """The apply with the real `_protected_paths` and the database file inside the workspace."""
    for name in ("new_file_contents", "is_compose_path", "is_yaml_path", "validate_yaml_syntax"):
        real = getattr(validators, name)
        golden.fake_function(real, side_effect=real)
    # Scripted per scenario (`compose_answers`): the real one calls the YAML validator itself.
    golden.fake_function(validators.validate_docker_compose, sequence=[])
    golden.fake_function(GovernedApplyPath)
    return make_executor(
        real=["_apply_builder_result_patch", "_protected_paths"],
        db_url=f"sqlite:///{golden.workspace}/{DB_FILE}",
    )


def apply(
    golden: Recorder,
    executor: AutonomousExecutor,
    patch: str,
    *,
    phase: dict[str, Any] | None = None,
    full_file_mode: bool = True,
    edit_plan: list[dict[str, Any]] | None = None,
    summary: str = "",
) -> None:
    golden.call(
        executor._apply_builder_result_patch,
        dict(phase or PHASE),
        patch_content=patch,
        allowed_paths=["src/", "config/", "deploy/"],
        full_file_mode=full_file_mode,
        edit_plan=edit_plan,
        summary=summary,
    )


def compose_answers(golden: Recorder, *answers: list[str]) -> None:
    """Script the docker-compose validator's problem lists, one per compose file validated."""
    golden.fake(COMPOSE, sequence=list(answers))


def refused_protected(*paths: str) -> ApplyResult:
    return ApplyResult(
        success=False,
        error=f"patch refused: protected paths {list(paths)!r}",
        protected_violations=list(paths),
    )


# ---------------------------------------------------------------- clean apply


def test_clean_apply_records_the_changed_files(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.fake(APPLY, returns=ApplyResult(success=True, files_changed=["src/app.py"]))
    apply(golden, executor, MODIFY_APP)


def test_new_valid_yaml_and_compose_files_are_validated_then_applied(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    patch = (
        create("config/settings.yaml", "retries: 3\nmode: fast")
        + create("deploy/docker-compose.yml", "services:\n  web:\n    image: nginx")
        + create("src/notes.txt", "plain text")
    )
    compose_answers(golden, [])
    golden.fake(
        APPLY,
        returns=ApplyResult(
            success=True,
            files_changed=["config/settings.yaml", "deploy/docker-compose.yml", "src/notes.txt"],
        ),
    )
    apply(golden, executor, patch, full_file_mode=False)


# ---------------------------------------------------------------- validation failures


def test_yaml_syntax_error_stops_before_the_apply(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    apply(golden, executor, create("config/settings.yaml", "retries: [3, 4\nmode: fast"))


def test_docker_compose_structure_errors_stop_before_the_apply(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    patch = create("deploy/compose.yaml", "servics: {}\nservices:\n  web:\n    ports: ['80:80']")
    compose_answers(
        golden,
        [
            "docker-compose: unknown top-level keys ['servics']",
            "docker-compose: service 'web' needs 'image' or 'build'",
        ],
    )
    apply(golden, executor, patch)


def test_errors_of_several_files_are_reported_together(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    patch = create("config/a.yml", "key: : value") + create("deploy/docker-compose.yaml", "- web")
    compose_answers(golden, ["docker-compose: top level must be a mapping"])
    apply(golden, executor, patch)


def test_yaml_created_after_other_files_is_still_validated(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    patch = (
        create("src/app.py", "debug = False")
        + create("src/notes.txt", "plain text")
        + create("config/settings.yaml", "retries: [3, 4\nmode: fast")
    )
    apply(golden, executor, patch)


def test_edit_plan_contents_are_validated_deletions_and_partial_ops_skipped(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    edit_plan = [
        {"path": "deploy/compose.yml", "content": "services: []\n"},
        {"path": "config/old.yaml", "delete": True, "content": "stale: ["},
        {"path": "config/touched.yaml"},
    ]
    compose_answers(golden, ["docker-compose: 'services' must be a non-empty mapping"])
    apply(golden, executor, MODIFY_APP, full_file_mode=False, edit_plan=edit_plan)


# ---------------------------------------------------------------- goal drift


def test_goal_drift_blocks_the_apply(golden: Recorder, executor: AutonomousExecutor) -> None:
    golden.fake_function(
        should_block_on_drift,
        returns=(True, "no keyword in common with the goal anchor (4 keywords)"),
    )
    phase = {**PHASE, "goal_anchor": "harden login session handling", "description": "Tune caching"}
    apply(golden, executor, MODIFY_APP, phase=phase, summary="Switch the cache backend")


def test_run_goal_anchor_is_checked_when_the_phase_has_none(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    executor.goal_anchor = "ship the service configuration safely"
    golden.fake_function(
        should_block_on_drift,
        returns=(False, "shares 2 keyword(s) with the goal: configuration, service"),
    )
    golden.fake(APPLY, returns=ApplyResult(success=True, files_changed=["src/app.py"]))
    apply(
        golden,
        executor,
        MODIFY_APP,
        phase={"phase_id": "feature-config", "description": "Service tweaks"},
    )


# ---------------------------------------------------------------- governed apply failures


@pytest.mark.parametrize(
    "second_result",
    [
        pytest.param(ApplyResult(success=True, files_changed=[DB_FILE]), id="granted_and_applied"),
        pytest.param(
            ApplyResult(success=False, error="git apply failed: corrupt patch at line 4"),
            id="granted_but_git_apply_fails",
        ),
    ],
)
def test_protected_path_approval_retries_with_the_paths_approved(
    golden: Recorder, executor: AutonomousExecutor, second_result: ApplyResult
) -> None:
    golden.fake(APPLY, sequence=[refused_protected(DB_FILE), second_result])
    golden.fake("self._request_approval", returns=True)
    apply(golden, executor, create(DB_FILE, "not a database"))


def test_protected_path_approval_denied_fails_the_patch(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.fake(APPLY, returns=refused_protected(DB_FILE, ".git/config"))
    golden.fake("self._request_approval", returns=False)
    apply(golden, executor, create(DB_FILE, "not a database"))


def test_protected_and_scope_violations_fail_without_asking(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.fake(
        APPLY,
        returns=ApplyResult(
            success=False,
            error="patch refused: protected paths ['.git/config']; paths outside the allowed scope ['/etc/hosts']",
            protected_violations=[".git/config"],
            scope_violations=["/etc/hosts"],
        ),
    )
    apply(golden, executor, MODIFY_APP)


@pytest.mark.parametrize(
    "error",
    [
        pytest.param("git apply failed: patch does not apply", id="with_error"),
        pytest.param(None, id="without_error_text"),
    ],
)
def test_git_apply_failure_fails_the_patch(
    golden: Recorder, executor: AutonomousExecutor, error: str | None
) -> None:
    golden.fake(APPLY, returns=ApplyResult(success=False, error=error))
    apply(golden, executor, MODIFY_APP, full_file_mode=False)


# ---------------------------------------------------------------- protected paths


@pytest.mark.parametrize(
    "db_url",
    [
        pytest.param(
            "sqlite:///<workspace>/.autonomous_runs/autopack.db", id="sqlite_file_in_workspace"
        ),
        pytest.param("sqlite:////var/lib/autopack/autopack.db", id="sqlite_file_outside_workspace"),
        pytest.param("sqlite://", id="sqlite_in_memory"),
        pytest.param("postgresql://autopack@db.internal/runs", id="postgresql"),
    ],
)
def test_protected_paths_hold_the_database_file_only_inside_the_workspace(
    golden: Recorder, executor: AutonomousExecutor, db_url: str
) -> None:
    executor.db_url = db_url.replace("<workspace>", str(golden.workspace))
    golden.call(executor._protected_paths)


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
