"""sot_summary_refresh.py's block machinery, driven by a fake seam data source."""

from __future__ import annotations

import pytest
from sot_summary_refresh import BEGIN, END, SeamRow, main, render_block

ROWS = [
    SeamRow("phase_state", ("src/pkg/executor/state_persistence.py:10-80",), "golden/phase_state/"),
    SeamRow(
        "ci_runner",
        ("src/pkg/god.py:100-150", "src/pkg/executor/ci_runner.py:1-40"),
        "golden/ci_runner/",
    ),
]
HEAD = "# Project\n\nIntro  with  odd   spacing.\n\n## Seams\n\n"
TAIL = "\nAfter the block.\n"


def fake_source(rows):
    return lambda root: rows


def _readme(doc_repo, body: str) -> str:
    doc_repo.write({"README.md": HEAD + body + TAIL})
    return (doc_repo.root / "README.md").read_text()


def _run(doc_repo, capsys, mode: str, rows=ROWS) -> tuple[int, str]:
    code = main([mode, "--root", str(doc_repo.root)], data_source=fake_source(rows))
    out, err = capsys.readouterr()
    return code, out + err


def test_render_block_sorts_rows_and_keeps_markers():
    lines = render_block(ROWS)
    assert lines[0] == BEGIN
    assert lines[-1] == END
    assert lines[3].startswith("| `ci_runner` | `src/pkg/god.py:100-150`<br>`src/pkg/executor/")
    assert lines[4] == (
        "| `phase_state` | `src/pkg/executor/state_persistence.py:10-80` | `golden/phase_state/` |"
    )


def test_stale_block_fails_check_with_a_diff(doc_repo, capsys):
    before = _readme(doc_repo, f"{BEGIN}\n| hand | edited | row |\n{END}\n")
    code, out = _run(doc_repo, capsys, "--check")
    assert code == 1
    assert "-| hand | edited | row |" in out
    assert "+| `ci_runner` |" in out
    assert "--execute" in out
    assert (doc_repo.root / "README.md").read_text() == before


def test_execute_rewrites_only_the_block_and_is_idempotent(doc_repo, capsys):
    _readme(doc_repo, f"{BEGIN}\nold\n{END}\n")
    assert _run(doc_repo, capsys, "--execute")[0] == 0
    text = (doc_repo.root / "README.md").read_text()
    assert text == HEAD + "\n".join(render_block(ROWS)) + "\n" + TAIL
    assert _run(doc_repo, capsys, "--check") == (
        0,
        "sot summary: OK, the seam block of README.md is up to date\n",
    )
    assert _run(doc_repo, capsys, "--execute")[0] == 0
    assert (doc_repo.root / "README.md").read_text() == text


def test_execute_keeps_crlf_line_endings(doc_repo, capsys):
    path = doc_repo.root / "README.md"
    path.write_bytes(
        b"# P\r\n\r\n" + BEGIN.encode() + b"\r\nold\r\n" + END.encode() + b"\r\nend\r\n"
    )
    assert _run(doc_repo, capsys, "--execute")[0] == 0
    data = path.read_bytes()
    assert data.startswith(b"# P\r\n\r\n" + BEGIN.encode() + b"\r\n| seam |")
    assert data.endswith(END.encode() + b"\r\nend\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_check_follows_the_data_source(doc_repo, capsys):
    _readme(doc_repo, f"{BEGIN}\n{END}\n")
    assert _run(doc_repo, capsys, "--execute")[0] == 0
    moved = [SeamRow("ci_runner", ("src/pkg/executor/ci_runner.py:1-90",), "golden/ci_runner/")]
    code, out = _run(doc_repo, capsys, "--check", moved)
    assert code == 1
    assert "+| `ci_runner` | `src/pkg/executor/ci_runner.py:1-90` |" in out
    empty_code, _ = _run(doc_repo, capsys, "--execute", [])
    assert empty_code == 0
    assert "_No seam is declared yet._" in (doc_repo.root / "README.md").read_text()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("no markers at all\n", "has no marker line <!-- BEGIN SEAMS and <!-- END SEAMS -->"),
        (f"{BEGIN}\n", "has no marker line <!-- END SEAMS -->"),
        (f"{END}\n{BEGIN}\n", "the end marker (line 7) comes before the begin marker (line 8)"),
        (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", "has 2 begin and 2 end markers"),
    ],
)
def test_bad_markers_are_clear_errors(doc_repo, capsys, body, message):
    before = _readme(doc_repo, body)
    for mode in ("--check", "--execute"):
        code, out = _run(doc_repo, capsys, mode)
        assert code == 2
        assert message in out
        assert BEGIN in out  # the fix shows the marker lines
    assert (doc_repo.root / "README.md").read_text() == before


def test_missing_readme_is_a_clear_error(doc_repo, capsys):
    code, out = _run(doc_repo, capsys, "--check")
    assert code == 2
    assert "README.md' not found" in out


SEAM_MODULE = """
from golden_harness import Seam

GOLDEN_SEAM = Seam("pricing", covers=[{ref!r}])
"""
GOD_FILE = """
class Shop:
    def price(self, order):
        # golden-seam: discount
        total = order * 2
        # golden-seam-end: discount
        return total
"""


def _seam_repo(doc_repo, ref: str) -> None:
    doc_repo.write(
        {
            "README.md": f"{HEAD}{BEGIN}\n{END}\n{TAIL}",
            "src/shopkeeper/__init__.py": "",
            "src/shopkeeper/god.py": GOD_FILE,
            "src/shopkeeper/pricing.py": "def discount(shop, order):\n    return order * 2\n",
            "tests/characterization/test_pricing.py": SEAM_MODULE.format(ref=ref),
        }
    )


def test_default_data_source_reads_the_seam_declarations(doc_repo, capsys):
    _seam_repo(doc_repo, "shopkeeper.god:Shop.price#discount")
    root = str(doc_repo.root)
    assert main(["--check", "--root", root]) == 1
    assert main(["--execute", "--root", root]) == 0
    readme = (doc_repo.root / "README.md").read_text()
    row = "| `pricing` | `src/shopkeeper/god.py::Shop.price#discount` | `golden/pricing/` |"
    assert row in readme.splitlines()
    assert main(["--check", "--root", root]) == 0

    # The seam moves: its declaration names the new home, and the block is stale until refreshed.
    _seam_repo(doc_repo, "shopkeeper.pricing:discount")
    (doc_repo.root / "README.md").write_text(readme)
    capsys.readouterr()
    assert main(["--check", "--root", root]) == 1
    assert "+| `pricing` | `src/shopkeeper/pricing.py::discount` |" in capsys.readouterr().out


def test_a_seam_whose_code_cannot_be_found_is_a_clear_error(doc_repo, capsys):
    _seam_repo(doc_repo, "shopkeeper.god:Shop.prize")
    assert main(["--check", "--root", str(doc_repo.root)]) == 2
    err = capsys.readouterr().err
    assert "seam 'pricing'" in err
    assert "'price'" in err  # the resolver suggests the name that exists


def test_no_characterization_folder_gives_an_empty_block(doc_repo):
    _readme(doc_repo, f"{BEGIN}\n{END}\n")
    assert main(["--execute", "--root", str(doc_repo.root)]) == 0
    assert "_No seam is declared yet._" in (doc_repo.root / "README.md").read_text()
