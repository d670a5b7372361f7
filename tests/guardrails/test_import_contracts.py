"""The import-linter contracts of pyproject.toml, run with `lint-imports` against synthetic packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from guardrail_helpers import REPO_ROOT, write_tree

LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
    "lint-imports"
)
pytestmark = pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed")

CLEAN = {
    "autopack/__init__.py": "",
    "autopack/autonomous_executor.py": "from autopack.executor import seam\n",
    "autopack/executor/__init__.py": "",
    "autopack/executor/seam.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from autopack.autonomous_executor import AutonomousExecutor\n"
    ),
    "golden_harness/__init__.py": "import json\n",
    # The harness-layers contract: each layer exists, and each imports the one below it.
    "golden_harness/exceptions.py": "",
    "golden_harness/cli.py": "import golden_harness.plugin\n",
    "golden_harness/plugin/__init__.py": "import golden_harness.review\n",
    "golden_harness/review/__init__.py": "import golden_harness.seams\n",
    "golden_harness/measure/__init__.py": "import golden_harness.seams\n",
    "golden_harness/relocate/__init__.py": "import golden_harness.seams\n",
    "golden_harness/seams/__init__.py": "import golden_harness.moves\n",
    "golden_harness/moves/__init__.py": "import golden_harness.format\n",
    "golden_harness/recording/__init__.py": "import golden_harness.format\n",
    "golden_harness/format/__init__.py": "import golden_harness.redaction\n",
    "golden_harness/redaction.py": "import golden_harness.exceptions\n",
}


def _contracts_config(tmp_path: Path) -> Path:
    """The repository's [tool.importlinter] table, written to a config file of its own."""
    table = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    lines = ["[tool.importlinter]"]
    for key in ("root_packages", "exclude_type_checking_imports"):
        lines.append(f"{key} = {_toml(table[key])}")
    for contract in table["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines.extend(f"{key} = {_toml(value)}" for key, value in contract.items())
    config = tmp_path / "contracts.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lint(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    src = write_tree(tmp_path / "src", files)
    config = _contracts_config(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )


def test_contracts_kept_by_clean_tree(tmp_path):
    proc = _lint(tmp_path, CLEAN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


def test_executor_module_importing_god_file_breaks_contract(tmp_path):
    files = {
        **CLEAN,
        "autopack/executor/seam.py": "def f():\n    import autopack.autonomous_executor\n",
    }
    proc = _lint(tmp_path, files)
    assert proc.returncode == 1
    assert "autopack.executor.seam -> autopack.autonomous_executor" in proc.stdout
    assert "2 kept, 1 broken" in proc.stdout


def test_harness_importing_autopack_breaks_contract(tmp_path):
    files = {**CLEAN, "golden_harness/__init__.py": "from autopack import executor\n"}
    proc = _lint(tmp_path, files)
    assert proc.returncode == 1
    assert "golden_harness -> autopack.executor" in proc.stdout


@pytest.mark.parametrize(
    ("module", "imports", "shown"),
    [
        (
            "format/__init__.py",
            "golden_harness.recording",
            "golden_harness.format -> golden_harness.recording",
        ),
        (
            "recording/_x.py",
            "golden_harness.review",
            "golden_harness.recording._x -> golden_harness.review",
        ),
        (
            "review/__init__.py",
            "golden_harness.measure",
            "golden_harness.review -> golden_harness.measure",
        ),
        (
            "moves/__init__.py",
            "golden_harness.recording",
            "golden_harness.moves -> golden_harness.recording",
        ),
    ],
)
def test_harness_sub_package_importing_upwards_or_sideways_breaks_layers(
    tmp_path, module, imports, shown
):
    path = f"golden_harness/{module}"
    files = {**CLEAN, path: CLEAN.get(path, "") + f"def f():\n    import {imports}\n"}
    proc = _lint(tmp_path, files)
    assert proc.returncode == 1
    assert "golden_harness sub-packages import only downwards" in proc.stdout
    assert shown in proc.stdout
    assert "2 kept, 1 broken" in proc.stdout
