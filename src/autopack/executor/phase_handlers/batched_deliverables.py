"""The shared batching loop of the batched special phases: a phase's deliverables built batch by batch
(a retry skips a batch already present), then CI, the Auditor and the quality gate once.

Reads from the executor: `run_id`, `workspace`, `llm_service`, `model_router`, `quality_gate`, the
bookkeeping dicts `_learning_hints`, `_last_error_by_phase`, `_last_files_changed_by_phase` and
`_last_ci_result_by_phase`; calls its `_load_file_context`, `_protected_paths`, `_run_ci_checks` and
`_request_approval`.
"""

from __future__ import annotations

import logging
import subprocess
from typing import Any

from autopack.deliverables import validate_deliverables
from autopack.executor.git_settings import GIT_TIMEOUT_SECONDS
from autopack.governed_apply import GovernedApplyPath

logger = logging.getLogger(__name__)


def execute(
    executor,
    *,
    phase: dict[str, Any],
    attempt_index: int,
    allowed_paths: list[str] | None,
    batches: list[list[str]],
    batching_label: str,
    manifest_allowed_roots: tuple[str, ...],
    apply_allowed_roots: tuple[str, ...],
) -> tuple[bool, str]:
    """Build a phase's deliverables batch by batch, then run CI, the Auditor and the gate once.

    Each batch gets a scope limited to its files and its own builder call, deliverables check
    and governed apply (with `apply_allowed_roots`). On a retry, a batch whose files all exist
    and are non-empty is skipped, its `git diff` taken as its part of the combined patch.
    """
    phase_id = phase["phase_id"]
    total = len(batches)
    logger.info(
        "Phase %s (%s): %d batch(es) of %d deliverable(s)",
        phase_id,
        batching_label,
        total,
        sum(len(b) for b in batches),
    )
    combined_parts: list[str] = []
    files_changed: list[str] = []
    for index, batch in enumerate(batches, start=1):
        batch_phase = dict(phase)
        batch_phase["deliverables"] = list(batch)
        batch_scope = dict(phase.get("scope") or {})
        batch_scope["paths"] = list(batch)
        batch_phase["scope"] = batch_scope
        batch_phase["_batch"] = {"label": batching_label, "index": index, "total": total}

        if attempt_index > 0:
            # An empty batch has nothing present: skipping it would diff the whole workspace.
            present = bool(batch) and all(
                (executor.workspace / path).is_file()
                and (executor.workspace / path).stat().st_size > 0
                for path in batch
            )
            if present:
                diff = subprocess.run(
                    ["git", "diff", "--no-color", "--", *batch],
                    cwd=executor.workspace,
                    capture_output=True,
                    text=True,
                    timeout=GIT_TIMEOUT_SECONDS,
                    check=False,
                )
                combined_parts.append(diff.stdout)
                logger.info(
                    "Phase %s batch %d/%d already present; skipped on retry: %s",
                    phase_id,
                    index,
                    total,
                    ", ".join(batch),
                )
                continue

        file_context = executor._load_file_context(batch_phase, list(manifest_allowed_roots))
        run_context = {
            "run_id": executor.run_id,
            "revision_epoch": phase.get("_revision_epoch", 0),
            "doctor_hint": phase.get("_doctor_hint"),
            "model": executor.model_router.select_model("builder"),
            "batch": dict(batch_phase["_batch"]),
        }
        builder_result = executor.llm_service.execute_builder_phase(
            phase_spec=batch_phase,
            file_context=file_context,
            max_tokens=phase.get("_escalated_tokens"),
            use_full_file_mode=True,
            attempt_index=attempt_index,
            run_context=run_context,
            run_hints=list(executor._learning_hints[-5:]),
        )
        if not builder_result.success:
            executor._last_error_by_phase[phase_id] = (
                f"batch {index}/{total} ({batching_label}): {builder_result.error}"
            )
            logger.error(
                "Builder failed for %s batch %d/%d: %s",
                phase_id,
                index,
                total,
                builder_result.error,
            )
            return False, "FAILED"

        report = validate_deliverables(builder_result.patch_content, batch, executor.workspace)
        if not report.ok:
            executor._last_error_by_phase[phase_id] = (
                f"batch {index}/{total} missing deliverables: {', '.join(report.missing)}"
            )
            logger.warning(
                "Phase %s batch %d/%d missing deliverables: %s",
                phase_id,
                index,
                total,
                ", ".join(report.missing),
            )
            return False, "DELIVERABLES_VALIDATION_FAILED"

        governed = GovernedApplyPath(
            executor.workspace,
            allowed_paths=list(apply_allowed_roots),
            protected_paths=executor._protected_paths(),
        )
        apply_result = governed.apply_patch(builder_result.patch_content, full_file_mode=True)
        if not apply_result.success:
            executor._last_error_by_phase[phase_id] = f"batch {index}/{total}: {apply_result.error}"
            logger.warning(
                "Phase %s batch %d/%d patch not applied: %s",
                phase_id,
                index,
                total,
                apply_result.error,
            )
            return False, "PATCH_FAILED"
        combined_parts.append(builder_result.patch_content)
        files_changed.extend(apply_result.files_changed)
        logger.info("Phase %s batch %d/%d applied: %s", phase_id, index, total, ", ".join(batch))

    combined_patch = "\n".join(part for part in combined_parts if part)
    executor._last_files_changed_by_phase[phase_id] = files_changed

    ci_result = executor._run_ci_checks(phase_id, phase)
    executor._last_ci_result_by_phase[phase_id] = ci_result
    auditor_result = executor.llm_service.execute_auditor_review(
        phase_spec=phase,
        patch_content=combined_patch,
        ci_result=ci_result,
        attempt_index=attempt_index,
    )
    quality_report = executor.quality_gate.assess_phase(
        phase_id=phase_id,
        ci_result=ci_result,
        auditor_approved=auditor_result.approved,
        auditor_issues=auditor_result.issues,
        files_changed=files_changed,
    )
    logger.info(
        "Phase %s (%s) quality gate: %s", phase_id, batching_label, quality_report.quality_level
    )
    if quality_report.is_blocked:
        approved = executor._request_approval(
            phase_id,
            kind="quality_gate",
            summary=f"quality gate blocked: {'; '.join(quality_report.issues)}",
            details={"issues": list(quality_report.issues), "batching": batching_label},
        )
        if not approved:
            executor._last_error_by_phase[phase_id] = "; ".join(quality_report.issues)
            return False, "BLOCKED"
    return True, "COMPLETE"
