"""Errors raised by autopack for bad input; each message names the problem, the value and the fix."""

from __future__ import annotations


class AutopackError(Exception):
    """Base class for errors that the CLI reports as one line and a non-zero exit."""


class PlanError(AutopackError):
    """The plan file is missing, unreadable, malformed, or holds an unknown or ill-typed field."""


class WorkspaceError(AutopackError):
    """The workspace directory cannot be used (missing, unreadable, not a git repository, ...)."""


class DatabaseError(AutopackError):
    """The run database cannot be opened."""


class WorkspaceBusyError(WorkspaceError):
    """Another autopack run holds the workspace's run lock."""


class RunStorageError(BaseException):
    """The run database or a run file could not be written (or read): the run must stop at once.

    A BaseException, like KeyboardInterrupt, on purpose: the executor's best-effort steps catch
    `Exception` so that one failed record does not end a phase, but a run whose state cannot be
    recorded must not go on (it would retry against a record that never changes). The run loop
    returns the phase in progress to its checkpoint and raises `RunStopped`.
    """

    what = "a file of the run"

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"cannot write {self.what} {path!r}: {problem}")


class RunDatabaseError(RunStorageError):
    """The run database (a SQLite file) could not be written or read."""

    what = "the run database"


class RunFileError(RunStorageError):
    """A file of the run under `.autonomous_runs/` could not be written."""

    what = "the run file"
