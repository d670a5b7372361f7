"""Isolating a seam on a large class built without ``__init__``."""

from __future__ import annotations

import pytest

from golden_harness import Recorder, ScriptError, UnsetAttributeError
from golden_harness.format import Tagged
from harness.shop.processor import OrderProcessor


def test_instance_is_built_without_init_and_keeps_its_identity(recorder: Recorder) -> None:
    instance = recorder.isolate(OrderProcessor, real=["ship"], attrs={"printer": "p"})
    assert isinstance(instance, OrderProcessor)
    assert type(instance).__qualname__ == "OrderProcessor"
    assert instance.printer == "p"


def test_methods_not_listed_as_real_are_fakes_recorded_as_self(recorder: Recorder) -> None:
    instance = recorder.isolate(OrderProcessor, real=["ship"])
    recorder.fake("self._render_label", returns="LABEL")
    assert instance._render_label({"customer": "c"}, "s") == "LABEL"
    with pytest.raises(Exception, match=r"Unscripted call self\.refund"):
        instance.refund({})
    assert [e["call"] for e in recorder.events] == ["self._render_label", "self.refund"]


def test_real_methods_run_their_own_code(recorder: Recorder) -> None:
    instance = recorder.isolate(OrderProcessor, real=["_render_label"])
    assert instance._render_label({"customer": "ada"}, "S-1") == "ada\nS-1\n"
    assert recorder.events == []


def test_missing_attribute_says_how_to_set_it(recorder: Recorder) -> None:
    instance = recorder.isolate(OrderProcessor, real=["ship"])
    with pytest.raises(AttributeError, match=r"attrs=\{'db': golden\.fake\('db'\)\}"):
        instance.db  # noqa: B018
    assert getattr(instance, "optional_cache", None) is None


def test_unknown_real_method_suggests_close_names(recorder: Recorder) -> None:
    with pytest.raises(ScriptError, match=r"has no method 'shipp'\. Did you mean 'ship'"):
        recorder.isolate(OrderProcessor, real=["shipp"])
    with pytest.raises(ScriptError, match="takes a class"):
        recorder.isolate("OrderProcessor", real=[])  # type: ignore[arg-type]


def _ship_through(processor: OrderProcessor, order_id: str) -> str:
    """A module-level collaborator that receives the seam's own instance (as moved code does)."""
    raise AssertionError("faked in the test")


def test_isolated_instance_passed_to_a_fake_is_recorded_by_class_name(recorder: Recorder) -> None:
    processor = recorder.isolate(OrderProcessor, real=[], attrs={})
    recorder.fake_function(_ship_through, returns="SHIPPED")

    def seam() -> str:
        return _ship_through(processor, "A-1")

    assert recorder.call(seam) == "SHIPPED"
    assert recorder.events[0] == {
        "call": "_ship_through",
        "args": [Tagged("isolated", "OrderProcessor"), "A-1"],
        "returns": "SHIPPED",
    }
    assert '!isolated "OrderProcessor"' in recorder.render()


def test_a_plain_instance_of_the_class_is_still_unserializable(recorder: Recorder) -> None:
    from golden_harness.exceptions import UnserializableValueError

    with pytest.raises(UnserializableValueError, match="OrderProcessor"):
        recorder.observe("processor", OrderProcessor.__new__(OrderProcessor))


class _Facade:
    def __getattr__(self, name: str) -> object:
        return getattr(self._backend, name)

    def sync(self) -> object:
        return self.pull("main")


def test_a_class_that_delegates_unknown_attributes_still_delegates_when_isolated(
    recorder: Recorder,
) -> None:
    recorder.fake("backend.pull", returns="pulled")
    facade = recorder.isolate(_Facade, real=["sync"], attrs={"_backend": recorder.fake("backend")})

    assert recorder.call(facade.sync) == "pulled"
    assert recorder.events[0] == {"call": "backend.pull", "args": ["main"], "returns": "pulled"}


def test_a_delegating_class_without_its_target_set_says_which_attribute_to_set(
    recorder: Recorder,
) -> None:
    facade = recorder.isolate(_Facade, real=["sync"])

    with pytest.raises(UnsetAttributeError, match="'_backend'"):
        recorder.call(facade.sync)
