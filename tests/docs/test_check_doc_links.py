"""check_doc_links.py on synthetic documentation trees."""

from __future__ import annotations

import pytest

from check_doc_links import main
from markdown_scan import github_slug, parse_markdown

GUIDE = """# Guide

## Run the checks

## Seam: `execute_phase(phase) -> (ok, status)`

## Notes

## Notes

<a name="custom-anchor"></a>
"""


def _run(repo, capsys, *files: str) -> tuple[int, str]:
    code = main(["--root", str(repo.root), *[str(repo.root / f) for f in files]])
    out, err = capsys.readouterr()
    return code, out + err


def test_resolving_links_pass(doc_repo, capsys):
    doc_repo.write(
        {
            "README.md": (
                "# Project\n\nSee [the guide](docs/guide.md), [checks](docs/guide.md#run-the-checks),\n"
                "[seam](docs/guide.md#seam-execute_phasephase---ok-status), [second](docs/guide.md#notes-1),\n"
                "[custom](docs/guide.md#custom-anchor), [here](#project), [src](src/), [root](/docs/guide.md),\n"
                "[code line](src/mod.py#L3-L5), ![logo](docs/logo.png) and [web](https://example.invalid/x#y).\n"
                "[mail](mailto:someone@example.invalid) [ref][r]\n\n[r]: docs/guide.md\n"
                "```md\n[not a link](missing.md)\n```\n`[not a link either](missing.md)`\n"
            ),
            "docs/guide.md": GUIDE + "\nBack to the [README](../README.md#project).\n",
            "docs/logo.png": "png",
            "src/mod.py": "x = 1\n",
        }
    )
    code, out = _run(doc_repo, capsys)
    assert code == 0, out
    assert "2 documents" in out


def test_missing_file_fails_naming_doc_line_and_target(doc_repo, capsys):
    doc_repo.write(
        {"README.md": "# P\n\ntext\n\nSee [gone](docs/gone.md).\n", "docs/a.md": "# A\n"}
    )
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "README.md:5: link 'docs/gone.md' points to 'docs/gone.md', which does not exist" in out


def test_missing_anchor_fails(doc_repo, capsys):
    doc_repo.write({"docs/guide.md": GUIDE, "docs/b.md": "# B\n\n[x](guide.md#run-checks)\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "docs/b.md:3: link 'guide.md#run-checks' names anchor '#run-checks'" in out
    assert "no heading of 'docs/guide.md'" in out


def test_same_document_anchor_fails_when_heading_is_missing(doc_repo, capsys):
    doc_repo.write({"docs/c.md": "# C\n\n[up](#top)\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "docs/c.md:3: link '#top'" in out


def test_link_outside_repository_fails(doc_repo, capsys):
    doc_repo.write({"docs/d.md": "# D\n\n[out](../../elsewhere.md)\n"})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "points outside the repository" in out


def test_fragment_into_non_markdown_file_must_be_a_line_anchor(doc_repo, capsys):
    doc_repo.write({"docs/e.md": "# E\n\n[f](../src/m.py#function)\n", "src/m.py": ""})
    code, out = _run(doc_repo, capsys)
    assert code == 1
    assert "non-Markdown file" in out


def test_explicit_files_and_missing_file_argument(doc_repo, capsys):
    doc_repo.write({"docs/ok.md": "# Ok\n", "docs/bad.md": "[x](nope.md)\n"})
    assert _run(doc_repo, capsys, "docs/ok.md")[0] == 0
    code, out = _run(doc_repo, capsys, "docs/absent.md")
    assert code == 2
    assert "absent.md" in out


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Run the checks", "run-the-checks"),
        ("Seam: execute_phase(phase) -> (ok, status)", "seam-execute_phasephase---ok-status"),
        ("CI / testing checklist (required)", "ci--testing-checklist-required"),
        ("  \u00c9migr\u00e9\u2019s notes  ", "\u00e9migr\u00e9s-notes"),
    ],
)
def test_github_slug(heading, slug):
    assert github_slug(heading) == slug


def test_parse_reports_lines_of_links_in_tables_and_paragraphs(tmp_path):
    doc = tmp_path / "t.md"
    doc.write_text("# T\n\n| a | b |\n|---|---|\n| [x](x.md) | `y` |\n\npara\nline [z](z.md)\n")
    parsed = parse_markdown(doc)
    assert [(link.line, link.target) for link in parsed.links] == [(5, "x.md"), (8, "z.md")]
    assert [(code.line, code.text) for code in parsed.inline_code] == [(5, "y")]
