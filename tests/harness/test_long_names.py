"""Seam names and scenario ids too long for the file system get stable, shortened file names
(with a hash); the golden's header keeps the full seam name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from golden_harness.cli import main
from golden_harness.format import seam_folder

SEAM = "checkout_" + "very_long_seam_name_" * 15  # 309 characters
ID = "case-" + "x" * 300

SCENARIOS = f"""
import pytest
from golden_harness import Seam

GOLDEN_SEAM = Seam({SEAM!r})


@pytest.mark.parametrize("label", [{ID!r}, "short"])
def test_total(golden, label):
    golden.call(lambda: len(label))
"""


def test_long_names_are_captured_verified_and_reported(
    inner: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    inner.makepyfile(test_long=SCENARIOS)

    inner.runpytest("--snapshot-update").assert_outcomes(passed=2)

    (folder,) = (inner.path / "golden").iterdir()
    assert folder.name == seam_folder(SEAM)
    assert len(folder.name.encode()) <= 200
    assert folder.name.startswith(SEAM[:180] + "~")
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2
    assert all(len(name.encode()) <= os.pathconf(folder, "PC_NAME_MAX") for name in names)
    for golden in folder.iterdir():
        assert f"# seam: {SEAM}\n" in golden.read_text()
    result = inner.runpytest()  # a full run: verified, and nothing is an orphan
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK

    code = main(["--root", str(inner.path), "report", "--tests", "."])

    out = capsys.readouterr().out
    assert code == 0
    assert f"seam {SEAM}  [test_long.py]" in out
    assert "  scenarios: 2" in out
    assert "1 seam(s), 2 scenario(s), 0 failing." in out


def test_the_shortened_folder_is_stable_and_distinct() -> None:
    other = SEAM[:-1] + "X"
    assert seam_folder(SEAM) == seam_folder(SEAM)
    assert seam_folder(SEAM) != seam_folder(other)
    assert seam_folder("orders") == "orders"
    assert Path(seam_folder(SEAM)).name == seam_folder(SEAM)
