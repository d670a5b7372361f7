"""A source file the ``golden`` commands read that is not valid Python or does not decode:
``path:line: <problem>`` on stderr, exit 2, no traceback (``report``, ``coverage``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.synthetic import make_project

ORDERS = "src/shopx/orders.py"
TESTS = "tests/characterization/test_shipping.py"

BREAKS = {
    "syntax": (ORDERS, lambda t: t.replace("def ship(", "def ship(self,,", 1), "SyntaxError: "),
    "undecodable": (
        ORDERS,
        lambda t: t.replace('"""', '"""caf\xe9', 1),
        "cannot be decoded as utf-8 (byte 0xe9",
    ),
    "nul": (ORDERS, lambda t: t.replace('"""', '"""\x00', 1), "holds a NUL byte"),
    "test-syntax": (TESTS, lambda t: t + "\ndef broken(:\n", "SyntaxError: "),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return make_project(tmp_path / "project")


def _break(project: Path, name: str) -> tuple[str, str]:
    relative, change, problem = BREAKS[name]
    path = project / relative
    text = path.read_text(encoding="utf-8")
    broken = change(text)
    assert broken != text
    data = broken.encode("utf-8")
    if name == "undecodable":
        data = data.replace("caf\xe9".encode(), b"caf\xe9")
    path.write_bytes(data)
    return relative, problem


@pytest.mark.parametrize("name", sorted(BREAKS))
@pytest.mark.parametrize("command", ["report", "coverage"])
def test_a_bad_source_is_one_line_and_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, command: str
) -> None:
    relative, problem = _break(project, name)
    args = ["report", "--tests", "tests"] if command == "report" else ["coverage"]

    code = main(["--root", str(project), *args])

    out, err = capsys.readouterr()
    assert code == 2, out + err
    (line,) = err.splitlines()
    assert line.startswith(f"golden {command}: "), line
    where = line.removeprefix(f"golden {command}: ")
    path, number, message = where.split(":", 2)
    assert path.endswith(relative)
    assert number.isdigit()
    assert message.startswith(f" {problem}")
