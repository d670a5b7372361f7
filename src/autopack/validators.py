"""Content validators run before a patch is applied: YAML syntax and docker-compose structure."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import yaml

COMPOSE_FILENAMES = frozenset(
    {"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}
)
COMPOSE_TOP_LEVEL_KEYS = frozenset(
    {"version", "services", "volumes", "networks", "configs", "secrets", "name", "include"}
)


def is_yaml_path(path: str) -> bool:
    """True for files the YAML validators apply to (`.yml` / `.yaml`)."""
    return PurePosixPath(path).suffix.lower() in (".yml", ".yaml")


def is_compose_path(path: str) -> bool:
    """True for docker-compose file names."""
    return PurePosixPath(path).name.lower() in COMPOSE_FILENAMES


def validate_yaml_syntax(text: str) -> list[str]:
    """Return the YAML syntax errors of `text` (empty when every document parses)."""
    try:
        list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [f"YAML syntax error{where}: {problem}"]
    return []


def validate_docker_compose(text: str) -> list[str]:
    """Return the structural errors of a docker-compose document (syntax errors first)."""
    errors = validate_yaml_syntax(text)
    if errors:
        return errors
    data: Any = yaml.safe_load(text)
    if not isinstance(data, dict):
        return ["docker-compose: top level must be a mapping"]
    unknown = sorted(set(data) - COMPOSE_TOP_LEVEL_KEYS)
    if unknown:
        errors.append(f"docker-compose: unknown top-level keys {unknown!r}")
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        errors.append("docker-compose: 'services' must be a non-empty mapping")
        return errors
    for name, service in services.items():
        if not isinstance(service, dict):
            errors.append(f"docker-compose: service {name!r} must be a mapping")
        elif "image" not in service and "build" not in service:
            errors.append(f"docker-compose: service {name!r} needs 'image' or 'build'")
    return errors


def new_file_contents(patch: str) -> dict[str, str]:
    """Return the full content of each file a unified diff creates (`--- /dev/null`)."""
    contents: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    previous = ""
    for line in patch.splitlines():
        if line.startswith("+++ ") and previous.startswith("--- /dev/null"):
            if current is not None:
                contents[current] = "".join(lines)
            raw = line[4:].split("\t")[0].strip()
            current = raw[2:] if raw.startswith("b/") else raw
            lines = []
        elif line.startswith(("diff --git ", "--- ")) and current is not None:
            contents[current] = "".join(lines)
            current = None
        elif current is not None and line.startswith("+"):
            lines.append(line[1:] + "\n")
        previous = line
    if current is not None:
        contents[current] = "".join(lines)
    return contents
