"""Provider disable: the Builder's infra errors counted per provider, and a provider disabled for the
rest of the run at its second one.

Reads from the executor: `_provider_infra_errors` (advanced here), `model_router` and `run_id`.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def note_infra_error(*, executor: Any, phase_id: str, model_used: str, error: str | None) -> None:
    """Count an infra error of the Builder against the provider of `model_used`; the second one of a
    provider disables it for the rest of the run (`executor.model_router.disable_provider`).

    The provider is read from the model name's prefix (claude, gpt / o1, gemini, glm); an unknown
    model is only logged. The counts live in `executor._provider_infra_errors`.
    """
    model_lower = model_used.lower()
    if model_lower.startswith("claude"):
        provider = "anthropic"
    elif model_lower.startswith(("gpt", "o1")):
        provider = "openai"
    elif model_lower.startswith("gemini"):
        provider = "google_gemini"
    elif model_lower.startswith("glm"):
        provider = "zhipu_glm"
    else:
        provider = None
    if provider is not None:
        count = executor._provider_infra_errors.get(provider, 0) + 1
        executor._provider_infra_errors[provider] = count
        logger.warning(
            "Infra error %d from provider %s (model %s) in phase %s: %s",
            count,
            provider,
            model_used,
            phase_id,
            error,
        )
        if count == 2:
            executor.model_router.disable_provider(provider, reason="infra_error")
            logger.warning(
                "Provider %s disabled for run %s after %d infra errors",
                provider,
                executor.run_id,
                count,
            )
    else:
        logger.warning(
            "Infra error from unknown model %r in phase %s: %s",
            model_used,
            phase_id,
            error,
        )
