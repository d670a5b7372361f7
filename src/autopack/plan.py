"""Plan files: load a YAML plan and validate every field before anything is written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from autopack.exceptions import PlanError

PLAN_FIELDS = {
    "run_id": str,
    "goal": str,
    "failure_hardening": bool,
    "telemetry": bool,
    "approval": str,
    "phases": list,
}
PHASE_FIELDS = {
    "phase_id": str,
    "name": str,
    "description": str,
    "complexity": str,
    "task_category": str,
    "scope": dict,
    "deliverables": list,
    "builder_mode": str,
    "ci": dict,
    "goal_anchor": str,
    "replay": dict,
}
SCOPE_FIELDS = {"paths": list, "read_only_context": list, "ci": dict}
CI_FIELDS = {"skip": bool, "command": (str, list), "paths": list}
REPLAY_FIELDS = {"builder": list, "auditor": list}
COMPLEXITIES = ("low", "medium", "high")
BUILDER_MODES = ("full_file", "structured_edit")
PHASE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _type_name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return " or ".join(t.__name__ for t in expected)
    return expected.__name__


def _check_fields(where: str, data: Any, fields: dict[str, Any], *, source: Path) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PlanError(
            f"plan {str(source)!r}: {where} must be a mapping, got {type(data).__name__}"
        )
    for key, value in data.items():
        if key not in fields:
            allowed = ", ".join(sorted(fields))
            raise PlanError(
                f"plan {str(source)!r}: {where} has unknown field {key!r}; allowed fields: {allowed}"
            )
        expected = fields[key]
        if isinstance(value, bool) and expected in (int, str, list, dict):
            ok = False
        else:
            ok = isinstance(value, expected)
        if not ok:
            raise PlanError(
                f"plan {str(source)!r}: {where} field {key!r} must be {_type_name(expected)}, "
                f"got {value!r}"
            )
    return data


def _check_phase(index: int, phase: Any, seen: set[str], *, source: Path) -> None:
    label = f"phase #{index + 1}"
    if isinstance(phase, dict) and isinstance(phase.get("phase_id"), str):
        label = f"phase {phase['phase_id']!r}"
    _check_fields(label, phase, PHASE_FIELDS, source=source)
    phase_id = phase.get("phase_id")
    if not phase_id:
        raise PlanError(f"plan {str(source)!r}: {label} has no 'phase_id'; give every phase an id")
    if not PHASE_ID_RE.match(phase_id):
        raise PlanError(
            f"plan {str(source)!r}: phase_id {phase_id!r} may use only letters, digits, '.', '_', '-'"
        )
    if phase_id in seen:
        raise PlanError(
            f"plan {str(source)!r}: phase_id {phase_id!r} appears twice; ids must be unique"
        )
    seen.add(phase_id)
    if phase.get("complexity", "medium") not in COMPLEXITIES:
        raise PlanError(
            f"plan {str(source)!r}: {label} complexity {phase['complexity']!r} is not one of {COMPLEXITIES}"
        )
    if phase.get("builder_mode", "full_file") not in BUILDER_MODES:
        raise PlanError(
            f"plan {str(source)!r}: {label} builder_mode {phase['builder_mode']!r} is not one of "
            f"{BUILDER_MODES}"
        )
    for item in phase.get("deliverables") or []:
        if not isinstance(item, str) or not item:
            raise PlanError(
                f"plan {str(source)!r}: {label} deliverable {item!r} must be a path string"
            )
    scope = phase.get("scope")
    if scope is not None:
        _check_fields(f"{label} scope", scope, SCOPE_FIELDS, source=source)
        if "ci" in scope:
            _check_fields(f"{label} scope.ci", scope["ci"], CI_FIELDS, source=source)
    if "ci" in phase:
        _check_fields(f"{label} ci", phase["ci"], CI_FIELDS, source=source)
    replay = phase.get("replay")
    if replay is not None:
        _check_fields(f"{label} replay", replay, REPLAY_FIELDS, source=source)
        for n, entry in enumerate(replay.get("builder") or []):
            calls = entry if isinstance(entry, list) else [entry]
            for call in calls:
                if not isinstance(call, dict):
                    raise PlanError(
                        f"plan {str(source)!r}: {label} replay.builder[{n}] must be a mapping or a "
                        f"list of mappings, got {call!r}"
                    )


def validate_plan(data: Any, *, source: Path) -> dict[str, Any]:
    """Check a parsed plan; returns it unchanged or raises PlanError naming the field and value."""
    _check_fields("top level", data, PLAN_FIELDS, source=source)
    phases = data.get("phases")
    if not phases:
        raise PlanError(
            f"plan {str(source)!r}: 'phases' is missing or empty; list at least one phase"
        )
    seen: set[str] = set()
    for index, phase in enumerate(phases):
        _check_phase(index, phase, seen, source=source)
    return data


def load_plan(path: Path) -> dict[str, Any]:
    """Read and validate the YAML plan at `path`; raises PlanError for any problem."""
    path = Path(path)
    if not path.exists():
        raise PlanError(f"plan file {str(path)!r} does not exist; pass the path of a YAML plan")
    if path.is_dir():
        raise PlanError(f"plan file {str(path)!r} is a directory; pass the path of a YAML plan")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"plan file {str(path)!r} cannot be read: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise PlanError(f"plan {str(path)!r} is not valid YAML{where}: {problem}") from exc
    if data is None:
        raise PlanError(f"plan {str(path)!r} is empty; it needs a 'phases' list")
    return validate_plan(data, source=path)
