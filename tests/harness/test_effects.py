"""Workspace files, logs, argument mutation, return values and exceptions."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from golden_harness import Recorder, load_trace
from golden_harness.format import diff_events
from golden_harness.recording import argument_names, plain_changes

log = logging.getLogger("autopack.executor.scope_generation")
other = logging.getLogger("urllib3.connectionpool")


def test_workspace_changes_are_recorded_relative_and_sorted(recorder: Recorder) -> None:
    ws = recorder.workspace
    (ws / "keep.txt").write_text("same")
    (ws / "edit.txt").write_text("old")
    (ws / "gone.txt").write_text("bye")
    (ws / ".git").mkdir()

    def seam() -> None:
        (ws / "edit.txt").write_text(f"new in {ws}")
        (ws / "gone.txt").unlink()
        (ws / "sub").mkdir()
        (ws / "sub" / "blob.bin").write_bytes(b"\xff\x00" * 10)
        (ws / "big.txt").write_text("x" * 5000)
        (ws / ".git" / "index").write_text("ignored")

    recorder.call(seam)
    assert recorder.events[:-1] == [
        {
            "file": "created",
            "path": "big.txt",
            "size": 5000,
            "digest": "sha256:" + hashlib.sha256(b"x" * 5000).hexdigest(),
        },
        {"file": "changed", "path": "edit.txt", "content": "new in <workspace>"},
        {"file": "removed", "path": "gone.txt"},
        {
            "file": "created",
            "path": "sub/blob.bin",
            "size": 20,
            "digest": "sha256:" + hashlib.sha256(b"\xff\x00" * 10).hexdigest(),
        },
    ]


def test_logs_keep_level_message_and_only_the_top_level_logger_name(recorder: Recorder) -> None:
    def seam() -> None:
        log.debug("not recorded at the default INFO level")
        log.warning("confidence %.2f below %s", 0.25, "0.30")
        other.info("third party")
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("generation failed")

    recorder.call(seam)
    assert recorder.events[:-1] == [
        {"log": "WARNING", "logger": "autopack", "message": "confidence 0.25 below 0.30"},
        {"log": "INFO", "logger": "urllib3", "message": "third party"},
        {
            "log": "ERROR",
            "logger": "autopack",
            "message": "generation failed",
            "exception": "ValueError: boom",
        },
    ]


def test_debug_logs_are_recorded_when_asked() -> None:
    with Recorder(log_level="DEBUG") as recorder:
        log.debug("detail")
    assert recorder.events == [{"log": "DEBUG", "logger": "autopack", "message": "detail"}]


def test_argument_mutation_return_and_exception(recorder: Recorder) -> None:
    def generate_scope(phase: dict[str, Any], settings: dict[str, Any], limit: int) -> str:
        phase["scope"] = {"paths": ["src/a.py"]}
        del phase["hint"]
        phase["order"] = phase.pop("order")
        return "ok"

    phase = {"scope": {}, "hint": "h", "order": 1, "id": "p1"}
    assert recorder.call(generate_scope, phase, {"fixed": True}, limit=3) == "ok"
    assert recorder.events == [
        {
            "mutated": "phase",
            "changes": [
                {"at": "scope.paths", "added": ["src/a.py"]},
                {"at": "hint", "removed": "h"},
                {"at": ".", "order": ["scope", "id", "order"]},
            ],
        },
        {"returned": "ok"},
    ]

    def explode(phase: dict[str, Any]) -> None:
        raise KeyError(f"no scope in {recorder.workspace}")

    assert recorder.call(explode, phase) is None
    assert isinstance(recorder.exception, KeyError)
    assert recorder.events[-1] == {
        "raised": {"type": "KeyError", "message": "'no scope in <workspace>'"}
    }


def test_plain_changes_paths_and_argument_names() -> None:
    assert plain_changes([1, {"a b": 1}], [2, {"a b": 2}]) == [
        {"at": "[0]", "before": 1, "after": 2},
        {"at": "[1]['a b']", "before": 1, "after": 2},
    ]
    assert plain_changes([1], [1, 2]) == [{"at": ".", "appended": [2]}]
    assert plain_changes(1, 1.0) == [{"at": ".", "before": 1, "after": 1.0}]

    def f(a: int, *rest: int, key: int = 0, **extra: int) -> None: ...

    assert argument_names(f, (1, 2, 3), {"key": 4, "z": 5}) == [
        ("a", 1),
        ("rest[0]", 2),
        ("rest[1]", 3),
        ("key", 4),
        ("z", 5),
    ]
    assert argument_names(f, (), {"nope": 1}) == [("nope", 1)]


def test_lists_that_grew_or_shrank_at_the_end_show_only_the_items_concerned() -> None:
    assert plain_changes({"hints": []}, {"hints": ["retry smaller"]}) == [
        {"at": "hints", "appended": ["retry smaller"]}
    ]
    assert plain_changes({"hints": [{"a": 1}]}, {"hints": [{"a": 1}, {"b": 2}, {"c": 3}]}) == [
        {"at": "hints", "appended": [{"b": 2}, {"c": 3}]}
    ]
    assert plain_changes([1, 2, 3], [1]) == [{"at": ".", "removed_tail": [2, 3]}]
    assert plain_changes([[1, 2], "x"], [[], "x"]) == [{"at": "[0]", "removed_tail": [1, 2]}]


def test_lists_that_changed_otherwise_are_shown_whole() -> None:
    assert plain_changes([1, 2], [2, 1, 3]) == [{"at": ".", "before": [1, 2], "after": [2, 1, 3]}]
    assert plain_changes([1, 2], [0, 1, 2]) == [{"at": ".", "before": [1, 2], "after": [0, 1, 2]}]
    # A kept item must be the same value of the same type (1 and 1.0 differ in a golden).
    assert plain_changes([1], [1.0, 2]) == [{"at": ".", "before": [1], "after": [1.0, 2]}]
    assert plain_changes([{"a": 1, "b": 2}], [{"b": 2, "a": 1}, 3]) == [
        {"at": ".", "before": [{"a": 1, "b": 2}], "after": [{"b": 2, "a": 1}, 3]}
    ]


class _Hints:
    """A stand-in for an executor that keeps learning hints on ``self``."""

    def __init__(self) -> None:
        self._learning_hints: list[dict[str, str]] = [{"phase": "p0", "hint": "old"}]

    def record(self, phase_id: str, hint: str) -> None:
        self._learning_hints.append({"phase": phase_id, "hint": hint})

    def forget_last(self) -> None:
        self._learning_hints.pop()


def test_appending_to_self_records_only_the_appended_items(recorder: Recorder) -> None:
    hints = _Hints()
    recorder.call(hints.record, "p1", "use smaller batches")
    recorder.call(hints.forget_last)
    text = recorder.render()
    assert recorder.events[0] == {
        "mutated": "self",
        "changes": [
            {"at": "_learning_hints", "appended": [{"phase": "p1", "hint": "use smaller batches"}]}
        ],
    }
    assert recorder.events[2]["changes"] == [
        {
            "at": "_learning_hints",
            "removed_tail": [{"phase": "p1", "hint": "use smaller batches"}],
        }
    ]
    assert (
        '- mutated: "self"\n'
        "  changes:\n"
        '    - at: "_learning_hints"\n'
        "      appended:\n"
        '        - phase: "p1"\n'
        '          hint: "use smaller batches"\n'
    ) in text
    assert load_trace(text) == recorder.events


def test_golden_diff_of_appended_items_names_the_item() -> None:
    golden = [{"mutated": "self", "changes": [{"at": "hints", "appended": ["a"]}]}]
    more = [{"mutated": "self", "changes": [{"at": "hints", "appended": ["a", "b"]}]}]
    other = [{"mutated": "self", "changes": [{"at": "hints", "appended": ["c"]}]}]
    assert diff_events(golden, more) == [
        'mutated `self` (event 1): at `hints` `appended`[1] added: "b"'
    ]
    assert diff_events(golden, other) == [
        'mutated `self` (event 1): at `hints` `appended`[0]: "a" -> "c"'
    ]


def test_golden_diff_of_mutated_changes_follows_each_entry_by_its_place() -> None:
    golden = [
        {
            "mutated": "phase",
            "changes": [
                {"at": "attempts", "before": 1, "after": 2},
                {"at": "scope.paths", "appended": ["a.py"]},
            ],
        }
    ]
    actual = [
        {
            "mutated": "phase",
            "changes": [
                {"at": "scope.paths", "appended": ["a.py", "b.py"]},
                {"at": "status", "added": "failed"},
            ],
        }
    ]
    assert diff_events(golden, actual) == [
        'mutated `phase` (event 1): at `attempts`: change missing ({"before": 1, "after": 2})',
        'mutated `phase` (event 1): at `scope.paths` `appended`[1] added: "b.py"',
        'mutated `phase` (event 1): at `status`: new change ({"added": "failed"})',
    ]


class _Counter:
    """A stand-in for a god class whose methods keep run-wide state on ``self``."""

    def __init__(self) -> None:
        self.calls_by_phase: dict[str, int] = {}
        self.total = 0
        self.unchanged = "same"

    def bump(self, phase_id: str) -> int:
        self.calls_by_phase[phase_id] = self.calls_by_phase.get(phase_id, 0) + 1
        self.total += 1
        self.last_phase = phase_id
        return self.total

    def peek(self) -> int:
        return self.total


def test_state_of_a_bound_methods_instance_is_tracked_as_self(recorder: Recorder) -> None:
    counter = recorder.isolate(
        _Counter,
        real=["bump"],
        attrs={"calls_by_phase": {"p0": 2}, "total": 2, "db": recorder.fake("db"), "no": object()},
    )
    assert recorder.call(counter.bump, "p1") == 3
    # Fakes (the `db` attribute, the faked methods) and unserializable values are not state.
    assert recorder.events == [
        {
            "mutated": "self",
            "changes": [
                {"at": "calls_by_phase.p1", "added": 1},
                {"at": "total", "before": 2, "after": 3},
                {"at": "last_phase", "added": "p1"},
            ],
        },
        {"returned": 3},
    ]


def test_a_method_that_changes_no_state_records_no_mutation(recorder: Recorder) -> None:
    counter = _Counter()
    assert recorder.call(counter.peek) == 0
    assert recorder.events == [{"returned": 0}]


def test_observe_records_a_value_in_trace_order(recorder: Recorder) -> None:
    recorder.call(lambda: "done")
    recorder.observe("phases table", [{"phase_id": "p1", "state": "COMPLETE"}])
    assert recorder.events == [
        {"returned": "done"},
        {"observed": "phases table", "value": [{"phase_id": "p1", "state": "COMPLETE"}]},
    ]


def test_observe_refuses_an_empty_label(recorder: Recorder) -> None:
    import pytest

    from golden_harness.exceptions import ScriptError

    with pytest.raises(ScriptError, match=r"non-empty label string, got ''"):
        recorder.observe("", 1)


class _SlottedCounter:
    __slots__ = ("count", "history")

    def __init__(self) -> None:
        self.count = 0
        self.history: list[str] = []

    def bump(self, by: int) -> int:
        self.count += by
        self.history.append(f"+{by}")
        return self.count


def test_a_slots_instance_changed_by_its_method_is_recorded(recorder: Recorder) -> None:
    recorder.call(_SlottedCounter().bump, 2)

    assert recorder.events[0] == {
        "mutated": "self",
        "changes": [
            {"at": "count", "before": 0, "after": 2},
            {"at": "history", "appended": ["+2"]},
        ],
    }


def test_a_seam_that_exits_records_system_exit(recorder: Recorder) -> None:
    import sys

    recorder.call(lambda: sys.exit(2))

    assert recorder.events == [{"raised": {"type": "SystemExit", "message": "2"}}]
