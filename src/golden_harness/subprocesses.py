"""Script subprocesses through pytest-subprocess and record each invocation in trace order.

A :class:`SubprocessScripter` owns one ``pytest_subprocess.FakeProcess`` for the scenario. Each
:meth:`SubprocessScripter.register` call registers a command with its scripted output and return
code; the moment a fake process is created (synchronously, inside ``Popen()``), a ``subprocess``
event is appended to the trace with the argv, ``cwd``, the ``env`` entries that differ from the
parent's environment, the ``shell`` flag, and the scripted ``returncode``, ``stdout`` and
``stderr``; ``input`` is filled in when the seam writes to the process's stdin. A catch-all
registration, kept last, turns any unscripted command into :class:`UnscriptedSubprocessError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from pytest_subprocess import FakeProcess

from golden_harness.exceptions import GoldenHarnessError, UnscriptedSubprocessError

__all__ = ["PopenKeeper", "SubprocessScripter", "popen_keeper"]

_CATCH_ALL_OCCURRENCES = 10_000


class PopenKeeper:
    """Keeps pytest-subprocess's ``Popen`` patch installed between consecutive scenarios.

    Installing the patch scans every loaded module for references to ``subprocess.Popen``;
    holding one pass-through ``FakeProcess`` (unregistered commands run for real) keeps the patch
    in place, so each scenario's own ``FakeProcess`` enters without a scan. :meth:`release`
    removes it; the pytest plugin does so when the next test records no golden.
    """

    def __init__(self) -> None:
        self._base: FakeProcess | None = None

    @property
    def active(self) -> bool:
        """Whether the pass-through process is installed."""
        return self._base is not None

    def hold(self) -> None:
        """Install the pass-through process if it is not installed yet."""
        if self._base is None:
            base = FakeProcess()
            base.allow_unregistered(True)
            base.__enter__()
            self._base = base

    def release(self) -> None:
        """Remove the pass-through process, restoring the real ``Popen``."""
        if self._base is not None:
            base, self._base = self._base, None
            base.__exit__()


popen_keeper = PopenKeeper()
"""The process-wide keeper used by recorders that keep their patches between scenarios."""


class _OnAppend(list):  # type: ignore[type-arg]
    """A list that calls ``hook(item)`` before each append (pytest-subprocess appends at dispatch)."""

    def __init__(self, hook: Callable[[Any], None]) -> None:
        super().__init__()
        self._hook = hook

    def append(self, item: Any) -> None:
        self._hook(item)
        super().append(item)


class SubprocessScripter:
    """Registers scripted commands and records invocations through ``sink`` / ``fail``."""

    def __init__(
        self,
        sink: Callable[[dict[str, Any]], dict[str, Any]],
        serialize: Callable[[Any, str], Any],
        fail: Callable[[GoldenHarnessError], GoldenHarnessError],
        *,
        keep_popen_patch: bool = False,
    ) -> None:
        self._keep_popen_patch = keep_popen_patch
        self._sink = sink
        self._serialize = serialize
        self._fail = fail
        self.fake_process = FakeProcess()
        self._catch_all: Any = None
        self._pending: list[tuple[dict[str, Any], Any, Any, Any, int]] = []

    def __enter__(self) -> SubprocessScripter:
        if self._keep_popen_patch:
            popen_keeper.hold()
        self.fake_process.__enter__()
        recorder = self.fake_process.register(
            [FakeProcess.any()], occurrences=_CATCH_ALL_OCCURRENCES
        )
        recorder.calls = _OnAppend(self._unscripted)
        self._catch_all = next(reversed(self.fake_process.definitions))
        return self

    def __exit__(self, *exc: object) -> None:
        self.fake_process.__exit__()

    def register(
        self,
        argv: str | Sequence[str],
        *,
        stdout: str | bytes | Sequence[str] | None = None,
        stderr: str | bytes | Sequence[str] | None = None,
        returncode: int = 0,
        occurrences: int = 1,
    ) -> None:
        """Script ``argv`` (``fp.any()`` / ``fp.program()`` matchers allowed) ``occurrences`` times."""
        command = argv if isinstance(argv, str) else list(argv)
        holder: dict[str, dict[str, Any]] = {}

        def on_stdin(data: Any) -> None:
            self.flush()
            event = holder.get("event")
            if event is not None:
                event["input"] = self._serialize(data, "subprocess input")

        def on_start(popen: Any) -> None:
            holder["event"] = self._sink({"subprocess": None})
            self._pending.append((holder["event"], popen, stdout, stderr, returncode))

        recorder = self.fake_process.register(
            command,
            stdout=stdout,
            stderr=stderr,
            returncode=returncode,
            occurrences=occurrences,
            stdin_callable=on_stdin,
        )
        recorder.calls = _OnAppend(on_start)
        self._keep_catch_all_last()

    def _keep_catch_all_last(self) -> None:
        definitions = self.fake_process.definitions
        if self._catch_all in definitions:
            definitions[self._catch_all] = definitions.pop(self._catch_all)

    def flush(self) -> None:
        """Complete the events of processes started since the last flush.

        pytest-subprocess passes ``cwd``/``env`` to the fake process just after it is created,
        so an event is appended at creation (keeping its place in the trace) and filled in here,
        before the next event is recorded or the trace is read.
        """
        pending, self._pending = self._pending, []
        for event, popen, stdout, stderr, returncode in pending:
            full = self._describe(popen, stdout, stderr, returncode)
            event.clear()
            event.update(full)

    def _describe(self, popen: Any, stdout: Any, stderr: Any, returncode: int) -> dict[str, Any]:
        kwargs = popen.kwargs or {}
        event: dict[str, Any] = {
            "subprocess": self._serialize(_argv(popen.args), "subprocess argv")
        }
        if kwargs.get("cwd") is not None:
            event["cwd"] = self._serialize(os.fspath(kwargs["cwd"]), "subprocess cwd")
        env = kwargs.get("env")
        if env is not None:
            changed = {k: v for k, v in env.items() if os.environ.get(k) != v}
            if changed:
                event["env"] = self._serialize(dict(sorted(changed.items())), "subprocess env")
        if kwargs.get("shell"):
            event["shell"] = True
        event["input"] = None
        event["returncode"] = returncode
        if stdout is not None:
            event["stdout"] = self._serialize(stdout, "subprocess stdout")
        if stderr is not None:
            event["stderr"] = self._serialize(stderr, "subprocess stderr")
        return event

    def _unscripted(self, popen: Any) -> None:
        raise self._fail(UnscriptedSubprocessError(_argv(popen.args)))


def _argv(command: Any) -> Any:
    if isinstance(command, (str, bytes)):
        return command.decode() if isinstance(command, bytes) else command
    return [os.fspath(part) if isinstance(part, os.PathLike) else part for part in command]
