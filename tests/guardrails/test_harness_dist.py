"""The golden-harness distribution: its pyproject.toml agrees with the root project's, and the
checks of scripts/check_harness_dist.py catch what they are there for.

Building the wheel and installing it needs the package index, so that runs in CI's `harness-dist`
step, not here.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import tomllib
import zipfile
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


DIST_FOLDER = REPO / dist.DIST_DIR
REQUIRES = DIST_PROJECT["project"]["requires-python"]


def test_the_build_refuses_an_older_python_in_one_line_when_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """hatchling runs the hook when a front end first asks for the build requirements (pip's
    "Getting requirements to build wheel"), before any dependency is resolved."""
    import platform
    import sys

    import hatchling.build

    monkeypatch.chdir(DIST_FOLDER)
    assert hatchling.build.get_requires_for_build_wheel() == []

    monkeypatch.setattr(platform, "python_version", lambda: "3.10.13")
    with pytest.raises(SystemExit) as refused:
        hatchling.build.get_requires_for_build_wheel()

    assert refused.value.code == (
        f"golden-harness requires Python >=3.11, and this is Python 3.10.13 ({sys.executable}): "
        f"make the virtual environment with a Python that satisfies it, for example "
        f"`python3.11 -m venv .venv`, and install golden-harness there."
    )
    assert refused.value.code.startswith(dist.REFUSAL.format(requires=REQUIRES, version="3.10.13"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden-harness wheel, built in-process by hatchling (no index needed)."""
    import hatchling.build

    out = tmp_path_factory.mktemp("wheel")
    here = Path.cwd()
    os.chdir(DIST_FOLDER)
    try:
        name = hatchling.build.build_wheel(str(out))
    finally:
        os.chdir(here)
    return out / name


def test_the_wheel_is_tagged_with_the_lowest_python_it_supports(wheel: Path) -> None:
    assert REQUIRES == ">=3.11"
    assert wheel.name == "golden_harness-0.1.0-py311-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        meta = archive.read("golden_harness-0.1.0.dist-info/WHEEL").decode()
        metadata = archive.read("golden_harness-0.1.0.dist-info/METADATA").decode()
        names = archive.namelist()
    assert "Tag: py311-none-any" in meta.splitlines()
    assert "Requires-Python: >=3.11" in metadata.splitlines()
    assert "hatch_build.py" not in {Path(n).name for n in names}


def test_pip_on_an_older_python_refuses_the_wheel_file(wheel: Path, tmp_path: Path) -> None:
    found = dist.older_python(REQUIRES)
    if found is None:
        pytest.skip(f"no Python outside {REQUIRES!r} on PATH or under pyenv to install with")
    interpreter, version = found
    subprocess.run([str(interpreter), "-m", "venv", str(tmp_path / "venv")], check=True)

    done = subprocess.run(
        [
            str(tmp_path / "venv/bin/python"),
            "-m",
            "pip",
            "install",
            "--no-index",
            "--no-deps",
            wheel,
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1, (version, done.stdout, done.stderr)
    assert f"ERROR: {wheel.name} {dist.UNSUPPORTED_WHEEL}." in done.stderr


def test_older_python_finds_an_interpreter_outside_the_requirement() -> None:
    found = dist.older_python(REQUIRES)
    if found is None:
        pytest.skip(f"no Python outside {REQUIRES!r} on PATH or under pyenv")
    interpreter, version = found
    assert dist.python_version(interpreter) == version
    assert tuple(int(part) for part in version.split(".")[:2]) < (3, 11)
    assert dist.older_python(">=2.0") is None


def test_the_adoption_page_names_exactly_the_distributions_dependencies() -> None:
    page = (REPO / dist.ADOPTING_PAGE).read_text(encoding="utf-8")
    direct, indirect = dist.documented_distributions(page)
    declared = {dist.requirement_name(d) for d in DIST_PROJECT["project"]["dependencies"]}
    assert direct == declared
    assert indirect.isdisjoint(declared)
    # What the dependencies need in turn, as the dev install has them (pyyaml-ft: Python 3.13).
    for name in indirect - {"pyyaml-ft"}:
        importlib.metadata.distribution(name)


def test_a_page_without_the_install_paragraph_is_bad_input() -> None:
    with pytest.raises(dist.DistError, match="no paragraph 'It installs its dependencies"):
        dist.documented_distributions("It brings pytest and nothing else.")
