"""The executor's methods whose bodies live in `autopack.executor` modules are those module
functions, bound as class attributes: each name is bound to the function it names, and a
call on an executor passes the executor as the function's first argument."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import FunctionType

import pytest

from autopack.autonomous_executor import AutonomousExecutor
from autopack.executor import (
    approvals,
    builder_context,
    ci_runner,
    diagnostics_orchestrator,
    doctor_wiring,
    patch_apply_pipeline,
    phase_records,
    run_checkpointing,
    run_setup,
    scope_generation,
    state_persistence,
)
from autopack.executor.phase_handlers import batched_deliverables, research_batch_record

from ._wrapper_support import make_executor

ALIASES = {
    "_phase_outcome": run_setup.phase_outcome,
    "_finish_run": run_setup.finish_run,
    "_ensure_runs_dir_excluded": run_setup.ensure_runs_dir_excluded,
    "_ensure_run_and_phase_rows": run_setup.ensure_run_and_phase_rows,
    "_get_phase_from_db": state_persistence.get_phase_from_db,
    "_update_phase_attempts_in_db": state_persistence.update_phase_attempts_in_db,
    "_mark_phase_complete_in_db": state_persistence.mark_phase_complete_in_db,
    "_mark_phase_failed_in_db": state_persistence.mark_phase_failed_in_db,
    "_record_phase_error": phase_records.record_phase_error,
    "_record_learning_hint": phase_records.record_learning_hint,
    "_run_diagnostics": diagnostics_orchestrator.run_diagnostics,
    "_should_invoke_doctor": doctor_wiring.should_invoke_doctor,
    "_invoke_doctor": doctor_wiring.invoke_doctor,
    "_handle_doctor_action": doctor_wiring.handle_doctor_action,
    "_request_approval": approvals.request_approval,
    "_send_notification": approvals.send_notification,
    "_load_file_context": builder_context.load_file_context,
    "_apply_builder_result_patch": patch_apply_pipeline.apply_builder_result_patch,
    "_run_ci_checks": ci_runner.run_ci_checks,
    "_execute_batched_deliverables_phase": batched_deliverables.execute,
    "_write_research_batch_record": research_batch_record.write_research_batch_record,
    "_create_run_checkpoint": run_checkpointing.create_run_checkpoint,
    "_rollback_to_run_checkpoint": run_checkpointing.rollback_to_run_checkpoint,
    "_write_rollback_audit_log": run_checkpointing.write_rollback_audit_log,
    "_create_git_checkpoint_commit": run_checkpointing.create_git_checkpoint_commit,
    "_execute_fix": run_checkpointing.execute_fix,
    "_derive_allowed_paths": scope_generation.derive_allowed_paths,
    "_protected_paths": patch_apply_pipeline.protected_paths,
    "close": run_setup.close_run,
}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_the_method_is_the_module_function_bound_to_the_executor(name: str, tmp_path: Path) -> None:
    function = ALIASES[name]
    executor = make_executor(tmp_path)

    assert AutonomousExecutor.__dict__[name] is function
    method = getattr(executor, name)
    assert method.__func__ is function
    assert method.__self__ is executor
    assert next(iter(inspect.signature(function).parameters)) == "executor"


def test_every_method_bound_to_an_executor_module_is_listed() -> None:
    bound = {
        name
        for name, value in vars(AutonomousExecutor).items()
        if isinstance(value, FunctionType)
        and value.__module__.startswith("autopack.executor.")
        and value.__name__ != name
    }
    assert bound - ALIASES.keys() <= {
        name for name in bound if name.startswith("_execute_") and name.endswith("_batched")
    }
    assert ALIASES.keys() <= bound
