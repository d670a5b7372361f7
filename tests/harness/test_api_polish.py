"""Mistakes in using the API are refused with a clear error instead of being ignored."""

from __future__ import annotations

import functools
import inspect

import pytest

import golden_harness
from golden_harness import Recorder, ScriptError, exceptions


def test_observe_after_the_comparison_raises(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_late="""
        import pytest

        @pytest.fixture
        def rows(golden):
            yield
            golden.observe("rows", [1, 2])

        def test_late_observation(golden, rows):
            golden.call(len, "ab")
        """
    )

    result = inner.runpytest("--snapshot-update")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*ScriptError: golden.observe('rows') after the trace was compared with the golden*"]
    )


def test_call_after_the_comparison_raises(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_late="""
        import pytest

        @pytest.fixture
        def late(golden):
            yield
            golden.call(len, "abc")

        def test_late_call(golden, late):
            golden.call(len, "ab")
        """
    )

    result = inner.runpytest("--snapshot-update")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ScriptError: golden.call(len) after the trace was compared*"])


def test_unknown_marker_keyword_is_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_marker="""
        import pytest

        @pytest.mark.golden(freez="2030-01-01T00:00:00")
        def test_typo(golden):
            golden.call(len, "ab")
        """
    )

    result = inner.runpytest("--snapshot-update")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*test_marker.py::test_typo: @pytest.mark.golden() got unknown keyword(s) 'freez';*"
            "known: chdir, freeze, output, seed, strict*"
        ]
    )


def test_positional_marker_arguments_are_a_usage_error(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_marker="""
        import pytest

        @pytest.mark.golden("2030-01-01")
        def test_positional(golden):
            golden.call(len, "ab")
        """
    )

    result = inner.runpytest()

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*takes keywords only, got positional ('2030-01-01',)*"])


def test_every_exception_is_exported() -> None:
    defined = {
        name
        for name, value in vars(exceptions).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == exceptions.__name__
    }

    assert "ReviewError" in defined
    assert defined - set(golden_harness.__all__) == set()
    for name in defined:
        assert getattr(golden_harness, name) is getattr(exceptions, name)


def _compute_total(items: list[int], currency: str) -> int:
    return sum(items)


def test_fake_function_of_a_partial_is_a_short_script_error(recorder: Recorder) -> None:
    class Huge:
        def __repr__(self) -> str:
            return "x" * 5000

    with pytest.raises(ScriptError) as caught:
        recorder.fake_function(functools.partial(_compute_total, Huge()), returns=1)

    message = str(caught.value)
    assert len(message) < 300
    assert "functools.partial of _compute_total" in message
    assert "golden.fake_function(_compute_total" in message
    assert "name='label'" in message


def test_fake_function_of_an_object_without_a_name_is_a_script_error(recorder: Recorder) -> None:
    with pytest.raises(ScriptError, match=r"got a int; pass name='label'"):
        recorder.fake_function(12345, returns=1)
