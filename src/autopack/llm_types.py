"""Result types of Builder and Auditor calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BuilderResult:
    """What a Builder call produced.

    `metadata` may hold `token_budget` ({output_utilization, actual_output_tokens, was_truncated}),
    `token_prediction` ({selected_budget, actual_max_tokens}), `model` and `summary`.
    """

    success: bool
    patch_content: str = ""
    edit_plan: list[dict[str, str]] | None = None
    error: str | None = None
    tokens_used: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class AuditorResult:
    """What an Auditor review concluded: approval and the issues found (each with a severity)."""

    approved: bool
    issues: list[dict[str, str]] = field(default_factory=list)
