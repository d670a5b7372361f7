"""A spy on `subprocess.run` for scenarios: the timeouts a seam passes, and commands that fail to finish.

`golden.subprocess(...)` scripts commands through pytest-subprocess, which records the argv, `cwd`,
`env` and output of each, but sees neither the `timeout=` a seam passes to `subprocess.run` nor
offers a way to make a command time out or fail to start. `SubprocessRunSpy` replaces
`subprocess.run` for one scenario (through `monkeypatch`, so every module that calls
`subprocess.run` through the `subprocess` module reaches it, before and after a move):

- every call appends its `timeout=` to `spy.timeouts`; `spy.observe_timeouts()` records the list as
  an `observed` event, so a changed timeout shows in the golden;
- `spy.time_out(argv, after=..., stdout=..., stderr=...)` makes the next run of `argv` raise
  `subprocess.TimeoutExpired` carrying the timeout the seam passed and the output the command wrote
  before it was killed, after moving the frozen clock by `after` seconds; `spy.fail_to_start(argv,
  error)` raises `error` (an `OSError`) instead. Either failure is recorded in the trace where the
  command would have run, as an `observed` event `subprocess failed` with its argv, cwd, timeout
  and exception;
- every other call goes on to the real `subprocess.run`, that is to pytest-subprocess and the
  commands scripted with `golden.subprocess(...)`; with `spy.lasts(seconds)` each of them also
  moves the frozen clock by `seconds`, so durations the seam measures are not all zero.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from golden_harness import Recorder

Argv = str | list[str]
_FailureFactory = Callable[[Any, float | None], BaseException]


class SubprocessRunSpy:
    """A stand-in for `subprocess.run` that records timeouts and raises scripted failures."""

    def __init__(self, golden: Recorder, real_run: Callable[..., Any]) -> None:
        self._golden = golden
        self._real_run = real_run
        self._failures: list[tuple[Argv, float, _FailureFactory]] = []
        self._duration = 0.0
        self.timeouts: list[float | None] = []

    def lasts(self, seconds: float) -> None:
        """Each command that runs (is not scripted to fail) moves the frozen clock by `seconds`."""
        self._duration = seconds

    def time_out(
        self,
        argv: Argv,
        *,
        after: float,
        stdout: bytes | str | None = None,
        stderr: bytes | str | None = None,
    ) -> None:
        """The next run of `argv` times out after `after` seconds, having written `stdout`/`stderr`."""

        def expired(args: Any, timeout: float | None) -> BaseException:
            return subprocess.TimeoutExpired(args, timeout or 0, output=stdout, stderr=stderr)

        self._failures.append((_plain_argv(argv), after, expired))

    def fail_to_start(self, argv: Argv, error: OSError) -> None:
        """The next run of `argv` raises `error`, as `subprocess.run` does for a missing program."""
        self._failures.append((_plain_argv(argv), 0.0, lambda args, timeout: error))

    def __call__(self, args: Any, *positional: Any, **kwargs: Any) -> Any:
        timeout = kwargs.get("timeout")
        self.timeouts.append(timeout)
        argv = _plain_argv(args)
        for index, (expected, after, make_error) in enumerate(self._failures):
            if expected == argv:
                del self._failures[index]
                error = make_error(args, timeout)
                cwd = kwargs.get("cwd")
                self._golden.observe(
                    "subprocess failed",
                    {
                        "argv": argv,
                        "cwd": None if cwd is None else os.fspath(cwd),
                        "timeout": timeout,
                        "raises": f"{type(error).__name__}: {error}",
                    },
                )
                if after:
                    self._golden.tick(after)
                raise error
        result = self._real_run(args, *positional, **kwargs)
        if self._duration:
            self._golden.tick(self._duration)
        return result

    def observe_timeouts(self) -> None:
        """Record the `timeout=` of every `subprocess.run` call so far, in call order."""
        self._golden.observe("subprocess.run timeouts", list(self.timeouts))


def _plain_argv(args: str | Sequence[Any]) -> Argv:
    if isinstance(args, str):
        return args
    return [os.fspath(part) for part in args]


def install_subprocess_spy(golden: Recorder, monkeypatch: pytest.MonkeyPatch) -> SubprocessRunSpy:
    """Replace `subprocess.run` with a spy for the current test (undone by `monkeypatch`)."""
    spy = SubprocessRunSpy(golden, subprocess.run)
    monkeypatch.setattr(subprocess, "run", spy)
    return spy
