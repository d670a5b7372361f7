"""AutonomousExecutor: runs a plan's phases against a git workspace, one attempt at a time.

The executor asks the Builder for a change to each phase, applies it under governance (allowed and
protected paths, YAML / docker-compose validation, the goal-drift check), runs CI, has the change
audited and passed through the quality gate, and records phase state in the run database. Failed
attempts go through token-budget escalation, failure hardening, diagnostics and the Doctor, whose
actions include a rollback of the workspace to the run checkpoint taken when the run started.

Constructing an executor does no I/O: collaborators are plain attributes (injectable through the
constructor), and `start()` opens the database and takes the run checkpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autopack.db.models import (
    PhaseState,
)
from autopack.db.session import (
    create_session_factory,
    default_database_url,
    sqlite_path,
)
from autopack.deliverables import validate_deliverables
from autopack.diagnostics.agent import DiagnosticsAgent
from autopack.doctor import RuleBasedDoctor
from autopack.exceptions import RunDatabaseError, RunStorageError, WorkspaceError
from autopack.executor import (
    approvals,
    builder_context,
    builder_pipeline,
    ci_runner,
    diagnostics_orchestrator,
    doctor_wiring,
    failed_attempts,
    governance_bridge,
    patch_apply_pipeline,
    phase_records,
    run_checkpointing,
    run_setup,
    scope_generation,
    state_persistence,
    token_budget_events,
)
from autopack.executor.attempt_runner import run_single_attempt_with_recovery
from autopack.executor.db_events import (
    maybe_apply_retry_max_tokens_from_db,
)
from autopack.executor.models import PhaseSpec
from autopack.executor.phase_dispatch import handler_method, special_phase
from autopack.executor.phase_handlers import batched_deliverables, research_batch_record
from autopack.executor.retry_policy import (
    MAX_RETRY_ATTEMPTS,
    MAX_TOTAL_FAILURES_PER_RUN,
)
from autopack.executor.run_summary import PhaseOutcome, RunSummary
from autopack.git_problems import explain_checkpoint_failure
from autopack.llm_service import LlmService
from autopack.manifest_generator import ManifestGenerator
from autopack.model_router import ModelRouter
from autopack.notifier import LoggingNotifier
from autopack.phase_checkpoint import (
    PhaseCheckpoint,
    RunInterrupted,
    RunStopped,
    mark_run_interrupted,
    restore_phase_checkpoint,
    sigint_ignored,
    take_phase_checkpoint,
)
from autopack.phase_marker import (
    clear_phase_marker,
    recover_interrupted_phase,
    write_phase_marker,
)
from autopack.quality_gate import QualityGate
from autopack.run_redaction import redacting_run
from autopack.workspace_state import (
    WorkspaceState,
    run_keep_paths,
)

logger = logging.getLogger(__name__)


class AutonomousExecutor:
    """Executes a plan of phases against a git workspace, persisting phase state in a database.

    Collaborators (each injectable through a keyword argument, with a real default):
    `llm_service` (Builder and Auditor), `manifest_generator` (scope generation), `quality_gate`,
    `doctor`, `diagnostics_agent`, `model_router`, `notifier`, `approval_channel`.

    Most private methods are module functions of `autopack.executor`, bound as class attributes in
    one block at the end of the class (`_run_ci_checks = ci_runner.run_ci_checks`):
    `self._run_ci_checks(phase_id, phase)` calls `ci_runner.run_ci_checks(self, phase_id, phase)`,
    and fakes replace them on the executor.
    """

    def __init__(
        self,
        *,
        run_id: str,
        workspace: Path | str,
        plan: dict[str, Any],
        plan_path: Path | str | None = None,
        db_url: str | None = None,
        llm_service: Any = None,
        manifest_generator: Any = None,
        quality_gate: Any = None,
        doctor: Any = None,
        diagnostics_agent: Any = None,
        model_router: Any = None,
        notifier: Any = None,
        approval_channel: Any = None,
        enable_failure_hardening: bool | None = None,
        telemetry_enabled: bool | None = None,
        goal_anchor: str | None = None,
        require_checkpoint: bool = True,
    ) -> None:
        self.run_id = run_id
        self.workspace = Path(workspace)
        self.plan = plan
        self.plan_path = str(plan_path) if plan_path is not None else None
        self.phases: list[dict[str, Any]] = list(plan.get("phases") or [])
        self.db_url = db_url or default_database_url(self.workspace)
        self.llm_service = llm_service if llm_service is not None else LlmService.from_plan(plan)
        self.manifest_generator = (
            manifest_generator
            if manifest_generator is not None
            else ManifestGenerator(self.workspace)
        )
        self.quality_gate = quality_gate if quality_gate is not None else QualityGate()
        self.doctor = doctor if doctor is not None else RuleBasedDoctor()
        self.diagnostics_agent = (
            diagnostics_agent
            if diagnostics_agent is not None
            else DiagnosticsAgent(self.workspace, run_id)
        )
        self.model_router = model_router if model_router is not None else ModelRouter()
        self.notifier = notifier if notifier is not None else LoggingNotifier()
        if approval_channel is None:
            from autopack.approval_channel import approval_channel_from_policy

            approval_channel = approval_channel_from_policy(str(plan.get("approval", "auto-deny")))
        self.approval_channel = approval_channel
        if enable_failure_hardening is None:
            enable_failure_hardening = bool(plan.get("failure_hardening", False))
        self.enable_failure_hardening = enable_failure_hardening
        if telemetry_enabled is None:
            telemetry_enabled = bool(plan.get("telemetry", True))
        self.telemetry_enabled = telemetry_enabled
        self.goal_anchor = goal_anchor if goal_anchor is not None else plan.get("goal")
        self.require_checkpoint = require_checkpoint

        # Database, created in start().
        self.engine: Any = None
        self._session_factory: Any = None
        self._started = False

        # Run checkpoint, taken in start().
        self._run_checkpoint_branch: str | None = None
        self._run_checkpoint_commit: str | None = None
        self._run_checkpoint_untracked: list[str] = []
        self._run_checkpoint_state: WorkspaceState | None = None
        self._run_checkpoint_error: str | None = None

        # Run-wide counters and per-phase bookkeeping.
        self._doctor_calls_by_phase: dict[str, int] = {}
        self._run_doctor_calls = 0
        self._replans_by_phase: dict[str, int] = {}
        self._run_replan_count = 0
        self._run_total_failures = 0
        self._provider_infra_errors: dict[str, int] = {}
        self._last_error_by_phase: dict[str, str] = {}
        self._last_status_by_phase: dict[str, str] = {}
        self._last_builder_model_by_phase: dict[str, str] = {}
        self._last_ci_result_by_phase: dict[str, dict[str, Any]] = {}
        self._last_files_changed_by_phase: dict[str, list[str]] = {}
        self._learning_hints: list[str] = []
        self._approval_history: list[dict[str, Any]] = []

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

    def start(self) -> None:
        """Open the database, register the run and its phases, return a phase a killed run left in
        progress to its checkpoint, and take the run checkpoint.

        A run checkpoint that cannot be recorded raises WorkspaceError naming the problem and its
        fix (the run row is marked INTERRUPTED), unless the executor was built with
        `require_checkpoint=False`: then the run goes on without one.
        """
        if self._started:
            return
        self.engine, self._session_factory = create_session_factory(self.db_url)
        self._ensure_runs_dir_excluded()
        self._ensure_run_and_phase_rows()
        recover_interrupted_phase(
            workspace=self.workspace, run_id=self.run_id, session_factory=self._session_factory
        )
        ok, error = self._create_run_checkpoint()
        if not ok:
            self._run_checkpoint_error = error
            if self.require_checkpoint:
                mark_run_interrupted(self._session_factory, self.run_id)
                raise WorkspaceError(explain_checkpoint_failure(self.workspace, error or ""))
            logger.warning("Run %s continues without a checkpoint: %s", self.run_id, error)
        self._started = True
        logger.info(
            "Run %s started: %d phase(s), workspace %s",
            self.run_id,
            len(self.phases),
            self.workspace,
        )

    close = run_setup.close_run

    def run(self, on_phase_end: Callable[[PhaseOutcome], None] | None = None) -> RunSummary:
        """Execute every phase in plan order; a phase that fails for good stops the run.

        Phases already COMPLETE in the database for this run id are skipped, so running the same
        plan again resumes it. Each phase is attempted until it completes or is marked FAILED,
        with the phase-in-progress marker written before each attempt and removed when the phase
        ends. A KeyboardInterrupt (Ctrl-C, or SIGTERM / SIGHUP through `stop_signals`) returns the
        phase it hits to its checkpoint, marks the run INTERRUPTED and raises RunInterrupted; a
        write that failed (RunStorageError) does the same and raises RunStopped (without marking
        the run when the database itself failed). `on_phase_end` is called with each phase's outcome
        as soon as it is known (for progress output). The run's Redactor is made from the
        environment when the run begins (or the caller's `redacting_run` is kept): everything the
        run writes is redacted with it.
        """
        with redacting_run():
            try:
                self.start()
                summary = RunSummary(
                    run_id=self.run_id,
                    checkpoint_error=self._run_checkpoint_error,
                    on_phase_end=on_phase_end,
                )
                stopped = False
                for phase in self.phases:
                    phase_id = phase["phase_id"]
                    if stopped:
                        summary.add(self._phase_outcome(phase_id, skipped=True))
                        continue
                    row = self._get_phase_from_db(phase_id)
                    if row is not None and row.state == PhaseState.COMPLETE:
                        logger.info(
                            "Phase %s already COMPLETE in run %s; skipping", phase_id, self.run_id
                        )
                        summary.add(self._phase_outcome(phase_id, skipped=True))
                        continue
                    if row is not None and row.state == PhaseState.FAILED:
                        logger.warning(
                            "Phase %s already FAILED in run %s (%s); stopping the run",
                            phase_id,
                            self.run_id,
                            row.last_failure_reason,
                        )
                        summary.add(self._phase_outcome(phase_id, skipped=True))
                        stopped = True
                        continue
                    checkpoint = take_phase_checkpoint(
                        workspace=self.workspace,
                        keep=run_keep_paths(self.workspace, sqlite_path(self.db_url)),
                        session_factory=self._session_factory,
                        run_id=self.run_id,
                        phase_id=phase_id,
                    )
                    try:
                        stopped = not self._run_phase_to_completion(phase, checkpoint)
                    except (KeyboardInterrupt, RunStorageError) as stop:
                        with sigint_ignored():
                            problem = restore_phase_checkpoint(
                                checkpoint,
                                workspace=self.workspace,
                                session_factory=self._session_factory,
                                run_id=self.run_id,
                            )
                            if not isinstance(stop, RunDatabaseError):
                                mark_run_interrupted(self._session_factory, self.run_id)
                            if problem is None:
                                try:
                                    clear_phase_marker(self.workspace, self.run_id)
                                except RunStorageError as failure:
                                    problem = str(failure)
                        if isinstance(stop, RunStorageError):
                            raise RunStopped(self.run_id, phase_id, stop, problem) from None
                        raise RunInterrupted(self.run_id, phase_id, problem) from None
                    clear_phase_marker(self.workspace, self.run_id)
                    summary.add(self._phase_outcome(phase_id))
            except (KeyboardInterrupt, RunStorageError) as stop:
                with sigint_ignored():
                    if self._session_factory is not None and not isinstance(stop, RunDatabaseError):
                        mark_run_interrupted(self._session_factory, self.run_id)
                if isinstance(stop, RunStorageError):
                    raise RunStopped(self.run_id, None, stop) from None
                raise RunInterrupted(self.run_id, None) from None
            try:
                self._finish_run(summary)
            except RunStorageError as failure:
                raise RunStopped(self.run_id, None, failure) from None
            return summary

    def _run_phase_to_completion(
        self, phase: dict[str, Any], checkpoint: PhaseCheckpoint | None = None
    ) -> bool:
        """Attempt one phase until it completes (True) or is failed for good (False).

        With the phase's `checkpoint`, the phase-in-progress marker is written before each
        attempt, so that a run killed during the attempt is rolled back by the next one.
        """
        phase_id = phase["phase_id"]
        attempt = 0
        while True:
            attempt += 1
            if checkpoint is not None:
                write_phase_marker(self.workspace, self.run_id, checkpoint, attempt=attempt)
            ok, status = self.execute_phase(phase)
            self._last_status_by_phase[phase_id] = status
            if ok:
                return True
            row = self._get_phase_from_db(phase_id)
            if row is None:
                logger.error("Phase %s has no database row; stopping the run", phase_id)
                return False
            if row.state == PhaseState.FAILED:
                return False
            if self._run_total_failures >= MAX_TOTAL_FAILURES_PER_RUN:
                logger.error(
                    "Run %s reached %d failures; stopping at phase %s",
                    self.run_id,
                    self._run_total_failures,
                    phase_id,
                )
                self._mark_phase_failed_in_db(phase_id, "MAX_TOTAL_FAILURES_PER_RUN")
                return False
            logger.info("Phase %s will be attempted again after status %s", phase_id, status)

    # ------------------------------------------------------------------
    # One attempt of a phase, with the failure handling around it
    # ------------------------------------------------------------------

    def execute_phase(self, phase: dict[str, Any]) -> tuple[bool, str]:
        """Run one attempt of `phase` and handle its outcome; returns (ok, status).

        Generates a scope when the phase names no paths, reads the phase's counters, runs the
        attempt, and on failure records it, consults hardening, diagnostics and the Doctor, and
        advances the retry counter (marking the phase FAILED at MAX_RETRY_ATTEMPTS).
        """
        phase_id = phase["phase_id"]

        scope_config = scope_generation.ensure_phase_scope(executor=self, phase=phase)

        allowed_paths = self._derive_allowed_paths(scope_config)

        state = state_persistence.get_phase_state_or_defaults(executor=self, phase_id=phase_id)
        retry_attempt = state.retry_attempt
        revision_epoch = state.revision_epoch
        escalation_level = state.escalation_level

        if retry_attempt >= MAX_RETRY_ATTEMPTS:
            logger.error(
                "Phase %s has used all %d attempts; marking it failed", phase_id, MAX_RETRY_ATTEMPTS
            )
            self._mark_phase_failed_in_db(phase_id, "MAX_ATTEMPTS_EXHAUSTED")
            return False, "FAILED"

        attempt_index = retry_attempt
        phase["_revision_epoch"] = revision_epoch
        logger.info(
            "Executing phase %s: attempt %d/%d (revision_epoch=%d, escalation_level=%d)",
            phase_id,
            attempt_index + 1,
            MAX_RETRY_ATTEMPTS,
            revision_epoch,
            escalation_level,
        )

        try:
            maybe_apply_retry_max_tokens_from_db(
                self._session_factory, run_id=self.run_id, phase=phase, attempt_index=attempt_index
            )
            success, status = run_single_attempt_with_recovery(
                self, phase=phase, attempt_index=attempt_index, allowed_paths=allowed_paths
            )
        except Exception as exc:
            return failed_attempts.after_exception(self, phase, exc, state=state)

        if success:
            self._mark_phase_complete_in_db(phase_id)
            if attempt_index > 0:
                self._record_learning_hint(
                    phase,
                    "success_after_retry",
                    f"Phase {phase_id} succeeded on attempt {attempt_index + 1} after "
                    f"{self._last_status_by_phase.get(phase_id, 'a failure')}",
                )
            logger.info("Phase %s COMPLETE on attempt %d", phase_id, attempt_index + 1)
            return True, "COMPLETE"

        return failed_attempts.after_failure(self, phase, status, state=state)

    _derive_allowed_paths = scope_generation.derive_allowed_paths

    # ------------------------------------------------------------------
    # The attempt itself: builder, apply, CI, auditor, quality gate
    # ------------------------------------------------------------------

    def _execute_phase_with_recovery(
        self,
        phase: dict[str, Any],
        attempt_index: int = 0,
        allowed_paths: list[str] | None = None,
    ) -> tuple[bool, str]:
        """Run one attempt of `phase`; returns (True, "COMPLETE") or (False, <status>).

        Special phases go to their batched handler. Otherwise: choose the builder mode, call the
        Builder (with the structured-edit fallback for format and truncation errors), handle infra
        errors and token-budget escalation, validate deliverables, apply the change, run CI, the
        Auditor and the quality gate.
        """
        phase_id = phase["phase_id"]

        special = special_phase(phase_id)
        if special is not None:
            logger.info("Phase %s is a special phase; dispatching to %s", phase_id, special.name)
            return special.handler(
                self, phase=phase, attempt_index=attempt_index, allowed_paths=allowed_paths
            )

        file_context = self._load_file_context(phase, allowed_paths)

        builder = builder_pipeline.run_builder_stage(
            executor=self,
            phase=PhaseSpec(phase),
            attempt_index=attempt_index,
            file_context=file_context,
        )
        if builder.status != "COMPLETE":
            return False, builder.status
        builder_result = builder.builder_result
        use_full_file_mode = builder.full_file_mode

        patch_content = builder_result.patch_content or ""
        if not use_full_file_mode and builder_result.edit_plan:
            from autopack.structured_edits import render_edit_plan

            patch_content = render_edit_plan(self.workspace, builder_result.edit_plan)
            logger.info(
                "Phase %s structured edit plan with %d operation(s) rendered as a patch",
                phase_id,
                len(builder_result.edit_plan),
            )

        deliverables = list(phase.get("deliverables") or [])
        if deliverables:
            deliverables_report = validate_deliverables(patch_content, deliverables, self.workspace)
            if not deliverables_report.ok:
                self._last_error_by_phase[phase_id] = "missing deliverables: " + ", ".join(
                    deliverables_report.missing
                )

                # golden-seam: token_budget_escalation
                try:
                    token_budget = (builder_result.metadata or {}).get("token_budget") or {}
                    if token_budget_events.escalate_token_budget(
                        executor=self,
                        phase=PhaseSpec(phase),
                        builder_result=builder_result,
                        attempt_index=attempt_index,
                        token_budget=token_budget,
                        output_utilization=token_budget.get("output_utilization") or 0,
                        context=" after missing deliverables",
                    ):
                        return False, "TOKEN_ESCALATION"
                except Exception as exc:
                    logger.warning(
                        "Token budget escalation check failed for %s: %s: %s",
                        phase_id,
                        type(exc).__name__,
                        exc,
                    )
                # golden-seam-end: token_budget_escalation

                logger.warning(
                    "Phase %s deliverables missing: %s (provided: %s)",
                    phase_id,
                    ", ".join(deliverables_report.missing),
                    ", ".join(deliverables_report.provided) or "none",
                )
                return False, "DELIVERABLES_VALIDATION_FAILED"

        applied, apply_status = self._apply_builder_result_patch(
            phase,
            patch_content=patch_content,
            allowed_paths=allowed_paths,
            full_file_mode=use_full_file_mode,
            edit_plan=builder_result.edit_plan,
            summary=str((builder_result.metadata or {}).get("summary") or ""),
        )
        if not applied:
            return False, apply_status

        ci_result = self._run_ci_checks(phase_id, phase)
        self._last_ci_result_by_phase[phase_id] = ci_result
        if not ci_result.get("skipped") and not ci_result.get("passed"):
            tail = (ci_result.get("output") or "").strip().splitlines()[-5:]
            self._last_error_by_phase[phase_id] = (
                f"CI {ci_result.get('status')}: {ci_result.get('tests_failed', 0)} failed, "
                f"{ci_result.get('tests_error', 0)} errors; " + " | ".join(tail)
            )
            logger.warning(
                "CI failed for %s: status=%s tests_run=%s failed=%s errors=%s",
                phase_id,
                ci_result.get("status"),
                ci_result.get("tests_run"),
                ci_result.get("tests_failed"),
                ci_result.get("tests_error"),
            )
            return False, "CI_FAILED"

        auditor_result = self.llm_service.execute_auditor_review(
            phase_spec=phase,
            patch_content=patch_content,
            ci_result=ci_result,
            attempt_index=attempt_index,
        )
        logger.info(
            "Auditor for %s: approved=%s issues=%d",
            phase_id,
            auditor_result.approved,
            len(auditor_result.issues),
        )

        return governance_bridge.gate_phase(
            executor=self, phase_id=phase_id, ci_result=ci_result, auditor_result=auditor_result
        )

    _protected_paths = patch_apply_pipeline.protected_paths

    # ------------------------------------------------------------------
    # Steps whose bodies are executor module functions, bound as methods
    # ------------------------------------------------------------------

    # Run setup and end: executor/run_setup.py
    _phase_outcome = run_setup.phase_outcome
    _finish_run = run_setup.finish_run
    _ensure_runs_dir_excluded = run_setup.ensure_runs_dir_excluded
    _ensure_run_and_phase_rows = run_setup.ensure_run_and_phase_rows

    # Phase state persistence: executor/state_persistence.py
    _get_phase_from_db = state_persistence.get_phase_from_db
    _update_phase_attempts_in_db = state_persistence.update_phase_attempts_in_db
    _mark_phase_complete_in_db = state_persistence.mark_phase_complete_in_db
    _mark_phase_failed_in_db = state_persistence.mark_phase_failed_in_db

    # Records of failed attempts: executor/phase_records.py
    _record_phase_error = phase_records.record_phase_error
    _record_learning_hint = phase_records.record_learning_hint

    # Diagnostics and the Doctor: executor/diagnostics_orchestrator.py, executor/doctor_wiring.py
    _run_diagnostics = diagnostics_orchestrator.run_diagnostics
    _should_invoke_doctor = doctor_wiring.should_invoke_doctor
    _invoke_doctor = doctor_wiring.invoke_doctor
    _handle_doctor_action = doctor_wiring.handle_doctor_action

    # Approvals and notifications: executor/approvals.py
    _request_approval = approvals.request_approval
    _send_notification = approvals.send_notification

    # The attempt's steps: file context, apply, CI
    _load_file_context = builder_context.load_file_context
    _apply_builder_result_patch = patch_apply_pipeline.apply_builder_result_patch
    _run_ci_checks = ci_runner.run_ci_checks

    # Batched phases: executor/phase_handlers/
    _execute_batched_deliverables_phase = batched_deliverables.execute
    _execute_diagnostics_deep_retrieval_batched = handler_method("diagnostics-deep-retrieval")
    _execute_diagnostics_iteration_loop_batched = handler_method("diagnostics-iteration-loop")
    _execute_diagnostics_handoff_bundle_batched = handler_method("diagnostics-handoff-bundle")
    _execute_diagnostics_cursor_prompt_batched = handler_method("diagnostics-cursor-prompt")
    _execute_diagnostics_second_opinion_batched = handler_method(
        "diagnostics-second-opinion-triage"
    )
    _execute_research_tracer_bullet_batched = handler_method("research-tracer-bullet")
    _execute_research_gatherers_web_compilation_batched = handler_method(
        "research-gatherers-web-compilation"
    )
    _write_research_batch_record = research_batch_record.write_research_batch_record

    # Run checkpoint, rollback and Doctor fixes: executor/run_checkpointing.py
    _create_run_checkpoint = run_checkpointing.create_run_checkpoint
    _rollback_to_run_checkpoint = run_checkpointing.rollback_to_run_checkpoint
    _write_rollback_audit_log = run_checkpointing.write_rollback_audit_log
    _create_git_checkpoint_commit = run_checkpointing.create_git_checkpoint_commit
    _execute_fix = run_checkpointing.execute_fix
