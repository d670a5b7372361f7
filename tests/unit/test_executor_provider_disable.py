"""`executor.provider_disable.note_infra_error` with a fake model router: which provider a model's
infra error counts against, and the disable at the second error of a provider."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.provider_disable import note_infra_error


def make_executor() -> SimpleNamespace:
    disabled: list[tuple[str, str]] = []
    return SimpleNamespace(
        run_id="run-1",
        disabled=disabled,
        _provider_infra_errors={},
        model_router=SimpleNamespace(
            disable_provider=lambda provider, *, reason: disabled.append((provider, reason))
        ),
    )


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("claude-sonnet-4", "anthropic"),
        ("Claude-Opus", "anthropic"),
        ("gpt-4o", "openai"),
        ("o1-mini", "openai"),
        ("gemini-2.0-flash", "google_gemini"),
        ("glm-4", "zhipu_glm"),
    ],
)
def test_the_model_prefix_names_the_provider_counted(model: str, provider: str) -> None:
    executor = make_executor()
    note_infra_error(executor=executor, phase_id="p", model_used=model, error="timeout")
    assert executor._provider_infra_errors == {provider: 1}
    assert executor.disabled == []


@pytest.mark.parametrize("model", ["llama-3", "", "mistral"])
def test_an_unknown_model_is_only_logged(model: str, caplog: pytest.LogCaptureFixture) -> None:
    executor = make_executor()
    note_infra_error(executor=executor, phase_id="p", model_used=model, error="timeout")
    assert executor._provider_infra_errors == {}
    assert f"Infra error from unknown model {model!r} in phase p: timeout" in caplog.text


def test_the_second_error_of_a_provider_disables_it_once() -> None:
    executor: Any = make_executor()
    for _ in range(3):
        note_infra_error(executor=executor, phase_id="p", model_used="gpt-4o", error="HTTP 503")
    assert executor._provider_infra_errors == {"openai": 3}
    assert executor.disabled == [("openai", "infra_error")]
