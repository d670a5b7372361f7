"""End-to-end runs of the plugin through pytester: capture, verify, and each kind of failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness.plugin import ci_reason
from harness.conftest import DEMO_DIR, copy_demo

GOLDEN = Path("golden/order_shipping")


def _goldens(root: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((root / GOLDEN).glob("*.golden.yaml"))}


def test_capture_writes_the_committed_goldens_byte_for_byte(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=False)

    captured = inner.runpytest("--snapshot-update")

    captured.assert_outcomes(passed=4)
    assert _goldens(inner.path) == _goldens(DEMO_DIR)
    inner.runpytest().assert_outcomes(passed=4)


def test_missing_golden_says_to_capture_locally(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=False)

    result = inner.runpytest("test_order_shipping.py::test_ships_paid_order")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GoldenMissingError: No golden at golden/order_shipping/test_ships_paid_order.golden.yaml*"
            "*pytest --snapshot-update test_order_shipping.py::test_ships_paid_order*"
        ]
    )
    assert not (inner.path / "golden").exists()


def test_corrupt_golden_names_the_file_and_line(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    golden = inner.path / GOLDEN / "test_empty_order_is_not_shipped.golden.yaml"
    lines = golden.read_text().splitlines()
    lines[4] = "    - [unclosed"
    golden.write_text("\n".join(lines) + "\n")

    result = inner.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GoldenFormatError: golden/order_shipping/test_empty_order_is_not_shipped.golden.yaml:6: not valid YAML*"
        ]
    )


def test_update_rewrites_a_corrupt_golden(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    golden = inner.path / GOLDEN / "test_empty_order_is_not_shipped.golden.yaml"
    golden.write_text("# golden_harness trace v1\n- [unclosed\n")

    inner.runpytest("--snapshot-update").assert_outcomes(passed=4)

    assert golden.read_text() == (DEMO_DIR / GOLDEN / golden.name).read_text()


def test_foreign_file_is_refused_with_the_expected_header(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    (inner.path / GOLDEN / "test_ships_paid_order.golden.yaml").write_text("# amber snapshot\n[]\n")

    result = inner.runpytest("test_order_shipping.py::test_ships_paid_order")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_ships_paid_order.golden.yaml:1: expected the header line*"])


SCENARIOS = """
import datetime as dt
import pytest
from golden_harness import Seam

GOLDEN_SEAM = Seam("misc")


def test_unscripted(golden):
    db = golden.fake("db")

    def seam():
        try:
            db.save({"id": 1})
        except Exception:
            return "swallowed"

    golden.call(seam)


def test_forgot_to_call_the_seam(golden):
    golden.fake("db.save", returns=1)


@pytest.mark.golden(freeze=None)
def test_unfrozen(golden):
    golden.call(lambda: dt.datetime.now().year >= 2025)


@pytest.mark.golden(freeze="2031-02-03T04:05:06", seed=7)
def test_frozen_elsewhere(golden):
    import random
    golden.call(lambda: (dt.datetime.now().isoformat(), random.randint(0, 10**9)))
"""


def test_unscripted_call_fails_even_when_the_seam_swallows_it(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_misc=SCENARIOS)

    result = inner.runpytest("--snapshot-update", "-k", "unscripted")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*UnscriptedCallError: Unscripted call db.save({'id': 1})*",
            "*golden.fake('db.save', returns=None)*",
        ]
    )
    assert not (inner.path / "golden" / "misc").exists()


def test_a_scenario_that_records_nothing_is_an_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_misc=SCENARIOS)

    result = inner.runpytest("--snapshot-update", "-k", "forgot")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*recorded no events: run the seam through golden.call(fn, *args)*"]
    )


def test_marker_chooses_the_instant_and_seed_or_no_freeze(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_misc=SCENARIOS)

    inner.runpytest("--snapshot-update", "-k", "unfrozen or elsewhere").assert_outcomes(passed=2)

    unfrozen = (inner.path / "golden/misc/test_unfrozen.golden.yaml").read_text()
    elsewhere = (inner.path / "golden/misc/test_frozen_elsewhere.golden.yaml").read_text()
    assert "- returned: true" in unfrozen
    assert '"2031-02-03T04:05:06"' in elsewhere
    inner.runpytest("-k", "unfrozen or elsewhere").assert_outcomes(passed=2)


@pytest.mark.parametrize("value", ["true", "1", "yes", "on-buildkite"])
def test_ci_guard_refuses_snapshot_update_before_writing(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    copy_demo(inner, goldens=False)
    monkeypatch.setenv("CI", value)

    result = inner.runpytest("--snapshot-update")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"*golden_harness refuses --snapshot-update because CI='{value}' is set*Run `pytest --snapshot-update <tests>` locally*"
        ]
    )
    assert not (inner.path / "golden").exists()


@pytest.mark.parametrize(
    ("variables", "reason"),
    [
        ({"GITHUB_ACTIONS": "true"}, "GitHub Actions is detected (GITHUB_ACTIONS set)"),
        ({"GITLAB_CI": "true"}, "GitLab CI is detected (GITLAB_CI set)"),
        ({"BUILDKITE": "true"}, "Buildkite is detected (BUILDKITE set)"),
        (
            {"JENKINS_URL": "https://ci.example", "BUILD_ID": "7"},
            "Jenkins is detected (JENKINS_URL and BUILD_ID set)",
        ),
        ({"CI": "", "TF_BUILD": "True"}, "Azure Pipelines is detected (TF_BUILD set)"),
    ],
)
def test_ci_guard_recognizes_ci_systems_that_do_not_set_ci(
    inner: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    variables: dict[str, str],
    reason: str,
) -> None:
    copy_demo(inner, goldens=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    result = inner.runpytest("--snapshot-update")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*refuses --snapshot-update because {reason}: *"])
    assert not (inner.path / "golden").exists()


def test_ci_set_to_a_false_value_wins_over_a_ci_system_variable(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("CI", "false")

    inner.runpytest("--snapshot-update", "-k", "empty").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({}, None),
        ({"HOME": "/home/ada", "PATH": "/usr/bin"}, None),
        ({"CI": "true"}, "CI='true' is set"),
        ({"CI": " 1 "}, "CI=' 1 ' is set"),
        ({"CI": "woodpecker"}, "CI='woodpecker' is set"),
        ({"CI": "off", "GITLAB_CI": "true"}, None),
        ({"CI": "", "GITHUB_ACTIONS": "true"}, "GitHub Actions is detected (GITHUB_ACTIONS set)"),
        ({"CIRCLECI": "true"}, "CircleCI is detected (CIRCLECI set)"),
        ({"BUILD_ID": "7"}, None),
        ({"VERCEL": "1"}, "Vercel is detected (NOW_BUILDER or VERCEL set)"),
        ({"CI_NAME": "codeship"}, "Codeship is detected (CI_NAME='codeship' set)"),
    ],
)
def test_ci_reason_table(environ: dict[str, str], reason: str | None) -> None:
    assert ci_reason(environ) == reason


def test_ci_guard_also_refuses_new_only_updates(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=False)
    monkeypatch.setenv("CI", "true")

    result = inner.runpytest("--snapshot-update-new-only")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert not (inner.path / "golden").exists()


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_ci_values_that_mean_not_ci_allow_capture(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    copy_demo(inner, goldens=False)
    monkeypatch.setenv("CI", value)

    inner.runpytest("--snapshot-update", "-k", "empty").assert_outcomes(passed=1)


def test_ci_verification_runs_normally(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=True)
    monkeypatch.setenv("CI", "true")

    inner.runpytest().assert_outcomes(passed=4)
