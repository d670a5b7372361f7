"""Per-event rendering of trace differences."""

from __future__ import annotations

import random
import re
from typing import Any

from golden_harness import Tagged, dump_trace
from golden_harness.format import compact, diff_events, event_title
from golden_harness.plugin._verify import mismatch_message

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
        "call `db.save` (event 2): kwarg `max_tokens`: 8192 -> 10240"
    ]


def test_swapped_payload_keys_are_reported_as_key_order() -> None:
    swapped = {**SAVE, "kwargs": {"payload": {"total": 2, "id": 1}, "max_tokens": 8192}}
    assert diff_events([SAVE], [swapped]) == [
        'call `db.save` (event 1): kwarg `payload`: key order ["id", "total"] -> ["total", "id"]'
    ]


def test_reordered_calls_are_reported_as_a_move() -> None:
    assert diff_events([SAVE, QUEUE, DONE], [QUEUE, SAVE, DONE]) == [
        "call `mailer.queue` moved: event 2 in the golden, 1 in this run"
    ]


def test_dropped_and_added_events() -> None:
    assert diff_events([SAVE, LOG, DONE], [SAVE, DONE]) == [
        'log INFO (event 2 in the golden): missing in this run: {"logger": "shop", "message": "shipped"}'
    ]
    assert diff_events([SAVE, DONE], [SAVE, LOG, DONE]) == [
        'log INFO (event 2 in this run): new, not in the golden: {"logger": "shop", "message": "shipped"}'
    ]


def test_changed_subprocess_argument_and_nested_values() -> None:
    old = {"subprocess": ["git", "reset", "--hard", "abc"], "returncode": 0}
    new = {"subprocess": ["git", "reset", "--soft", "abc"], "returncode": 0}
    assert diff_events([old], [new]) == [
        'subprocess `git reset --soft abc` (event 1): argv[2]: "--hard" -> "--soft"'
    ]
    args_old = {"call": "f", "args": [{"a": [1, 2]}], "returns": Tagged("tuple", [1])}
    args_new = {"call": "f", "args": [{"a": [1, 3]}], "returns": Tagged("tuple", [2])}
    assert diff_events([args_old], [args_new]) == [
        'call `f` (event 1): arg `0`["a"][1]: 2 -> 3',
        "call `f` (event 1): `returns` (!tuple)[0]: 1 -> 2",
    ]


def test_added_and_removed_keywords_and_argument_count() -> None:
    old = {"call": "f", "args": [1], "kwargs": {"a": 1}, "returns": None}
    new = {"call": "f", "args": [1, 2], "kwargs": {"b": 2}, "returns": None}
    assert diff_events([old], [new]) == [
        "call `f` (event 1): args [1] -> [1, 2]",
        "call `f` (event 1): kwarg `a` removed (was 1)",
        "call `f` (event 1): kwarg `b` added: 2",
    ]


def test_titles_and_compact_rendering() -> None:
    assert (
        event_title({"file": "created", "path": "a.txt"}, 3) == "file `a.txt` (created) (event 3)"
    )
    assert event_title({"mutated": "phase", "changes": []}, 4) == "mutated `phase` (event 4)"
    assert event_title({"raised": {}}, 5) == "raised (event 5)"
    assert (
        compact({"a": [None, True, 1.5, Tagged("set", ["x"])]})
        == '{"a": [null, true, 1.5, !set ["x"]]}'
    )
    assert compact("x" * 500).endswith("...")
    assert len(compact("x" * 500)) == 160


# -- alignment: every differing event is listed ---------------------------------------------------

START = {"log": "INFO", "logger": "shop", "message": "start"}
RETRY = {"log": "WARNING", "logger": "shop", "message": "retrying"}
REPORT = {
    "status": "passed",
    "tests_run": 4,
    "output": "4 passed in 0.31s",
    "report_path": ".runs/run-1/ci/build-api.json",
    "log_path": ".runs/run-1/ci/build-api.log",
    "suspicious_zero_tests": False,
}


def test_an_early_extra_event_does_not_hide_later_changes() -> None:
    golden = [START, SAVE, LOG, {"returned": REPORT}]
    actual = [
        START,
        RETRY,
        {**SAVE, "returns": 8},
        LOG,
        {"returned": {**REPORT, "suspicious_zero_tests": True}},
    ]
    assert diff_events(golden, actual) == [
        'log WARNING (event 2 in this run): new, not in the golden: {"logger": "shop", "message": "retrying"}',
        "call `db.save` (event 2 in the golden, 3 in this run): `returns`: 7 -> 8",
        'returned (event 4 in the golden, 5 in this run): ["suspicious_zero_tests"]: false -> true',
    ]


def test_an_extra_log_before_a_changed_log_pairs_the_changed_one() -> None:
    golden = [SAVE, LOG, DONE]
    actual = [SAVE, RETRY, {**LOG, "message": "held"}, {"returned": "HELD"}]
    assert diff_events(golden, actual) == [
        'log WARNING (event 2 in this run): new, not in the golden: {"logger": "shop", "message": "retrying"}',
        'log INFO (event 2 in the golden, 3 in this run): `message`: "shipped" -> "held"',
        'returned (event 3 in the golden, 4 in this run): "SHIPPED" -> "HELD"',
    ]


def test_a_change_past_the_one_line_rendering_limit_is_still_listed() -> None:
    long_report = {**REPORT, "output": "x" * 300}
    changed = {**long_report, "suspicious_zero_tests": True}
    assert len(compact(long_report)) == 160  # the one-line form is cut before the change
    assert diff_events([{"returned": long_report}], [{"returned": changed}]) == [
        'returned (event 1): ["suspicious_zero_tests"]: false -> true'
    ]


def test_identical_events_elsewhere_do_not_pull_the_alignment_apart() -> None:
    mutation = {"mutated": "self", "changes": [{"at": "attempts", "added": 1}]}
    golden = [QUEUE, mutation, SAVE, {"observed": "rows", "value": [6]}, mutation, LOG, DONE]
    actual = [
        {**QUEUE, "returns": 1},
        {"mutated": "self", "changes": [{"at": "attempts", "added": 2}]},
        RETRY,
        SAVE,
        {"observed": "rows", "value": [9]},
        mutation,
        LOG,
        DONE,
    ]
    assert diff_events(golden, actual) == [
        "call `mailer.queue` (event 1): `returns`: null -> 1",
        "mutated `self` (event 2): at `attempts` `added`: 1 -> 2",
        'log WARNING (event 3 in this run): new, not in the golden: {"logger": "shop", "message": "retrying"}',
        "observed `rows` (event 4 in the golden, 5 in this run): `value`[0]: 6 -> 9",
    ]


def test_a_replaced_event_reads_as_missing_then_new() -> None:
    assert diff_events([SAVE, DONE], [QUEUE, DONE]) == [
        'call `db.save` (event 1 in the golden): missing in this run: {"kwargs": {"payload": {"id": 1, "total": 2}, '
        '"max_tokens": 8192}, "returns": 7}',
        'call `mailer.queue` (event 1 in this run): new, not in the golden: {"args": ["ada"], "returns": null}',
    ]


def test_every_differing_event_is_listed_in_generated_traces() -> None:
    rng = random.Random(20240102)
    for _ in range(300):
        golden = [_random_event(rng) for _ in range(rng.randint(1, 7))]
        golden.append({"returned": rng.randint(0, 3)})
        actual = [dict(event) for event in golden]
        changed = [i for i in range(len(actual)) if rng.random() < 0.3]
        for i in changed:
            actual[i] = _changed(actual[i])
        extra_at = rng.randint(0, len(actual) - 1)
        actual.insert(extra_at, {"log": "ERROR", "logger": "shop", "message": "extra"})
        expected = {i + 1 + (i >= extra_at) for i in changed}
        reported = _reported_positions(diff_events(golden, actual))
        assert reported["changed"] == expected, (golden, actual)
        assert reported["new"] == {extra_at + 1}, (golden, actual)
        assert reported["missing"] == set(), (golden, actual)


def _random_event(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["call", "log", "mutated", "observed"])
    if kind == "call":
        path = rng.choice(["db.save", "mailer.queue", "llm.run"])
        return {"call": path, "args": [rng.randint(0, 3)], "returns": rng.randint(0, 3)}
    if kind == "log":
        level = rng.choice(["INFO", "WARNING"])
        return {"log": level, "logger": "shop", "message": f"m{rng.randint(0, 99)}"}
    if kind == "observed":
        return {"observed": "rows", "value": [rng.randint(0, 9)]}
    return {"mutated": "self", "changes": [{"at": "x", "added": rng.randint(0, 3)}]}


def _changed(event: dict[str, Any]) -> dict[str, Any]:
    kind = next(iter(event))
    field = {"call": "returns", "log": "message", "observed": "value", "mutated": "changes"}
    if kind == "returned":
        return {"returned": event["returned"] + 10}
    return {**event, field[kind]: ["changed", event[field[kind]]]}


def _reported_positions(lines: list[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {"changed": set(), "new": set(), "missing": set()}
    position = re.compile(r"\(event (\d+)(?: in the golden, (\d+) in this run| in \w+ \w+)?\)")
    for line in lines:
        match = position.search(line)
        assert match is not None, line
        if ": missing in this run" in line:
            found["missing"].add(int(match[1]))
        elif ": new, not in the golden" in line:
            found["new"].add(int(match[1]))
        else:  # a changed event: its position in this run
            found["changed"].add(int(match[2] or match[1]))
    return found


# -- wording ----------------------------------------------------------------------------------------


def test_a_changed_log_level_reads_as_a_level_change() -> None:
    warned = {**LOG, "log": "WARNING"}
    assert diff_events([SAVE, LOG, DONE], [SAVE, warned, DONE]) == [
        "log (event 2): level INFO -> WARNING"
    ]
    moved_logger = {**warned, "logger": "autopack"}
    assert diff_events([LOG], [moved_logger]) == [
        "log (event 1): level INFO -> WARNING",
        'log (event 1): `logger`: "shop" -> "autopack"',
    ]
    other_line = {**warned, "message": "shipped late"}
    assert diff_events([LOG], [other_line]) == [
        'log INFO (event 1 in the golden): missing in this run: {"logger": "shop", "message": "shipped"}',
        'log WARNING (event 1 in this run): new, not in the golden: {"logger": "shop", "message": "shipped late"}',
    ]


def test_a_file_that_changed_kind_and_content() -> None:
    created = {"file": "created", "path": "a.txt", "content": "x"}
    changed = {"file": "changed", "path": "a.txt", "content": "y"}
    assert diff_events([created], [changed]) == [
        "file `a.txt` (event 1): created -> changed",
        'file `a.txt` (event 1): `content`: "x" -> "y"',
    ]


def test_a_new_subprocess_field_and_a_raised_message() -> None:
    old = {"subprocess": ["make"], "returncode": 0}
    new = {"subprocess": ["make"], "timeout": 600, "timed_out": True}
    assert diff_events([old], [new]) == [
        "subprocess `make` (event 1): `returncode` removed (was 0)",
        "subprocess `make` (event 1): `timeout` added: 600",
        "subprocess `make` (event 1): `timed_out` added: true",
    ]
    raised = {"raised": {"type": "ValueError", "message": "bad"}}
    assert diff_events([raised], [{"raised": {"type": "ValueError", "message": "worse"}}]) == [
        'raised (event 1): ["message"]: "bad" -> "worse"'
    ]


def test_the_mismatch_message_counts_one_line_per_difference() -> None:
    golden = dump_trace([START, SAVE, LOG, {"returned": REPORT}])
    actual = dump_trace(
        [START, RETRY, {**SAVE, "returns": 8}, LOG, {"returned": {**REPORT, "tests_run": 0}}]
    )
    message = mismatch_message(golden, actual, "golden/ci/t.golden.yaml", "tests/test_ci.py::t")
    assert message.splitlines()[:4] == [
        "golden/ci/t.golden.yaml does not match the trace of tests/test_ci.py::t "
        "(3 difference(s)):",
        '  log WARNING (event 2 in this run): new, not in the golden: {"logger": "shop", "message": "retrying"}',
        "  call `db.save` (event 2 in the golden, 3 in this run): `returns`: 7 -> 8",
        '  returned (event 4 in the golden, 5 in this run): ["tests_run"]: 4 -> 0',
    ]
