"""Scenario names map to distinct, stable, safe file names."""

from __future__ import annotations

from pathlib import Path

from golden_harness.format import golden_path, relative_path, scenario_name, scenario_stem


def test_scenario_name_drops_the_module_part() -> None:
    assert scenario_name("tests/c/test_x.py::TestA::test_b[1]") == "TestA.test_b[1]"
    assert scenario_name("test_x.py::test_b") == "test_b"


def test_unsafe_characters_are_percent_encoded_so_ids_stay_distinct() -> None:
    assert scenario_stem("test[b/c]") == "test[b%2Fc]"
    assert scenario_stem("test[bc]") == "test[bc]"
    assert scenario_stem("test[b%2Fc]") == "test[b%252Fc]"
    assert scenario_stem('t[a:b*c?"<>|\\ é]') == "t[a%3Ab%2Ac%3F%22%3C%3E%7C%5C%20%C3%A9]"
    assert scenario_stem(".hidden") == "%2Ehidden"


def test_long_names_are_cut_with_a_stable_digest() -> None:
    long_a = "test[" + "a" * 300 + "]"
    long_b = "test[" + "a" * 299 + "b]"
    stem_a, stem_b = scenario_stem(long_a), scenario_stem(long_b)
    assert len(stem_a) == 197
    assert stem_a != stem_b
    assert stem_a == scenario_stem(long_a)
    assert stem_a.startswith("test[aaa")


def test_golden_path_layout() -> None:
    assert golden_path(Path("golden"), "seam", "T.test[x/y]") == Path(
        "golden/seam/T.test[x%2Fy].golden.yaml"
    )


def test_relative_path_is_posix_under_the_root_and_unchanged_outside() -> None:
    root = Path("/repo")
    assert relative_path(Path("/repo/golden/seam/test_a.golden.yaml"), root) == (
        "golden/seam/test_a.golden.yaml"
    )
    assert relative_path(Path("/elsewhere/test_a.golden.yaml"), root) == str(
        Path("/elsewhere/test_a.golden.yaml")
    )
