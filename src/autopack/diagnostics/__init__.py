"""Diagnostics: evidence gathering about a failed phase attempt."""

from autopack.diagnostics.agent import DiagnosticsAgent, DiagnosticsOutcome

__all__ = ["DiagnosticsAgent", "DiagnosticsOutcome"]
