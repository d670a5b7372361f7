"""A module function and a small class."""

import re

SEPARATOR = re.compile(r"[,;]\s*")


def split_tags(text, *, lower=True):
    tags = [tag for tag in SEPARATOR.split(text) if tag]
    return [tag.lower() for tag in tags] if lower else tags


class Tally:
    """Counts per key."""

    def __init__(self):
        self.counts = {}

    def add(self, key, amount=1):
        self.counts[key] = self.counts.get(key, 0) + amount
        return self.counts[key]
