"""A pytest plugin for ``golden coverage`` and ``golden strength``: each test runs in its own
coverage.py context.

Loaded with ``-p golden_harness.measure._coverage_plugin`` inside ``coverage run``. Before each
test it switches the measurement context to the test's node id, so that the lines and branches a
scenario executes can be told apart from the others; at the end it writes, for every collected
test, its module file and the names of the fixtures it uses, to the JSON
file named by ``GOLDEN_COVERAGE_ITEMS`` (``{node id: {"path": ..., "fixtures": [...]}}``).

With ``GOLDEN_COVERAGE_FIXTURE_CONTEXTS`` set, the setup of a fixture of a wider scope
(``module``, ``session``, ...) gets a context of its own, named by :func:`fixture_context`: it
runs once, inside the first test that needs it, but every test that uses it depends on what it
did. ``golden strength`` reads those contexts; ``golden coverage`` counts only the tests' own.

The run keeps the user's pytest configuration, but runs in one process
(:func:`golden_harness.moves.run_in_one_process`): coverage contexts are per process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import coverage
import pytest

from golden_harness.moves import run_in_one_process

ITEMS_VARIABLE = "GOLDEN_COVERAGE_ITEMS"
FIXTURE_CONTEXTS_VARIABLE = "GOLDEN_COVERAGE_FIXTURE_CONTEXTS"
_FIXTURE_PREFIX = "golden-fixture|"


def fixture_context(scope: str, name: str) -> str:
    """The coverage context of the setup of fixture ``name`` of ``scope``."""
    return f"{_FIXTURE_PREFIX}{scope}|{name}"


def fixture_of_context(context: str) -> str | None:
    """The fixture name of a context made by :func:`fixture_context`, else None."""
    if not context.startswith(_FIXTURE_PREFIX):
        return None
    return context.rsplit("|", 1)[1]


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    run_in_one_process(config)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    run_in_one_process(config)


_running: list[str] = [""]
"""The context of the test running now ("" between tests)."""


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    current = coverage.Coverage.current()
    _running[0] = item.nodeid
    if current is not None:
        current.switch_context(item.nodeid)
    try:
        return (yield)
    finally:
        _running[0] = ""
        if current is not None:
            current.switch_context("")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    current = coverage.Coverage.current()
    wide = fixturedef.scope != "function" and os.environ.get(FIXTURE_CONTEXTS_VARIABLE)
    if current is None or not wide:
        return (yield)
    current.switch_context(fixture_context(fixturedef.scope, fixturedef.argname))
    try:
        return (yield)
    finally:
        current.switch_context(_running[0])


def pytest_collection_finish(session: pytest.Session) -> None:
    target = os.environ.get(ITEMS_VARIABLE)
    if target:
        items = {
            item.nodeid: {
                "path": str(Path(item.path).resolve()),
                "fixtures": sorted(getattr(item, "fixturenames", ())),
            }
            for item in session.items
        }
        Path(target).write_text(json.dumps(items, sort_keys=True), encoding="utf-8")
