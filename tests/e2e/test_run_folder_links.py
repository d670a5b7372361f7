"""End to end: autopack never writes through a link that leads outside the workspace."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ._support import autopack, git, new_repo, tree_state, write_plan


def plan(tmp_path: Path) -> Path:
    patch = "--- /dev/null\n+++ b/src/out.txt\n@@ -0,0 +1 @@\n+out\n"
    return write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "linked",
            "phases": [
                {
                    "phase_id": "write",
                    "scope": {"paths": ["src/"]},
                    "ci": {"command": "echo 1 passed"},
                    "replay": {"builder": [{"patch": patch}]},
                }
            ],
        },
    )


def outside_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_committed_runs_folder_link_to_outside_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "autopack.db").write_bytes(b"someone else's file\n")
    workspace = new_repo(tmp_path / "ws")
    os.symlink(outside, workspace / ".autonomous_runs")
    git(workspace, "add", ".autonomous_runs")
    git(workspace, "commit", "-q", "-m", "commit the runs folder as a link")
    before_ws, before_out = tree_state(workspace), outside_tree(outside)

    proc = autopack("run", plan(tmp_path), "--workspace", workspace)

    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"autopack: error: {str(workspace / '.autonomous_runs')!r} is a link to {str(outside)!r}, "
        "outside the workspace; autopack writes its run files there and will not write outside "
        "the workspace: remove the link (autopack creates a folder of its own)"
    ]
    assert outside_tree(outside) == before_out
    assert tree_state(workspace) == before_ws


@pytest.mark.parametrize(
    "link",
    [
        "autopack.db",
        "run.lock",
        "linked",
        "linked/ci",
        "linked/ci/write.log",
        "linked/diagnostics",
    ],
)
def test_a_link_to_outside_inside_the_runs_folder_is_refused_before_anything_is_written(
    tmp_path: Path, link: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target").write_text("someone else's file\n")
    workspace = new_repo(tmp_path / "ws")
    path = workspace / ".autonomous_runs" / link
    path.parent.mkdir(parents=True)
    os.symlink(outside / "target", path)
    before_out = outside_tree(outside)

    proc = autopack("run", plan(tmp_path), "--workspace", workspace)

    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert f"{str(path)!r} is a link to {str(outside / 'target')!r}, outside the workspace" in (
        proc.stderr
    )
    assert outside_tree(outside) == before_out
    assert not (workspace / "src/out.txt").exists()
