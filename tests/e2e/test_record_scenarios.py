"""End to end: `autopack run --record-scenarios` harvests scenarios that replay like the run went."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autopack.exceptions import AutopackError
from autopack.scenario_recording import harvest_seams, recording_scenarios
from golden_harness import Recorder, replay

from ._support import EXAMPLE_PLAN, autopack

SCENARIO_GLOB = "*.scenario.yaml"


@pytest.fixture(scope="module")
def harvested(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    root = tmp_path_factory.mktemp("harvest")
    out = root / "scenarios"
    done = autopack(
        "run",
        EXAMPLE_PLAN,
        "--workspace",
        root / "workspace",
        "--init",
        "--record-scenarios",
        out,
        timeout=300,
    )
    return done, out


def test_the_run_completes_and_reports_what_it_recorded(harvested) -> None:
    done, out = harvested
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Result: COMPLETE (4/4 phases complete)" in done.stdout
    seam_lines = [line for line in done.stdout.splitlines() if line.startswith("seam ")]
    assert [line.split(":")[0] for line in seam_lines] == [
        f"seam {seam.name}" for seam in harvest_seams()
    ]
    assert all(line.endswith(" 0 too large, 0 failed") for line in seam_lines), seam_lines
    written = sorted(out.rglob(SCENARIO_GLOB))
    assert f"scenarios: {len(written)} written under {out}" in done.stdout


def test_at_least_eight_seams_get_scenarios(harvested) -> None:
    _, out = harvested
    seams = sorted(p.name for p in out.iterdir() if any(p.glob(SCENARIO_GLOB)))
    assert len(seams) >= 8, seams
    assert {"execute_phase", "attempt_pipeline", "builder_pipeline", "ci_runner"} <= set(seams)


def test_every_harvested_scenario_replays_as_the_run_went(harvested) -> None:
    # replay() compares the replayed return value (or exception) with the recorded one and
    # raises ReplayMismatchError when they differ.
    _, out = harvested
    scenarios = sorted(out.rglob(SCENARIO_GLOB))
    assert scenarios
    for scenario in scenarios:
        with Recorder() as golden:
            replay(golden, scenario)


def test_without_golden_harness_the_option_names_the_install(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "golden_harness", None)
    with (
        pytest.raises(AutopackError, match=r"pip install -e '\.\[dev\]'"),
        recording_scenarios(tmp_path / "out", tmp_path),
    ):
        pass
