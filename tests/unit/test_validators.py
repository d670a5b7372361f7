"""YAML and docker-compose validators, and reading created files out of a diff."""

from __future__ import annotations

import pytest

from autopack.validators import (
    is_compose_path,
    is_yaml_path,
    new_file_contents,
    validate_docker_compose,
    validate_yaml_syntax,
)


def test_valid_yaml_has_no_errors() -> None:
    assert validate_yaml_syntax("a: 1\nb: [1, 2]\n---\nc: d\n") == []


def test_invalid_yaml_reports_line_and_column() -> None:
    errors = validate_yaml_syntax("a: [1, 2\nb: 3\n")
    assert len(errors) == 1
    assert errors[0].startswith("YAML syntax error at line 2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("services:\n  web:\n    image: nginx\n", []),
        ("services:\n  web:\n    build: .\n", []),
        ("- a\n- b\n", ["docker-compose: top level must be a mapping"]),
        ("version: '3'\n", ["docker-compose: 'services' must be a non-empty mapping"]),
        (
            "services:\n  web:\n    ports: [80]\n",
            ["docker-compose: service 'web' needs 'image' or 'build'"],
        ),
        ("services:\n  web: nginx\n", ["docker-compose: service 'web' must be a mapping"]),
        (
            "servces: {}\nservices:\n  w:\n    image: x\n",
            ["docker-compose: unknown top-level keys ['servces']"],
        ),
    ],
)
def test_compose_structure(text: str, expected: list[str]) -> None:
    assert validate_docker_compose(text) == expected


def test_compose_syntax_errors_come_first() -> None:
    assert validate_docker_compose("services: [\n")[0].startswith("YAML syntax error")


@pytest.mark.parametrize(
    ("path", "yaml_file", "compose"),
    [
        ("config/a.yaml", True, False),
        ("B.YML", True, False),
        ("docker-compose.yml", True, True),
        ("deploy/compose.yaml", True, True),
        ("a.json", False, False),
    ],
)
def test_path_classification(path: str, yaml_file: bool, compose: bool) -> None:
    assert (is_yaml_path(path), is_compose_path(path)) == (yaml_file, compose)


def test_new_file_contents_reads_only_created_files(new_file_patch) -> None:
    patch = (
        new_file_patch("a.yaml", "x: 1\ny: 2\n")
        + "diff --git a/b.txt b/b.txt\n--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-old\n+new\n"
        + new_file_patch("c/d.yml", "z: 3\n")
    )
    assert new_file_contents(patch) == {"a.yaml": "x: 1\ny: 2\n", "c/d.yml": "z: 3\n"}
