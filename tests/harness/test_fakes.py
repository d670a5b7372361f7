"""Fakes: scripted results, strictness, and errors that name the path and the fix."""

from __future__ import annotations

from typing import Any

import pytest

from golden_harness import (
    Fake,
    Recorder,
    ScriptError,
    ScriptExhaustedError,
    UnscriptedCallError,
)


def test_calls_are_recorded_with_arguments_and_scripted_results(recorder: Recorder) -> None:
    llm = recorder.fake("llm_service")
    recorder.fake("llm_service.execute_builder_phase", returns={"success": True})

    result = llm.execute_builder_phase("phase-1", max_tokens=8192)

    assert result == {"success": True}
    assert recorder.events == [
        {
            "call": "llm_service.execute_builder_phase",
            "args": ["phase-1"],
            "kwargs": {"max_tokens": 8192},
            "returns": {"success": True},
        }
    ]
    assert recorder.trace.call_count("llm_service.execute_builder_phase") == 1
    assert recorder.trace.was_called("llm_service.execute_builder_phase")
    assert recorder.trace.last_call is recorder.trace[0]


def test_sequence_returns_one_result_per_call_and_raises_exceptions(recorder: Recorder) -> None:
    fetch = recorder.fake("client.fetch", sequence=[1, TimeoutError("slow"), 3])
    assert fetch() == 1
    with pytest.raises(TimeoutError, match="slow"):
        fetch()
    assert fetch() == 3
    with pytest.raises(
        ScriptExhaustedError,
        match=r"client\.fetch was called 4 times but its sequence= script has 3",
    ):
        fetch()
    assert recorder.events[1]["raises"] == {"type": "TimeoutError", "message": "slow"}


def test_side_effect_callable_receives_the_arguments(recorder: Recorder) -> None:
    double = recorder.fake("math.double", side_effect=lambda x, *, times=2: x * times)
    assert double(4, times=3) == 12
    assert recorder.events[0]["returns"] == 12


def test_side_effect_exception_class_is_raised_and_recorded(recorder: Recorder) -> None:
    connect = recorder.fake("db.connect", side_effect=ConnectionError)
    with pytest.raises(ConnectionError):
        connect()
    assert recorder.events[0]["raises"] == {"type": "ConnectionError", "message": ""}


def test_unscripted_call_names_path_arguments_and_the_script_line(recorder: Recorder) -> None:
    db = recorder.fake("db")
    with pytest.raises(UnscriptedCallError) as caught:
        db.save_phase("p1", state="DONE")
    message = str(caught.value)
    assert "Unscripted call db.save_phase('p1', state='DONE')" in message
    assert "golden.fake('db.save_phase', returns=None)" in message


def test_unscripted_call_swallowed_by_the_seam_still_fails_the_call(recorder: Recorder) -> None:
    db = recorder.fake("db")

    def best_effort_seam() -> str:
        try:
            db.record_event()
        except Exception:
            return "swallowed"
        return "recorded"

    with pytest.raises(UnscriptedCallError, match=r"db\.record_event"):
        recorder.call(best_effort_seam)
    assert len(recorder.errors) == 1
    assert isinstance(recorder.errors[0], UnscriptedCallError)


def test_lenient_fake_returns_none_for_unscripted_calls(recorder: Recorder) -> None:
    telemetry = recorder.fake("telemetry", strict=False)
    assert telemetry.emit("x") is None
    assert recorder.events == [{"call": "telemetry.emit", "args": ["x"], "returns": None}]


def test_attrs_are_real_values_and_fakes_compare_by_path(recorder: Recorder) -> None:
    config = recorder.fake("config", attrs={"max_retries": 5})
    assert config.max_retries == 5
    assert recorder.fake("config") is config
    assert config.section is recorder.fake("config.section")
    assert repr(config.section) == "<fake config.section>"
    assert recorder.events == []


def test_fake_is_a_context_manager_and_has_no_dunder_children(recorder: Recorder) -> None:
    session = recorder.fake("session")
    with session as entered:
        assert entered is session
    with pytest.raises(AttributeError):
        session.__deepcopy__  # noqa: B018


def test_fakes_serialize_by_path(recorder: Recorder) -> None:
    recorder.fake("factory.build", returns=recorder.fake("widget"))
    recorder.fake("factory").build()
    assert str(recorder.events[0]["returns"]) == "Tagged(tag='fake', value='widget')"


def test_contradictory_script_is_refused(recorder: Recorder) -> None:
    with pytest.raises(ScriptError, match="got returns and sequence; give exactly one"):
        recorder.fake("x", returns=1, sequence=[1])
    with pytest.raises(ScriptError, match="sequence= takes a list of results"):
        recorder.fake("y", sequence="abc")


class _ListSink:
    """A ``CallSink`` that is not a recorder: it keeps its fakes and the calls in lists."""

    def __init__(self) -> None:
        self.fakes: dict[str, Fake] = {}
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def fake_at(self, path: str) -> Fake:
        return self.fakes.setdefault(path, Fake(self, path))

    def record_call(self, path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.calls.append((path, args, kwargs))
        return f"result of {path}"


def test_a_fake_needs_only_a_call_sink() -> None:
    sink = _ListSink()
    service = Fake(sink, "service")

    assert service.client.send(1, retry=True) == "result of service.client.send"
    assert service.client is sink.fakes["service.client"]
    assert sink.calls == [("service.client.send", (1,), {"retry": True})]
