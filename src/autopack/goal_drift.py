"""Goal-drift check: does a change's description still relate to the run's goal anchor?"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[a-z][a-z0-9]{3,}")
IGNORED = frozenset(
    {"that", "this", "with", "from", "into", "each", "should", "will", "have", "make"}
)
MIN_ANCHOR_KEYWORDS = 3


def keywords(text: str) -> set[str]:
    """Lower-case words of four or more letters, minus a few function words."""
    return set(WORD_RE.findall(text.lower())) - IGNORED


def should_block_on_drift(goal_anchor: str | None, text: str) -> tuple[bool, str]:
    """Return (block, reason): block when `text` shares no keyword with a goal anchor of 3+ keywords.

    An absent or short anchor, or empty text, never blocks. Deterministic and offline.
    """
    anchor = keywords(goal_anchor or "")
    if len(anchor) < MIN_ANCHOR_KEYWORDS:
        return False, "goal anchor too short to judge drift"
    words = keywords(text)
    if not words:
        return False, "no text to judge"
    overlap = sorted(anchor & words)
    if overlap:
        return False, f"shares {len(overlap)} keyword(s) with the goal: {', '.join(overlap[:5])}"
    return True, f"no keyword in common with the goal anchor ({len(anchor)} keywords)"
