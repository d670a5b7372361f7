"""A pytest plugin for ``golden coverage``: each test runs in its own coverage.py context.

Loaded with ``-p golden_harness.measure._coverage_plugin`` inside ``coverage run``. Before each
test it switches the measurement context to the test's node id, so that the lines and branches a
scenario executes can be told apart from the others; at the end it writes every collected test's
module file to the JSON file named by ``GOLDEN_COVERAGE_ITEMS``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path

import coverage
import pytest

ITEMS_VARIABLE = "GOLDEN_COVERAGE_ITEMS"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    current = coverage.Coverage.current()
    if current is not None:
        current.switch_context(item.nodeid)
    try:
        return (yield)
    finally:
        if current is not None:
            current.switch_context("")


def pytest_collection_finish(session: pytest.Session) -> None:
    target = os.environ.get(ITEMS_VARIABLE)
    if target:
        items = {item.nodeid: str(Path(item.path).resolve()) for item in session.items}
        Path(target).write_text(json.dumps(items, sort_keys=True), encoding="utf-8")
