"""`AutonomousExecutor._execute_batched_deliverables_phase` delegates to the shared loop's module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autopack.executor.phase_handlers import batched_deliverables

from ._wrapper_support import make_executor


def test_wrapper_passes_every_argument_and_returns_the_loop_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    executor = make_executor(tmp_path)
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    sentinel = (False, "SENTINEL")

    def recording_execute(*args: Any, **kwargs: Any) -> tuple[bool, str]:
        calls.append((args, kwargs))
        return sentinel

    monkeypatch.setattr(batched_deliverables, "execute", recording_execute)
    phase = {"phase_id": "p", "deliverables": ["docs/x.md"]}
    allowed = ["docs/"]
    batches = [["docs/x.md"]]
    manifest_roots = ("docs/",)
    apply_roots = ("docs/", "src/")

    result = executor._execute_batched_deliverables_phase(
        phase=phase,
        attempt_index=2,
        allowed_paths=allowed,
        batches=batches,
        batching_label="label",
        manifest_allowed_roots=manifest_roots,
        apply_allowed_roots=apply_roots,
    )

    assert result is sentinel
    assert calls == [
        (
            (executor,),
            {
                "phase": phase,
                "attempt_index": 2,
                "allowed_paths": allowed,
                "batches": batches,
                "batching_label": "label",
                "manifest_allowed_roots": manifest_roots,
                "apply_allowed_roots": apply_roots,
            },
        )
    ]
    args, kwargs = calls[0]
    assert args[0] is executor
    assert kwargs["phase"] is phase
    assert kwargs["allowed_paths"] is allowed
    assert kwargs["batches"] is batches
