"""Replay harvested scenarios as ordinary goldens: :func:`replay` and :func:`harvested_test`.

A replay scripts a recorder from the scenario file alone: the workspace files are written into
``golden.workspace``; the subject is ``golden.isolate(cls, real=[...], attrs={...})`` with the
recorded attributes (collaborators become ``golden.fake("self.<attr>")``, with the plain
attributes they had); each cut path answers in order (``sequence=[...]``, exceptions raised in
turn; a call that took time moves the frozen clock by its recorded duration); cut functions and classes are ``golden.fake_function(target, sequence=[...])``; commands
are ``golden.subprocess(argv, ...)`` in order. Then ``golden.call(entry, *args, **kwargs)`` runs
the seam, strict as usual, and the result is compared with the recorded run's
(:class:`ReplayMismatchError` when they differ).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from golden_harness.exceptions import (
    ReplayMismatchError,
    ScenarioFormatError,
    ScriptExhaustedError,
)
from golden_harness.format import (
    SCENARIO_SUFFIX,
    ScenarioCodec,
    dump_value,
    load_scenario,
    resolve_type,
)
from golden_harness.recording._harvest import exception_data, iter_scenarios
from golden_harness.recording._recorder import Recorder

__all__ = ["harvested_test", "replay"]


def harvested_test(directory: Path | str) -> Callable[..., None]:
    """A pytest test function replaying each ``*.scenario.yaml`` file of ``directory``.

    Parametrized over the files (sorted; ids are the file stems), it takes the ``golden``
    fixture, so each scenario's golden is ``golden/<seam>/test_harvested[<stem>].golden.yaml``
    when assigned as ``test_harvested = harvested_test(...)``. A missing or empty directory
    gives an empty parameter set (pytest skips the test), never an error.
    """
    files = list(iter_scenarios(Path(directory)))
    ids = [path.name[: -len(SCENARIO_SUFFIX)] for path in files]

    @pytest.mark.parametrize("harvested_scenario", files, ids=ids)
    def test_harvested(golden: Recorder, harvested_scenario: Path) -> None:
        replay(golden, harvested_scenario)

    test_harvested.__doc__ = f"Replays the harvested scenarios of {Path(directory).as_posix()}."
    return test_harvested


def replay(golden: Recorder, scenario: Path | str) -> None:
    """Replay the harvested ``scenario`` file through ``golden`` (see the module docstring)."""
    path = Path(scenario)
    where = path.as_posix()
    document = load_scenario(path.read_text(encoding="utf-8"), where)
    codec = ScenarioCodec(workspace=golden.workspace, tmp=Path(tempfile.gettempdir()))
    try:
        _lay_out_files(golden.workspace, document.get("files") or {}, codec)
        _script(golden, document, codec, where)
        entry, args, kwargs = _entry_call(golden, document, codec, where)
    except (KeyError, TypeError, ValueError) as error:
        raise ScenarioFormatError(where, 1, f"malformed scenario ({error!r})") from None
    result = golden.call(entry, *args, **kwargs)
    _check_fidelity(golden, document, codec, result, where)


def _lay_out_files(workspace: Path, files: dict[str, Any], codec: ScenarioCodec) -> None:
    for rel, content in files.items():
        target = workspace / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(codec.decode(content), encoding="utf-8")


def _script(golden: Recorder, document: dict[str, Any], codec: ScenarioCodec, where: str) -> None:
    functions: dict[str, str] = document.get("functions") or {}
    answers: dict[str, list[tuple[Any, float]]] = {}
    for event in document.get("events") or []:
        if "call" in event:
            answer = _answer(golden, event, codec, where)
            answers.setdefault(event["call"], []).append((answer, float(event.get("duration", 0))))
        elif "subprocess" in event:
            _script_subprocess(golden, event, codec, where)
        else:
            raise ScenarioFormatError(where, 1, f"unknown event {event!r}")
    for label, target in functions.items():
        golden.fake_function(target, name=label, **_answers(golden, label, answers.pop(label, [])))
    for call_path, recorded in answers.items():
        golden.fake(call_path, **_answers(golden, call_path, recorded))
    subject = document.get("subject")
    if subject is not None:
        for fake_path, attrs in (subject.get("fake_attrs") or {}).items():
            golden.fake(fake_path, attrs={k: codec.decode(v, where) for k, v in attrs.items()})


def _answers(golden: Recorder, path: str, recorded: list[tuple[Any, float]]) -> dict[str, Any]:
    """The script of a cut path: its answers in order; when the recorded calls took time, a
    ``side_effect`` that also moves the frozen clock by each call's duration."""
    if golden.clock is None or not any(duration for _, duration in recorded):
        return {"sequence": [answer for answer, _ in recorded]}
    pending = list(recorded)

    def answer_in_turn(*args: Any, **kwargs: Any) -> Any:
        if not pending:
            raise ScriptExhaustedError(path, len(recorded))
        answer, duration = pending.pop(0)
        if duration:
            golden.tick(duration)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    return {"side_effect": answer_in_turn}


def _answer(golden: Recorder, event: dict[str, Any], codec: ScenarioCodec, where: str) -> Any:
    if "raises" in event:
        return _exception(event["raises"], codec, where)
    if "instance" in event:
        return golden.fake(event["instance"])
    return codec.decode(event.get("returns"), where)


def _exception(data: dict[str, Any], codec: ScenarioCodec, where: str) -> BaseException:
    cls = resolve_type(data["type"], where)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        raise ScenarioFormatError(where, 1, f"{data['type']!r} is not an exception class")
    args = codec.decode(data["args"], where) if "args" in data else [data["message"]]
    if "filename" in data and len(args) == 2:  # OSError(errno, strerror, filename)
        args = [*args, codec.decode(data["filename"], where)]
    try:
        error: BaseException = cls(*args)
    except Exception:
        error = cls.__new__(cls)
        error.args = tuple(args)
    if codec.text(str(error)) != data["message"]:
        # An exception whose constructor does not take its own args back (a custom signature).
        rebuilt = cls.__new__(cls)
        rebuilt.args = (codec.decode(data["message"], where),)
        if codec.text(str(rebuilt)) == data["message"]:
            return rebuilt
    return error


def _script_subprocess(
    golden: Recorder, event: dict[str, Any], codec: ScenarioCodec, where: str
) -> None:
    argv = codec.decode(event["subprocess"], where)
    outputs = {k: codec.decode(event[k], where) for k in ("stdout", "stderr") if k in event}
    if "raises" in event:
        error = _exception(event["raises"], codec, where)
        if not isinstance(error, OSError):
            raise ScenarioFormatError(where, 1, f"a command raised {event['raises']!r}")
        golden.subprocess(argv, raises=error)
    elif event.get("times_out"):
        golden.subprocess(argv, times_out=True, **outputs)
    else:
        duration = float(event.get("duration", 0)) if golden.clock is not None else 0.0
        golden.subprocess(argv, returncode=event.get("returncode", 0), duration=duration, **outputs)


def _entry_call(
    golden: Recorder, document: dict[str, Any], codec: ScenarioCodec, where: str
) -> tuple[Callable[..., Any], list[Any], dict[str, Any]]:
    entry: str = document["entry"]
    args = list(codec.decode(document.get("args") or [], where))
    kwargs = dict(codec.decode(document.get("kwargs") or {}, where))
    subject = document.get("subject")
    if subject is None:
        return resolve_type(entry, where), args, kwargs
    cls = resolve_type(subject["class"], where)
    attrs = {name: codec.decode(value, where) for name, value in subject["attrs"].items()}
    for name in subject.get("collaborators") or []:
        attrs[name] = golden.fake(f"self.{name}")
    instance = golden.isolate(cls, real=subject["real"], attrs=attrs)
    if subject["parameter"] == "self":
        method = entry.rpartition(":")[2].rpartition(".")[2]
        return getattr(instance, method), args, kwargs
    position = subject["position"]
    if isinstance(position, int):
        args.insert(position, instance)
    else:
        kwargs[position] = instance
    return resolve_type(entry, where), args, kwargs


def _check_fidelity(
    golden: Recorder, document: dict[str, Any], codec: ScenarioCodec, result: Any, where: str
) -> None:
    if golden.exception is not None:
        replayed: dict[str, Any] = {"raised": _comparable(exception_data(golden.exception, codec))}
    else:
        replayed = {"returned": codec.lenient(result, "the replayed return value")}
    if "raised" in document:
        recorded: dict[str, Any] = {"raised": _comparable(document["raised"])}
    else:
        recorded = {"returned": document.get("returned")}
    if replayed != recorded:
        raise ReplayMismatchError(
            f"{where}: the replay {_outcome(replayed)}\nthe recorded run {_outcome(recorded)}\n"
            f"The scenario misses an input the seam depends on. Cut what it reads (HarvestSeam "
            f"cut=[...], or leave the method out of real=[...]) or make it recordable "
            f"(register_harvest_type), then harvest again."
        )


def _comparable(raised: dict[str, Any]) -> dict[str, Any]:
    return {"type": raised.get("type"), "message": raised.get("message")}


def _outcome(outcome: dict[str, Any]) -> str:
    if "raised" in outcome:
        raised = outcome["raised"]
        return f"raised {raised['type']}: {raised['message']}"
    shown = dump_value(outcome["returned"])
    if "\n" in shown:
        return "returned:\n" + "\n".join(f"    {line}" for line in shown.split("\n"))
    return f"returned {shown}"
