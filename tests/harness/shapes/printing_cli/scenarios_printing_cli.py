"""Characterization of the ``todo`` command."""

from __future__ import annotations

from golden_harness import Seam
from printing_cli.cli import main

GOLDEN_SEAM = Seam("printing_cli", covers=["printing_cli.cli:main"])


def test_lists_items_and_marks_the_done_ones(golden):
    golden.call(main, ["pen", "ink", "--done", "ink"], standalone_mode=False)


def test_nothing_to_do_exits_2(golden):
    golden.call(main, [], standalone_mode=False)
