"""The package layout: public top-level modules, private modules inside the sub-packages."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import golden_harness

PACKAGE = Path(golden_harness.__file__).parent
PUBLIC_MODULES = {"__init__.py", "cli.py", "exceptions.py", "redaction.py"}
SUB_PACKAGES = {"format", "measure", "moves", "plugin", "recording", "relocate", "review", "seams"}
PUBLIC_IN_SUB_PACKAGES = {"plugin/fixtures.py"}


def _imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (function bodies, TYPE_CHECKING blocks)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_top_level_holds_only_the_public_modules_and_the_sub_packages() -> None:
    modules = {path.name for path in PACKAGE.glob("*.py")}
    folders = {
        path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"
    }
    assert modules == PUBLIC_MODULES
    assert folders == SUB_PACKAGES


def test_modules_inside_the_sub_packages_are_private() -> None:
    public = [
        path.relative_to(PACKAGE).as_posix()
        for package in sorted(SUB_PACKAGES)
        for path in sorted((PACKAGE / package).rglob("*.py"))
        if path.name != "__init__.py" and not path.name.startswith("_")
    ]
    assert public == sorted(PUBLIC_IN_SUB_PACKAGES)


def test_no_sub_package_imports_the_private_modules_of_another() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        own = parts[0] if len(parts) > 1 else None
        for name in _imported_modules(path):
            pieces = name.split(".")
            if (
                len(pieces) >= 3
                and pieces[0] == "golden_harness"
                and pieces[1] != own
                and pieces[2].startswith("_")
            ):
                offenders.append(f"{path.relative_to(PACKAGE).as_posix()}: {name}")
    assert offenders == []


@pytest.mark.parametrize("package", sorted(SUB_PACKAGES))
def test_every_exported_name_of_a_sub_package_exists(package: str) -> None:
    module = importlib.import_module(f"golden_harness.{package}")
    exported = getattr(module, "__all__", None)
    assert exported, f"golden_harness.{package} has no __all__"
    assert [name for name in exported if not hasattr(module, name)] == []


def test_the_golden_fixture_lives_in_fixtures_and_the_plugin_registers_it() -> None:
    from golden_harness import plugin
    from golden_harness.plugin import fixtures

    assert plugin.golden is fixtures.golden
    assert fixtures.__all__ == ["golden"]


def test_fakes_do_not_import_the_recorder() -> None:
    imported = _imported_modules(PACKAGE / "recording" / "_fakes.py")
    assert [name for name in imported if name.startswith("golden_harness.recording")] == []


def _starts_a_git_command(node: ast.AST) -> bool:
    """A list or tuple literal whose first item is the string ``"git"`` (an argv for git)."""
    return (
        isinstance(node, (ast.List, ast.Tuple))
        and bool(node.elts)
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value == "git"
    )


def test_one_module_runs_git() -> None:
    runners = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(map(_starts_a_git_command, ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    )
    assert runners == ["moves/_git.py"]


def test_one_helper_shows_paths_relative_to_the_root() -> None:
    helpers = sorted(
        f"{path.relative_to(PACKAGE).as_posix()}: {node.name}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and node.name.lstrip("_") in {"rel", "relative", "relative_path"}
    )
    assert helpers == ["format/_naming.py: relative_path"]


def _starts_pytest(node: ast.AST) -> bool:
    """A list literal with ``"-m", "pytest"`` in it (the argv of a pytest subprocess)."""
    if not isinstance(node, ast.List):
        return False
    items = [item.value if isinstance(item, ast.Constant) else None for item in node.elts]
    return any(items[i : i + 2] == ["-m", "pytest"] for i in range(len(items)))


def test_one_module_starts_pytest_subprocesses() -> None:
    starters = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(map(_starts_pytest, ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    )
    assert starters == []  # moves/_pytest_run.py builds the argv from its parts
