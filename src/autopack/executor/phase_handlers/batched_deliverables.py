"""The one batching loop of the batched special phases: a phase's deliverables built batch by batch,
then CI, the Auditor and the quality gate once.

`run_batches` is the loop; a `BatchLoop` says how a phase kind differs (its label, roots, the retry
skip, the compile and sources checks, the batch record, where the combined patch comes from, and
its log and error wording). `execute` is the shared loop the diagnostics handlers delegate to
(through the executor's `_execute_batched_deliverables_phase`); the research handlers call
`run_batches` with their own `BatchLoop`.

Reads from the executor: `run_id`, `workspace`, `llm_service`, `model_router`, `quality_gate`, the
bookkeeping dicts `_learning_hints`, `_last_error_by_phase`, `_last_files_changed_by_phase` and
`_last_ci_result_by_phase`; calls its `_load_file_context`, `_protected_paths`, `_run_ci_checks` and
`_request_approval`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autopack.executor.phase_handlers.batch_wording import SHARED_WORDING, Failure, Wording
from autopack.executor.phase_handlers.research_batch_record import write_research_batch_record
from autopack.git_commands import run_git

logger = logging.getLogger(__name__)

SOURCES_HEADING = re.compile(r"^#+\s*Sources\b", flags=re.MULTILINE)
INVALID = "DELIVERABLES_VALIDATION_FAILED"


@dataclass(frozen=True)
class BatchLoop:
    """How one kind of batched phase runs the loop.

    - `label`: the batching label (in each batch's `_batch`, the record, the approval details).
    - `manifest_roots` / `apply_roots`: the file-context roots and the governed apply's roots.
    - `skip_present_on_retry`: on a retry, a batch whose files all exist and are non-empty is not
      built again; its `git diff --no-color -- <files>` is its part of the combined patch.
    - `compile_check`: Python files a patch creates must compile (else the batch fails).
    - `sources_check`: research documents a patch creates without a `Sources` heading are
      listed in the record, logged, and given to the quality gate as minor issues.
    - `record`: batch records (bucket, files, tokens, status, duration) are written through
      `write_research_batch_record` after a failed batch and after the last one.
    - `workspace_diff`: the combined patch is the whole-workspace `git diff --no-color` (an
      unreadable one is empty) instead of the batches' patches joined.
    """

    label: str
    manifest_roots: tuple[str, ...]
    apply_roots: tuple[str, ...]
    wording: Wording
    skip_present_on_retry: bool = False
    compile_check: bool = False
    sources_check: bool = False
    record: bool = False
    workspace_diff: bool = False

    def __post_init__(self) -> None:
        if self.compile_check and self.wording.not_compiling is None:
            raise ValueError(
                f"BatchLoop {self.label!r}: compile_check=True needs the texts of a compile "
                "failure; give the wording a `not_compiling` Failure (research_wording has one)"
            )


Batches = Sequence[tuple[str | None, Sequence[str]]]


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
    loop = BatchLoop(
        label=batching_label,
        manifest_roots=manifest_allowed_roots,
        apply_roots=apply_allowed_roots,
        wording=SHARED_WORDING,
        skip_present_on_retry=True,
    )
    return run_batches(
        executor,
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
        batches=[(None, batch) for batch in batches],
        loop=loop,
    )


def run_batches(
    executor,
    *,
    phase: dict[str, Any],
    attempt_index: int,
    allowed_paths: list[str] | None,
    batches: Batches,
    loop: BatchLoop,
) -> tuple[bool, str]:
    """Run `batches` (bucket name or None, files) the way `loop` says; returns (ok, status).

    Statuses: FAILED (a Builder failure), DELIVERABLES_VALIDATION_FAILED (missing deliverables,
    or Python that does not compile), PATCH_FAILED (a refused apply), BLOCKED (a blocked quality
    gate whose approval is denied), else COMPLETE.
    """

    from autopack.deliverables import validate_deliverables
    from autopack.governed_apply import GovernedApplyPath
    from autopack.validators import new_file_contents

    phase_id = phase["phase_id"]
    words = loop.wording
    total = len(batches)
    common = {"phase_id": phase_id, "label": loop.label, "total": total}

    def say(level: int, template: str | None, **fields: Any) -> None:
        if template is not None:
            logger.log(level, template.format(**common, **fields))

    say(
        logging.INFO,
        words.start,
        count=sum(len(files) for _, files in batches),
        buckets=", ".join(str(bucket) for bucket, _ in batches),
        attempt=attempt_index + 1,
    )
    if words.outside_scope is not None and allowed_paths:
        outside = [p for p in allowed_paths if not p.startswith(loop.apply_roots)]
        if outside:
            say(logging.INFO, words.outside_scope, outside=", ".join(outside))

    records: list[dict[str, Any]] = []
    total_tokens = 0
    uncited: list[str] = []
    combined_parts: list[str] = []
    files_changed: list[str] = []

    def fail(
        record: dict[str, Any] | None, status: str, outcome: str, text: Failure, **fields: Any
    ) -> tuple[bool, str]:
        """Keep the failed batch's record (when records are kept), store its error, log it."""
        if record is not None:
            record["status"] = status
            records.append(record)
            write_research_batch_record(executor, phase_id, loop.label, records)
        executor._last_error_by_phase[phase_id] = text.stored.format(**common, **fields)
        say(text.level, text.logged, **fields)
        return False, outcome

    for index, (bucket, files) in enumerate(batches, start=1):
        batch_started = time.monotonic() if loop.record else 0.0
        batch = list(files)
        here = {"index": index, "bucket": bucket, "files": ", ".join(batch)}
        batch_phase = dict(phase)
        batch_phase["deliverables"] = list(batch)
        batch_scope = dict(phase.get("scope") or {})
        batch_scope["paths"] = list(batch)
        batch_phase["scope"] = batch_scope
        batch_info: dict[str, Any] = {"label": loop.label}
        if bucket is not None:
            batch_info["bucket"] = bucket
        batch_info.update(index=index, total=total)
        batch_phase["_batch"] = batch_info
        say(logging.INFO, words.batch_start, **here)

        if loop.skip_present_on_retry and attempt_index > 0:
            # An empty batch has nothing present: skipping it would diff the whole workspace.
            present = bool(batch) and all(
                (executor.workspace / path).is_file()
                and (executor.workspace / path).stat().st_size > 0
                for path in batch
            )
            if present:
                diff = run_git(executor.workspace, "diff", "--no-color", "--", *batch)
                combined_parts.append(diff.stdout)
                say(logging.INFO, words.skipped, **here)
                continue

        file_context = executor._load_file_context(batch_phase, list(loop.manifest_roots))
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
        record: dict[str, Any] | None = None
        tokens: int | None = None
        if loop.record:
            tokens = int(builder_result.tokens_used or 0)
            total_tokens += tokens
            record = {"index": index, "bucket": bucket, "files": list(batch), "tokens_used": tokens}
        if not builder_result.success:
            return fail(
                record,
                "builder_failed",
                "FAILED",
                words.builder_failed,
                **here,
                error=builder_result.error,
            )

        patch = builder_result.patch_content
        report = validate_deliverables(patch, batch, executor.workspace)
        if not report.ok:
            missing = ", ".join(report.missing)
            return fail(
                record, "deliverables_missing", INVALID, words.missing, **here, missing=missing
            )

        if loop.compile_check or loop.sources_check:
            contents = new_file_contents(patch)
            syntax_errors = compile_errors(contents) if loop.compile_check else []
            if syntax_errors:
                errors = "; ".join(syntax_errors)
                return fail(
                    record, "syntax_error", INVALID, words.not_compiling, **here, errors=errors
                )
            for path in uncited_documents(contents) if loop.sources_check else []:
                uncited.append(path)
                say(logging.WARNING, words.uncited, **here, path=path)

        governed = GovernedApplyPath(
            executor.workspace,
            allowed_paths=list(loop.apply_roots),
            protected_paths=executor._protected_paths(),
        )
        apply_result = governed.apply_patch(patch, full_file_mode=True)
        if not apply_result.success:
            return fail(
                record,
                "patch_failed",
                "PATCH_FAILED",
                words.not_applied,
                **here,
                error=apply_result.error,
            )

        if not loop.workspace_diff:
            combined_parts.append(patch)
        files_changed.extend(apply_result.files_changed)
        if record is not None:
            record["status"] = "applied"
            record["duration_seconds"] = round(time.monotonic() - batch_started, 2)
            records.append(record)
        say(logging.INFO, words.applied, **here, tokens=tokens)

    if loop.record:
        extra = {"uncited_documents": uncited} if loop.sources_check else None
        write_research_batch_record(executor, phase_id, loop.label, records, extra=extra)
    executor._last_files_changed_by_phase[phase_id] = files_changed
    say(
        logging.INFO,
        words.summary,
        applied=len(records),
        tokens=total_tokens,
        changed=len(files_changed),
        uncited=len(uncited),
    )
    if loop.workspace_diff:
        combined_patch = workspace_diff(executor, phase_id)
    else:
        combined_patch = "\n".join(part for part in combined_parts if part)

    ci_result = executor._run_ci_checks(phase_id, phase)
    executor._last_ci_result_by_phase[phase_id] = ci_result
    auditor_result = executor.llm_service.execute_auditor_review(
        phase_spec=phase,
        patch_content=combined_patch,
        ci_result=ci_result,
        attempt_index=attempt_index,
    )
    issues = auditor_result.issues
    if loop.sources_check:
        issues = list(issues) + [
            {"severity": "minor", "message": f"{path} cites no sources"} for path in uncited
        ]
    quality_report = executor.quality_gate.assess_phase(
        phase_id=phase_id,
        ci_result=ci_result,
        auditor_approved=auditor_result.approved,
        auditor_issues=issues,
        files_changed=files_changed,
    )
    say(logging.INFO, words.gate, quality=quality_report.quality_level)
    if quality_report.is_blocked:
        approved = executor._request_approval(
            phase_id,
            kind="quality_gate",
            summary=f"quality gate blocked: {'; '.join(quality_report.issues)}",
            details={"issues": list(quality_report.issues), "batching": loop.label},
        )
        if not approved:
            executor._last_error_by_phase[phase_id] = "; ".join(quality_report.issues)
            return False, "BLOCKED"
    return True, "COMPLETE"


def compile_errors(contents: dict[str, str]) -> list[str]:
    """`path:line: message` for each Python file in `contents` that does not compile."""
    errors = []
    for path, text in contents.items():
        if not path.endswith(".py"):
            continue
        try:
            compile(text, path, "exec")
        except SyntaxError as exc:
            errors.append(f"{path}:{exc.lineno}: {exc.msg}")
    return errors


def uncited_documents(contents: dict[str, str]) -> list[str]:
    """The research documents (`docs/research/*.md`) in `contents` without a `Sources` heading."""
    return [
        path
        for path, text in contents.items()
        if path.startswith("docs/research/")
        and path.endswith(".md")
        and not SOURCES_HEADING.search(text)
    ]


def workspace_diff(executor, phase_id: str) -> str:
    """The whole workspace's `git diff --no-color` output; empty (with a warning) if git cannot run."""
    import subprocess

    try:
        diff_proc = run_git(executor.workspace, "diff", "--no-color")
        return diff_proc.stdout
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("Could not read the workspace diff for %s: %s", phase_id, exc)
        return ""
