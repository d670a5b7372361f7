"""Faking module functions and classes by identity in every namespace, with full restore."""

from __future__ import annotations

import sys
import types

import pytest

from golden_harness import Recorder, ScriptError
from harness.shop import local_import, notify, pricing, processor, shipping

ORIGINAL = pricing.compute_total


def test_every_alias_is_faked_and_restored() -> None:
    with Recorder() as recorder:
        fake = recorder.fake_function(pricing.compute_total, returns=9.5)
        assert pricing.compute_total is fake
        assert processor.price_total is fake
        assert shipping.compute_total is fake
        assert local_import.total_via_local_import([]) == 9.5
    assert pricing.compute_total is ORIGINAL
    assert processor.price_total is ORIGINAL
    assert shipping.compute_total is ORIGINAL


def test_calls_are_recorded_under_the_qualified_name_whatever_the_alias() -> None:
    with Recorder() as recorder:
        recorder.fake_function(pricing.compute_total, returns=1.0)
        processor.price_total([], currency="EUR")
        shipping.compute_total([], currency="EUR")
        assert [e["call"] for e in recorder.events] == ["compute_total", "compute_total"]


def test_module_imported_during_the_fake_gets_it_and_is_restored() -> None:
    sys.modules.pop("harness.shop.late_import", None)
    with Recorder() as recorder:
        fake = recorder.fake_function("harness.shop.pricing:compute_total", returns=2.0)
        from harness.shop import late_import

        assert late_import.total_at_import is fake
    assert late_import.total_at_import is ORIGINAL


def _failing_scenario() -> None:
    with Recorder() as recorder:
        recorder.fake_function("harness.shop.notify.send_shipped_notice", returns=True)
        assert notify.send_shipped_notice("A", channel="x") is True
        raise RuntimeError("scenario failed")


def test_restored_even_when_the_scenario_fails() -> None:
    with pytest.raises(RuntimeError, match="scenario failed"):
        _failing_scenario()
    with pytest.raises(RuntimeError, match="talks to the mail server"):
        notify.send_shipped_notice("A", channel="x")


def test_faking_a_class_records_construction_and_instance_calls() -> None:
    class Gateway:
        def __init__(self, url: str) -> None:
            raise RuntimeError("real gateway")

    module = sys.modules[__name__]
    module.Gateway = Gateway  # type: ignore[attr-defined]
    try:
        with Recorder() as recorder:
            recorder.fake_function(Gateway)
            recorder.fake("Gateway().send", returns="sent")
            gateway = module.Gateway("https://example.invalid")  # type: ignore[attr-defined]
            assert gateway.send("hi") == "sent"
            assert [e["call"] for e in recorder.events] == ["Gateway", "Gateway().send"]
        assert module.Gateway is Gateway  # type: ignore[attr-defined]
    finally:
        del module.Gateway  # type: ignore[attr-defined]


def test_bad_targets_are_explained() -> None:
    with Recorder() as recorder:
        with pytest.raises(ScriptError, match="has no attribute 'nope'"):
            recorder.fake_function("harness.shop.pricing:nope")
        with pytest.raises(ScriptError, match=r"importing 'harness\.shop\.absent' failed"):
            recorder.fake_function("harness.shop.absent:thing")
        recorder.fake_function(pricing.compute_total, returns=1)
        with pytest.raises(
            ScriptError,
            match=r"already faked in this scenario; script it with golden.fake\('compute_total'",
        ):
            recorder.fake_function(pricing.compute_total, returns=2)
    assert pricing.compute_total is ORIGINAL


def test_a_later_fake_of_the_same_object_finds_holders_added_since() -> None:
    with Recorder() as recorder:
        recorder.fake_function(pricing.compute_total, returns=1.0)
    new_module = types.ModuleType("harness_late_holder")
    new_module.alias = pricing.compute_total  # type: ignore[attr-defined]
    sys.modules["harness_late_holder"] = new_module
    processor.extra_alias = pricing.compute_total  # type: ignore[attr-defined]
    try:
        with Recorder() as recorder:
            fake = recorder.fake_function(pricing.compute_total, returns=2.0)
            assert new_module.alias is fake  # type: ignore[attr-defined]
            assert processor.extra_alias is fake  # type: ignore[attr-defined]
            assert processor.price_total is fake
        assert new_module.alias is ORIGINAL  # type: ignore[attr-defined]
        assert processor.extra_alias is ORIGINAL  # type: ignore[attr-defined]
    finally:
        del sys.modules["harness_late_holder"]
        del processor.extra_alias  # type: ignore[attr-defined]


def test_a_fake_copied_into_a_loaded_module_during_the_scenario_is_restored() -> None:
    with Recorder() as recorder:
        fake = recorder.fake_function(pricing.compute_total, returns=3.0)
        processor.copied_during_scenario = pricing.compute_total  # type: ignore[attr-defined]
        assert processor.copied_during_scenario is fake  # type: ignore[attr-defined]
    try:
        assert processor.copied_during_scenario is ORIGINAL  # type: ignore[attr-defined]
    finally:
        del processor.copied_during_scenario  # type: ignore[attr-defined]


def test_repeated_scenarios_scan_only_namespaces_that_changed(monkeypatch) -> None:
    from golden_harness.recording import _identity as identity

    with Recorder() as recorder:  # the first fake of the object may scan every module
        recorder.fake_function(pricing.compute_total, returns=1.0)
    scanned: list[int] = []
    real_holders = identity._holders

    def counting(ids, namespaces=None):
        scanned.append(len(sys.modules if namespaces is None else namespaces))
        return real_holders(ids, namespaces)

    monkeypatch.setattr(identity, "_holders", counting)
    with Recorder() as recorder:
        fake = recorder.fake_function(pricing.compute_total, returns=2.0)
        assert processor.price_total is fake
    assert processor.price_total is ORIGINAL
    assert sum(scanned) < len(sys.modules) // 10, scanned
