"""``golden check-move`` on sources it cannot read: a syntax error or bytes that are not text,
at the base or in the working tree, stop it with ``path:line: problem`` and exit 2, without a
traceback; a broken file outside the checked packages is skipped and said."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness import SourceError
from golden_harness.cli import main
from golden_harness.moves import check_move
from harness.check_move_cases import REMOVED, Case, build

MOVE = Case(REMOVED, None, ())


def _run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--root", str(root), "check-move", "--base", "HEAD"])
    out, err = capsys.readouterr()
    return code, out, err


def _commit(root: Path) -> str:
    import subprocess

    for args in (["add", "-A"], ["commit", "-qm", "more"], ["rev-parse", "HEAD"]):
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    return done.stdout.strip()


def test_a_syntax_error_in_the_working_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = build(MOVE, tmp_path / "repo")
    shipping = root / "src/shop/shipping.py"
    shipping.write_text(shipping.read_text() + "\n\ndef broken(:\n    pass\n")

    code, out, err = _run(root, capsys)

    assert (code, out) == (2, "")
    assert err.startswith("golden check-move: src/shop/shipping.py:5: SyntaxError: "), err
    assert "python -m py_compile src/shop/shipping.py" in err
    assert "Traceback" not in err


def test_a_syntax_error_at_the_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build(MOVE, tmp_path / "repo")
    orders = root / "src/shop/orders.py"
    fixed = orders.read_text()
    orders.write_text("class Legacy(\n")
    commit = _commit(root)
    orders.write_text(fixed)

    code, out, err = _run(root, capsys)

    assert (code, out) == (2, "")
    assert err.startswith(f"golden check-move: src/shop/orders.py@{commit[:12]}:1: SyntaxError: ")


def test_bytes_that_are_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build(MOVE, tmp_path / "repo")
    shipping = root / "src/shop/shipping.py"
    shipping.write_bytes(shipping.read_bytes() + b"\n# caf\xe9\n")

    code, out, err = _run(root, capsys)

    assert (code, out) == (2, "")
    assert err == (
        "golden check-move: src/shop/shipping.py:4: cannot be decoded as utf-8 (byte 0xe9 at "
        "offset 54): save the file as utf-8, or declare its encoding in a "
        "`# -*- coding: ... -*-` comment\n"
    )


def test_a_declared_encoding_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build(MOVE, tmp_path / "repo")
    shipping = root / "src/shop/shipping.py"
    shipping.write_bytes(b"# -*- coding: latin-1 -*-\n" + shipping.read_bytes() + b"# caf\xe9\n")

    code, out, _ = _run(root, capsys)

    assert code == 0, out


def test_the_error_is_typed_for_callers(tmp_path: Path) -> None:
    root = build(MOVE, tmp_path / "repo")
    (root / "src/shop/shipping.py").write_bytes(b"x = 1\x00\n")

    with pytest.raises(SourceError) as raised:
        check_move(root, "HEAD")

    assert (raised.value.path, raised.value.line) == ("src/shop/shipping.py", 1)
    assert "NUL byte" in raised.value.problem


def test_a_broken_file_outside_the_packages_is_skipped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = build(MOVE, tmp_path / "repo")
    (root / "tests/data").mkdir(parents=True)
    (root / "tests/data/not_python.py").write_text("this is { not python\n")

    code, out, err = _run(root, capsys)

    assert (code, err) == (0, ""), out
    heading, problem = out.splitlines()[-3:-1]
    assert heading == "not read (outside the changed packages; cannot be parsed):"
    assert problem.startswith("  tests/data/not_python.py:1: SyntaxError: "), problem
    assert problem.endswith("(python -m py_compile tests/data/not_python.py shows it)")
