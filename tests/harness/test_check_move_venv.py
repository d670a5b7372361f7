"""``golden check-move`` in a project whose virtual environment lies in the work tree, unignored:
what is installed there is not the project's code, so a pure move stays pure (on a real git
repository holding a tiny project, ``harness.synthetic``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.synthetic import commit, make_project, move_ship, write

INSTALLED = {
    ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.7\n",
    ".venv/lib/python3.11/site-packages/xdist/__init__.py": "",
    ".venv/lib/python3.11/site-packages/xdist/remote.py": (
        "import os\n\n\ndef serve(channel):\n    return os.getpid()\n"
    ),
}


def _check_move(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--root", str(root), "check-move", "--base", "HEAD"])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("tracked", [False, True], ids=["untracked venv", "venv in git"])
def test_a_virtual_environment_in_the_work_tree_is_not_the_projects_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tracked: bool
) -> None:
    project = make_project(tmp_path / "project")
    if tracked:  # committed by a `git add -A`; a package installed later is untracked
        write(project, {".venv/pyvenv.cfg": INSTALLED[".venv/pyvenv.cfg"]})
        commit(project, "the virtual environment, by mistake")
    write(project, INSTALLED)
    move_ship(project, "pure")

    code, lines = _check_move(project, capsys)

    assert code == 0, lines
    assert lines[0].endswith("1 function(s) added under src/shopx/")
    assert not [line for line in lines if ".venv" in line]
    assert lines[-1].startswith("1 pure move(s), 0 not pure, 0 without counterpart;")

    # A package merely named like a virtual environment is the project's code.
    write(project, {"src/venv/__init__.py": "", "src/venv/tools.py": "def tool():\n    return 1\n"})
    code, lines = _check_move(project, capsys)
    assert code == 1
    assert lines[0].endswith("2 function(s) added under src/shopx/, src/venv/")
    assert lines[2].startswith("  no counterpart   venv.tools.tool (src/venv/tools.py:1)")
