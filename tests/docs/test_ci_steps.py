"""`.ci/run` lists its steps in three places that must agree: the ``ALL_STEPS`` array it runs,
its header comment, and the step table of docs/guardrails.md. The ``review`` step runs only
when a base is given and otherwise prints one skip line."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt


def _ci_run(repo_root: Path) -> str:
    return (repo_root / ".ci" / "run").read_text(encoding="utf-8")


def _array_steps(script: str) -> list[str]:
    match = re.search(r"^ALL_STEPS=\(([^)]*)\)$", script, re.MULTILINE)
    assert match, "ALL_STEPS=(...) not found in .ci/run"
    return match.group(1).split()


def _comment_steps(script: str) -> list[str]:
    match = re.search(r"^# Steps: (.*)\.$", script, re.MULTILINE)
    assert match, "'# Steps: ... .' line not found in .ci/run's header comment"
    return match.group(1).split()


def _documented_steps(guardrails: str) -> list[str]:
    """The code spans of the first column of the table that follows `| step |`."""
    tokens = MarkdownIt("commonmark").enable("table").parse(guardrails)
    steps: list[str] = []
    in_table = first_cell = False
    for token in tokens:
        if token.type == "table_open":
            in_table, steps = True, []
        elif token.type == "table_close":
            if steps and steps[0] == "step":
                return steps[1:]
            in_table = False
        elif in_table and token.type == "tr_open":
            first_cell = True
        elif in_table and token.type == "inline" and first_cell:
            first_cell = False
            spans = [c.content for c in token.children or [] if c.type == "code_inline"]
            steps += spans or [token.content]
    raise AssertionError("no table with a 'step' column in docs/guardrails.md")


def test_steps_agree_in_the_script_its_comment_and_the_docs(repo_root: Path) -> None:
    script = _ci_run(repo_root)
    documented = _documented_steps((repo_root / "docs" / "guardrails.md").read_text())

    assert _comment_steps(script) == _array_steps(script)
    assert documented == _array_steps(script)
    for step in _array_steps(script):
        assert re.search(rf"^step_{re.escape(step)}\(\) \{{$", script, re.MULTILINE), step


def test_review_without_a_base_is_skipped_with_one_line(repo_root: Path) -> None:
    if not (repo_root / ".venv" / "bin" / "python").exists():
        pytest.skip(".ci/run needs .venv (bash .ci/run setup)")
    env = {k: v for k, v in os.environ.items() if k != "GOLDEN_GUARD_BASE"}

    done = subprocess.run(
        ["bash", str(repo_root / ".ci" / "run"), "review"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[:2] == [
        "==== golden review ====",
        "SKIPPED: no base to review against (set GOLDEN_GUARD_BASE, as a pull request's job does)",
    ]
    assert lines[-1] == "all steps passed: review"
