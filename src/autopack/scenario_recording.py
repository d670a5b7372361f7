"""`autopack run PLAN --workspace DIR --record-scenarios OUT`: harvest characterization scenarios
of the executor's seams from a real run.

Each entry below is a seam's entry point, what runs for real inside it and what it is cut at: the
executor's other methods and its collaborator objects (LLM service, router, quality gate, Doctor,
diagnostics agent) are recorded with their real answers, as are the module functions listed in
`cut` (the database writers and readers, so a scenario never needs a database). Scenarios go to
`OUT/<seam>/`; copy a seam's folder to `tests/characterization/harvested/<seam>/` and capture its
goldens with `pytest --snapshot-update tests/characterization/test_<seam>.py`.

golden_harness is a development dependency: the option needs the `dev` (or `harness`) extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autopack.exceptions import AutopackError

if TYPE_CHECKING:
    from golden_harness import Harvester, HarvestSeam

EXECUTOR = "autopack.autonomous_executor:AutonomousExecutor"
DB_READ_RETRY_BUDGET = "autopack.executor.db_events:maybe_apply_retry_max_tokens_from_db"
DB_WRITE_ESCALATION = "autopack.executor.db_events:try_record_token_budget_escalation_event"
PHASE_STATE = "autopack.executor.state_persistence:get_phase_state_or_defaults"


def harvest_seams() -> list[HarvestSeam]:
    """The executor seams a run records, with their entry points and cuts."""
    return [
        _method(
            "execute_phase",
            "execute_phase",
            real=["_derive_allowed_paths"],
            cut=[DB_READ_RETRY_BUDGET, PHASE_STATE],
        ),
        _method("attempt_pipeline", "_execute_phase_with_recovery", cut=[DB_WRITE_ESCALATION]),
        _function(
            "builder_pipeline", "builder_pipeline:run_builder_stage", cut=[DB_WRITE_ESCALATION]
        ),
        _method("patch_apply", "_apply_builder_result_patch", real=["_protected_paths"]),
        _method("ci_runner", "_run_ci_checks"),
        _method("file_context", "_load_file_context"),
        _function("scope_generation", "scope_generation:ensure_phase_scope"),
        _function(
            "token_budget_escalation",
            "token_budget_events:escalate_token_budget",
            cut=[DB_WRITE_ESCALATION],
        ),
        _method("diagnostics", "_run_diagnostics"),
        _method("batched_deliverables", "_execute_batched_deliverables_phase"),
        _function(
            "batched_diagnostics_handoff_bundle",
            "phase_handlers.batched_diagnostics_handoff_bundle:execute",
        ),
    ]


def _method(seam: str, method: str, **options: Any) -> HarvestSeam:
    """A seam entered at a method of AutonomousExecutor."""
    from golden_harness import HarvestSeam

    return HarvestSeam(seam, f"{EXECUTOR}.{method}", **options)


def _function(seam: str, function: str, **options: Any) -> HarvestSeam:
    """A seam entered at a function of `autopack.executor` (`"module:function"`) that takes the
    executor as its `executor` argument."""
    from golden_harness import HarvestSeam

    return HarvestSeam(seam, f"autopack.executor.{function}", subject="executor", **options)


@contextmanager
def recording_scenarios(out_dir: Path, workspace: Path) -> Iterator[Harvester]:
    """Record the seams of `harvest_seams()` while the block runs; scenarios go under `out_dir`."""
    try:
        from golden_harness import Harvester
    except ImportError as exc:
        raise AutopackError(
            f"--record-scenarios needs golden_harness and its dependencies ({exc}); install the "
            "development extra: pip install -e '.[dev]'"
        ) from exc
    with Harvester(
        harvest_seams(), out_dir, workspace=workspace, workspace_files="read"
    ) as harvester:
        yield harvester
