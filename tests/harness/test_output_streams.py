"""What a seam prints is part of its trace: ``stdout`` and ``stderr`` events, in trace order."""

from __future__ import annotations

import sys

import click
import pytest

from golden_harness import Recorder
from harness.conftest import assert_stable_and_caught


def test_print_and_stderr_are_events_in_trace_order(recorder: Recorder) -> None:
    recorder.fake("db.save", returns=None)

    def seam() -> None:
        print("saving", 3, "rows")
        print("halfway", end="")
        print(" there")
        recorder.fake("db").save(3)
        sys.stderr.write("warning: slow disk\n")
        print("done")

    recorder.call(seam)

    assert recorder.events == [
        {"stdout": "saving 3 rows\nhalfway there\n"},
        {"call": "db.save", "args": [3], "returns": None},
        {"stderr": "warning: slow disk\n"},
        {"stdout": "done\n"},
        {"returned": None},
    ]


def test_ansi_colours_are_removed_and_the_streams_are_not_terminals(recorder: Recorder) -> None:
    def seam() -> bool:
        print("\x1b[1m\x1b[32mOK\x1b[0m \x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\")
        click.echo(click.style("3 passed", fg="green"), err=True)
        sys.stdout.buffer.write("bytes café\n".encode())
        return sys.stdout.isatty()

    assert recorder.call(seam) is False
    assert recorder.events[:3] == [
        {"stdout": "OK link\n"},
        {"stderr": "3 passed\n"},
        {"stdout": "bytes café\n"},
    ]


def test_output_is_normalized_like_every_string(recorder: Recorder) -> None:
    recorder.call(lambda: print(f"wrote {recorder.workspace}/out.txt"))

    assert recorder.events[0] == {"stdout": "wrote <workspace>/out.txt\n"}


def test_streams_are_given_back_after_the_call(recorder: Recorder) -> None:
    before = sys.stdout, sys.stderr

    recorder.call(lambda: print("inside"))

    assert (sys.stdout, sys.stderr) == before


def test_output_false_records_nothing_printed() -> None:
    with Recorder(output=False) as golden:
        golden.call(lambda: print("not recorded"))
        assert golden.events == [{"returned": None}]


SCENARIOS = """
import sys

import pytest

from report import summary

from golden_harness import Seam

GOLDEN_SEAM = Seam("report", covers=["report:summary"])


def test_summary_prints(golden):
    golden.call(summary, ["pen", "ink"])


@pytest.mark.golden(output=False)
def test_summary_without_output(golden):
    golden.call(summary, ["pen"])
"""

REPORT = """
import sys


def summary(items):
    print(f"{len(items)} item(s)")
    for item in items:
        print(f"- {item}")
    print("checked", file=sys.stderr)
    return len(items)
"""


def test_the_marker_turns_output_off_and_a_printed_change_is_caught(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(test_report=SCENARIOS, report=REPORT)

    texts = assert_stable_and_caught(
        inner,
        monkeypatch,
        scenarios=2,
        planted=("report.py", 'print(f"- {item}")', 'print(f"* {item}")'),
        expected='stdout (event 1): "2 item(s)\\n- pen\\n- ink\\n" -> "2 item(s)\\n* pen\\n* ink\\n"',
    )

    assert (
        "stdout: |\n    2 item(s)\n    - pen\n"
        in texts["golden/report/test_summary_prints.golden.yaml"]
    )
    silent = texts["golden/report/test_summary_without_output.golden.yaml"]
    assert "stdout" not in silent
    assert "stderr" not in silent
