"""AutonomousExecutor construction: no I/O, injectable collaborators with real defaults."""

from __future__ import annotations

from pathlib import Path

from autopack.approval_channel import AutoApprovalChannel
from autopack.autonomous_executor import AutonomousExecutor
from autopack.diagnostics.agent import DiagnosticsAgent
from autopack.doctor import RuleBasedDoctor
from autopack.llm_service import LlmService
from autopack.manifest_generator import ManifestGenerator
from autopack.model_router import ModelRouter
from autopack.notifier import LoggingNotifier
from autopack.quality_gate import QualityGate


def test_constructor_touches_nothing(tmp_path: Path) -> None:
    workspace = tmp_path / "does-not-exist"
    executor = AutonomousExecutor(run_id="r", workspace=workspace, plan={"phases": []})
    assert not workspace.exists()
    assert executor.engine is None
    assert executor._session_factory is None
    assert executor._run_checkpoint_commit is None
    assert executor.db_url == f"sqlite:///{workspace}/.autonomous_runs/autopack.db"


def test_default_collaborators() -> None:
    executor = AutonomousExecutor(run_id="r", workspace="/nowhere", plan={"phases": []})
    assert isinstance(executor.llm_service, LlmService)
    assert isinstance(executor.manifest_generator, ManifestGenerator)
    assert isinstance(executor.quality_gate, QualityGate)
    assert isinstance(executor.doctor, RuleBasedDoctor)
    assert isinstance(executor.diagnostics_agent, DiagnosticsAgent)
    assert isinstance(executor.model_router, ModelRouter)
    assert isinstance(executor.notifier, LoggingNotifier)
    assert isinstance(executor.approval_channel, AutoApprovalChannel)
    assert executor.approval_channel.approve is False
    assert (executor.enable_failure_hardening, executor.telemetry_enabled) == (False, True)


def test_plan_settings_and_injected_collaborators() -> None:
    sentinel = object()
    plan = {
        "phases": [],
        "approval": "auto-approve",
        "failure_hardening": True,
        "telemetry": False,
        "goal": "g",
    }
    executor = AutonomousExecutor(
        run_id="r", workspace="/nowhere", plan=plan, doctor=sentinel, notifier=sentinel
    )
    assert executor.doctor is sentinel
    assert executor.notifier is sentinel
    assert executor.approval_channel.approve is True
    assert (executor.enable_failure_hardening, executor.telemetry_enabled) == (True, False)
    assert executor.goal_anchor == "g"
