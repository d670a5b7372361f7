"""The one way autopack runs git on a workspace: output captured as text, a timeout, no raise
on a non-zero exit (callers read ``returncode`` and ``stderr``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

GIT_TIMEOUT_SECONDS = 10
"""Seconds a short git command (`diff`, `status`, `rev-parse`, `ls-files`, `stash`) may take."""


def run_git(
    cwd: Path | str, *args: str, timeout: float = GIT_TIMEOUT_SECONDS, **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``git <args>`` in ``cwd``; ``options`` go to ``subprocess.run`` (``input``, ``env``,
    ``encoding``, ``errors``). Raises ``subprocess.TimeoutExpired`` and ``OSError`` as it does.

    ``subprocess`` is imported here, not at module level, so that importing a module that may run
    git costs nothing until it does."""
    import subprocess

    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,
    )
