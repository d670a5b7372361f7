"""A caller of the tools."""

from movex.tools import Tally, split_tags


def tag_report(text):
    tally = Tally()
    for tag in split_tags(text):
        tally.add(tag)
    return tally.counts
