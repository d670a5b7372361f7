"""Fixtures for golden_harness's own tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import ci_info
import pytest

from golden_harness import Recorder

TESTS_DIR = Path(__file__).resolve().parent.parent
DEMO_DIR = Path(__file__).resolve().parent / "demo"


def ci_variable_names() -> set[str]:
    """``CI`` and every environment variable ci-info recognizes a CI system by."""
    names = {"CI"}
    for vendor in ci_info.vendors:
        spec = vendor.get("env")
        if isinstance(spec, str):
            names.add(spec)
        elif isinstance(spec, list):
            names.update(spec)
        elif isinstance(spec, dict):
            names.update(spec.get("any", [spec["env"]] if "env" in spec else list(spec)))
    return names


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    """A library-mode recorder (no pytest plugin involved), entered for the test."""
    with Recorder() as active:
        yield active


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester folder set up for inner runs that record goldens.

    ``CI`` and the variables by which other CI systems are recognized are removed from the
    inner environment (the CI guard would rightly refuse captures), ``harness.shop`` is
    importable, and the rootdir has its own ini file, which turns off the capture-time hash
    check (it runs the written scenarios again in subprocesses; its own tests are in
    ``test_hash_seed.py``).
    """
    for name in ci_variable_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONPATH", str(TESTS_DIR))
    pytester.syspathinsert(TESTS_DIR)
    pytester.makeini("[pytest]\ngolden_hash_check = 0\n")
    return pytester


def copy_demo(pytester: pytest.Pytester, *, goldens: bool) -> None:
    """Put the order-shipping scenarios (and optionally their committed goldens) in ``pytester``."""
    shutil.copy(DEMO_DIR / "scenarios_order_shipping.py", pytester.path / "test_order_shipping.py")
    if goldens:
        shutil.copytree(DEMO_DIR / "golden", pytester.path / "golden")
