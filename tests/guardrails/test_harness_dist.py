"""The golden-harness distribution: its pyproject.toml agrees with the root project's, and the
checks of scripts/check_harness_dist.py catch what they are there for.

Building the wheel and installing it needs the package index, so that runs in CI's `harness-dist`
step, not here.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

import check_harness_dist as dist

REPO = Path(__file__).resolve().parents[2]
ROOT_PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DIST_PROJECT = tomllib.loads((REPO / dist.DIST_DIR / "pyproject.toml").read_text(encoding="utf-8"))


def test_dependencies_are_the_root_projects_harness_extra() -> None:
    harness = ROOT_PROJECT["project"]["optional-dependencies"]["harness"]
    assert DIST_PROJECT["project"]["dependencies"] == harness


def test_entry_points_and_command_are_the_root_projects() -> None:
    root, own = ROOT_PROJECT["project"], DIST_PROJECT["project"]
    assert own["entry-points"]["pytest11"] == root["entry-points"]["pytest11"]
    assert own["scripts"] == {"golden": root["scripts"]["golden"]}
    assert own["requires-python"] == root["requires-python"]


def test_the_wheel_takes_the_one_copy_of_the_code() -> None:
    wheel = DIST_PROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    (source,) = wheel["force-include"]
    assert wheel["force-include"][source] == "golden_harness"
    assert (REPO / dist.DIST_DIR / source).resolve() == REPO / "src" / "golden_harness"


def test_dependencies_name_nothing_of_autopack() -> None:
    names = {dist.requirement_name(item) for item in DIST_PROJECT["project"]["dependencies"]}
    assert names.isdisjoint(dist.FORBIDDEN_DISTRIBUTIONS)
    assert {"pytest", "syrupy", "freezegun", "pytest-subprocess", "ci-info"} <= names


def test_the_dev_install_provides_golden_harness_once() -> None:
    # A setuptools editable install may leave an egg-info beside the dist-info: one name, twice.
    providers = set(importlib.metadata.packages_distributions()["golden_harness"])
    assert providers == {"autopack"}
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("golden-harness")


@pytest.mark.parametrize(
    ("requirement", "name"),
    [
        ("PyYAML<7,>=6.0", "pyyaml"),
        ("pytest_subprocess>=1.5", "pytest-subprocess"),
        ("ci.info", "ci-info"),
    ],
)
def test_requirement_names_are_normalized(requirement: str, name: str) -> None:
    assert dist.requirement_name(requirement) == name


def test_requirement_problems_name_missing_and_extra_dependencies() -> None:
    declared = {"pytest", "syrupy"}

    assert (
        dist.requirement_problems(
            declared, ["pytest>=8", "syrupy<8", "tomli; python_version<'3.11'"]
        )
        == []
    )
    assert dist.requirement_problems(declared, ["pytest>=8", "SQLAlchemy>=2"]) == [
        "the wheel does not require syrupy that pyproject.toml declares",
        "the wheel requires sqlalchemy that pyproject.toml does not declare",
    ]


def test_forbidden_distributions_are_found_in_any_spelling() -> None:
    installed = ["pytest", "SQLAlchemy", "AutoPack", "golden-harness"]

    assert dist.forbidden_distributions(installed) == ["AutoPack", "SQLAlchemy"]


def test_a_root_without_the_distribution_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert dist.main(["--root", str(tmp_path)]) == 2
    assert "no packaging/golden-harness/pyproject.toml" in capsys.readouterr().err


def test_the_adoption_page_shows_the_example_projects_code() -> None:
    """CI runs the example project, so the page's code must be that project's code (the page's
    first two Python blocks; later ones show the code after a move)."""
    page = (REPO / "docs" / "adopting.md").read_text(encoding="utf-8")
    store, scenario = re.findall(r"```python\n(.*?)```", page, re.DOTALL)[:2]
    example = REPO / dist.EXAMPLE_DIR

    assert store == (example / "src/notebook/store.py").read_text(encoding="utf-8")
    # ruff groups the imports of the example differently (golden_harness is first-party here).
    written = (example / "tests/characterization/test_note_store.py").read_text(encoding="utf-8")
    assert sorted(filter(None, scenario.splitlines())) == sorted(filter(None, written.splitlines()))
