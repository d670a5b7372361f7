"""Goal-drift check."""

from __future__ import annotations

from autopack.goal_drift import keywords, should_block_on_drift

GOAL = "Build a greeting library with a usage report and settings"


def test_related_text_is_not_blocked() -> None:
    block, reason = should_block_on_drift(GOAL, "Add the usage report module")
    assert not block
    assert reason == "shares 2 keyword(s) with the goal: report, usage"


def test_unrelated_text_is_blocked() -> None:
    block, reason = should_block_on_drift(GOAL, "Rewrite the payment gateway in Rust")
    assert block
    assert reason == "no keyword in common with the goal anchor (6 keywords)"


def test_short_anchor_or_empty_text_never_blocks() -> None:
    assert should_block_on_drift("be nice", "anything at all")[0] is False
    assert should_block_on_drift(None, "anything")[0] is False
    assert should_block_on_drift(GOAL, "a b c")[0] is False


def test_keywords_drop_short_and_function_words() -> None:
    assert keywords("This should make the Greeting work") == {"greeting", "work"}
