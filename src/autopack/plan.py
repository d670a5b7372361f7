"""Plan files: load a YAML plan and validate every field before anything is written."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml

from autopack.exceptions import PlanError
from autopack.plan_schema import (
    NUMBER,
    Either,
    ListOf,
    Mapping,
    SchemaError,
    check,
    count_values,
    shown,
)
from autopack.plan_yaml import DuplicateKeyError, load_plan_yaml

MAX_PLAN_VALUES = 100_000
"""The most values (mappings, lists, keys and scalars, aliases expanded) a plan may hold."""
MAX_PLAN_PHASES = 1_000
"""The most phases one plan may have."""
MAX_PLAN_BYTES = 4 << 20
"""The largest plan file autopack reads (4 MiB)."""
COMPLEXITIES = ("low", "medium", "high")
BUILDER_MODES = ("full_file", "structured_edit")
PHASE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
"""A phase id, matched whole (`fullmatch`): a trailing newline is not part of an id."""

CI_SPEC = Mapping({"skip": bool, "command": Either((str, ListOf(str))), "paths": ListOf(str)})
EDIT_SPEC = Mapping({"path": str, "content": str, "delete": bool})
RESPONSE_SPEC = Mapping(
    {
        "patch": str,
        "edit_plan": ListOf(EDIT_SPEC),
        "error": str,
        "tokens_used": int,
        "model": str,
        "summary": str,
        "token_budget": Mapping(
            {"output_utilization": NUMBER, "actual_output_tokens": int, "was_truncated": bool}
        ),
        "token_prediction": Mapping({"selected_budget": int, "actual_max_tokens": int}),
        "expect": Mapping({"doctor_hint": bool, "max_tokens": int}),
    }
)
REVIEW_SPEC = Mapping(
    {"approved": bool, "issues": ListOf(Mapping({"severity": str, "message": str}))}
)
REPLAY_SPEC = Mapping(
    {
        "builder": ListOf(
            Either((RESPONSE_SPEC, ListOf(RESPONSE_SPEC)), name="a mapping or a list of mappings")
        ),
        "auditor": ListOf(REVIEW_SPEC),
    }
)
PHASE_SPEC = Mapping(
    {
        "phase_id": str,
        "name": str,
        "description": str,
        "complexity": str,
        "task_category": str,
        "scope": Mapping({"paths": ListOf(str), "read_only_context": ListOf(str), "ci": CI_SPEC}),
        "deliverables": list,
        "builder_mode": str,
        "ci": CI_SPEC,
        "goal_anchor": str,
        "replay": REPLAY_SPEC,
    }
)
PLAN_SPEC = Mapping(
    {
        "run_id": str,
        "goal": str,
        "failure_hardening": bool,
        "telemetry": bool,
        "approval": str,
        "phases": list,
    }
)


def _check(value: Any, spec: Any, label: str, *, source: Path) -> None:
    try:
        check(value, spec, label=label)
    except SchemaError as exc:
        raise PlanError(f"plan {str(source)!r}: {exc}") from None


def _check_phase(index: int, phase: Any, seen: set[str], *, source: Path) -> None:
    label = f"phase #{index + 1}"
    if isinstance(phase, dict) and isinstance(phase.get("phase_id"), str):
        label = f"phase {shown(phase['phase_id'])}"
    _check(phase, PHASE_SPEC, label, source=source)
    phase_id = phase.get("phase_id")
    if not phase_id:
        raise PlanError(f"plan {str(source)!r}: {label} has no 'phase_id'; give every phase an id")
    if not PHASE_ID_RE.fullmatch(phase_id):
        raise PlanError(
            f"plan {str(source)!r}: phase_id {shown(phase_id)} may use only letters, digits, "
            "'.', '_', '-'"
        )
    if phase_id in seen:
        raise PlanError(
            f"plan {str(source)!r}: phase_id {phase_id!r} appears twice; ids must be unique"
        )
    seen.add(phase_id)
    if phase.get("complexity", "medium") not in COMPLEXITIES:
        raise PlanError(
            f"plan {str(source)!r}: {label} complexity {shown(phase['complexity'])} is not one "
            f"of {COMPLEXITIES}"
        )
    if phase.get("builder_mode", "full_file") not in BUILDER_MODES:
        raise PlanError(
            f"plan {str(source)!r}: {label} builder_mode {shown(phase['builder_mode'])} is not "
            f"one of {BUILDER_MODES}"
        )
    for item in phase.get("deliverables") or []:
        if not isinstance(item, str) or not item:
            raise PlanError(
                f"plan {str(source)!r}: {label} deliverable {shown(item)} must be a path string"
            )


def validate_plan(data: Any, *, source: Path) -> dict[str, Any]:
    """Check a parsed plan; returns it unchanged or raises PlanError naming the field and value.

    Every field is checked, down to the items of lists and the fields of replayed Builder
    responses and Auditor reviews, so a plan that loads cannot fail later on its own shape.
    """
    _check(data, PLAN_SPEC, "top level", source=source)
    phases = data.get("phases")
    if not phases:
        raise PlanError(
            f"plan {str(source)!r}: 'phases' is missing or empty; list at least one phase"
        )
    seen: set[str] = set()
    for index, phase in enumerate(phases):
        _check_phase(index, phase, seen, source=source)
    return data


_FILE_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def read_plan_text(path: Path) -> str:
    """The text of the plan file at `path`: a regular file of at most MAX_PLAN_BYTES, in UTF-8.

    Anything else (missing, a directory, a device such as `/dev/zero`, a named pipe, a file too
    large) raises PlanError before more than MAX_PLAN_BYTES are read.
    """
    shown_path = repr(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        raise PlanError(
            f"plan file {shown_path} does not exist; pass the path of a YAML plan"
        ) from None
    except OSError as exc:
        raise PlanError(f"plan file {shown_path} cannot be read: {exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise PlanError(f"plan file {shown_path} is a directory; pass the path of a YAML plan")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "a special file")
        raise PlanError(
            f"plan file {shown_path} is not a regular file ({kind}); pass the path of a YAML plan"
        )
    too_large = (
        f"a plan may be at most {MAX_PLAN_BYTES:,} bytes ({MAX_PLAN_BYTES >> 20} MiB); "
        "split it into several plans"
    )
    if info.st_size > MAX_PLAN_BYTES:
        raise PlanError(f"plan file {shown_path} is {info.st_size:,} bytes; {too_large}")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PLAN_BYTES + 1)
        if len(data) > MAX_PLAN_BYTES:
            raise PlanError(
                f"plan file {shown_path} grew past {MAX_PLAN_BYTES:,} bytes; {too_large}"
            )
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"plan file {shown_path} cannot be read: {exc}") from exc


def load_plan(path: Path) -> dict[str, Any]:
    """Read and validate the YAML plan at `path`; raises PlanError for any problem."""
    path = Path(path)
    text = read_plan_text(path)
    try:
        data, uses_aliases = load_plan_yaml(text)
    except DuplicateKeyError as exc:
        raise PlanError(f"plan {str(path)!r}: {exc}; remove one of them") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise PlanError(f"plan {str(path)!r} is not valid YAML{where}: {problem}") from exc
    if data is None:
        raise PlanError(f"plan {str(path)!r} is empty; it needs a 'phases' list")
    phases = data.get("phases") if isinstance(data, dict) else None
    if isinstance(phases, list) and len(phases) > MAX_PLAN_PHASES:
        raise PlanError(
            f"plan {str(path)!r} has {len(phases):,} phases; a plan may have at most "
            f"{MAX_PLAN_PHASES:,}: split it into several plans"
        )
    try:
        values = count_values(data, MAX_PLAN_VALUES)
    except SchemaError as exc:
        raise PlanError(f"plan {str(path)!r}: {exc}; remove the recursive alias") from None
    except RecursionError:
        raise PlanError(f"plan {str(path)!r} is nested too deeply; flatten it") from None
    if values > MAX_PLAN_VALUES:
        if uses_aliases:
            raise PlanError(
                f"plan {str(path)!r} expands to more than {MAX_PLAN_VALUES:,} values (YAML "
                "aliases are expanded); write a smaller plan or use fewer aliases"
            )
        raise PlanError(
            f"plan {str(path)!r} holds more than {MAX_PLAN_VALUES:,} values; write a smaller plan"
        )
    return validate_plan(data, source=path)
