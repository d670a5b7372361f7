"""Per-event rendering of trace differences."""

from __future__ import annotations

from golden_harness import Tagged
from golden_harness.diffing import compact, diff_events, event_title

SAVE = {
    "call": "db.save",
    "kwargs": {"payload": {"id": 1, "total": 2}, "max_tokens": 8192},
    "returns": 7,
}
QUEUE = {"call": "mailer.queue", "args": ["ada"], "returns": None}
LOG = {"log": "INFO", "logger": "shop", "message": "shipped"}
DONE = {"returned": "SHIPPED"}


def test_equal_traces_have_no_differences() -> None:
    assert diff_events([SAVE, QUEUE, LOG, DONE], [SAVE, QUEUE, LOG, DONE]) == []


def test_changed_keyword_is_named_with_old_and_new_value() -> None:
    changed = {**SAVE, "kwargs": {**SAVE["kwargs"], "max_tokens": 10240}}
    assert diff_events([QUEUE, SAVE], [QUEUE, changed]) == [
        "call 2 `db.save`: kwarg `max_tokens`: 8192 -> 10240"
    ]


def test_swapped_payload_keys_are_reported_as_key_order() -> None:
    swapped = {**SAVE, "kwargs": {"payload": {"total": 2, "id": 1}, "max_tokens": 8192}}
    assert diff_events([SAVE], [swapped]) == [
        'call 1 `db.save`: kwarg `payload`: key order ["id", "total"] -> ["total", "id"]'
    ]


def test_reordered_calls_are_reported_as_a_move() -> None:
    assert diff_events([SAVE, QUEUE, DONE], [QUEUE, SAVE, DONE]) == [
        "call 1 `mailer.queue` moved: golden position 2, now 1"
    ]


def test_dropped_and_added_events() -> None:
    assert diff_events([SAVE, LOG, DONE], [SAVE, DONE]) == [
        'log 2 INFO: missing (golden has it): {"logger": "shop", "message": "shipped"}'
    ]
    assert diff_events([SAVE, DONE], [SAVE, LOG, DONE]) == [
        'log 2 INFO: new (not in golden): {"logger": "shop", "message": "shipped"}'
    ]


def test_changed_subprocess_argument_and_nested_values() -> None:
    old = {"subprocess": ["git", "reset", "--hard", "abc"], "returncode": 0}
    new = {"subprocess": ["git", "reset", "--soft", "abc"], "returncode": 0}
    assert diff_events([old], [new]) == [
        'subprocess 1 `git reset --soft abc`: argv[2]: "--hard" -> "--soft"'
    ]
    args_old = {"call": "f", "args": [{"a": [1, 2]}], "returns": Tagged("tuple", [1])}
    args_new = {"call": "f", "args": [{"a": [1, 3]}], "returns": Tagged("tuple", [2])}
    assert diff_events([args_old], [args_new]) == [
        'call 1 `f`: arg `0`["a"][1]: 2 -> 3',
        "call 1 `f`: `returns` (!tuple)[0]: 1 -> 2",
    ]


def test_added_and_removed_keywords_and_argument_count() -> None:
    old = {"call": "f", "args": [1], "kwargs": {"a": 1}, "returns": None}
    new = {"call": "f", "args": [1, 2], "kwargs": {"b": 2}, "returns": None}
    assert diff_events([old], [new]) == [
        "call 1 `f`: args [1] -> [1, 2]",
        "call 1 `f`: kwarg `a` removed (was 1)",
        "call 1 `f`: kwarg `b` added: 2",
    ]


def test_titles_and_compact_rendering() -> None:
    assert event_title({"file": "created", "path": "a.txt"}, 3) == "file 3 `a.txt` (created)"
    assert event_title({"mutated": "phase", "changes": []}, 4) == "mutated 4 `phase`"
    assert event_title({"raised": {}}, 5) == "raised 5"
    assert (
        compact({"a": [None, True, 1.5, Tagged("set", ["x"])]})
        == '{"a": [null, true, 1.5, !set ["x"]]}'
    )
    assert compact("x" * 500).endswith("...")
    assert len(compact("x" * 500)) == 160
