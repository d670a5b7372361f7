"""Scope generation: a phase that names no paths gets a scope from the manifest generator.

Reads from the executor: `manifest_generator` and `run_id`.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def ensure_phase_scope(*, executor: Any, phase: dict[str, Any]) -> dict[str, Any]:
    """Return the phase's scope, generating one first when it names no paths.

    A phase without `scope.paths` asks `executor.manifest_generator` for a scope; a generated scope
    replaces `phase["scope"]` (the phase dict is mutated, as downstream code expects) and is
    returned. A failed, empty or raising generation is logged and the scope is returned as it was.
    """
    phase_id = phase["phase_id"]
    scope_config = phase.get("scope") or {}
    if not scope_config.get("paths"):
        logger.info("Phase %s has no scope paths; generating a scope", phase_id)
        try:
            manifest_result = executor.manifest_generator.generate_manifest(
                plan_data={"run_id": executor.run_id, "phases": [phase]},
                skip_validation=False,
            )
            if manifest_result.success:
                enhanced_phases = manifest_result.enhanced_plan.get("phases") or []
                generated_scope = enhanced_phases[0].get("scope") if enhanced_phases else None
                if generated_scope:
                    phase["scope"] = generated_scope
                    scope_config = generated_scope
                    confidence = manifest_result.confidence
                    low = confidence < 0.30
                    logger.log(
                        logging.WARNING if low else logging.INFO,
                        "Generated scope for %s %s %.2f: %d path(s)",
                        phase_id,
                        "has low confidence" if low else "with confidence",
                        confidence,
                        len(generated_scope.get("paths") or []),
                    )
                else:
                    logger.warning(
                        "Scope generation for %s returned no scope; continuing with the scope as is",
                        phase_id,
                    )
            else:
                logger.warning(
                    "Scope generation failed for %s: %s; continuing with the scope as is",
                    phase_id,
                    manifest_result.error,
                )
        except Exception as exc:
            logger.warning(
                "Scope generation raised for %s: %s: %s; continuing with the scope as is",
                phase_id,
                type(exc).__name__,
                exc,
            )
    return scope_config


def derive_allowed_paths(executor, scope_config: dict[str, Any]) -> list[str]:
    """Return the scope's paths as apply roots: directories end with `/`, files stay as given."""
    allowed: list[str] = []
    for raw in scope_config.get("paths") or []:
        path = str(raw).strip()
        if not path:
            continue
        if path.endswith("/") or (executor.workspace / path).is_dir():
            path = path.rstrip("/") + "/"
        if path not in allowed:
            allowed.append(path)
    return allowed
