"""Module state a seam changes is recorded and put back; caches never carry over."""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Iterator

import pytest

from golden_harness import Recorder
from harness.conftest import assert_stable_and_caught

SOURCE = """
import functools

count = 0
last = None
registry = {"a": 1}
config = None


def bump(name):
    global count, last, config
    count += 1
    last = name
    registry[name] = count
    if config is None:
        config = {"retries": 3}
    return count


@functools.lru_cache
def rate(region):
    return lookup(region)


def lookup(region):
    return 0.0


class Invoice:
    def __init__(self, region):
        self.region = region

    @functools.cached_property
    def tax(self):
        return rate(self.region)

    def total(self, cents):
        return round(cents * (1 + self.tax))
"""


@pytest.fixture
def module() -> Iterator[types.ModuleType]:
    created = types.ModuleType("stateful_for_test")
    exec(compile(SOURCE, "stateful_for_test.py", "exec"), created.__dict__)
    sys.modules[created.__name__] = created
    yield created
    del sys.modules[created.__name__]


def test_a_rebinding_is_recorded_and_put_back_after_the_scenario(module: types.ModuleType) -> None:
    with Recorder(modules=[module.__name__]) as golden:
        golden.call(module.bump, "b")
        assert golden.events[:4] == [
            {"global": "count", "before": 0, "after": 1},
            {"global": "last", "before": None, "after": "b"},
            {"global": "registry", "changes": [{"at": "b", "added": 1}]},
            {"global": "config", "before": None, "after": {"retries": 3}},
        ]
        kept = module.registry
    assert (module.count, module.last, module.config) == (0, None, None)
    assert module.registry == {"a": 1}
    assert module.registry is kept


def test_the_module_of_the_called_function_is_watched_without_declaring_it(
    module: types.ModuleType,
) -> None:
    with Recorder() as golden:
        golden.call(module.bump, "b")
        assert golden.events[0] == {"global": "count", "before": 0, "after": 1}
    assert module.count == 0


def test_caches_are_cleared_before_the_call_and_after_the_scenario(
    module: types.ModuleType,
) -> None:
    invoice = module.Invoice("EU")
    assert invoice.total(100) == 100  # the real rate (0.0) is now cached twice
    with Recorder(modules=[module.__name__]) as golden:
        golden.fake_function(module.lookup, returns=0.5)
        assert golden.call(invoice.total, 100) == 150
    assert module.rate.cache_info().currsize == 0
    assert "tax" not in vars(invoice)
    assert isinstance(module.rate, functools._lru_cache_wrapper)


def test_caches_of_a_module_of_the_package_reached_as_a_module_are_cleared() -> None:
    package = types.ModuleType("stateful_pkg")
    helpers = types.ModuleType("stateful_pkg.helpers")
    exec(compile(SOURCE, "stateful_pkg/helpers.py", "exec"), helpers.__dict__)
    seam = types.ModuleType("stateful_pkg.seam")
    package.helpers = helpers  # type: ignore[attr-defined]
    sys.modules.update({m.__name__: m for m in (package, helpers, seam)})
    exec(
        "from stateful_pkg import helpers\ndef tax(region):\n    return helpers.rate(region)\n",
        seam.__dict__,
    )
    try:
        assert seam.tax("EU") == 0.0  # the real rate is now cached
        with Recorder(modules=[seam.__name__]) as golden:
            golden.fake_function(helpers.lookup, returns=0.5)
            assert golden.call(seam.tax, "EU") == 0.5
        assert helpers.rate.cache_info().currsize == 0
    finally:
        for name in ("stateful_pkg.seam", "stateful_pkg.helpers", "stateful_pkg"):
            del sys.modules[name]


SCENARIOS = """
from counter import bump

from golden_harness import Seam

GOLDEN_SEAM = Seam("counter", covers=["counter:bump"])


def test_first(golden):
    golden.call(bump, "first")


def test_second(golden):
    golden.call(bump, "second")


def test_third(golden):
    golden.call(bump, "third")
"""


def test_scenario_order_never_changes_a_golden_and_a_change_of_a_global_is_caught(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(test_counter=SCENARIOS, counter=SOURCE)

    texts = assert_stable_and_caught(
        inner,
        monkeypatch,
        scenarios=3,
        planted=("counter.py", "    count += 1\n", "    count += 2\n"),
        expected="global `count` (event 1): `after`: 1 -> 2",
    )

    assert (
        '- global: "count"\n  before: 0\n  after: 1'
        in texts["golden/counter/test_third.golden.yaml"]
    )
