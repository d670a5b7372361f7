"""Characterization of `AutonomousExecutor.__init__`: the state a real executor starts with.

Each scenario builds a real executor (its constructor does no I/O) and records every attribute
in the order `__init__` set it (`_executor_state.constructed_state`): the plan and the phases
copied from it, the database URL, each collaborator (a default one by class and attributes, an
injected fake as itself), the approval channel chosen from the plan's policy (`auto-deny` when it
names none), failure hardening, telemetry and the goal anchor (a keyword argument that is not
None wins over the plan), whether a run checkpoint is required (by default it is), the database and run checkpoint left for `start()`, and the run-wide
counters and bookkeeping at zero. Changes the constructor makes to the plan it is given are
recorded too (`mutated`).

`test_the_state_every_scenario_starts_from` records `scenario_state`, the starting state every
other seam's scenarios use for their executor (the characterization `conftest.py`), so that
state comes from this seam and cannot drift from `__init__`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _executor_state import RUN_ID, constructed_state, scenario_state

from autopack.autonomous_executor import AutonomousExecutor
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "construction",
    covers=["autopack.autonomous_executor:AutonomousExecutor.__init__"],
)


def construct(**arguments: Any) -> dict[str, Any]:
    """Build a real executor with `arguments` and describe the state it starts with."""
    return constructed_state(AutonomousExecutor(**arguments))


def two_phases() -> list[dict[str, Any]]:
    """Two plan phases; the first scripts a Builder response and an Auditor review."""
    return [
        {
            "phase_id": "build-api",
            "name": "Build the API",
            "replay": {
                "builder": [{"patch": "--- /dev/null\n+++ b/src/api.py\n"}],
                "auditor": [{"approved": True, "issues": []}],
            },
        },
        {"phase_id": "write-docs"},
    ]


def test_the_state_every_scenario_starts_from(golden: Recorder) -> None:
    golden.call(scenario_state, golden.workspace)


def test_a_plan_of_phases_alone_takes_every_default(golden: Recorder) -> None:
    golden.call(construct, run_id=RUN_ID, workspace=golden.workspace, plan={"phases": two_phases()})


@pytest.mark.parametrize(
    "plan",
    [
        pytest.param(lambda: {}, id="no_phases_key"),
        pytest.param(lambda: {"phases": []}, id="phases_empty"),
    ],
)
def test_a_plan_without_phases_gives_an_empty_list(
    golden: Recorder, plan: Callable[[], dict[str, Any]]
) -> None:
    golden.call(construct, run_id=RUN_ID, workspace=golden.workspace, plan=plan())


def test_a_plan_whose_phases_are_null_fails_in_the_default_llm_service(golden: Recorder) -> None:
    """The executor reads null phases as none, but the replay service built from the plan does
    not (a validated plan always has a list of phases)."""
    golden.call(construct, run_id=RUN_ID, workspace=golden.workspace, plan={"phases": None})


def phases_taken_from(plan: dict[str, Any], workspace: Path) -> dict[str, Any]:
    """Build a real executor from `plan`; how its phases relate to the plan's."""
    executor = AutonomousExecutor(run_id=RUN_ID, workspace=workspace, plan=plan)
    return {
        "equal to the plan's": executor.phases == plan["phases"],
        "the plan's list itself": executor.phases is plan["phases"],
        "the plan's phase dicts": [
            a is b for a, b in zip(executor.phases, plan["phases"], strict=True)
        ],
    }


def test_the_phases_are_a_copy_of_the_plans_list(golden: Recorder) -> None:
    golden.call(phases_taken_from, {"phases": two_phases()}, golden.workspace)


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param(
            lambda: {
                "approval": "auto-approve",
                "failure_hardening": True,
                "telemetry": False,
                "goal": "Ship the signup flow with email verification",
            },
            id="every_setting_away_from_its_default",
        ),
        pytest.param(
            lambda: {"approval": "auto-deny", "failure_hardening": False, "telemetry": True},
            id="every_setting_at_its_default",
        ),
        pytest.param(lambda: {"approval": "file:answers.yaml"}, id="approval_from_a_file"),
    ],
)
def test_the_plans_settings_choose_approval_hardening_telemetry_and_goal(
    golden: Recorder, settings: Callable[[], dict[str, Any]]
) -> None:
    plan = {"phases": [{"phase_id": "build-api"}], **settings()}
    golden.call(construct, run_id=RUN_ID, workspace=golden.workspace, plan=plan)


@pytest.mark.parametrize(
    ("settings", "arguments"),
    [
        pytest.param(
            lambda: {"failure_hardening": True, "telemetry": True, "goal": "The plan's goal"},
            {
                "enable_failure_hardening": False,
                "telemetry_enabled": False,
                "goal_anchor": "",
                "require_checkpoint": False,
            },
            id="false_and_empty_arguments_over_the_plan",
        ),
        pytest.param(
            lambda: {"failure_hardening": False, "telemetry": False},
            {"enable_failure_hardening": True, "telemetry_enabled": True, "goal_anchor": "Given"},
            id="true_arguments_over_the_plan",
        ),
        pytest.param(
            lambda: {"failure_hardening": True, "telemetry": False, "goal": "The plan's goal"},
            {"enable_failure_hardening": None, "telemetry_enabled": None, "goal_anchor": None},
            id="none_arguments_leave_the_plan",
        ),
    ],
)
def test_keyword_arguments_that_are_not_none_win_over_the_plan(
    golden: Recorder, settings: Callable[[], dict[str, Any]], arguments: dict[str, Any]
) -> None:
    plan = {"phases": [{"phase_id": "build-api"}], **settings()}
    golden.call(construct, run_id=RUN_ID, workspace=golden.workspace, plan=plan, **arguments)


def test_database_url_plan_path_and_a_workspace_given_as_text(golden: Recorder) -> None:
    golden.call(
        construct,
        run_id="run-7",
        workspace=str(golden.workspace),
        plan={"phases": [{"phase_id": "build-api"}]},
        plan_path=Path("plans") / "signup.yaml",
        db_url="sqlite:///runs/other.db",
    )


def test_injected_collaborators_are_kept_as_given(golden: Recorder) -> None:
    names = (
        "llm_service",
        "manifest_generator",
        "quality_gate",
        "doctor",
        "diagnostics_agent",
        "model_router",
        "notifier",
        "approval_channel",
    )
    golden.call(
        construct,
        run_id=RUN_ID,
        workspace=golden.workspace,
        plan={"phases": [{"phase_id": "build-api"}], "approval": "auto-approve"},
        **{name: golden.fake(name) for name in names},
    )
