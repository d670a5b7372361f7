"""One scripted command once the seam starts it: its timeouts, its duration, its start failure.

pytest-subprocess creates a ``FakePopen`` for every start of a registered command and appends it
to the registration's ``ProcessRecorder.calls``; the harness takes it there and wraps it in a
:class:`ScriptedProcess`, which replaces three of the instance's methods:

* ``configure(**popen_kwargs)``, which pytest-subprocess calls right after creating the process:
  the ``subprocess`` event is written from the arguments (so it is complete when ``Popen()``
  returns), and a command scripted with ``raises=`` raises its ``OSError`` there, that is from
  ``Popen()`` / ``subprocess.run()``, as a program that cannot start does;
* ``communicate(input, timeout)`` and ``wait(timeout)``, the only places where a process sees the
  seam's ``timeout`` (``subprocess.run(timeout=)`` reaches ``communicate``, ``subprocess.call``
  reaches ``wait``). Each timeout that is not None is recorded. A command scripted to last
  ``duration`` seconds moves the frozen clock by that much when the seam waits for it; when the
  seam's timeout is shorter, the clock moves by the timeout instead and ``TimeoutExpired`` is
  raised (from ``communicate`` with the output written so far, as bytes, as CPython does on
  POSIX). ``times_out=True`` is a command that never finishes.

``kill()`` / ``terminate()`` reach the process through pytest-subprocess's ``signal_callback``: a
command still running then ends with ``-signal``. pytest-subprocess's own ``wait=`` and
``callback=`` are not used for any of this: they run a real thread that sleeps in wall-clock time,
and ``communicate(timeout=)`` never raises ``TimeoutExpired`` with them.
"""

from __future__ import annotations

import asyncio
import math
import os
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pytest_subprocess.fake_popen import AsyncFakePopen

from golden_harness.exceptions import GoldenHarnessError, ScriptError

__all__ = ["ProcessHooks", "ProcessScript", "ScriptedProcess"]

Output = str | bytes | Sequence[str] | None


@dataclass(frozen=True)
class ProcessScript:
    """What a scripted command does: its output and outcome, how long it runs, or how it fails."""

    stdout: Output = None
    stderr: Output = None
    returncode: int = 0
    duration: float = 0.0
    times_out: bool = False
    raises: OSError | None = None

    def __post_init__(self) -> None:
        if self.raises is not None:
            if not isinstance(self.raises, OSError):
                raise ScriptError(
                    f"golden.subprocess(raises=...) takes an OSError instance, the error of a "
                    f"command that cannot start; got {self.raises!r}. For example "
                    f"raises=FileNotFoundError(2, 'No such file or directory', 'tox')."
                )
            given = {
                "stdout": self.stdout is not None,
                "stderr": self.stderr is not None,
                "returncode": self.returncode != 0,
                "duration": self.duration != 0,
                "times_out": self.times_out,
            }
            extra = [name for name, present in given.items() if present]
            if extra:
                raise ScriptError(
                    f"golden.subprocess(raises={self.raises!r}) scripts a command that never "
                    f"starts, so it has no {', '.join(extra)}; remove {'/'.join(extra)}=."
                )
        if isinstance(self.duration, bool) or not isinstance(self.duration, (int, float)):
            raise ScriptError(
                f"golden.subprocess(duration=...) takes seconds as a number, got "
                f"{self.duration!r}; for example duration=2.5."
            )
        if not self.duration >= 0 or math.isinf(self.duration):
            raise ScriptError(
                f"golden.subprocess(duration={self.duration!r}) needs a finite number of "
                f"seconds >= 0; for a command that never finishes use times_out=True."
            )
        if self.times_out and (self.duration or self.returncode != 0):
            raise ScriptError(
                f"golden.subprocess(times_out=True) scripts a command that never finishes, so it "
                f"takes neither duration= nor returncode= (got duration={self.duration!r}, "
                f"returncode={self.returncode!r}); use duration=seconds for a command that "
                f"finishes late."
            )

    @property
    def length(self) -> float:
        """Seconds the command runs: ``duration``, or infinity when it never finishes."""
        return math.inf if self.times_out else float(self.duration)


@dataclass(frozen=True)
class ProcessHooks:
    """What a scripted process needs from its recorder.

    ``publish(process)`` is called whenever what the process records changes (it rewrites the
    process's event in the trace); ``advance(seconds)`` moves the frozen clock; ``fail(error)``
    keeps a harness error (so a seam cannot swallow it) and returns it for raising.
    """

    publish: Callable[[ScriptedProcess], None]
    advance: Callable[[float], None]
    fail: Callable[[GoldenHarnessError], GoldenHarnessError]


class ScriptedProcess:
    """The state of one started fake process, driven through its wrapped methods."""

    def __init__(self, popen: Any, script: ProcessScript, hooks: ProcessHooks) -> None:
        self.popen = popen
        self.script = script
        self.input: Any = None
        self.cwd: str | None = None
        self.timeouts: list[float] = []
        self.timed_out = False
        self.remaining = script.length
        self.ended: Literal["finished", "killed"] | None = (
            "finished" if self.remaining == 0 else None
        )
        self._hooks = hooks
        self._configure = popen.configure
        self._communicate = popen.communicate
        self._wait = popen.wait
        popen.configure = self.configure
        if isinstance(popen, AsyncFakePopen):
            popen.communicate = self.communicate_async  # type: ignore[method-assign]
            popen.wait = self.wait_async  # type: ignore[method-assign]
        else:
            popen.communicate = self.communicate
            popen.wait = self.wait

    @property
    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments the seam passed to ``Popen`` (empty before ``configure``)."""
        return self.popen.kwargs or {}

    def outcome(self) -> dict[str, Any]:
        """The event fields after ``timeout``: ``timed_out`` and/or ``returncode``.

        ``timed_out: true`` when a wait of the seam timed out or the command never finishes;
        ``returncode`` when the command finished, was ended by a signal without timing out, or
        was never waited for (pytest-subprocess reports the scripted code from the start).
        """
        fields: dict[str, Any] = {}
        never_ends = math.isinf(self.remaining)
        if self.timed_out or (never_ends and self.ended is None):
            fields["timed_out"] = True
        if self.ended == "finished" or (self.ended is None and not never_ends):
            fields["returncode"] = self.script.returncode
        elif self.ended == "killed" and not self.timed_out:
            fields["returncode"] = self.popen.returncode
        return fields

    # -- the wrapped FakePopen methods -------------------------------------------------------
    def configure(self, **kwargs: Any) -> None:
        """pytest-subprocess's ``configure``, then the event; ``raises=`` fails here."""
        self.cwd = _effective_cwd(kwargs.get("cwd"))
        try:
            self._configure(**kwargs)
        finally:
            self._hooks.publish(self)
        if self.script.raises is not None:
            raise self.script.raises

    def communicate(self, input: Any = None, timeout: float | None = None) -> tuple[Any, Any]:
        """Record ``input`` and ``timeout``, let the scripted time pass, then the output."""
        if input:
            self.input = input
        self._run(timeout, with_output=True)
        return self._communicate(input, None)  # type: ignore[no-any-return]

    def wait(self, timeout: float | None = None) -> int:
        """Record ``timeout``, let the scripted time pass, then the return code."""
        self._run(timeout, with_output=False)
        return self._wait(None)  # type: ignore[no-any-return]

    async def communicate_async(
        self, input: Any = None, timeout: float | None = None
    ) -> tuple[Any, Any]:
        """The asyncio ``communicate``: the scripted time passes on the event loop's clock (a
        ``wait_for`` timeout around it cancels it, and the command has then timed out)."""
        if input:
            self.input = input
        await self._run_async()
        return await self._communicate(input, None)  # type: ignore[no-any-return]

    async def wait_async(self, timeout: float | None = None) -> int:
        """The asyncio ``wait``, like :meth:`communicate_async`."""
        await self._run_async()
        return await self._wait(None)  # type: ignore[no-any-return]

    def on_signal(self, sig: int) -> None:
        """``kill()`` / ``terminate()``: a command still running ends with ``-sig``."""
        if self.ended is None:
            self.ended = "killed"
            self.popen.returncode = -sig
            self._hooks.publish(self)

    # -- internals ---------------------------------------------------------------------------
    def _run(self, timeout: float | None, *, with_output: bool) -> None:
        if timeout is not None:
            self.timeouts.append(timeout)
        try:
            if self.ended is not None:
                return
            if timeout is not None and timeout < self.remaining:
                self._hooks.advance(timeout)
                self.remaining -= timeout
                self.timed_out = True
                stdout, stderr = self._output_so_far() if with_output else (None, None)
                raise subprocess.TimeoutExpired(
                    self.popen.args, timeout, output=stdout, stderr=stderr
                )
            if math.isinf(self.remaining):
                raise self._hooks.fail(
                    ScriptError(
                        f"{self.popen.args!r} is scripted with times_out=True, but the seam "
                        f"waited for it without a timeout: the real command would never "
                        f"return. Script it with duration=seconds if it should finish, or "
                        f"check why the seam passes no timeout=."
                    )
                )
            self._hooks.advance(self.remaining)
            self.remaining = 0.0
            self.ended = "finished"
        finally:
            self._hooks.publish(self)

    async def _run_async(self) -> None:
        """Let the scripted time pass on the running loop; cancelled, the command timed out."""
        if self.ended is not None:
            return
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            if math.isinf(self.remaining):
                await loop.create_future()
            else:
                await asyncio.sleep(self.remaining)
        except asyncio.CancelledError:
            if not math.isinf(self.remaining):
                self.remaining = max(0.0, self.remaining - (loop.time() - started))
            self.timed_out = True
            self._hooks.publish(self)
            raise
        self.remaining = 0.0
        self.ended = "finished"
        self._hooks.publish(self)

    def _output_so_far(self) -> tuple[bytes | None, bytes | None]:
        """What the command wrote to captured pipes, as bytes (None when nothing)."""
        return _as_bytes(self.popen.stdout), _as_bytes(self.popen.stderr)


def _effective_cwd(given: Any) -> str | None:
    """The folder the command starts in: ``cwd=`` resolved against the current directory."""
    try:
        current = os.getcwd()
    except OSError:
        current = None
    if given is None:
        return current
    path = os.fsdecode(os.fspath(given))
    if current is None or os.path.isabs(path):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(current, path))


def _as_bytes(stream: Any) -> bytes | None:
    getvalue = getattr(stream, "getvalue", None)
    if getvalue is None:
        return None
    data = getvalue()
    if isinstance(data, str):
        data = data.encode()
    return data or None
