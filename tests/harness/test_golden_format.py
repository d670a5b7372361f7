"""The golden format: readable, exact, parseable back into the same data, and versioned."""

from __future__ import annotations

import random

import pytest

from golden_harness import GoldenFormatError, Tagged, dump_trace, load_trace
from golden_harness.format import HEADER, dump_value

ROUND_TRIP_VALUES = [
    None,
    True,
    False,
    0,
    -12,
    10**30,
    0.1,
    1e16,
    -2.5e-8,
    float("inf"),
    float("-inf"),
    "",
    "plain",
    'quotes " and \\ backslash',
    "yes",
    "null",
    "123",
    "tab\tinside",
    "two\nlines",
    "two\nlines\n",
    "trailing blank\n\n",
    " leading space\nsecond",
    "line with trailing space \nnext",
    "carriage\r\nreturn",
    "control \x00 char",
    "unicode: é 漢字 🚀",
    [],
    {},
    [1, [2, [3, []]], {}],
    {"b": 1, "a": 2, "nested": {"z": [], "y": {"x": None}}},
    {1: "int key", "1": "str key", False: "bool key", None: "null key", "odd key!": 0},
    Tagged("tuple", [1, "a"]),
    Tagged("set", []),
    Tagged("Order", {"id": 1, "lines": Tagged("tuple", ["x\ny"])}),
    Tagged("datetime", "2024-01-02T03:04:05"),
    Tagged("bytes", "multi\nline bytes"),
    [Tagged("fake", "db.session"), {"k": Tagged("tuple", [])}],
]


@pytest.mark.parametrize("value", ROUND_TRIP_VALUES, ids=repr)
def test_every_value_round_trips_exactly(value: object) -> None:
    text = dump_trace([{"returned": value}])

    (event,) = load_trace(text)

    assert event == {"returned": value}
    assert type(event["returned"]) is type(value)


def test_nan_round_trips() -> None:
    (event,) = load_trace(dump_trace([{"returned": float("nan")}]))
    assert event["returned"] != event["returned"]


def test_layout_is_one_block_per_event_with_header_and_comments() -> None:
    text = dump_trace(
        [{"call": "db.save", "kwargs": {"b": 1, "a": "x\ny"}}, {"returned": None}],
        comments=["seam: demo"],
    )

    assert text == (
        f"{HEADER}\n"
        "# seam: demo\n"
        '- call: "db.save"\n'
        "  kwargs:\n"
        "    b: 1\n"
        "    a: |-\n"
        "      x\n"
        "      y\n"
        "\n"
        "- returned: null\n"
    )


def test_key_order_is_kept_not_sorted() -> None:
    text = dump_trace([{"returned": {"zeta": 1, "alpha": 2}}])
    assert text.index("zeta") < text.index("alpha")
    assert list(load_trace(text)[0]["returned"]) == ["zeta", "alpha"]


def test_empty_trace_is_written_and_read() -> None:
    assert load_trace(dump_trace([])) == []


def test_dump_value_renders_inline_and_blocks() -> None:
    assert dump_value("a") == '"a"'
    assert dump_value(Tagged("tuple", [])) == "!tuple []"
    assert dump_value({"a": 1}) == "a: 1"


def test_missing_header_names_file_and_line() -> None:
    with pytest.raises(
        GoldenFormatError, match=r"golden/x\.golden\.yaml:1: expected the header line"
    ):
        load_trace("- returned: 1\n", "golden/x.golden.yaml")


def test_other_format_version_is_refused_with_the_versions() -> None:
    with pytest.raises(GoldenFormatError, match=r"format v9, this golden_harness reads v1"):
        load_trace("# golden_harness trace v9\n[]\n", "g.yaml")


def test_corrupt_yaml_names_the_line() -> None:
    text = f'{HEADER}\n- call: "a"\n  args: [1, 2\n- returned: 1\n'
    with pytest.raises(GoldenFormatError, match=r"^g\.yaml:4: not valid YAML"):
        load_trace(text, "g.yaml")


def test_an_event_that_is_not_a_mapping_is_reported_at_its_line() -> None:
    text = f"{HEADER}\n- returned: 1\n\n- just a string\n"
    with pytest.raises(GoldenFormatError, match=r"^g\.yaml:4: event 2 is not a mapping"):
        load_trace(text, "g.yaml")


def test_random_strings_round_trip_as_values_and_keys() -> None:
    rng = random.Random(20240102)
    alphabet = [
        "a",
        " ",
        "\n",
        "\t",
        "\r",
        "é",
        '"',
        "\\",
        "#",
        ":",
        "-",
        "|",
        "\x00",
        "\x7f",
        "\x85",
    ]
    alphabet += ["\u2028", "\ufeff", "\u00a0", "'", "{", "…", "🚀", "\U0010fffd"]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        events = [{"returned": text, "map": {text: [text]}}]
        assert load_trace(dump_trace(events)) == events, repr(text)


def test_invisible_characters_are_escaped_visibly() -> None:
    assert (
        dump_value("nbsp\u00a0nel\x85bom\ufeffnul\x00") == '"nbsp\\xa0nel\\x85bom\\ufeffnul\\x00"'
    )


def test_control_characters_in_a_golden_name_the_line() -> None:
    with pytest.raises(GoldenFormatError, match=r"^g\.yaml:3: not valid YAML: control characters"):
        load_trace(f'{HEADER}\n- returned: 1\n- returned: "\x7f"\n', "g.yaml")
