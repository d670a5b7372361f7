"""Every error golden_harness raises.

Each message says what went wrong, the offending value (``!r``) and how to fix it. All errors derive
from :class:`GoldenHarnessError`. Errors raised while a seam runs that are about the scenario
itself (an unscripted call, an exhausted sequence, an unserializable argument, an attribute of an
isolated instance the scenario did not set) are also kept by the recorder, so a seam that
swallows exceptions with ``except Exception`` still fails its scenario, and none of them is ever
written into a golden as the seam's behaviour.
"""

from __future__ import annotations

import errno
import os
from typing import Any

__all__ = [
    "FileWriteError",
    "GoldenFormatError",
    "GoldenHarnessError",
    "GoldenMismatchError",
    "GoldenMissingError",
    "HarvestValueError",
    "MergedKeysError",
    "MoveRefusedError",
    "OutsideRootError",
    "ReplayMismatchError",
    "ReviewError",
    "ScenarioFormatError",
    "ScriptError",
    "ScriptExhaustedError",
    "SeamDeclarationError",
    "SeamResolutionError",
    "SeamRootsError",
    "SourceError",
    "UnscriptedCallError",
    "UnscriptedSubprocessError",
    "UnserializableValueError",
    "UnsetAttributeError",
]


class GoldenHarnessError(Exception):
    """Base class of every golden_harness error."""


class ScriptError(GoldenHarnessError):
    """A fake was scripted with contradictory or invalid arguments."""


class UnscriptedCallError(GoldenHarnessError):
    """A strict fake was called on a path that has no scripted result."""

    def __init__(self, path: str, rendered_args: str, event: dict[str, Any] | None = None) -> None:
        self.path = path
        self.event = event
        """The trace's event of the unscripted call, when known."""
        super().__init__(
            f"Unscripted call {path}({rendered_args}): strict fakes need a scripted result for "
            f"every path they are called on. Script it in the scenario, for example:\n"
            f"    golden.fake({path!r}, returns=None)\n"
            f"(or side_effect=..., sequence=[...]); use golden.fake(..., strict=False) to let "
            f"unscripted calls on that fake return None."
        )


class UnsetAttributeError(GoldenHarnessError, AttributeError):
    """The seam read an attribute of an isolated instance that the scenario did not set.

    It is an ``AttributeError`` too, so ``getattr(obj, name, default)`` and ``hasattr`` still
    see the attribute as absent.
    """

    def __init__(self, class_name: str, attribute: str) -> None:
        self.class_name = class_name
        self.attribute = attribute
        super().__init__(
            f"isolated {class_name} has no attribute {attribute!r}: the scenario did not set "
            f"it. Set it with golden.isolate({class_name}, attrs={{{attribute!r}: "
            f"golden.fake('{attribute}')}}) (a fake) or a real value."
        )


class ScriptExhaustedError(GoldenHarnessError):
    """A fake scripted with ``sequence=`` was called more times than the sequence has items."""

    def __init__(self, path: str, length: int) -> None:
        self.path = path
        super().__init__(
            f"{path} was called {length + 1} times but its sequence= script has {length} "
            f"item(s). Add the missing result(s) to golden.fake({path!r}, sequence=[...])."
        )


class UnscriptedSubprocessError(GoldenHarnessError):
    """The seam started a subprocess that the scenario did not script."""

    def __init__(self, argv: object, event: dict[str, Any] | None = None) -> None:
        self.argv = argv
        self.event = event
        """The trace's event of the unscripted start, when known."""
        super().__init__(
            f"Unscripted subprocess {argv!r}: every subprocess a scenario starts must be scripted "
            f"(no real process runs). Script it, for example:\n"
            f"    golden.subprocess({argv!r}, stdout='', returncode=0)"
        )


class UnserializableValueError(GoldenHarnessError):
    """A value that the golden format cannot write stably was recorded."""

    def __init__(self, value: object, where: str) -> None:
        cls = type(value)
        self.type_name = f"{cls.__module__}.{cls.__qualname__}"
        super().__init__(
            f"Cannot serialize a {self.type_name} value at {where}: it has no stable "
            f"representation (its repr may carry a memory address). Register a serializer that "
            f"returns plain data, for example:\n"
            f"    golden_harness.register_serializer({cls.__qualname__}, "
            f"lambda obj: {{'field': obj.field}})\n"
            f"or pass a dataclass, namedtuple or plain dict/list instead."
        )


class HarvestValueError(UnserializableValueError):
    """A value a harvested scenario must hold exactly (an answer, an argument, an attribute read)
    has no exact representation."""

    def __init__(self, value: object, where: str) -> None:
        super().__init__(value, where)
        cls = type(value)
        name = cls.__qualname__.rsplit("<locals>.", 1)[-1]
        self.args = (
            f"Cannot record a {self.type_name} value at {where} in a harvested scenario: replay "
            f"must rebuild it exactly. Cut the code that produces or reads it (HarvestSeam("
            f"cut=[...]) or real=[...]), or register how to write and rebuild it:\n"
            f"    golden_harness.register_harvest_type({name}, "
            f"lambda obj: {{'field': obj.field}}, lambda data: {name}(**data))",
        )


class MergedKeysError(HarvestValueError):
    """Two keys of a dict a harvested scenario must hold become one text after normalization."""

    def __init__(self, positions: tuple[int, int], text: str, where: str) -> None:
        self.type_name = "dict"
        first, second = positions
        GoldenHarnessError.__init__(
            self,
            f"Cannot record the dict at {where} in a harvested scenario: its keys number "
            f"{first} and {second} both become {text!r} once secrets, paths and addresses are "
            f"normalized (the keys themselves are not shown: they may be secrets), and a replay "
            f"would merge them into one. Cut the code that produces the dict, or key it by values "
            f"that are neither secrets nor machine paths.",
        )


class ReplayMismatchError(GoldenHarnessError, AssertionError):
    """Replaying a harvested scenario did not end as the recorded run did."""


class GoldenFormatError(GoldenHarnessError):
    """A golden file is corrupt or written in a format this version does not read."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        super().__init__(
            f"{path}:{line}: {problem}. Fix the file by hand, or delete it and re-capture it "
            f"locally with `pytest --snapshot-update <test>`."
        )


class ScenarioFormatError(GoldenFormatError):
    """A harvested scenario file is corrupt, or names a type this run cannot import."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        GoldenHarnessError.__init__(
            self,
            f"{path}:{line}: {problem}. Harvest the scenario again from a real run (or delete "
            f"the file).",
        )


_WRITE_FIXES = {
    errno.ENOSPC: "free space on that disk",
    errno.EDQUOT: "free space within your disk quota",
    errno.EFBIG: "raise the file-size limit (`ulimit -f`)",
    errno.EROFS: "the file system is mounted read-only: run from a writable checkout",
    errno.EACCES: "make the folder and the file writable (`chmod u+w`) or run as their owner",
    errno.EPERM: "make the folder and the file writable (`chmod u+w`) or run as their owner",
}


class FileWriteError(GoldenHarnessError, OSError):
    """A golden, a harvested scenario or a report file could not be written; the old file is
    unchanged (see ``format.write_atomic``). It is an ``OSError`` too, with the cause's errno."""

    def __init__(self, path: str | os.PathLike[str], cause: OSError) -> None:
        self.path = os.fspath(path)
        self.cause = cause
        code = errno.errorcode.get(cause.errno or 0, "") if cause.errno else ""
        reason = cause.strerror or str(cause)
        fix = _WRITE_FIXES.get(cause.errno or 0, "fix the cause")
        OSError.__init__(self, cause.errno or 0, reason)
        self.args = (
            f"Could not write {self.path}: {reason}"
            f"{f' ({code})' if code else ''}. The old file is unchanged, and nothing was "
            f"written in its place. Fix: {fix}, then run again.",
        )

    def __str__(self) -> str:
        return str(self.args[0])


class OutsideRootError(GoldenHarnessError):
    """The harness was about to write or delete a file outside the repository root."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(
            f"golden_harness refuses to {action}: {reason}. It never writes or deletes a file "
            f"outside the repository, where git cannot bring it back. Point the link at a folder "
            f"inside the repository, or move the goldens into it."
        )


class GoldenMissingError(GoldenHarnessError):
    """A scenario has no golden yet and the run may not write one."""

    def __init__(self, path: str, nodeid: str) -> None:
        self.path = path
        super().__init__(
            f"No golden at {path} for {nodeid}. Capture it on a developer machine with "
            f"`pytest --snapshot-update {nodeid}` (CI never writes goldens), review it with "
            f"`golden diff`, and commit it."
        )


class GoldenMismatchError(GoldenHarnessError, AssertionError):
    """The trace a scenario produced differs from its golden."""


class SeamDeclarationError(GoldenHarnessError):
    """A test module's seam declaration is malformed."""


class SeamResolutionError(GoldenHarnessError):
    """A seam's code reference does not resolve to code in the working tree."""


class ReviewError(GoldenHarnessError):
    """A review command (``verify-move``, ``check-move``, ``coverage``, ``strength``) cannot run:
    not a git repository, an unknown revision, no seams, a suite that does not run."""


class SourceError(ReviewError):
    """A Python file a ``golden`` command reads without importing it (a test module, the code a
    seam covers, a file check-move compares) cannot be decoded or parsed.

    The message is ``path:line: problem``, the problem ending with its fix; :attr:`path` is the
    file as the command names it (for check-move, relative to the repository root with ``@REV``
    appended when the file was read at a revision)."""

    def __init__(self, path: str | os.PathLike[str], line: int, problem: str) -> None:
        self.path = os.fspath(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{self.path}:{line}: {problem}")


class MoveRefusedError(GoldenHarnessError):
    """``golden move`` will not perform a move: the source or target cannot be found, or the
    move would change behaviour (``super()``, name mangling, a closure, a name clash, ...).
    Raised before any file is changed."""


class SeamRootsError(GoldenHarnessError, TypeError):
    """The folders given to search for seam code (``roots``) are not a list of paths."""
