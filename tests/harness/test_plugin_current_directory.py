"""Scenarios run with their workspace as the current directory, so relative writes are recorded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from golden_harness import Recorder

RUNS = """
import json
import os
from pathlib import Path

import pytest
from golden_harness import Seam

GOLDEN_SEAM = Seam("runs")
STARTED_IN = os.getcwd()


def write_summary(run_id):
    folder = Path(".autonomous_runs") / run_id
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps({"run": run_id}))
    with open("progress.log", "a") as log:
        log.write("done\\n")
    return os.getcwd()


def test_relative_writes(golden):
    assert Path.cwd() == golden.workspace
    golden.call(write_summary, "run-1")


@pytest.mark.golden(chdir=False)
def test_current_directory_kept(golden):
    assert os.getcwd() == STARTED_IN
    golden.call(lambda: "kept")


def test_plain_test_is_back_where_pytest_started():
    assert os.getcwd() == STARTED_IN
"""


def test_files_written_under_relative_paths_are_recorded(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_runs=RUNS)

    inner.runpytest("-p", "no:randomly", "--snapshot-update").assert_outcomes(passed=3)

    text = (inner.path / "golden/runs/test_relative_writes.golden.yaml").read_text()
    assert text.endswith(
        '- file: "created"\n'
        '  path: ".autonomous_runs/run-1/summary.json"\n'
        '  content: "{\\"run\\": \\"run-1\\"}"\n'
        "\n"
        '- file: "created"\n'
        '  path: "progress.log"\n'
        '  content: "done\\n"\n'
        "\n"
        '- returned: "<workspace>"\n'
    ), text
    assert not (inner.path / ".autonomous_runs").exists()
    assert not (inner.path / "progress.log").exists()
    inner.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_a_library_recorder_enters_its_workspace_and_leaves_it(tmp_path: Path) -> None:
    started_in = os.getcwd()
    with Recorder(workspace=tmp_path / "ws") as recorder:
        assert Path.cwd() == tmp_path / "ws"
        recorder.call(lambda: Path("out.txt").write_text("x"))
        assert {"file": "created", "path": "out.txt", "content": "x"} in recorder.events
    assert os.getcwd() == started_in
    with Recorder(workspace=tmp_path / "other", chdir=False):
        assert os.getcwd() == started_in


def test_the_current_directory_is_restored_when_the_scenario_fails(tmp_path: Path) -> None:
    started_in = os.getcwd()
    with pytest.raises(RuntimeError), Recorder(workspace=tmp_path / "ws"):
        raise RuntimeError("scenario failed")
    assert os.getcwd() == started_in
