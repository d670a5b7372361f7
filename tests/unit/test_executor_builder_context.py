"""The Builder's file context reads the workspace's own files only."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from autopack.executor.builder_context import load_file_context


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    workspace = tmp_path / "workspace"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "app.py").write_text("A = 1\n", encoding="utf-8")
    secret = tmp_path / "outside" / "credentials.txt"
    secret.parent.mkdir()
    secret.write_text("password=hunter2\n", encoding="utf-8")
    return workspace, secret


def texts(context: dict) -> str:
    return "".join(context["existing_files"].values())


@pytest.mark.parametrize(
    "roots",
    [
        pytest.param(lambda ws, secret: ["src/"], id="link-in-allowed-folder"),
        pytest.param(lambda ws, secret: ["../outside/"], id="dot-dot-folder"),
        pytest.param(lambda ws, secret: ["../outside/credentials.txt"], id="dot-dot-file"),
        pytest.param(lambda ws, secret: [str(secret)], id="absolute-file"),
        pytest.param(lambda ws, secret: [str(secret.parent)], id="absolute-folder"),
        pytest.param(lambda ws, secret: ["linked/"], id="linked-folder"),
    ],
)
def test_no_path_leads_outside_the_workspace(layout, roots, caplog) -> None:
    workspace, secret = layout
    (workspace / "src" / "settings.txt").symlink_to(secret)
    (workspace / "linked").symlink_to(secret.parent, target_is_directory=True)
    executor = SimpleNamespace(workspace=workspace)
    with caplog.at_level(logging.WARNING):
        context = load_file_context(executor, {"phase_id": "p"}, roots(workspace, secret))
    assert "hunter2" not in texts(context)
    assert "leads outside the workspace; left out" in caplog.text


def test_a_phase_scope_read_only_path_outside_is_left_out_too(layout) -> None:
    workspace, secret = layout
    executor = SimpleNamespace(workspace=workspace)
    phase = {"phase_id": "p", "scope": {"read_only_context": [str(secret)]}}
    context = load_file_context(executor, phase, ["src/"])
    assert context["existing_files"] == {"src/app.py": "A = 1\n"}
    assert context["read_only_files"] == []


def test_a_workspace_reached_through_a_link_still_reads_its_files(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "src").mkdir(parents=True)
    (real / "src" / "app.py").write_text("A = 1\n", encoding="utf-8")
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    executor = SimpleNamespace(workspace=tmp_path / "alias")
    assert load_file_context(executor, {"phase_id": "p"}, ["src/"])["existing_files"] == {
        "src/app.py": "A = 1\n"
    }
