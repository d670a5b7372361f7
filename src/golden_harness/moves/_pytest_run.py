"""Exit codes in one place: the ``golden`` command's, and what a pytest run's code means.

Every pytest the harness starts in a subprocess (``verify-move`` on both sides, the coverage run,
the capture-time hash check, ``report --run``) is built and started here, and its return code is
read through :class:`pytest.ExitCode`. pytest itself is imported only when a code is read, so
commands that start no pytest (``golden diff``) do not load it.

The runs that measure (``golden coverage``, ``golden strength``) keep the user's pytest
configuration, ``addopts`` and plugins included, and pass no ``-p no:NAME`` that an option of
the user's would then miss; :func:`run_in_one_process` only turns off what would spread the
tests over other processes or pick a subset of them by history.
"""

from __future__ import annotations

import enum
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

__all__ = [
    "CommandExit",
    "pytest_argv",
    "ran_the_tests",
    "run_in_one_process",
    "run_pytest",
    "start_pytest",
    "stop_reason",
]


class CommandExit(enum.IntEnum):
    """The exit codes of the ``golden`` command."""

    OK = 0
    """Nothing to report: no changed golden, every check passed, every measure above its bar."""
    FOUND = 1
    """Something to look at: changed goldens, a failing scenario or check, a measure below it."""
    ERROR = 2
    """The command could not do its work (bad arguments, unknown revision, a broken suite)."""


def _stop_reasons() -> dict[int, str]:
    import pytest

    return {
        pytest.ExitCode.INTERRUPTED: "interrupted",
        pytest.ExitCode.INTERNAL_ERROR: "internal error",
        pytest.ExitCode.USAGE_ERROR: "usage error",
        pytest.ExitCode.NO_TESTS_COLLECTED: "no tests collected",
    }


def stop_reason(returncode: int, *, collecting_nothing_stops: bool = True) -> str | None:
    """Why a pytest run with ``returncode`` did not run its tests, or None when it ran them.

    Passed and failed runs ran their tests. ``collecting_nothing_stops=False`` counts a run that
    collected no tests as one that ran (a side of ``verify-move`` without scenarios yet).
    """
    import pytest

    if not collecting_nothing_stops and returncode == pytest.ExitCode.NO_TESTS_COLLECTED:
        return None
    return _stop_reasons().get(returncode)


def ran_the_tests(returncode: int) -> bool:
    """Whether a pytest run ended by running its tests: they all passed, or some failed."""
    import pytest

    return returncode in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)


def pytest_argv(args: Sequence[str], *, runner: Sequence[str] = ()) -> list[str]:
    """``python -m pytest args`` with this interpreter; ``runner`` goes before ``pytest`` to run
    it under another module (``["coverage", "run", "--rcfile=X", "-m"]``)."""
    return [sys.executable, "-m", *runner, "pytest", *args]


def run_pytest(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    runner: Sequence[str] = (),
    capture: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run pytest to its end; its output is captured as text unless ``capture`` is false."""
    return subprocess.run(
        pytest_argv(args, runner=runner),
        cwd=cwd,
        env=dict(env),
        capture_output=capture,
        text=True,
        check=False,
    )


def start_pytest(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start pytest with its output (stdout and stderr) written to ``log``; the caller waits.

    The run leads a process group of its own, so that ``moves._interrupts.stop_process`` stops
    it with the workers it starts."""
    with log.open("wb") as out:
        return subprocess.Popen(
            pytest_argv(args),
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


_ONE_PROCESS: tuple[tuple[str, object], ...] = (
    # pytest-xdist: ``-n auto``, ``--dist``, ``-d`` and ``--tx`` of the user's ``addopts``.
    ("numprocesses", 0),
    ("maxprocesses", None),
    ("dist", "no"),
    ("distload", False),
    ("tx", []),
    ("looponfail", False),
    # The cache plugin's selections by the previous run: ``--lf``, ``--ff``, ``--nf``, ``--sw``.
    ("lf", False),
    ("failedfirst", False),
    ("newfirst", False),
    ("stepwise", False),
    ("stepwise_skip", False),
)


def run_in_one_process(config: pytest.Config) -> None:
    """Make a pytest run the ``golden`` command starts to measure collect and run every selected
    test in this one process, whatever the user's ``addopts`` say: pytest-xdist's distribution
    (``-n``, ``--dist``) and the cache plugin's selections by history (``--lf``, ``--ff``,
    ``--nf``, ``--sw``) are turned off; every other option and plugin stays as configured.

    Called from ``pytest_cmdline_main`` and ``pytest_configure`` (both ``tryfirst``) of the
    measuring runs' plugins, before pytest-xdist and the cache plugin read these options."""
    for name, value in _ONE_PROCESS:
        if hasattr(config.option, name):
            setattr(config.option, name, list(value) if isinstance(value, list) else value)
