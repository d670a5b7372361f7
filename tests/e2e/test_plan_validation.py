"""End to end: a plan whose shape is wrong anywhere is refused before anything is written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ._support import autopack, new_repo, tree_state


def plan_text(phase_extra: str) -> str:
    return (
        "run_id: shaped\nphases:\n  - phase_id: first\n    ci: {skip: true}\n"
        "    scope: {paths: [src/]}\n"
        "    replay:\n      builder:\n        - patch: |\n"
        "            --- /dev/null\n            +++ b/src/a.txt\n            @@ -0,0 +1 @@\n"
        "            +a\n"
        f"  - phase_id: second\n{phase_extra}"
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    scope: {paths: [src/, 3]}\n", "phase 'second' scope.paths[1] must be str, got 3"),
        ("    ci: {command: [make, 1]}\n", "phase 'second' ci.command[1] must be str, got 1"),
        (
            "    replay: {builder: [{patch: x, tokens_used: lots}]}\n",
            "replay.builder[0] field 'tokens_used' must be int, got 'lots'",
        ),
        (
            "    replay: {auditor: [{approved: false, issues: [{severity: 3}]}]}\n",
            "replay.auditor[0].issues[0] field 'severity' must be str, got 3",
        ),
    ],
    ids=["scope-paths-item", "ci-command-item", "builder-field", "auditor-issue-field"],
)
def test_an_ill_typed_field_deep_in_a_later_phase_is_refused_up_front(
    tmp_path: Path, extra: str, message: str
) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text(extra))
    proc = autopack("run", plan, "--workspace", workspace)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert message in proc.stderr
    assert not (workspace / ".autonomous_runs").exists()
    assert tree_state(workspace) == before


def test_a_one_kilobyte_alias_bomb_is_refused_quickly_in_one_short_line(tmp_path: Path) -> None:
    lines = ["phases:", "  - phase_id: p", "    name:"]
    lines.append('      - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]')
    for i in range(1, 10):
        lines.append(f"      - &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    plan = tmp_path / "bomb.yaml"
    plan.write_text("\n".join(lines) + "\n")
    workspace = tmp_path / "ws"
    started = time.monotonic()
    proc = autopack("run", plan, "--workspace", workspace, "--init", timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode == 2, proc.stdout + proc.stderr[:500]
    assert len(proc.stderr) < 400 + len(str(plan))
    assert "expands to more than 100,000 values" in proc.stderr
    assert not workspace.exists()
