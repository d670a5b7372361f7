"""Applying a Builder change: YAML / docker-compose validation, the goal-drift check, and the
governed apply with the protected-path approval retry.

Takes the change as narrow inputs (the patch text, the edit plan and summary the Builder gave, and
the mode it was built in) rather than the whole Builder result. Reads from the executor:
`workspace`, `goal_anchor`, the `_last_error_by_phase` and `_last_files_changed_by_phase`
dicts (written); calls its `_protected_paths` and `_request_approval`.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from autopack.executor.models import PhaseSpec
from autopack.goal_drift import should_block_on_drift

logger = logging.getLogger(__name__)


def apply_builder_result_patch(
    executor: Any,
    phase: dict[str, Any],
    *,
    patch_content: str,
    allowed_paths: list[str] | None,
    full_file_mode: bool,
    edit_plan: list[dict[str, Any]] | None = None,
    summary: str = "",
) -> tuple[bool, str]:
    """Validate and apply a builder change; returns (True, "APPLIED") or (False, <status>).

    YAML and docker-compose files whose whole content is known (created files, edit-plan files)
    are validated first (YAML_VALIDATION_FAILED); then the goal-drift check (GOAL_DRIFT_BLOCKED);
    then the governed apply (PATCH_FAILED). A refusal for protected paths only asks the approval
    channel and, when approved, applies again with those paths allowed. The phase dict is read
    through its `PhaseSpec`.
    """
    from autopack.governed_apply import GovernedApplyPath
    from autopack.validators import (
        is_compose_path,
        is_yaml_path,
        new_file_contents,
        validate_docker_compose,
        validate_yaml_syntax,
    )

    spec = PhaseSpec(phase)
    phase_id = spec.phase_id

    contents = new_file_contents(patch_content)
    for op in edit_plan or []:
        if not op.get("delete") and "content" in op:
            contents[str(op["path"])] = str(op["content"])
    yaml_errors: list[str] = []
    for path, text in contents.items():
        if is_compose_path(path):
            problems = validate_docker_compose(text)
        elif is_yaml_path(path):
            problems = validate_yaml_syntax(text)
        else:
            continue
        yaml_errors.extend(f"{path}: {problem}" for problem in problems)
    if yaml_errors:
        executor._last_error_by_phase[phase_id] = "; ".join(yaml_errors)
        logger.warning("YAML validation failed for %s: %s", phase_id, "; ".join(yaml_errors))
        return False, "YAML_VALIDATION_FAILED"

    goal_anchor = spec.goal_anchor or executor.goal_anchor
    if goal_anchor:
        drift_text = " ".join(part for part in (spec.name, spec.description, summary) if part)
        block, drift_reason = should_block_on_drift(goal_anchor, drift_text)
        if block:
            executor._last_error_by_phase[phase_id] = f"goal drift: {drift_reason}"
            logger.warning("Goal drift blocks %s: %s", phase_id, drift_reason)
            return False, "GOAL_DRIFT_BLOCKED"
        logger.debug("Goal drift check for %s passed: %s", phase_id, drift_reason)

    governed = GovernedApplyPath(
        executor.workspace, allowed_paths=allowed_paths, protected_paths=executor._protected_paths()
    )
    result = governed.apply_patch(patch_content, full_file_mode=full_file_mode)
    if not result.success and result.protected_violations and not result.scope_violations:
        approved = executor._request_approval(
            phase_id,
            kind="protected_paths",
            summary=f"patch touches protected paths {result.protected_violations!r}",
            details={"paths": list(result.protected_violations)},
        )
        if approved:
            governed = GovernedApplyPath(
                executor.workspace,
                allowed_paths=allowed_paths,
                protected_paths=executor._protected_paths(),
                approved_protected_paths=list(result.protected_violations),
            )
            result = governed.apply_patch(patch_content, full_file_mode=full_file_mode)
    if not result.success:
        executor._last_error_by_phase[phase_id] = result.error or "patch failed"
        logger.warning("Patch for %s not applied: %s", phase_id, result.error)
        return False, "PATCH_FAILED"
    executor._last_files_changed_by_phase[phase_id] = list(result.files_changed)
    logger.info("Patch for %s applied: %d file(s) changed", phase_id, len(result.files_changed))
    return True, "APPLIED"


def protected_paths(executor) -> list[str]:
    """Paths no patch may touch beyond the defaults: the database file when it is in the workspace."""
    from autopack.db.session import sqlite_path

    protected: list[str] = []
    db_file = sqlite_path(executor.db_url)
    if db_file is not None:
        with contextlib.suppress(ValueError):
            protected.append(db_file.resolve().relative_to(executor.workspace.resolve()).as_posix())
    return protected
