"""The parts of the one batching loop: prefix buckets, the research checks, the wording."""

from __future__ import annotations

import logging

import pytest

from autopack.executor.phase_handlers.batch_wording import SHARED_WORDING, research_wording
from autopack.executor.phase_handlers.batched_deliverables import (
    BatchLoop,
    compile_errors,
    uncited_documents,
)
from autopack.executor.phase_handlers.buckets import Bucket, phase_deliverables, sort_into_buckets

CODE = Bucket("code", "src/pkg/", exclude=("src/pkg/cli/",))
CLI = Bucket("cli", "src/pkg/cli/")


def test_buckets_keep_their_order_drop_empty_ones_and_exclude_prefixes() -> None:
    files = ["src/pkg/cli/main.py", "docs/x.md", "src/pkg/a.py", "src/pkg/cli.py"]
    assert sort_into_buckets(files, [CODE, CLI, Bucket("tests", "tests/")], fallback="all") == [
        ("code", ["src/pkg/a.py", "src/pkg/cli.py"]),
        ("cli", ["src/pkg/cli/main.py"]),
    ]


def test_no_bucket_holding_anything_gives_one_fallback_batch_of_everything() -> None:
    assert sort_into_buckets(["docs/x.md", ""], [CODE], fallback="all") == [
        ("all", ["docs/x.md", ""])
    ]
    assert sort_into_buckets([], [CODE], fallback="all") == [("all", [])]


def test_deliverables_are_read_as_strings() -> None:
    assert phase_deliverables({"deliverables": ["a", 3, None]}) == ["a", "3", "None"]
    assert phase_deliverables({"deliverables": None}) == []
    assert phase_deliverables({}) == []


def test_compile_errors_name_file_and_line_of_python_only() -> None:
    contents = {"ok.py": "x = 1\n", "bad.py": "x = 1\ndef (:\n", "notes.md": "def (:"}
    assert compile_errors(contents) == ["bad.py:2: invalid syntax"]


def test_uncited_documents_are_research_markdown_without_a_sources_heading() -> None:
    contents = {
        "docs/research/cited.md": "# A\n\n### Sources\n- x\n",
        "docs/research/uncited.md": "# A\nSources: none\n",
        "docs/research/data.txt": "no heading",
        "docs/other.md": "# A\n",
    }
    assert uncited_documents(contents) == ["docs/research/uncited.md"]


def test_research_wording_prefixes_every_line_with_the_name() -> None:
    words = research_wording("Research x", start_name="Research x/y", summary_tail=", more")
    fields = {"phase_id": "p", "index": 2, "total": 3, "bucket": "b", "error": "boom"}
    assert (
        words.builder_failed.logged.format(**fields)
        == "Research x p batch 2/3 builder failed: boom"
    )
    assert words.builder_failed.stored.format(**fields) == "research batch 2/3 (b): boom"
    assert words.builder_failed.level == logging.ERROR
    assert words.start.startswith("Research x/y {phase_id}:")
    assert words.summary is not None
    assert words.summary.endswith("{changed} file(s), more")
    assert words.skipped is None
    shared = SHARED_WORDING.builder_failed.stored.format(label="l", **fields)
    assert shared == "batch 2/3 (l): boom"


def test_a_compile_check_without_its_texts_is_refused() -> None:
    with pytest.raises(ValueError, match="BatchLoop 'x': compile_check=True needs"):
        BatchLoop(
            label="x",
            manifest_roots=(),
            apply_roots=(),
            wording=SHARED_WORDING,
            compile_check=True,
        )
