"""The public surface: ``__all__``, the typing marker, the plugin entry points, independence."""

from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import golden_harness

PACKAGE = Path(golden_harness.__file__).parent
REPO = PACKAGE.parent.parent


def _isort_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_every_name_exists() -> None:
    assert golden_harness.__all__ == sorted(golden_harness.__all__, key=_isort_key)
    for name in golden_harness.__all__:
        assert getattr(golden_harness, name) is not None


def test_every_public_name_has_a_home_and_the_package_imports_none_of_them() -> None:
    assert sorted(golden_harness._HOMES) == sorted(golden_harness.__all__)
    done = subprocess.run(
        [sys.executable, "-c", "import sys, golden_harness; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = [name for name in done.stdout.strip("[]\n").split(", ") if "golden_harness." in name]
    assert loaded == []


def test_package_is_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_entry_points_register_the_plugin_and_the_command() -> None:
    points = importlib.metadata.entry_points()
    (plugin,) = [p for p in points.select(group="pytest11") if p.name == "golden_harness"]
    (script,) = [p for p in points.select(group="console_scripts") if p.name == "golden"]
    assert plugin.value == "golden_harness.plugin"
    assert script.value == "golden_harness.cli:main"


def test_no_module_imports_autopack() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "autopack"]
    assert offenders == []


LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_import_linter_contract_is_kept() -> None:
    assert LINT_IMPORTS.is_file(), f"import-linter is a dev dependency; {LINT_IMPORTS} is missing"
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "golden_harness imports nothing from autopack KEPT" in done.stdout


def test_the_harvest_api_is_public() -> None:
    from golden_harness import recording
    from golden_harness.format import register_harvest_type

    for name in (
        "HarvestSeam",
        "Harvester",
        "HarvestReport",
        "SeamHarvest",
        "harvested_test",
        "replay",
    ):
        assert name in golden_harness.__all__
        assert getattr(golden_harness, name) is getattr(recording, name)
    assert "register_harvest_type" in golden_harness.__all__
    assert golden_harness.register_harvest_type is register_harvest_type
