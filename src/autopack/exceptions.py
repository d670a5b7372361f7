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
