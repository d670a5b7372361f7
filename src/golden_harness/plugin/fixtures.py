"""The ``golden`` fixture: one recorder per scenario, set up from the ini keys and the marker."""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from golden_harness.plugin._markers import RECORDER_KEY, SNAPSHOT_KEY, marker_kwargs
from golden_harness.recording import Recorder, freeze_keeper
from golden_harness.seams import covered_modules

__all__ = ["golden"]


@pytest.fixture
def golden(
    request: pytest.FixtureRequest, snapshot: Any, tmp_path: Path
) -> Generator[Recorder, None, None]:
    """The scenario's recorder; its trace is compared with the golden after the test body."""
    config = request.config
    settings = marker_kwargs(request.node)
    freeze = settings.get("freeze", config.getini("golden_freeze"))
    if isinstance(freeze, str) and freeze.strip().lower() == "none":
        freeze = None
    if freeze is None:
        freeze_keeper.release()
    module = getattr(request.node, "module", None)
    recorder = Recorder(
        workspace=tmp_path / "workspace",
        freeze=freeze,
        seed=int(settings.get("seed", config.getini("golden_seed"))),
        log_level=str(config.getini("golden_log_level")).upper(),
        strict=bool(settings.get("strict", True)),
        paths=[
            (tmp_path, "<tmp>"),
            (config.rootpath, "<repo>"),
            (tempfile.gettempdir(), "<tmp>"),
            (Path.home(), "<home>"),
        ],
        keep_patches=True,
        chdir=bool(settings.get("chdir", True)),
        ignore_files=config.getini("golden_ignore_files"),
        output=bool(settings.get("output", True)),
        modules=covered_modules(module) if module is not None else (),
    )
    request.node.stash[SNAPSHOT_KEY] = snapshot
    with recorder:
        request.node.stash[RECORDER_KEY] = recorder
        yield recorder
