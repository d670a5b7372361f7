from golden_harness import Seam

from movex.report import tag_report
from movex.tools import Tally, split_tags

GOLDEN_SEAM = Seam(
    "tools",
    covers=["movex.tools:split_tags", "movex.tools:Tally", "movex.report:tag_report"],
)


def test_split_tags(golden):
    golden.call(split_tags, "Red, green;blue,,")
    golden.call(split_tags, "Red, Green", lower=False)


def test_tally(golden):
    tally = Tally()
    golden.call(tally.add, "a")
    golden.call(tally.add, "a", amount=3)


def test_tag_report(golden):
    golden.call(tag_report, "x, y; x")
