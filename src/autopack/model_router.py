"""Model router: which model serves each role, which provider a model belongs to, disabled providers."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

DEFAULT_MODELS = {
    "builder": ["claude-sonnet-4-5", "gpt-4o", "gemini-2.5-pro"],
    "auditor": ["claude-opus-4-1", "gpt-4o"],
}
PROVIDER_PREFIXES = (
    ("claude", "anthropic"),
    ("gpt", "openai"),
    ("o1", "openai"),
    ("gemini", "google_gemini"),
    ("glm", "zhipu_glm"),
)


def provider_for_model(model: str) -> str | None:
    """Return the provider of `model` by its name prefix, or None for an unknown model."""
    name = (model or "").lower()
    for prefix, provider in PROVIDER_PREFIXES:
        if name.startswith(prefix):
            return provider
    return None


class ModelRouter:
    """Selects the first model of a role whose provider is not disabled."""

    def __init__(self, models: dict[str, list[str]] | None = None) -> None:
        self.models = {role: list(names) for role, names in (models or DEFAULT_MODELS).items()}
        self.disabled_providers: dict[str, str] = {}

    def select_model(self, role: str) -> str | None:
        """Return the model for `role`, skipping disabled providers; None when none is left."""
        for model in self.models.get(role, []):
            if provider_for_model(model) not in self.disabled_providers:
                return model
        return None

    def disable_provider(self, provider: str, *, reason: str) -> None:
        """Stop routing to `provider` for the rest of the run."""
        if provider not in self.disabled_providers:
            self.disabled_providers[provider] = reason
            logger.warning("Provider %s disabled: %s", provider, reason)

    def is_provider_disabled(self, provider: str) -> bool:
        """True when `provider` was disabled."""
        return provider in self.disabled_providers
