"""``golden move``: perform a move with LibCST and prove it with check-move and verify-move.

A definition (``path.py::Class.method``, ``::function``, ``::Class``) is moved to another module;
what stays behind is a thin wrapper, an alias, or nothing (every caller rewritten); the result is
formatted, the seams' ``covers`` follow it, a project hook runs, and both proofs decide whether
it is committed.
"""

from golden_harness.relocate._move import MoveOutcome, perform_move, render_move, unified_diff
from golden_harness.relocate._plan import LEAVE_CHOICES, MoveRequest, Plan, plan_move

__all__ = [
    "LEAVE_CHOICES",
    "MoveOutcome",
    "MoveRequest",
    "Plan",
    "perform_move",
    "plan_move",
    "render_move",
    "unified_diff",
]
