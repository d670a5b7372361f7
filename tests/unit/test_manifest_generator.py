"""Scope generation from the phase description, deliverables and workspace files."""

from __future__ import annotations

from pathlib import Path

from autopack.manifest_generator import ManifestGenerator


def make_workspace(root: Path) -> None:
    for path in ("src/report/render.py", "src/greet/__init__.py", "docs/report.md", ".git/config"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x\n")


def test_scope_from_matching_workspace_files(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    phase = {"phase_id": "p", "description": "Improve the report renderer", "scope": {"ci": {}}}
    result = ManifestGenerator(tmp_path).generate_manifest(plan_data={"phases": [phase]})
    assert result.success
    scope = result.enhanced_plan["phases"][0]["scope"]
    assert scope == {
        "ci": {},
        "paths": ["docs/report.md", "src/report/render.py"],
        "read_only_context": [],
    }
    assert result.confidence == 0.33
    assert "paths" not in phase["scope"]


def test_deliverables_are_in_scope_and_raise_confidence(tmp_path: Path) -> None:
    phase = {"phase_id": "p", "description": "Zebra", "deliverables": ["src/z.py"]}
    result = ManifestGenerator(tmp_path).generate_manifest(plan_data={"phases": [phase]})
    assert result.enhanced_plan["phases"][0]["scope"]["paths"] == ["src/z.py"]
    assert result.confidence == 0.5


def test_nothing_matching_fails_with_a_reason(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    phase = {"phase_id": "p9", "description": "Quantum teleportation"}
    result = ManifestGenerator(tmp_path).generate_manifest(plan_data={"phases": [phase]})
    assert not result.success
    assert result.error.startswith("no scope could be derived for phase 'p9'")


def test_escaping_deliverables_fail_validation_unless_skipped(tmp_path: Path) -> None:
    phase = {"phase_id": "p", "description": "x", "deliverables": ["../evil.py"]}
    generator = ManifestGenerator(tmp_path)
    assert not generator.generate_manifest(plan_data={"phases": [phase]}).success
    skipped = generator.generate_manifest(plan_data={"phases": [phase]}, skip_validation=True)
    assert skipped.success
