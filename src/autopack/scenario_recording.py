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
from typing import TYPE_CHECKING

from autopack.exceptions import AutopackError

if TYPE_CHECKING:
    from golden_harness import Harvester, HarvestSeam

EXECUTOR = "autopack.autonomous_executor:AutonomousExecutor"
DB_READ_RETRY_BUDGET = "autopack.executor.db_events:maybe_apply_retry_max_tokens_from_db"
DB_WRITE_ESCALATION = "autopack.executor.db_events:try_record_token_budget_escalation_event"
PHASE_STATE = "autopack.executor.state_persistence:get_phase_state_or_defaults"


def harvest_seams() -> list[HarvestSeam]:
    """The executor seams a run records, with their entry points and cuts."""
    from golden_harness import HarvestSeam

    return [
        HarvestSeam(
            "execute_phase",
            f"{EXECUTOR}.execute_phase",
            real=["_derive_allowed_paths"],
            cut=[DB_READ_RETRY_BUDGET, PHASE_STATE],
        ),
        HarvestSeam(
            "attempt_pipeline",
            f"{EXECUTOR}._execute_phase_with_recovery",
            cut=[DB_WRITE_ESCALATION],
        ),
        HarvestSeam(
            "builder_pipeline",
            "autopack.executor.builder_pipeline:run_builder_stage",
            subject="executor",
            cut=[DB_WRITE_ESCALATION],
        ),
        HarvestSeam(
            "patch_apply", f"{EXECUTOR}._apply_builder_result_patch", real=["_protected_paths"]
        ),
        HarvestSeam("ci_runner", f"{EXECUTOR}._run_ci_checks"),
        HarvestSeam("file_context", f"{EXECUTOR}._load_file_context"),
        HarvestSeam(
            "scope_generation",
            "autopack.executor.scope_generation:ensure_phase_scope",
            subject="executor",
        ),
        HarvestSeam(
            "token_budget_escalation",
            "autopack.executor.token_budget_events:escalate_token_budget",
            subject="executor",
            cut=[DB_WRITE_ESCALATION],
        ),
        HarvestSeam("diagnostics", f"{EXECUTOR}._run_diagnostics"),
        HarvestSeam("batched_deliverables", f"{EXECUTOR}._execute_batched_deliverables_phase"),
        HarvestSeam(
            "batched_diagnostics_handoff_bundle",
            "autopack.executor.phase_handlers.batched_diagnostics_handoff_bundle:execute",
            subject="executor",
        ),
    ]


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
