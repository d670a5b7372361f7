"""The plan's YAML loader: a key given twice is refused with both lines; merges and aliases."""

from __future__ import annotations

import pytest
import yaml

from autopack.plan_yaml import DuplicateKeyError, load_plan_yaml


@pytest.mark.parametrize(
    ("text", "key", "first", "second"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "a", 1, 3, id="top_level"),
        pytest.param("outer:\n  x: 1\n  x: 2\n", "x", 2, 3, id="nested"),
        pytest.param("{a: 1, a: 2}\n", "a", 1, 1, id="flow_mapping_on_one_line"),
        pytest.param("- {p: 1}\n- k: 1\n  k: 2\n", "k", 2, 3, id="in_a_list_item"),
        pytest.param("1: a\n1: b\n", 1, 1, 2, id="integer_key"),
        pytest.param("a: 1\n'a': 2\n", "a", 1, 2, id="quoted_and_plain_spellings"),
    ],
)
def test_a_key_given_twice_names_the_key_and_both_lines(
    text: str, key: object, first: int, second: int
) -> None:
    with pytest.raises(DuplicateKeyError) as info:
        load_plan_yaml(text)
    assert (info.value.key, info.value.first_line, info.value.second_line) == (key, first, second)
    assert str(info.value) == f"duplicate key {key!r} at line {second} (first at line {first})"


def test_keys_that_only_look_alike_are_different_keys() -> None:
    assert load_plan_yaml("1: a\n'1': b\n") == ({1: "a", "1": "b"}, False)


def test_a_merged_key_overridden_by_an_explicit_one_is_no_duplicate() -> None:
    text = "base: &base {skip: true, paths: [a]}\nci:\n  <<: *base\n  skip: false\n"
    data, uses_aliases = load_plan_yaml(text)
    assert data["ci"] == {"skip": False, "paths": ["a"]}
    assert uses_aliases


def test_two_merged_mappings_sharing_a_key_are_no_duplicate() -> None:
    text = "a: &a {k: 1}\nb: &b {k: 2}\nc:\n  <<: [*a, *b]\n"
    assert load_plan_yaml(text)[0]["c"] == {"k": 1}


def test_a_document_without_aliases_says_so() -> None:
    assert load_plan_yaml("a: [1, 2]\n") == ({"a": [1, 2]}, False)


def test_other_syntax_errors_stay_yaml_errors() -> None:
    with pytest.raises(yaml.YAMLError) as info:
        load_plan_yaml("a: [1, 2\n")
    assert not isinstance(info.value, DuplicateKeyError)


def test_an_unhashable_key_is_left_to_the_safe_loader() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="unhashable key"):
        load_plan_yaml("? [1, 2]\n: x\n")
