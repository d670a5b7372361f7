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


def assert_stable_and_caught(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    *,
    scenarios: int,
    planted: tuple[str, str, str],
    expected: str,
) -> dict[str, str]:
    """Capture the scenarios laid out in ``pytester``, check that the goldens are stable, then
    plant a change and check that it fails naming ``expected``; return the goldens' texts.

    Stable: the goldens verify in random order, and in a fresh interpreter with another ``TZ``,
    another ``PYTHONHASHSEED`` and another random order (three runs with the capture).
    ``planted`` is ``(file, old, new)``: ``old`` (present once) becomes ``new``.
    """
    pytester.runpytest("--snapshot-update", "-p", "no:randomly").assert_outcomes(passed=scenarios)
    goldens = sorted((pytester.path / "golden").rglob("*.golden.yaml"))
    assert len(goldens) == scenarios
    texts = {
        p.relative_to(pytester.path).as_posix(): p.read_text(encoding="utf-8") for p in goldens
    }

    pytester.runpytest("-p", "randomly", "--randomly-seed=1234").assert_outcomes(passed=scenarios)
    with monkeypatch.context() as env:
        env.setenv("TZ", "Pacific/Chatham")
        env.setenv("PYTHONHASHSEED", "4321")
        pytester.runpytest_subprocess("-p", "randomly", "--randomly-seed=98765").assert_outcomes(
            passed=scenarios
        )
    assert {
        p.relative_to(pytester.path).as_posix(): p.read_text(encoding="utf-8") for p in goldens
    } == texts

    file, old, new = planted
    target = pytester.path / file
    source = target.read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{file} must hold {old!r} once"
    target.write_text(source.replace(old, new), encoding="utf-8")
    forget_bytecode(pytester.path)
    result = pytester.runpytest("-p", "no:randomly")
    target.write_text(source, encoding="utf-8")
    assert result.parseoutcomes().get("failed", 0) >= 1, result.stdout.str()
    assert expected in result.stdout.str()
    return texts


def forget_bytecode(root: Path) -> None:
    """Remove the ``__pycache__`` folders under ``root``: a source edited within the second it
    was written, to the same size, would otherwise run from its stale bytecode."""
    for cache in list(root.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
