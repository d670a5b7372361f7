"""Shared scaffolding for the characterization scenarios of the batched phase handlers.

The seven batched handlers and their shared loop talk to the same collaborators: the file-context
loader, the model router, the Builder and Auditor (`llm_service`), the deliverables check, the
governed apply path, CI, the quality gate and the approval channel. These helpers script those
collaborators with small, readable values so that each scenario only states what it varies:

- `builder_ok(...)` / `builder_failed(...)`, `applied(...)` / `apply_failed(...)`,
  `deliverables_ok(...)` / `deliverables_missing(...)`: results of the real result types.
- `script_batch_collaborators(golden, ...)`: the per-batch collaborators (file context, model,
  protected paths) and, through `fake_function`, the governed apply class and the deliverables check.
- `script_after_batches(golden, ...)`: CI, the Auditor, the quality gate and, when the gate
  blocks, the approval request.
- `run_diagnostics_handler(...)`: one call of a diagnostics handler whose delegation to
  `_execute_batched_deliverables_phase` is a fake, so the golden shows the batches it delegates.
- `echo_batches(golden, ...)`: the same collaborators answering every batch with success, each
  result derived from the call's own arguments (the files of the batch), so that scenarios about
  how deliverables are sorted into batches need not script one result per batch.
- `write_files(golden, {...})`: files present in the workspace before the seam runs, recorded as
  an `observed` event so that a retry scenario's golden shows what the workspace held.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from autopack import deliverables as deliverables_module
from autopack import governed_apply, validators
from autopack.autonomous_executor import AutonomousExecutor
from autopack.deliverables import DeliverablesReport
from autopack.governed_apply import ApplyResult
from autopack.llm_types import AuditorResult, BuilderResult
from autopack.quality_gate import QualityReport
from golden_harness import Recorder

PROTECTED_PATHS = [".git/", ".autonomous_runs/"]
FILE_CONTEXT = {"existing_files": {}}
BUILDER_MODEL = "builder-model"
CI_PASSED = {"status": "passed", "passed": True, "tests_run": 3, "tests_failed": 0}
GATE_PASSED = QualityReport(quality_level="good", is_blocked=False, issues=[])
GATE_BLOCKED = QualityReport(
    quality_level="blocked", is_blocked=True, issues=["CI failed", "auditor found a major issue"]
)


def patch_for(path: str) -> str:
    """A one-line new-file patch for `path`, short enough to read in a golden."""
    return f"+++ b/{path}"


def builder_ok(*paths: str, tokens: int | None = 100) -> BuilderResult:
    """A successful Builder result whose patch names `paths`."""
    return BuilderResult(
        success=True, patch_content="\n".join(patch_for(p) for p in paths), tokens_used=tokens
    )


def builder_failed(error: str, *, tokens: int | None = None) -> BuilderResult:
    """A failed Builder result."""
    return BuilderResult(success=False, error=error, tokens_used=tokens)  # type: ignore[arg-type]


def deliverables_ok(*paths: str) -> DeliverablesReport:
    """A deliverables report in which every path is provided."""
    return DeliverablesReport(ok=True, missing=[], provided=list(paths))


def deliverables_missing(
    missing: Sequence[str], provided: Sequence[str] = ()
) -> DeliverablesReport:
    """A deliverables report with missing paths."""
    return DeliverablesReport(ok=False, missing=list(missing), provided=list(provided))


def applied(*paths: str) -> ApplyResult:
    """A successful governed apply that changed `paths`."""
    return ApplyResult(success=True, files_changed=list(paths))


def apply_failed(error: str) -> ApplyResult:
    """A governed apply that was refused."""
    return ApplyResult(success=False, error=error)


def script_batch_collaborators(
    golden: Recorder,
    *,
    builder: Sequence[BuilderResult],
    reports: Sequence[DeliverablesReport] = (),
    applies: Sequence[ApplyResult] = (),
    contents: Sequence[Mapping[str, str]] | None = None,
) -> None:
    """Script what each batch talks to; one entry per batch that reaches that step.

    `contents` (one mapping of path to text per batch) fakes `new_file_contents`, which the
    research handlers call to read the files a patch creates.
    """
    golden.fake("self._load_file_context", returns=FILE_CONTEXT)
    golden.fake("model_router.select_model", returns=BUILDER_MODEL)
    golden.fake("self._protected_paths", returns=PROTECTED_PATHS)
    golden.fake("llm_service.execute_builder_phase", sequence=list(builder))
    golden.fake_function(deliverables_module.validate_deliverables, sequence=list(reports))
    if contents is not None:
        golden.fake_function(validators.new_file_contents, sequence=[dict(c) for c in contents])
    golden.fake_function(governed_apply.GovernedApplyPath)
    golden.fake("GovernedApplyPath().apply_patch", sequence=list(applies))


def new_file_text(path: str) -> str:
    """The content a faked patch creates at `path`: compiling Python, a research doc citing sources."""
    return "VALUE = 1\n" if path.endswith(".py") else f"# {path}\n\n## Sources\n- notes\n"


def _patch_paths(patch: str) -> list[str]:
    return [line.removeprefix("+++ b/") for line in patch.splitlines() if line.startswith("+++ b/")]


def echo_batches(golden: Recorder, *, contents: bool = False) -> None:
    """Script every batch to succeed: the Builder writes the batch's files and the apply takes them.

    With `contents`, `new_file_contents` (the research handlers read the files a patch creates) is
    faked too, giving each file `new_file_text(path)`.
    """
    golden.fake("self._load_file_context", returns=FILE_CONTEXT)
    golden.fake("model_router.select_model", returns=BUILDER_MODEL)
    golden.fake("self._protected_paths", returns=PROTECTED_PATHS)
    golden.fake(
        "llm_service.execute_builder_phase",
        side_effect=lambda **kw: builder_ok(*kw["phase_spec"]["deliverables"]),
    )
    golden.fake_function(
        deliverables_module.validate_deliverables,
        side_effect=lambda patch, batch, workspace: deliverables_ok(*batch),
    )
    if contents:
        golden.fake_function(
            validators.new_file_contents,
            side_effect=lambda patch: {p: new_file_text(p) for p in _patch_paths(patch)},
        )
    golden.fake_function(governed_apply.GovernedApplyPath)
    golden.fake(
        "GovernedApplyPath().apply_patch",
        side_effect=lambda patch, full_file_mode: applied(*_patch_paths(patch)),
    )


def script_after_batches(
    golden: Recorder,
    *,
    ci: Mapping[str, Any] = CI_PASSED,
    auditor: AuditorResult | None = None,
    gate: QualityReport = GATE_PASSED,
    approval: bool | None = None,
) -> None:
    """Script CI, the Auditor, the quality gate and (when `approval` is given) the approval."""
    golden.fake("self._run_ci_checks", returns=dict(ci))
    golden.fake(
        "llm_service.execute_auditor_review",
        returns=auditor if auditor is not None else AuditorResult(approved=True, issues=[]),
    )
    golden.fake("quality_gate.assess_phase", returns=gate)
    if approval is not None:
        golden.fake("self._request_approval", returns=approval)


def write_files(golden: Recorder, files: Mapping[str, str]) -> None:
    """Create `files` (path -> content) in the workspace and record them as present."""
    for path, content in files.items():
        target = golden.workspace / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    golden.observe(
        "workspace before the call", {path: len(content) for path, content in files.items()}
    )


def run_diagnostics_handler(
    golden: Recorder,
    make_executor: Callable[..., AutonomousExecutor],
    method: str,
    phase: dict[str, Any],
    *,
    attempt_index: int = 0,
    allowed_paths: list[str] | None = None,
    outcome: Any = (True, "COMPLETE"),
) -> None:
    """Run the diagnostics handler `method` once with its shared-loop delegation faked.

    `outcome` is what the faked `_execute_batched_deliverables_phase` returns, or an exception it
    raises.
    """
    executor = make_executor(real=[method])
    if isinstance(outcome, BaseException):
        golden.fake("self._execute_batched_deliverables_phase", side_effect=outcome)
    else:
        golden.fake("self._execute_batched_deliverables_phase", returns=outcome)
    golden.call(
        getattr(executor, method),
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
    )
