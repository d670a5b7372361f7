"""End to end: a plan whose shape is wrong anywhere is refused before anything is written."""

from __future__ import annotations

import os
import resource
import subprocess
import time
from pathlib import Path

import pytest

from ._support import autopack, autopack_command, new_repo, tree_state


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


def refused_up_front(proc: subprocess.CompletedProcess[str], workspace: Path, before: dict) -> str:
    """The run was refused in one line, exit 2, before anything was written; returns the line."""
    assert proc.returncode == 2, proc.stdout + proc.stderr[:2000]
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr[:2000]
    assert "Traceback" not in proc.stderr
    assert not (workspace / ".autonomous_runs").exists()
    assert tree_state(workspace) == before
    return proc.stderr


def phase_text(phase_id: str, ci: str = "{skip: true}") -> str:
    return (
        f"  - phase_id: {phase_id}\n    ci: {ci}\n    scope: {{paths: [src/]}}\n"
        "    replay:\n      builder:\n        - patch: |\n"
        "            --- /dev/null\n"
        f"            +++ b/src/{phase_id}.txt\n"
        "            @@ -0,0 +1 @@\n"
        "            +x\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "run_id: dup\nphases:\n" + phase_text("first") + "phases:\n" + phase_text("second"),
            "duplicate key 'phases' at line 13 (first at line 2)",
            id="two_phases_lists",
        ),
        pytest.param(
            "run_id: dup\nphases:\n"
            + phase_text("first", ci="{command: 'exit 1'}").replace(
                "    scope:", "    ci: {skip: true}\n    scope:"
            ),
            "duplicate key 'ci' at line 5 (first at line 4)",
            id="two_ci_keys_in_a_phase",
        ),
    ],
)
def test_a_key_given_twice_is_refused_naming_both_lines(
    tmp_path: Path, text: str, message: str
) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    plan.write_text(text)
    line = refused_up_front(autopack("run", plan, "--workspace", workspace), workspace, before)
    assert message in line
    assert "remove one of them" in line


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        pytest.param(
            'run_id: ok\nphases:\n  - phase_id: "build\\n"\n    ci: {skip: true}\n',
            (),
            "phase_id 'build\\n' may use only letters, digits",
            id="phase_id",
        ),
        pytest.param(
            'run_id: "night-run\\n"\nphases:\n' + phase_text("first"),
            (),
            "run id 'night-run\\n' may use only letters, digits",
            id="run_id_in_the_plan",
        ),
        pytest.param(
            "phases:\n" + phase_text("first"),
            ("--run-id", "night-run\n"),
            "run id 'night-run\\n' may use only letters, digits",
            id="run_id_option",
        ),
    ],
)
def test_an_id_ending_in_a_newline_is_refused(
    tmp_path: Path, text: str, args: tuple[str, ...], message: str
) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    plan.write_text(text)
    line = refused_up_front(
        autopack("run", plan, "--workspace", workspace, *args), workspace, before
    )
    assert message in line


def test_a_token_figure_beyond_64_bits_is_refused_before_it_reaches_the_database(
    tmp_path: Path,
) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "run_id: huge\nphases:\n  - phase_id: first\n    ci: {skip: true}\n"
        "    replay:\n      builder:\n"
        "        - error: output truncated\n"
        "          token_budget: {was_truncated: true, output_utilization: 99.0}\n"
        "          token_prediction: {selected_budget: 99999999999999999999999}\n"
    )
    line = refused_up_front(autopack("run", plan, "--workspace", workspace), workspace, before)
    assert "phase 'first' replay.builder[0].token_prediction.selected_budget" in line
    assert "a 64-bit integer" in line


def test_too_many_phases_is_refused_as_such(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "phases:\n"
        + "".join(f"  - {{phase_id: p{n}, ci: {{skip: true}}}}\n" for n in range(10_000))
    )
    line = refused_up_front(autopack("run", plan, "--workspace", workspace), workspace, before)
    assert "has 10,000 phases; a plan may have at most 1,000" in line
    assert "alias" not in line


def test_a_plan_too_large_in_values_without_aliases_does_not_blame_aliases(
    tmp_path: Path,
) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    items = ", ".join("x" for _ in range(120_000))
    plan.write_text(f"phases:\n  - phase_id: p\n    deliverables: [{items}]\n")
    line = refused_up_front(autopack("run", plan, "--workspace", workspace), workspace, before)
    assert "holds more than 100,000 values" in line
    assert "alias" not in line


def _limit_memory() -> None:
    # A safety net: a regression that reads an endless file fails here, not on the machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def autopack_guarded(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*autopack_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=_limit_memory,
    )


@pytest.mark.parametrize("kind", ["character_device", "named_pipe"])
def test_a_plan_path_that_is_not_a_regular_file_is_refused_at_once(
    tmp_path: Path, kind: str
) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    if kind == "character_device":
        plan = Path("/dev/zero")
    else:
        plan = tmp_path / "plan.fifo"
        os.mkfifo(plan)
    started = time.monotonic()
    proc = autopack_guarded("run", plan, "--workspace", workspace, timeout=30)
    assert time.monotonic() - started < 20
    line = refused_up_front(proc, workspace, before)
    assert f"plan file {str(plan)!r} is not a regular file" in line


def test_a_plan_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    plan = tmp_path / "plan.yaml"
    with plan.open("w") as handle:
        handle.write("phases: []\n")
        handle.write(("# padding " + "x" * 89 + "\n") * 50_000)
    proc = autopack_guarded("run", plan, "--workspace", workspace)
    line = refused_up_front(proc, workspace, before)
    assert "is 5,000,011 bytes; a plan may be at most 4,194,304 bytes (4 MiB)" in line
