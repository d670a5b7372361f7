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
