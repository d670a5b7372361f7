"""Corrupt goldens (not UTF-8, a byte-order mark, CR LF, NUL bytes, truncated YAML): one error
naming the file, the line and the fix in ``pytest``, ``golden diff`` and ``golden report``, never a
traceback; ``--snapshot-update`` rewrites the file."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.conftest import DEMO_DIR, copy_demo

GOLDEN = Path("golden/order_shipping/test_ships_paid_order.golden.yaml")
NODE = "test_order_shipping.py::test_ships_paid_order"


def _replace_line(data: bytes, number: int, new: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[number - 1] = new
    return b"\n".join(lines)


CORRUPTIONS: dict[str, tuple[Callable[[bytes], bytes], int, str]] = {
    "not-utf8": (
        lambda d: _replace_line(d, 4, b'  args: "caf\xe9"'),
        4,
        "byte 0xe9 at column 13 is not UTF-8",
    ),
    "bom": (lambda d: b"\xef\xbb\xbf" + d, 1, "the file starts with a byte-order mark"),
    "crlf": (lambda d: d.replace(b"\n", b"\r\n"), 1, "a Windows line ending (CR LF) at column"),
    "nul": (
        lambda d: _replace_line(d, 3, b'- call: "compute\x00_total"'),
        3,
        "a NUL byte at column 17",
    ),
    "truncated": (
        lambda d: d[: d.index(b"- returned")] + b'- returned: "SHIP',
        65,
        "not valid YAML: found unexpected end of stream",
    ),
}


@pytest.fixture(params=sorted(CORRUPTIONS))
def corrupt(request: pytest.FixtureRequest, inner: pytest.Pytester) -> tuple[int, str]:
    """The demo with one golden corrupted; the line and the problem its error names."""
    copy_demo(inner, goldens=True)
    corrupt_bytes, line, problem = CORRUPTIONS[request.param]
    golden = inner.path / GOLDEN
    golden.write_bytes(corrupt_bytes(golden.read_bytes()))
    return line, problem


def test_pytest_names_the_file_line_and_fix(
    inner: pytest.Pytester, corrupt: tuple[int, str]
) -> None:
    line, problem = corrupt

    result = inner.runpytest("-p", "no:randomly", NODE)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"*GoldenFormatError: {GOLDEN}:{line}: {problem}*re-capture it locally with*"]
    )
    result.stdout.no_fnmatch_line("*UnicodeDecodeError*")
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*def *")  # no frame of the harness's code


def test_snapshot_update_rewrites_the_file(
    inner: pytest.Pytester, corrupt: tuple[int, str]
) -> None:
    inner.runpytest("--snapshot-update", "-p", "no:randomly", NODE).assert_outcomes(passed=1)

    assert (inner.path / GOLDEN).read_bytes() == (DEMO_DIR / GOLDEN).read_bytes()


def test_golden_diff_and_report_name_the_file_and_line(
    inner: pytest.Pytester, corrupt: tuple[int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    line, problem = corrupt
    broken = (inner.path / GOLDEN).read_bytes()
    (inner.path / GOLDEN).write_bytes((DEMO_DIR / GOLDEN).read_bytes())
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "goldens"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *argv],
            cwd=inner.path,
            check=True,
        )
    (inner.path / GOLDEN).write_bytes(broken)
    inner.runpytest("-p", "no:randomly", NODE)
    capsys.readouterr()

    diff_code = main(["--root", str(inner.path), "diff"])
    diff_out = capsys.readouterr().out
    report_code = main(["--root", str(inner.path), "report", "--tests", "."])
    report_out = capsys.readouterr().out

    assert diff_code == 1
    assert f"{GOLDEN} (unreadable)" in diff_out
    assert f"  {GOLDEN}:{line}: {problem}" in diff_out
    assert report_code == 1
    assert f"GoldenFormatError      {GOLDEN}" in report_out


def test_a_corrupt_status_file_is_named_by_golden_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    results = tmp_path / ".pytest_cache/v/golden_harness/results"
    results.parent.mkdir(parents=True)
    results.write_bytes(b'{"scenarios": {\n  "t": \xff}')

    code = main(["--root", str(tmp_path), "report"])

    assert code == 2
    err = capsys.readouterr().err
    assert "golden report: .pytest_cache/v/golden_harness/results:1: not the statuses" in err
    assert "Delete it and run pytest again" in err
