"""Script subprocesses through pytest-subprocess and record each invocation in trace order.

A :class:`SubprocessScripter` owns one ``pytest_subprocess.FakeProcess`` for the scenario. Each
:meth:`SubprocessScripter.register` call registers a command with its :class:`ProcessScript`;
the moment a fake process is created (synchronously, inside ``Popen()``), a ``subprocess`` event
takes its place in the trace, and :class:`ScriptedProcess` keeps it current: the argv, ``cwd``,
the ``env`` entries that differ from the parent's environment, the ``shell`` flag, ``input``,
the seam's ``timeout``, then ``raised``, or ``timed_out`` and/or ``returncode``, and the scripted
``stdout`` and ``stderr``. A catch-all registration, kept last, turns any unscripted command into
:class:`UnscriptedSubprocessError` (its event, the argv alone, is in the trace).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from typing import Any

from pytest_subprocess import FakeProcess

from golden_harness.exceptions import GoldenHarnessError, UnscriptedSubprocessError
from golden_harness.recording._scripted_process import ProcessHooks, ProcessScript, ScriptedProcess
from golden_harness.redaction import redact_flag_values

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
    """Registers scripted commands and records each start through ``sink``.

    ``sink(event)`` appends an event to the trace and returns it; ``serialize(value, where)``
    makes plain data; ``describe_error(exc)`` gives ``{type, message}``; ``advance(seconds)``
    moves the frozen clock; ``fail(error)`` keeps a harness error and returns it.
    """

    def __init__(
        self,
        sink: Callable[[dict[str, Any]], dict[str, Any]],
        serialize: Callable[[Any, str], Any],
        fail: Callable[[GoldenHarnessError], GoldenHarnessError],
        *,
        describe_error: Callable[[BaseException], dict[str, Any]],
        advance: Callable[[float], None],
        keep_popen_patch: bool = False,
    ) -> None:
        self._keep_popen_patch = keep_popen_patch
        self._sink = sink
        self._serialize = serialize
        self._fail = fail
        self._describe_error = describe_error
        self._hooks = ProcessHooks(publish=self._publish, advance=advance, fail=fail)
        self.fake_process = FakeProcess()
        self._catch_all: Any = None
        self._events: dict[ScriptedProcess, dict[str, Any]] = {}
        self._programs: dict[ScriptedProcess, str] = {}

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
        self, argv: str | Sequence[str], script: ProcessScript, *, occurrences: int = 1
    ) -> None:
        """Script ``argv`` (``fp.any()`` / ``fp.program()`` matchers allowed) ``occurrences`` times."""
        command: str | list[Any] = argv if isinstance(argv, str) else list(argv)
        program = _bare_program(command)
        if program is not None:
            # A bare name matches the program wherever it was found (`/usr/bin/git`).
            command = [self.fake_process.program(program), *command[1:]]
        started: dict[Any, ScriptedProcess] = {}

        def on_start(popen: Any) -> None:
            process = ScriptedProcess(popen, script, self._hooks)
            started[popen] = process
            if program is not None:
                self._programs[process] = program
            self._events[process] = self._sink({"subprocess": None})

        def on_signal(popen: Any, sig: int) -> None:
            process = started.get(popen)
            if process is not None:
                process.on_signal(sig)

        recorder = self.fake_process.register(
            command,
            stdout=script.stdout,
            stderr=script.stderr,
            returncode=script.returncode,
            occurrences=occurrences,
            signal_callback=on_signal,
        )
        recorder.calls = _OnAppend(on_start)
        self._keep_catch_all_last()

    def _keep_catch_all_last(self) -> None:
        definitions = self.fake_process.definitions
        if self._catch_all in definitions:
            definitions[self._catch_all] = definitions.pop(self._catch_all)

    def _publish(self, process: ScriptedProcess) -> None:
        """Rewrite ``process``'s event in place (its position in the trace is kept)."""
        event = self._events[process]
        described = self._describe(process)
        event.clear()
        event.update(described)

    def _describe(self, process: ScriptedProcess) -> dict[str, Any]:
        kwargs = process.kwargs
        script = process.script
        argv = _argv(process.popen.args)
        program = self._programs.get(process)
        if program is not None and isinstance(argv, list) and argv and _found_on_path(argv[0]):
            argv[0] = program  # the name the scenario scripted, the same on every machine
        event: dict[str, Any] = {"subprocess": self._serialize(argv, "subprocess argv")}
        if process.cwd is not None:
            event["cwd"] = self._serialize(process.cwd, "subprocess cwd")
        env = kwargs.get("env")
        if env is not None:
            changed = {k: v for k, v in env.items() if os.environ.get(k) != v}
            if changed:
                event["env"] = self._serialize(dict(sorted(changed.items())), "subprocess env")
        if kwargs.get("shell"):
            event["shell"] = True
        if process.input is not None:
            event["input"] = self._serialize(process.input, "subprocess input")
        if process.timeouts:
            timeouts = process.timeouts
            event["timeout"] = self._serialize(
                timeouts[0] if len(timeouts) == 1 else list(timeouts), "subprocess timeout"
            )
        if script.raises is not None:
            event["raised"] = self._describe_error(script.raises)
            return event
        event.update(process.outcome())
        if script.stdout is not None:
            event["stdout"] = self._serialize(script.stdout, "subprocess stdout")
        if script.stderr is not None:
            event["stderr"] = self._serialize(script.stderr, "subprocess stderr")
        return event

    def _unscripted(self, popen: Any) -> None:
        argv = _bare_argv(_argv(popen.args))
        event = self._sink({"subprocess": self._serialize(argv, "subprocess argv")})
        raise self._fail(UnscriptedSubprocessError(argv, event))


def _bare_program(command: str | list[Any]) -> str | None:
    """The program of a scripted argv when it is a bare name (``git``), not a path or a matcher."""
    if isinstance(command, str) or not command:
        return None
    first = command[0]
    if isinstance(first, str) and first and "/" not in first and os.sep not in first:
        return first
    return None


def _found_on_path(program: Any) -> bool:
    """True when ``program`` is a bare name, or the path ``PATH`` finds for its name
    (``/usr/bin/git``): the same program as the bare name on any machine. Another path
    (``<workspace>/venv/bin/python``, ``/opt/tools/git``) names which program runs, so a
    trace keeps it."""
    if not isinstance(program, str) or os.sep not in program:
        return True
    found = shutil.which(os.path.basename(program))
    return found is not None and os.path.realpath(found) == os.path.realpath(program)


def _bare_argv(argv: Any) -> Any:
    """``argv`` with its program as a bare name when that is the program ``PATH`` finds
    (``/usr/bin/git`` -> ``git``): what a scenario scripts, since a bare name matches the
    program wherever it is found."""
    if isinstance(argv, list) and argv and isinstance(argv[0], str) and _found_on_path(argv[0]):
        return [os.path.basename(argv[0]), *argv[1:]]
    return argv


def _argv(command: Any) -> Any:
    if isinstance(command, (str, bytes)):
        return command.decode() if isinstance(command, bytes) else command
    return redact_flag_values(
        [os.fspath(part) if isinstance(part, os.PathLike) else part for part in command]
    )
