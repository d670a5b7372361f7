"""The recorder: one per scenario, it owns the trace and everything that feeds it.

``Recorder`` is a context manager usable without pytest (the plugin's ``golden`` fixture yields
one). While it is active: the workspace is the current directory (``chdir=False`` leaves it
alone), time is frozen, ids, randomness, process ids and the time zone are pinned,
subprocesses are faked and recorded, and log records are captured. Around each
:meth:`Recorder.call` it also records what the seam prints, the workspace files it changes (each
at its place in the trace), the module globals it changes, and it runs the seam's threads one at
a time. Leaving it restores everything, also when the scenario failed.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import inspect
import logging
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_subprocess import FakeProcess

from golden_harness.exceptions import (
    GoldenHarnessError,
    ScriptError,
    UnserializableValueError,
)
from golden_harness.format import (
    Normalizer,
    Tagged,
    TextNormalizer,
    Trace,
    ValueSerializer,
    dump_trace,
    type_tag,
)
from golden_harness.recording._awaiting import is_async_callable
from golden_harness.recording._clock import (
    DEFAULT_INSTANT,
    DeterministicIds,
    FreezeKeeper,
    TemporaryNames,
    empty_scratch,
    freeze_keeper,
    scratch_folder,
)
from golden_harness.recording._fake_calls import FakeCalls
from golden_harness.recording._fakes import UNSET, Fake, Script, fake_path
from golden_harness.recording._identity import IdentityPatcher, resolve_target
from golden_harness.recording._isolate import isolate_instance, method_names
from golden_harness.recording._logs import LogCapture
from golden_harness.recording._module_state import MISSING, ModuleState
from golden_harness.recording._mutation import plain_changes, tracked_arguments
from golden_harness.recording._output import OutputCapture
from golden_harness.recording._pinned import Pins, ScenarioThreads, pinned_umask
from golden_harness.recording._scripted_process import ProcessScript
from golden_harness.recording._seam_run import run_seam
from golden_harness.recording._subprocesses import SubprocessScripter
from golden_harness.recording._threads import SerialThreads
from golden_harness.recording._trace_feed import TraceFeed
from golden_harness.recording._workspace import WorkspaceWatcher, write_hooks

__all__ = ["Recorder"]


class Recorder:
    """Records one scenario's trace. See ``docs/harness.md`` for a worked example."""

    def __init__(
        self,
        *,
        workspace: Path | None = None,
        freeze: str | dt.datetime | None = DEFAULT_INSTANT,
        seed: int = 0,
        log_level: int | str = logging.INFO,
        paths: Iterable[tuple[str | Path, str]] = (),
        normalizers: Iterable[TextNormalizer] = (),
        strict: bool = True,
        keeper: FreezeKeeper = freeze_keeper,
        keep_patches: bool = False,
        chdir: bool = True,
        ignore_files: Iterable[str] = (),
        output: bool = True,
        modules: Iterable[str] = (),
    ) -> None:
        self.strict = strict
        self._record_output = output
        self._state = ModuleState(modules)
        self._threads = ScenarioThreads()
        self._pins = Pins(seed, self._threads, lambda: self.clock)
        self._serial = SerialThreads(self._threads)
        self._ignored_files: list[str] = _glob_patterns(ignore_files)
        self._chdir = chdir
        self.trace = Trace()
        self._feed = TraceFeed(self.trace, write_hooks, lambda text: self.normalizer.text(text))
        self.errors: list[GoldenHarnessError] = []
        self.exception: BaseException | None = None
        self.clock: Any = None
        self._given_workspace = workspace
        self._freeze = freeze
        self._keeper = keeper
        self._keep_patches = keep_patches
        self._log_level = (
            logging.getLevelName(log_level) if isinstance(log_level, str) else log_level
        )
        self._paths = list(paths)
        self._extra_normalizers = list(normalizers)
        self._calls = FakeCalls(
            append=self._append,
            serialize=self._serialize,
            fail=self._fail,
            describe_error=self._exception_info,
            strict=lambda: self.strict,
        )
        self._ids = DeterministicIds(seed)
        self._temp_names = TemporaryNames(seed)
        self._called = False
        self._closed: str | None = None
        self._patcher = IdentityPatcher()
        self._stack = contextlib.ExitStack()
        self.workspace: Path = workspace or Path()
        self.normalizer = Normalizer(environ={})  # replaced when the recorder starts
        self._serializer = ValueSerializer(self.normalizer, fake_path)
        self._subprocesses = SubprocessScripter(
            self._append,
            self._serialize,
            self._fail,
            describe_error=self._exception_info,
            advance=self._advance_clock,
            keep_popen_patch=keep_patches,
        )
        self._watcher = WorkspaceWatcher(self.workspace, patterns=self._ignored_files)

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Recorder:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def _start(self) -> None:
        stack = self._stack
        if self._given_workspace is None:
            self.workspace = Path(tempfile.mkdtemp(prefix="golden-workspace-"))
            stack.callback(shutil.rmtree, self.workspace, ignore_errors=True)
        self.workspace.mkdir(parents=True, exist_ok=True)
        temporary = scratch_folder()
        stack.callback(empty_scratch, temporary)
        self._temp_names.install(temporary)
        stack.callback(self._temp_names.uninstall)
        if self._chdir:
            stack.enter_context(contextlib.chdir(self.workspace))
        self._watcher = WorkspaceWatcher(self.workspace, patterns=self._ignored_files)
        self.normalizer = Normalizer(
            paths=[(self.workspace, "<workspace>"), (temporary, "<tmp>"), *self._paths],
            extra=self._extra_normalizers,
        )
        self._serializer = ValueSerializer(self.normalizer, fake_path)
        stack.callback(self._patcher.restore)
        self._ids.reseed()
        stack.callback(self._ids.restore)
        self._threads.add_current()
        self._patcher.patch_many(
            [
                (uuid.uuid4, self._ids.uuid4),
                (concurrent.futures.as_completed, self._serial.as_completed),
                *self._pins.replacements(),
            ]
        )
        self._pins.pin_zone()
        stack.callback(self._pins.unpin_zone)
        stack.enter_context(pinned_umask())
        stack.callback(self._state.restore)
        logs = LogCapture(self._log_event, self._log_level)
        logs.install()
        stack.callback(logs.uninstall)
        stack.enter_context(self._subprocesses)
        if self._freeze is not None:
            self.clock = self._keeper.freeze(self._freeze)
            if not self._keep_patches:
                stack.callback(self._keeper.release)

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    # -- scripting -------------------------------------------------------------------------
    def fake(
        self,
        path: str,
        *,
        returns: Any = UNSET,
        side_effect: Any = UNSET,
        sequence: Sequence[Any] | object = UNSET,
        attrs: Mapping[str, Any] | None = None,
        strict: bool | None = None,
        awaitable: bool | None = None,
    ) -> Fake:
        """The fake recorded under ``path``; script what calls on it produce.

        ``returns=`` a value, ``side_effect=`` an exception or a callable, ``sequence=`` one
        result per call. ``attrs`` sets real attributes on the fake. ``strict=False`` lets
        unscripted calls on this path and below return None. ``awaitable=True``: a coroutine
        function's fake; each call is recorded when made and returns a coroutine that delivers
        the result (or raises the exception) when awaited.
        """
        fake = self._calls.fake_at(path)
        if returns is not UNSET or side_effect is not UNSET or sequence is not UNSET:
            self._calls.script(
                path, Script(path, returns=returns, side_effect=side_effect, sequence=sequence)
            )
        for name, value in (attrs or {}).items():
            object.__setattr__(fake, name, value)
        if strict is not None:
            self._calls.set_strict(path, strict)
        if awaitable is not None:
            self._calls.set_awaitable(path, awaitable)
        return fake

    def fake_function(
        self,
        target: Any,
        *,
        returns: Any = UNSET,
        side_effect: Any = UNSET,
        sequence: Sequence[Any] | object = UNSET,
        name: str | None = None,
    ) -> Fake:
        """Fake a module-level function or class by identity in every module that holds it.

        ``target`` is the object or ``"package.module:name"``. Calls are recorded under
        ``name`` (default: the object's qualified name, which a move does not change). A class
        with no script returns the fake ``"<name>()"``, whose method calls are recorded too.
        """
        original = resolve_target(target) if isinstance(target, str) else target
        already = fake_path(original)
        if already is not None:
            raise ScriptError(
                f"{original!r} is already faked in this scenario; script it with "
                f"golden.fake({already!r}, returns=...) instead of faking it again."
            )
        label = name or _qualname(original)
        unscripted = returns is UNSET and side_effect is UNSET and sequence is UNSET
        if isinstance(original, type):
            self._calls.add_class(f"{label}()", original)
            if unscripted:
                returns = self._calls.fake_at(f"{label}()")
        elif is_async_callable(original):
            self._calls.set_awaitable(label, True)
        fake = self.fake(label, returns=returns, side_effect=side_effect, sequence=sequence)
        self._patcher.patch(original, fake)
        return fake

    def isolate(
        self, cls: type, *, real: Iterable[str] = (), attrs: Mapping[str, Any] | None = None
    ) -> Any:
        """An instance of ``cls`` built without ``__init__``: ``real`` methods run, the other
        methods are fakes recorded as ``self.<name>``, ``attrs`` are set as given."""
        real = list(real)
        instance = isolate_instance(
            cls, real=real, attrs=attrs or {}, make_fake=self._calls.fake_at, on_error=self._fail
        )
        for name in method_names(cls):
            if name not in real and is_async_callable(inspect.getattr_static(cls, name)):
                self._calls.set_awaitable(f"self.{name}", True)
        return instance

    def subprocess(
        self,
        argv: str | Sequence[str],
        *,
        stdout: str | bytes | Sequence[str] | None = None,
        stderr: str | bytes | Sequence[str] | None = None,
        returncode: int = 0,
        occurrences: int = 1,
        duration: float = 0.0,
        times_out: bool = False,
        raises: OSError | None = None,
    ) -> None:
        """Script a subprocess (through pytest-subprocess) that the seam may start.

        ``duration``: seconds the command runs; the frozen clock moves by them when the seam
        waits for it, and a shorter ``timeout=`` of the seam makes it time out.
        ``times_out=True``: the command never finishes, so the seam's ``timeout=`` expires
        (``subprocess.TimeoutExpired`` with the output so far; the clock moves by the timeout).
        ``raises``: an ``OSError`` that ``Popen()`` raises, as for a program that cannot start.
        """
        script = ProcessScript(
            stdout=stdout,
            stderr=stderr,
            returncode=returncode,
            duration=duration,
            times_out=times_out,
            raises=raises,
        )
        if script.duration and self.clock is None:
            raise ScriptError(
                f"golden.subprocess({argv!r}, duration={duration!r}) moves the frozen clock, but "
                f"this scenario runs without frozen time (freeze=None); remove duration= or the "
                f"freeze=None setting."
            )
        self._subprocesses.register(argv, script, occurrences=occurrences)

    @staticmethod
    def any(*, min: int | None = None, max: int | None = None) -> Any:
        """A subprocess argv matcher for ``min``..``max`` arbitrary arguments (pytest-subprocess)."""
        return FakeProcess.any(min=min, max=max)

    def normalize(self, normalizer: TextNormalizer) -> None:
        """Apply ``normalizer`` (``str -> str``) to every string recorded from now on."""
        self.normalizer.add(normalizer)

    def ignore_files(self, *patterns: str) -> None:
        """Leave workspace files matching these globs out of ``file`` events.

        A pattern without ``/`` matches a file name in any folder (``"*.sqlite"``); one with
        ``/`` matches the path relative to the workspace (``"cache/*.bin"``; ``*`` crosses ``/``).
        """
        self._ignored_files.extend(_glob_patterns(patterns))

    def tick(self, seconds: float = 1.0) -> None:
        """Advance the frozen clock."""
        self._require_clock().tick(dt.timedelta(seconds=seconds))

    def move_to(self, instant: str | dt.datetime) -> None:
        """Move the frozen clock to ``instant``."""
        self._require_clock().move_to(instant)

    # -- running the seam ------------------------------------------------------------------
    def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run the seam ``fn(*args, **kwargs)`` to completion and record its effects.

        A coroutine function (or a coroutine) runs on a fresh event loop; a generator (sync or
        async) is consumed, each value it yields recorded as ``yielded``. While it runs, what
        it prints (``stdout``/``stderr``), the workspace files it changes (``file``, where the
        change happened) and the calls, commands and logs are recorded in order; then deep
        changes of its mutable arguments (``mutated``), the module globals it changed
        (``global``), then ``returned`` or ``raised`` (``SystemExit`` included). Returns the
        seam's result (None when it raised; the exception is in ``.exception``). The first call
        reseeds ``random`` and starts the uuid4 sequence of the calls, so that other plugins
        reseeding ``random`` between setup and the test body change nothing, and clears the
        caches of the covered modules. A harness error the seam swallowed is raised here.
        """
        name = _short_name(fn)
        self._refuse_when_closed(f"golden.call({name})")
        if not self._called:
            self._called = True
            self._ids.reseed(call=True)
            self._temp_names.reseed()
        self._state.watch(getattr(inspect.unwrap(fn), "__module__", None))
        instances = [getattr(fn, "__self__", None), *args, *kwargs.values()]
        globals_before = self._state.before_call(v for v in instances if v is not None)
        tracked = tracked_arguments(fn, args, kwargs, self._serializer, _is_fake)
        result: Any = None
        self.exception = None
        try:
            with contextlib.ExitStack() as effects:
                effects.enter_context(write_hooks)
                self._feed.start_watching(self._watcher)
                effects.callback(self._feed.stop_watching)
                if self._record_output:
                    effects.enter_context(OutputCapture(self._feed.output))
                effects.enter_context(self._serial)
                result = run_seam(
                    fn, args, kwargs, clock=self.clock, on_yield=self._yielded, name=name
                )
        except GoldenHarnessError:
            raise
        except (Exception, SystemExit) as error:
            self.exception = error
        for label, (current, before) in tracked.items():
            with contextlib.suppress(UnserializableValueError):
                changes = plain_changes(before, self._serializer(current(), label))
                if changes:
                    self._append({"mutated": label, "changes": changes})
        for event in self._state.changes(globals_before, self._global_fields):
            self._append(event)
        if self.exception is not None:
            self._append({"raised": self._exception_info(self.exception)})
        else:
            self._append({"returned": self._serialize(result, "the seam's return value")})
        if self.errors:
            raise self.errors[0]
        return result

    def observe(self, label: str, value: Any) -> None:
        """Record ``value`` under ``label`` as an ``observed`` event, at this point of the trace.

        For effects the harness cannot see by itself, such as the rows a seam wrote to a real
        database: ``golden.observe("phases", rows)`` after ``golden.call(...)``.
        """
        if not isinstance(label, str) or not label:
            raise ScriptError(
                f"golden.observe() needs a non-empty label string, got {label!r}; for example "
                "golden.observe('phases table', rows)."
            )
        self._refuse_when_closed(f"golden.observe({label!r})")
        self._append({"observed": label, "value": self._serialize(value, f"observed {label!r}")})
        if self.errors:
            raise self.errors[0]

    # -- reading the trace -----------------------------------------------------------------
    @property
    def events(self) -> list[dict[str, Any]]:
        """The events recorded so far, as the golden will hold them."""
        return list(self.trace)

    def render(self, comments: Sequence[str] = ()) -> str:
        """The golden text of the trace recorded so far."""
        return dump_trace(self.events, comments=list(comments))

    # -- internals -------------------------------------------------------------------------
    def _close(self, when: str) -> None:
        """Refuse ``call`` and ``observe`` from now on: the trace was compared ``when``."""
        self._closed = when

    def _refuse_when_closed(self, what: str) -> None:
        if self._closed is not None:
            raise ScriptError(
                f"{what} after the trace was compared with the golden ({self._closed}): it "
                f"would be recorded nowhere. Call it in the test body, after golden.call(...)."
            )

    def _append(self, event: dict[str, Any]) -> dict[str, Any]:
        return self._feed.append(event)

    def _yielded(self, value: Any) -> None:
        self._append({"yielded": self._serialize(value, "a value the seam yielded")})

    def _global_fields(self, old: Any, new: Any) -> dict[str, Any] | None:
        """The fields of a ``global`` event for a value that went from ``old`` to ``new``."""
        missing = _is_missing(old), _is_missing(new)
        if not any(missing) and type(old) is type(new) and isinstance(new, (dict, list, set)):
            changes = plain_changes(self._global_value(old), self._global_value(new))
            return {"changes": changes} if changes else None
        fields: dict[str, Any] = {}
        if not missing[0]:
            fields["before"] = self._global_value(old)
        if not missing[1]:
            fields["after"] = self._global_value(new)
        return fields

    def _advance_clock(self, seconds: float) -> None:
        """Move the frozen clock by ``seconds`` (a scenario without frozen time has no clock)."""
        if self.clock is not None and seconds:
            self.clock.tick(dt.timedelta(seconds=seconds))

    def _fail(self, error: GoldenHarnessError) -> GoldenHarnessError:
        self.errors.append(error)
        return error

    def _serialize(self, value: Any, where: str) -> Any:
        try:
            return self._serializer(value, where)
        except UnserializableValueError as error:
            raise self._fail(error) from None

    def _log_event(self, event: dict[str, Any]) -> None:
        self._append(self._serializer(event, "a log record"))

    def _global_value(self, value: Any) -> Any:
        try:
            return self._serializer(value, "a module global")
        except UnserializableValueError:
            return Tagged("object", type_tag(type(value)))

    def _exception_info(self, error: BaseException) -> dict[str, Any]:
        return {"type": type_tag(type(error)), "message": self.normalizer.text(str(error))}

    def _require_clock(self) -> Any:
        if self.clock is None:
            raise GoldenHarnessError(
                "This scenario runs without frozen time (freeze=None), so it has no clock to "
                "move; remove freeze=None (or the golden(freeze=None) marker) to use tick()."
            )
        return self.clock


def _qualname(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if isinstance(name, str):
        return name.rsplit("<locals>.", 1)[-1]
    if isinstance(obj, functools.partial):
        wrapped = _short_name(obj.func)
        raise ScriptError(
            f"fake_function() needs a function or class, got a functools.partial of {wrapped}, "
            f"which has no name of its own: fake the function itself "
            f"(golden.fake_function({wrapped}, ...)), or pass name='label' to record the calls "
            f"under that name."
        )
    raise ScriptError(
        f"fake_function() needs a function or class, got a {type(obj).__name__}; pass "
        f"name='label' to record its calls under a name of your choice."
    )


def _glob_patterns(patterns: Iterable[str]) -> list[str]:
    checked = []
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip():
            raise ScriptError(
                f"ignore_files needs glob strings such as '*.sqlite', got {pattern!r}."
            )
        checked.append(pattern.strip())
    return checked


def _short_name(obj: Any) -> str:
    """A callable's name for a message, never its (possibly huge) repr."""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    return name if isinstance(name, str) else type(obj).__name__


def _is_fake(value: Any) -> bool:
    return fake_path(value) is not None


def _is_missing(value: Any) -> bool:
    return value is MISSING
