"""The research gatherers / web-compilation phase: its own batching loop over research buckets, a
check that compiled documents cite their sources, then CI, the Auditor and the quality gate.

Reads from the executor: `run_id`, `workspace`, `llm_service`, `model_router`, `quality_gate`, the
bookkeeping dicts `_learning_hints`, `_last_error_by_phase`, `_last_files_changed_by_phase` and
`_last_ci_result_by_phase`; calls its `_load_file_context`, `_protected_paths`,
`_write_research_batch_record`, `_run_ci_checks` and `_request_approval`.
"""

from __future__ import annotations

import logging
import re
import subprocess
import time
from typing import Any

from autopack.deliverables import validate_deliverables
from autopack.executor.git_settings import GIT_TIMEOUT_SECONDS
from autopack.governed_apply import GovernedApplyPath
from autopack.validators import new_file_contents

logger = logging.getLogger(__name__)


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Research gatherers / web-compilation phase, with its own batching loop.

    Buckets: gatherers, compilation, other `src/autopack/research/` code, `src/research/`,
    tests, docs; empty buckets dropped, one batch of everything when none applies. Every batch
    is built on every attempt (no retry skip). A compiled research document without a
    `Sources` section is reported. The combined patch is the whole-workspace `git diff`.
    """
    phase_id = phase["phase_id"]
    deliverables = [str(d) for d in phase.get("deliverables") or []]
    gatherers = [d for d in deliverables if d.startswith("src/autopack/research/gatherers/")]
    compilation = [d for d in deliverables if d.startswith("src/autopack/research/compilation/")]
    support = [
        d
        for d in deliverables
        if d.startswith("src/autopack/research/")
        and not d.startswith(
            ("src/autopack/research/gatherers/", "src/autopack/research/compilation/")
        )
    ]
    standalone = [d for d in deliverables if d.startswith("src/research/")]
    tests = [d for d in deliverables if d.startswith("tests/research/")]
    docs = [d for d in deliverables if d.startswith("docs/research/")]
    buckets = [
        ("gatherers", gatherers),
        ("web_compilation", compilation),
        ("research_support", support),
        ("research_standalone", standalone),
        ("research_tests", tests),
        ("research_docs", docs),
    ]
    batches = [(name, files) for name, files in buckets if files]
    if not batches:
        batches = [("all_deliverables", deliverables)]
    allowed_roots = (
        "src/autopack/research/",
        "src/research/",
        "tests/research/",
        "docs/research/",
    )
    logger.info(
        "Research gatherers/web compilation %s: %d batch(es) (%s), attempt %d",
        phase_id,
        len(batches),
        ", ".join(name for name, _ in batches),
        attempt_index,
    )

    batch_records: list[dict[str, Any]] = []
    total_tokens = 0
    files_changed: list[str] = []
    uncited_documents: list[str] = []
    for index, (bucket_name, batch) in enumerate(batches, start=1):
        batch_started = time.monotonic()
        batch_phase = dict(phase)
        batch_phase["deliverables"] = list(batch)
        batch_scope = dict(phase.get("scope") or {})
        batch_scope["paths"] = list(batch)
        batch_phase["scope"] = batch_scope
        batch_phase["_batch"] = {
            "label": "research_gatherers_web_compilation",
            "bucket": bucket_name,
            "index": index,
            "total": len(batches),
        }
        logger.info(
            "Research gatherers %s batch %d/%d (%s): %s",
            phase_id,
            index,
            len(batches),
            bucket_name,
            ", ".join(batch),
        )

        file_context = executor._load_file_context(batch_phase, list(allowed_roots))
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
        total_tokens += int(builder_result.tokens_used or 0)
        record: dict[str, Any] = {
            "index": index,
            "bucket": bucket_name,
            "files": list(batch),
            "tokens_used": int(builder_result.tokens_used or 0),
        }
        if not builder_result.success:
            record["status"] = "builder_failed"
            batch_records.append(record)
            executor._write_research_batch_record(
                phase_id, "research_gatherers_web_compilation", batch_records
            )
            executor._last_error_by_phase[phase_id] = (
                f"research batch {index}/{len(batches)} ({bucket_name}): {builder_result.error}"
            )
            logger.error(
                "Research gatherers %s batch %d/%d builder failed: %s",
                phase_id,
                index,
                len(batches),
                builder_result.error,
            )
            return False, "FAILED"

        deliverables_report = validate_deliverables(
            builder_result.patch_content, batch, executor.workspace
        )
        if not deliverables_report.ok:
            record["status"] = "deliverables_missing"
            batch_records.append(record)
            executor._write_research_batch_record(
                phase_id, "research_gatherers_web_compilation", batch_records
            )
            executor._last_error_by_phase[phase_id] = (
                f"research batch {index}/{len(batches)} missing deliverables: "
                f"{', '.join(deliverables_report.missing)}"
            )
            logger.warning(
                "Research gatherers %s batch %d/%d missing deliverables: %s",
                phase_id,
                index,
                len(batches),
                ", ".join(deliverables_report.missing),
            )
            return False, "DELIVERABLES_VALIDATION_FAILED"

        for path, text in new_file_contents(builder_result.patch_content).items():
            is_research_doc = path.startswith("docs/research/") and path.endswith(".md")
            if is_research_doc and not re.search(r"^#+\s*Sources\b", text, flags=re.MULTILINE):
                uncited_documents.append(path)
                logger.warning(
                    "Research gatherers %s: compiled document %s has no Sources section",
                    phase_id,
                    path,
                )

        governed = GovernedApplyPath(
            executor.workspace,
            allowed_paths=list(allowed_roots),
            protected_paths=executor._protected_paths(),
        )
        apply_result = governed.apply_patch(builder_result.patch_content, full_file_mode=True)
        if not apply_result.success:
            record["status"] = "patch_failed"
            batch_records.append(record)
            executor._write_research_batch_record(
                phase_id, "research_gatherers_web_compilation", batch_records
            )
            executor._last_error_by_phase[phase_id] = (
                f"research batch {index}/{len(batches)}: {apply_result.error}"
            )
            logger.warning(
                "Research gatherers %s batch %d/%d patch not applied: %s",
                phase_id,
                index,
                len(batches),
                apply_result.error,
            )
            return False, "PATCH_FAILED"

        files_changed.extend(apply_result.files_changed)
        record["status"] = "applied"
        record["duration_seconds"] = round(time.monotonic() - batch_started, 2)
        batch_records.append(record)
        logger.info(
            "Research gatherers %s batch %d/%d applied (%d tokens)",
            phase_id,
            index,
            len(batches),
            record["tokens_used"],
        )

    executor._write_research_batch_record(
        phase_id,
        "research_gatherers_web_compilation",
        batch_records,
        extra={"uncited_documents": uncited_documents},
    )
    executor._last_files_changed_by_phase[phase_id] = files_changed
    logger.info(
        "Research gatherers %s: %d batch(es) applied, %d tokens, %d file(s), %d uncited doc(s)",
        phase_id,
        len(batch_records),
        total_tokens,
        len(files_changed),
        len(uncited_documents),
    )

    try:
        diff_proc = subprocess.run(
            ["git", "diff", "--no-color"],
            cwd=executor.workspace,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
        combined_patch = diff_proc.stdout
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("Could not read the workspace diff for %s: %s", phase_id, exc)
        combined_patch = ""

    ci_result = executor._run_ci_checks(phase_id, phase)
    executor._last_ci_result_by_phase[phase_id] = ci_result
    auditor_result = executor.llm_service.execute_auditor_review(
        phase_spec=phase,
        patch_content=combined_patch,
        ci_result=ci_result,
        attempt_index=attempt_index,
    )
    issues = list(auditor_result.issues)
    for path in uncited_documents:
        issues.append({"severity": "minor", "message": f"{path} cites no sources"})
    quality_report = executor.quality_gate.assess_phase(
        phase_id=phase_id,
        ci_result=ci_result,
        auditor_approved=auditor_result.approved,
        auditor_issues=issues,
        files_changed=files_changed,
    )
    logger.info("Research gatherers %s quality gate: %s", phase_id, quality_report.quality_level)
    if quality_report.is_blocked:
        approved = executor._request_approval(
            phase_id,
            kind="quality_gate",
            summary=f"quality gate blocked: {'; '.join(quality_report.issues)}",
            details={
                "issues": list(quality_report.issues),
                "batching": "research_gatherers_web_compilation",
            },
        )
        if not approved:
            executor._last_error_by_phase[phase_id] = "; ".join(quality_report.issues)
            return False, "BLOCKED"
    return True, "COMPLETE"
