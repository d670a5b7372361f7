"""Plan loading and validation: every problem is one error naming the field and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from autopack.exceptions import PlanError
from autopack.plan import load_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "greeting" / "plan.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    return path


def test_the_example_plan_loads() -> None:
    plan = load_plan(EXAMPLE)
    assert [p["phase_id"] for p in plan["phases"]] == [
        "greeting-module",
        "usage-report",
        "settings",
        "diagnostics-handoff-bundle",
    ]


def test_minimal_plan(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, "phases:\n  - phase_id: p1\n"))
    assert plan == {"phases": [{"phase_id": "p1"}]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty; it needs a 'phases' list"),
        ("phases: [\n", "is not valid YAML at line 2"),
        ("- a\n", "top level must be a mapping, got list"),
        ("phases: []\n", "'phases' is missing or empty"),
        ("run_id: r\n", "'phases' is missing or empty"),
        ("phases: [{phase_id: p1}]\ncolour: red\n", "top level has unknown field 'colour'"),
        (
            "phases:\n  - phase_id: p1\n    colour: red\n",
            "phase 'p1' has unknown field 'colour'; allowed fields: builder_mode, ci,",
        ),
        ("phases:\n  - name: x\n", "phase #1 has no 'phase_id'"),
        ("phases:\n  - phase_id: 'a b'\n", "phase_id 'a b' may use only letters"),
        ("phases:\n  - phase_id: p\n  - phase_id: p\n", "phase_id 'p' appears twice"),
        ("phases:\n  - phase_id: p\n    complexity: huge\n", "complexity 'huge' is not one of"),
        (
            "phases:\n  - phase_id: p\n    builder_mode: magic\n",
            "builder_mode 'magic' is not one of",
        ),
        (
            "phases:\n  - phase_id: p\n    deliverables: a.py\n",
            "field 'deliverables' must be list, got 'a.py'",
        ),
        (
            "phases:\n  - phase_id: p\n    deliverables: [3]\n",
            "deliverable 3 must be a path string",
        ),
        (
            "phases:\n  - phase_id: p\n    scope: {pathz: []}\n",
            "phase 'p' scope has unknown field 'pathz'",
        ),
        (
            "phases:\n  - phase_id: p\n    ci: {skip: 'yes'}\n",
            "field 'skip' must be bool, got 'yes'",
        ),
        (
            "phases:\n  - phase_id: p\n    ci: {command: 3}\n",
            "field 'command' must be str or list, got 3",
        ),
        (
            "phases:\n  - phase_id: p\n    scope: {ci: {nope: 1}}\n",
            "scope.ci has unknown field 'nope'",
        ),
        (
            "phases:\n  - phase_id: p\n    replay: {builder: [3]}\n",
            "replay.builder[0] must be a mapping",
        ),
        (
            "phases:\n  - phase_id: p\n    replay: {critic: []}\n",
            "replay has unknown field 'critic'",
        ),
        ("telemetry: 1\nphases: [{phase_id: p}]\n", "field 'telemetry' must be bool, got 1"),
        ("phases:\n  - phase_id: p\n    name: true\n", "field 'name' must be str, got True"),
    ],
)
def test_bad_plans_raise_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert message in str(info.value)
    assert str(info.value).count("\n") == 0
    assert repr(str(path)) in str(info.value)


def test_missing_and_directory_plans(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="does not exist"):
        load_plan(tmp_path / "nope.yaml")
    with pytest.raises(PlanError, match="is a directory"):
        load_plan(tmp_path)


def test_undecodable_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PlanError, match="cannot be read"):
        load_plan(path)


def phase_with(extra: str) -> str:
    return f"phases:\n  - phase_id: p\n{extra}"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("    scope: {paths: [src/, 3]}\n", "phase 'p' scope.paths[1] must be str, got 3"),
        ("    scope: {read_only_context: [[docs]]}\n", "scope.read_only_context[0] must be str"),
        ("    ci: {command: [make, 1]}\n", "phase 'p' ci.command[1] must be str, got 1"),
        ("    ci: {paths: [true]}\n", "phase 'p' ci.paths[0] must be str, got True"),
        ("    scope: {ci: {paths: tests}}\n", "scope.ci field 'paths' must be list, got 'tests'"),
        (
            "    replay: {builder: [{patch: 3}]}\n",
            "phase 'p' replay.builder[0] field 'patch' must be str, got 3",
        ),
        (
            "    replay: {builder: [[{patch: x}, {pach: y}]]}\n",
            "phase 'p' replay.builder[0][1] has unknown field 'pach'; allowed fields: edit_plan,",
        ),
        (
            "    replay: {builder: [{tokens_used: '9'}]}\n",
            "field 'tokens_used' must be int, got '9'",
        ),
        (
            "    replay: {builder: [{token_budget: {was_truncated: 1}}]}\n",
            "replay.builder[0].token_budget field 'was_truncated' must be bool, got 1",
        ),
        (
            "    replay: {builder: [{token_budget: {output_utilization: high}}]}\n",
            "field 'output_utilization' must be number, got 'high'",
        ),
        (
            "    replay: {builder: [{token_prediction: {selected: 1}}]}\n",
            "replay.builder[0].token_prediction has unknown field 'selected'",
        ),
        (
            "    replay: {builder: [{expect: {max_tokens: many}}]}\n",
            "replay.builder[0].expect field 'max_tokens' must be int, got 'many'",
        ),
        (
            "    replay: {builder: [{edit_plan: [{path: a, content: 3}]}]}\n",
            "replay.builder[0].edit_plan[0] field 'content' must be str, got 3",
        ),
        (
            "    replay: {builder: [{edit_plan: {path: a}}]}\n",
            "replay.builder[0] field 'edit_plan' must be list",
        ),
        (
            "    replay: {auditor: [{approved: 'no'}]}\n",
            "phase 'p' replay.auditor[0] field 'approved' must be bool, got 'no'",
        ),
        (
            "    replay: {auditor: [{issues: [major]}]}\n",
            "replay.auditor[0].issues[0] must be dict, got 'major'",
        ),
        (
            "    replay: {auditor: [{issues: [{severity: 2}]}]}\n",
            "replay.auditor[0].issues[0] field 'severity' must be str, got 2",
        ),
    ],
)
def test_list_items_and_replay_entries_are_checked(
    tmp_path: Path, extra: str, message: str
) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(write(tmp_path, phase_with(extra)))
    assert message in str(info.value)


def test_a_long_offending_value_is_cut_to_a_few_hundred_characters(tmp_path: Path) -> None:
    big = "x" * 50_000
    with pytest.raises(PlanError) as info:
        load_plan(write(tmp_path, phase_with(f"    name: [{big}, {big}]\n")))
    message = str(info.value)
    assert "field 'name' must be str, got ['xxx" in message
    assert len(message) < 400 + len(str(tmp_path))


def alias_bomb(levels: int = 9) -> str:
    """About 1 KB of YAML whose phase name expands to 9**10 strings through nested aliases."""
    lines = ["phases:", "  - phase_id: p", "    name:"]
    lines.append('      - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]')
    for i in range(1, levels + 1):
        lines.append(f"      - &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_plan_of_nested_aliases_is_refused_quickly(tmp_path: Path) -> None:
    import time

    text = alias_bomb()
    assert len(text) < 1100
    started = time.perf_counter()
    with pytest.raises(PlanError) as info:
        load_plan(write(tmp_path, text))
    assert time.perf_counter() - started < 2
    assert "expands to more than 100,000 values" in str(info.value)
    assert len(str(info.value)) < 300 + len(str(tmp_path))


def test_a_plan_containing_itself_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="contains itself through a YAML alias"):
        load_plan(write(tmp_path, "loop: &l [*l]\nphases: [{phase_id: p}]\n"))


def test_a_few_shared_aliases_are_fine(tmp_path: Path) -> None:
    text = "phases:\n  - phase_id: a\n    ci: &ci {skip: true}\n  - phase_id: b\n    ci: *ci\n"
    assert load_plan(write(tmp_path, text))["phases"][1]["ci"] == {"skip": True}
