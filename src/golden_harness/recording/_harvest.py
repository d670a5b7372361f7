"""Harvest replayable scenarios from a real run: :class:`Harvester` and :class:`HarvestSeam`.

While a :class:`Harvester` is active, every call of a declared entry (a function, or a method
of a class) is recorded into a scenario: the entry's arguments; for a subject (``self`` of a
method entry, or the parameter named by ``subject=``) its class and the attributes the seam
read (plain data as ``attrs``; any other object is a collaborator, whose method calls are
recorded with their answers under ``self.<attr>.<method>``); the calls of the subject's methods
that are not ``real`` (``self.<method>``) and of the ``cut`` module-level functions and classes
(recorded under the name ``fake_function`` uses), each with its answer or exception; the
commands started through ``subprocess.run`` (or ``check_output``) outside a cut call; the text
files of the workspace at the start; and what the entry returned or raised.

How: a method entry is replaced on its class, functions (entries and cuts) are replaced by
identity in every module namespace (as ``golden.fake_function`` does), and
``subprocess.run`` likewise. During an entry call the subject is seen through a proxy: an
instance of a thin subclass of its class sharing the real instance's ``__dict__`` (writes go
through), whose ``__getattribute__`` notes the reads. Inside a cut call of a scenario (a
collaborator, a cut method or function) nothing more is recorded into that scenario. Entries
called inside another entry's call are scenarios of their own.

Each scenario is written to ``<out_dir>/<seam>/<entry>-<12 hex of its sha256>.scenario.yaml``;
the same content is written once (counted as a duplicate). A scenario above
``max_scenario_bytes`` or holding a value that cannot be recorded exactly is not written; the
report says why. Leaving the harvester restores every patch, also when the run raised.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golden_harness.exceptions import (
    FileWriteError,
    MergedKeysError,
    ScriptError,
    UnserializableValueError,
)
from golden_harness.format import (
    SCENARIO_SUFFIX,
    Normalizer,
    ScenarioCodec,
    ValueSerializer,
    dump_scenario,
    seam_folder,
    type_path,
    write_atomic,
)
from golden_harness.recording._harvest_files import WorkspaceFiles
from golden_harness.recording._harvest_proxy import PROXY_MARKER, Collaborator, stand_in_path
from golden_harness.recording._harvest_report import (
    HarvestReport,
    HarvestSeam,
    SeamHarvest,
    cut_label,
    exception_data,
    iter_scenarios,
)
from golden_harness.recording._identity import IdentityPatcher, resolve_target
from golden_harness.recording._isolate import method_names

__all__ = [
    "HarvestReport",
    "HarvestSeam",
    "Harvester",
    "SeamHarvest",
    "cut_label",
    "exception_data",
    "iter_scenarios",
]

# The real clock, as it was when the module was imported (frozen time in a test does not stop it).
_monotonic = time.monotonic
# Cut calls and commands quicker than this (seconds) record no duration.
_LEAST_DURATION = 0.01


@dataclass
class _Prepared:
    """A :class:`HarvestSeam` resolved: its entry, and the labels and targets of its cuts."""

    declared: HarvestSeam
    name: str
    method: str | None
    real: list[str]
    cut_labels: dict[str, str]  # label -> "pkg.mod:name"
    cut_ids: set[int]


class _Scenario:
    """One entry call being recorded."""

    def __init__(self, seam: _Prepared) -> None:
        self.seam = seam
        self.open = True
        self.cut_depth = 0
        self.events: list[dict[str, Any]] = []
        self.attrs: dict[str, Any] = {}
        self.written: set[str] = set()
        self.collaborators: dict[str, Any] = {}
        self.fake_attrs: dict[str, dict[str, Any]] = {}
        self.functions: dict[str, str] = {}
        self.subject_class: str | None = None
        self.files: dict[str, str] = {}
        self.files_written: set[str] = set()
        self.failure: str | None = None

    @property
    def recording(self) -> bool:
        return self.open and self.cut_depth == 0

    def fail(self, error: Exception) -> None:
        if self.failure is None:
            self.failure = str(error)


class Harvester:
    """Records, from a real run, one replayable scenario per call of each seam's entry.

    A context manager; see the module docstring. ``workspace``: the folder whose text files are
    laid out again by a replay (and whose path is written ``<workspace>``).
    """

    def __init__(
        self,
        seams: Sequence[HarvestSeam],
        out_dir: Path,
        *,
        workspace: Path | None = None,
        max_scenario_bytes: int = 256_000,
        workspace_files: str = "all",
    ) -> None:
        if workspace_files not in ("all", "read"):
            raise ScriptError(
                f"Harvester(workspace_files={workspace_files!r}) takes 'all' (every text file of "
                f"the workspace at the start of the call) or 'read' (the files the call opens "
                f"for reading)."
            )
        declared = [] if isinstance(seams, HarvestSeam) else list(seams)
        if isinstance(seams, HarvestSeam) or not all(isinstance(s, HarvestSeam) for s in declared):
            raise ScriptError(
                f"Harvester(seams, ...) takes a list of HarvestSeam, got {seams!r}; for example "
                f"Harvester([HarvestSeam('shipping', entry='shop.orders:Processor.ship')], out)."
            )
        if not isinstance(max_scenario_bytes, int) or max_scenario_bytes <= 0:
            raise ScriptError(
                f"Harvester(max_scenario_bytes={max_scenario_bytes!r}) takes a positive number "
                f"of bytes, such as 256_000."
            )
        self._declared = declared
        self._prepared = [self._prepare(one) for one in declared]
        self._out_dir = Path(out_dir)
        self._workspace = Path(workspace).resolve() if workspace is not None else None
        self._max_bytes = max_scenario_bytes
        self._files_mode = workspace_files
        self._codec = ScenarioCodec(
            workspace=self._workspace, tmp=Path(tempfile.gettempdir()).resolve()
        )
        self._files = WorkspaceFiles(self._workspace, self._out_dir, self._codec, workspace_files)
        self._golden = ValueSerializer(Normalizer(), stand_in_path)
        self._report = HarvestReport({s.name: SeamHarvest(s.name) for s in self._declared})
        self._active: list[_Scenario] = []
        self._stack = contextlib.ExitStack()
        self._patcher = IdentityPatcher()

    @property
    def report(self) -> HarvestReport:
        """What was written so far, per seam."""
        return self._report

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Harvester:
        try:
            self._install()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _install(self) -> None:
        self._stack.callback(self._patcher.restore)
        methods: dict[tuple[type, str], list[_Prepared]] = {}
        functions: dict[int, tuple[Any, list[_Prepared], list[_Prepared]]] = {}
        for prepared, owner, function in self._prepared:
            declared = prepared.declared
            if prepared.method is not None:
                methods.setdefault((owner, prepared.method), []).append(prepared)
            else:
                functions.setdefault(id(function), (function, [], []))[1].append(prepared)
            for target in declared.cut:
                cut = resolve_target(target)
                functions.setdefault(id(cut), (cut, [], []))[2].append(prepared)
        for (owner, name), seams in methods.items():
            self._patch_method(owner, name, seams)
        for original, entries, cuts in functions.values():
            self._patcher.patch(original, self._function_wrapper(original, entries, cuts))
        self._patcher.patch(subprocess.run, self._run_wrapper(subprocess.run))
        if self._workspace is not None and self._files_mode == "read":
            self._patcher.patch(open, self._files.open_wrapper(open, lambda: self._active))

    def _prepare(self, declared: HarvestSeam) -> tuple[_Prepared, Any, Any]:
        if not isinstance(declared.entry, str) or ":" not in declared.entry:
            raise ScriptError(
                f"HarvestSeam({declared.name!r}, entry={declared.entry!r}): write the entry as "
                f"'package.module:function' or 'package.module:Class.method'."
            )
        for label, names in (("real", declared.real), ("cut", declared.cut)):
            if isinstance(names, str) or not all(isinstance(n, str) for n in names):
                raise ScriptError(
                    f"HarvestSeam({declared.name!r}, {label}={names!r}): {label}= takes a list "
                    f"of names, such as [{names!r}]."
                )
        module, _, qualname = declared.entry.partition(":")
        owner: Any = None
        method: str | None = None
        function = resolve_target(declared.entry)
        if "." in qualname:
            owner = resolve_target(f"{module}:{qualname.rpartition('.')[0]}")
        if isinstance(owner, type):
            method = qualname.rpartition(".")[2]
            if not inspect.isfunction(inspect.getattr_static(owner, method)):
                raise ScriptError(
                    f"HarvestSeam({declared.name!r}, entry={declared.entry!r}): {method!r} is "
                    f"not a plain method of {owner.__qualname__}; the entry must be a function "
                    f"or an instance method."
                )
            if declared.subject not in (None, "self"):
                raise ScriptError(
                    f"HarvestSeam({declared.name!r}, subject={declared.subject!r}): the subject "
                    f"of a method entry is self; leave subject= out."
                )
            unknown = [n for n in declared.real if n not in method_names(owner)]
            if unknown:
                raise ScriptError(
                    f"HarvestSeam({declared.name!r}, real={list(declared.real)!r}): "
                    f"{owner.__qualname__} has no method {unknown[0]!r}."
                )
            real = [method, *(n for n in declared.real if n != method)]
        elif not callable(function):
            raise ScriptError(
                f"HarvestSeam({declared.name!r}, entry={declared.entry!r}) names a "
                f"{type(function).__name__}, not a function or a method."
            )
        else:
            real = list(declared.real)
            if declared.subject is not None:
                parameters = inspect.signature(function).parameters
                if declared.subject not in parameters:
                    raise ScriptError(
                        f"HarvestSeam({declared.name!r}, subject={declared.subject!r}): "
                        f"{qualname}() has no parameter {declared.subject!r} (it has "
                        f"{', '.join(parameters) or 'none'})."
                    )
        cut_labels: dict[str, str] = {}
        cut_ids: set[int] = set()
        for target in declared.cut:
            cut = resolve_target(target)
            if id(cut) in cut_ids:
                continue  # the same object under another name (an alias)
            label = cut_label(cut)
            if label in cut_labels:
                raise ScriptError(
                    f"HarvestSeam({declared.name!r}, cut=[...]): {cut_labels[label]!r} and "
                    f"{target!r} are both recorded as {label!r}, so a replay could not tell "
                    f"their calls apart; cut one of them only, or the code that calls it."
                )
            cut_labels[label] = target
            cut_ids.add(id(cut))
        prepared = _Prepared(declared, declared.name, method, real, cut_labels, cut_ids)
        return prepared, owner, function

    def _patch_method(self, owner: type, name: str, seams: list[_Prepared]) -> None:
        had_own = name in vars(owner)
        original = getattr(owner, name)
        harvester = self

        @functools.wraps(original)
        def entry(subject: Any, /, *args: Any, **kwargs: Any) -> Any:
            return harvester._run_entry(seams, original, args, kwargs, method_subject=subject)

        setattr(owner, name, entry)

        def restore() -> None:
            if had_own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)

        self._stack.callback(restore)

    def _function_wrapper(
        self, original: Any, entries: list[_Prepared], cuts: list[_Prepared]
    ) -> Callable[..., Any]:
        harvester = self
        label = cut_label(original)
        key = id(original)
        is_class = isinstance(original, type)

        def run_entries(*args: Any, **kwargs: Any) -> Any:
            if not entries:
                return original(*args, **kwargs)
            return harvester._run_entry(entries, original, args, kwargs, method_subject=None)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            cutting = [
                s for s in harvester._active if s.recording and key in s.seam.cut_ids and cuts
            ]
            if not cutting:
                return run_entries(*args, **kwargs)
            for scenario in cutting:
                scenario.functions[label] = scenario.seam.cut_labels[label]
            return harvester._cut_call(
                cutting,
                label,
                run_entries,
                args,
                kwargs,
                instance=f"{label}()" if is_class else None,
            )

        if not is_class:
            functools.update_wrapper(wrapper, original)
        return wrapper

    # -- recording -------------------------------------------------------------------------
    def _run_entry(
        self,
        seams: list[_Prepared],
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        method_subject: Any,
    ) -> Any:
        scenarios: list[tuple[_Scenario, dict[str, Any]]] = []
        call_args = list(args)
        call_kwargs = dict(kwargs)
        subject = method_subject
        for seam in seams:
            scenario = _Scenario(seam)
            recorded_args, recorded_kwargs = list(args), dict(kwargs)
            position: int | str | None = None
            if seam.method is not None:
                subject = self._subject_proxy(scenario, subject)
            elif seam.declared.subject is not None:
                located = _locate(function, seam.declared.subject, call_args, call_kwargs)
                if located is None:
                    scenario.fail(
                        ScriptError(
                            f"the subject parameter {seam.declared.subject!r} was not passed"
                        )
                    )
                else:
                    position, value = located
                    proxy = self._subject_proxy(scenario, value)
                    if isinstance(position, int):
                        call_args[position] = proxy
                        del recorded_args[position]
                    else:
                        call_kwargs[position] = proxy
                        del recorded_kwargs[position]
            document = self._start_document(seam, scenario, recorded_args, recorded_kwargs)
            if position is not None:
                document["subject"]["position"] = position
            scenarios.append((scenario, document))
        self._active.extend(scenario for scenario, _ in scenarios)
        try:
            if method_subject is not None:
                result = function(subject, *call_args, **call_kwargs)
            else:
                result = function(*call_args, **call_kwargs)
        except Exception as error:
            for _, document in scenarios:
                document["raised"] = exception_data(error, self._codec)
            raise
        except BaseException:
            for scenario, _ in scenarios:
                scenario.fail(ScriptError("the entry call was interrupted"))
            raise
        else:
            for scenario, document in scenarios:
                self._check_golden(scenario, result, "the seam's return value")
                try:
                    document["returned"] = self._codec.lenient(result, "the entry's return value")
                except MergedKeysError as error:
                    scenario.fail(error)
            return result
        finally:
            for scenario, document in scenarios:
                scenario.open = False
                self._active.remove(scenario)
                self._finish(scenario, document)

    def _start_document(
        self,
        seam: _Prepared,
        scenario: _Scenario,
        args: list[Any],
        kwargs: dict[str, Any],
    ) -> dict[str, Any]:
        document: dict[str, Any] = {"seam": seam.name, "entry": seam.declared.entry}
        subject_name = "self" if seam.method is not None else seam.declared.subject
        if subject_name is not None:
            document["subject"] = {"parameter": subject_name, "position": None}
        try:
            document["args"] = self._codec.encode(list(args), "the entry's positional arguments")
            document["kwargs"] = self._codec.encode(dict(kwargs), "the entry's keyword arguments")
        except UnserializableValueError as error:
            scenario.fail(error)
        document["files"] = self._files.all_files()
        return document

    def _finish(self, scenario: _Scenario, document: dict[str, Any]) -> None:
        seam = scenario.seam
        summary = self._report.seams[seam.name]
        entry = seam.declared.entry
        if scenario.failure is not None:
            summary.failures.append(f"{entry}: {scenario.failure}")
            return
        subject = document.get("subject")
        if subject is not None:
            if subject["position"] is None:
                del subject["position"]
            subject["class"] = scenario.subject_class
            subject["real"] = seam.real
            subject["attrs"] = dict(sorted(scenario.attrs.items()))
            subject["collaborators"] = sorted(scenario.collaborators)
            subject["fake_attrs"] = {
                path: dict(sorted(values.items()))
                for path, values in sorted(scenario.fake_attrs.items())
            }
        if self._files_mode == "read":
            document["files"] = dict(sorted(scenario.files.items()))
        document["functions"] = dict(sorted(scenario.functions.items()))
        outcome: dict[str, Any] = {
            k: document.pop(k) for k in ("returned", "raised") if k in document
        }
        document["events"] = scenario.events
        document.update(outcome)
        text = dump_scenario(document, comments=[f"seam: {seam.name}", f"entry: {entry}"])
        size = len(text.encode("utf-8"))
        if size > self._max_bytes:
            summary.too_large.append(
                f"{entry}: the scenario is {size} bytes, above the limit of {self._max_bytes} "
                f"bytes, so it was not written; raise the limit with "
                f"Harvester(..., max_scenario_bytes={_round_up(size)}), or cut the collaborator "
                f"whose large answers it records."
            )
            return
        short = entry.rpartition(":")[2].rpartition(".")[2]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        target = self._out_dir / seam_folder(seam.name) / f"{short}-{digest}{SCENARIO_SUFFIX}"
        if target.exists():
            summary.duplicates += 1
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text)
        except OSError as error:
            summary.failures.append(
                str(error if isinstance(error, FileWriteError) else FileWriteError(target, error))
            )
            return
        summary.written.append(target)

    def _cut_call(
        self,
        scenarios: list[_Scenario],
        path: str,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        instance: str | None = None,
    ) -> Any:
        """Call ``function`` for real, recording it as the cut call ``path`` of ``scenarios``."""
        events = []
        for scenario in scenarios:
            event: dict[str, Any] = {"call": path}
            if args:
                event["args"] = self._codec.lenient(list(args), f"{path} arguments")
            if kwargs:
                event["kwargs"] = self._codec.lenient(kwargs, f"{path} keyword arguments")
            self._check_golden(scenario, list(args), f"{path} positional arguments")
            self._check_golden(scenario, kwargs, f"{path} keyword arguments")
            scenario.events.append(event)
            events.append(event)
            scenario.cut_depth += 1
        started = _monotonic()
        try:
            result = function(*args, **kwargs)
        except Exception as error:
            for event in events:
                event["raises"] = exception_data(error, self._codec)
            raise
        finally:
            _note_duration(events, started)
            for scenario in scenarios:
                scenario.cut_depth -= 1
        if instance is not None:
            for event in events:
                event["instance"] = instance
            return Collaborator(self, scenarios, instance, result)
        for scenario, event in zip(scenarios, events, strict=True):
            try:
                event["returns"] = self._codec.encode(result, f"the returns of {path}")
            except UnserializableValueError as error:
                scenario.fail(error)
            self._check_golden(scenario, result, f"the result of {path}")
        return result

    def _check_golden(self, scenario: _Scenario, value: Any, where: str) -> None:
        """Fail ``scenario`` now when its replay's golden could not write ``value``."""
        try:
            self._golden(value, where)
        except UnserializableValueError as error:
            scenario.fail(error)

    def _subject_proxy(self, scenario: _Scenario, subject: Any) -> Any:
        """``subject`` seen through a proxy recording the reads of ``scenario``'s seam."""
        base = type(subject)
        harvested = next(k for k in base.__mro__ if PROXY_MARKER not in vars(k))
        if not hasattr(subject, "__dict__") or isinstance(subject, type):
            scenario.fail(
                ScriptError(
                    f"the subject {harvested.__qualname__} instance has no __dict__ (slots?), so "
                    f"its reads cannot be recorded"
                )
            )
            return subject
        scenario.subject_class = type_path(harvested)
        methods = set(method_names(harvested))
        real = set(scenario.seam.real)
        harvester = self
        base_getattribute: Any = base.__getattribute__
        base_setattr: Any = base.__setattr__

        def __getattribute__(proxy: Any, name: str) -> Any:
            value = base_getattribute(proxy, name)
            if (name.startswith("__") and name.endswith("__")) or not scenario.recording:
                return value
            return harvester._subject_read(scenario, proxy, name, value, methods, real)

        def __setattr__(proxy: Any, name: str, value: Any) -> None:
            if scenario.recording:
                scenario.written.add(name)
            base_setattr(proxy, name, value)

        namespace = {
            PROXY_MARKER: True,
            "__getattribute__": __getattribute__,
            "__setattr__": __setattr__,
            "__module__": base.__module__,
            "__qualname__": base.__qualname__,
            "__doc__": base.__doc__,
        }
        proxy_cls = type(base.__name__, (base,), namespace)
        proxy: Any = object.__new__(proxy_cls)
        object.__setattr__(proxy, "__dict__", object.__getattribute__(subject, "__dict__"))
        return proxy

    def _subject_read(
        self,
        scenario: _Scenario,
        proxy: Any,
        name: str,
        value: Any,
        methods: set[str],
        real: set[str],
    ) -> Any:
        own = object.__getattribute__(proxy, "__dict__")
        if name in own and name not in methods:
            if name in scenario.collaborators:
                return scenario.collaborators[name]
            if name in scenario.written or name in scenario.attrs:
                return value
            if not self._codec.is_data(value):
                wrapper = Collaborator(self, [scenario], f"self.{name}", value)
                scenario.collaborators[name] = wrapper
                return wrapper
            try:
                scenario.attrs[name] = self._codec.attribute(name, value, f"self.{name}")
            except UnserializableValueError as error:
                scenario.fail(error)
            return value
        if name in methods and name not in real and callable(value):
            bound = value

            def cut_method(*args: Any, **kwargs: Any) -> Any:
                return self._cut_call([scenario], f"self.{name}", bound, args, kwargs)

            return cut_method
        return value

    def _run_wrapper(self, original: Callable[..., Any]) -> Callable[..., Any]:
        harvester = self

        @functools.wraps(original)
        def run(*popenargs: Any, **kwargs: Any) -> Any:
            recording = [s for s in harvester._active if s.recording]
            if not recording:
                return original(*popenargs, **kwargs)
            argv = popenargs[0] if popenargs else kwargs.get("args")
            event = {"subprocess": harvester._argv(argv)}
            started = _monotonic()
            try:
                result = original(*popenargs, **kwargs)
            except subprocess.TimeoutExpired as error:
                event.update(harvester._outputs(error.stdout, error.stderr))
                event["times_out"] = True
                raise
            except subprocess.CalledProcessError as error:
                event["returncode"] = error.returncode
                event.update(harvester._outputs(error.stdout, error.stderr))
                raise
            except OSError as error:
                event["raises"] = exception_data(error, harvester._codec)
                raise
            else:
                event["returncode"] = result.returncode
                event.update(harvester._outputs(result.stdout, result.stderr))
                return result
            finally:
                if not event.get("times_out"):
                    _note_duration([event], started)
                for scenario in recording:
                    scenario.events.append(dict(event))

        return run

    def _argv(self, argv: Any) -> Any:
        if isinstance(argv, (str, bytes, os.PathLike)):
            return self._codec.text(os.fsdecode(argv))
        return [self._codec.text(os.fsdecode(a)) for a in argv]

    def _outputs(self, stdout: Any, stderr: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (("stdout", stdout), ("stderr", stderr)):
            if value is not None:
                out[key] = self._codec.encode(value, key)
        return out


def _note_duration(events: list[dict[str, Any]], started: float) -> None:
    """Add the wall-clock time since ``started`` to ``events``, to the microsecond, when it is at
    least :data:`_LEAST_DURATION`: a replay moves its frozen clock by it, so the durations a seam
    measures around a cut call or a command come out as in the recorded run. The precision
    matters: a seam that rounds a measured 0.7649 s to 0.76 would see a duration kept to the
    millisecond (0.765) as 0.77. (Quick calls are left out: their jitter would make every
    harvest of the same call a new scenario.)"""
    elapsed = round(_monotonic() - started, 6)
    if elapsed >= _LEAST_DURATION:
        for event in events:
            event["duration"] = elapsed


def _locate(
    function: Callable[..., Any], parameter: str, args: list[Any], kwargs: dict[str, Any]
) -> tuple[int | str, Any] | None:
    """Where the ``parameter`` argument of a call is: its position, or its keyword."""
    if parameter in kwargs:
        return parameter, kwargs[parameter]
    names = list(inspect.signature(function).parameters)
    index = names.index(parameter)
    if index < len(args):
        return index, args[index]
    return None


def _round_up(size: int) -> int:
    step = 64_000
    return (size // step + 1) * step
