"""Model router: provider mapping, selection and provider disable."""

from __future__ import annotations

import pytest

from autopack.model_router import ModelRouter, provider_for_model


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("claude-sonnet-4-5", "anthropic"),
        ("gpt-4o", "openai"),
        ("o1-mini", "openai"),
        ("gemini-2.5-pro", "google_gemini"),
        ("glm-4", "zhipu_glm"),
        ("llama-3", None),
        ("", None),
    ],
)
def test_provider_for_model(model: str, provider: str | None) -> None:
    assert provider_for_model(model) == provider


def test_disabled_provider_is_skipped_until_none_is_left() -> None:
    router = ModelRouter({"builder": ["claude-x", "gpt-y"]})
    assert router.select_model("builder") == "claude-x"
    router.disable_provider("anthropic", reason="infra_error")
    assert router.is_provider_disabled("anthropic")
    assert router.select_model("builder") == "gpt-y"
    router.disable_provider("openai", reason="infra_error")
    assert router.select_model("builder") is None
    assert router.disabled_providers == {"anthropic": "infra_error", "openai": "infra_error"}


def test_disabling_twice_keeps_the_first_reason() -> None:
    router = ModelRouter()
    router.disable_provider("openai", reason="infra_error")
    router.disable_provider("openai", reason="doctor")
    assert router.disabled_providers == {"openai": "infra_error"}
