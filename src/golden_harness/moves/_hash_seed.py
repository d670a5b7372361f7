"""The one string-hashing seed of every pytest run the ``golden`` command starts.

Python randomizes ``hash(str)`` per process unless ``PYTHONHASHSEED`` is set, so code that
iterates a set of strings (``list(names)``) records its items in another order in every process.
``golden verify-move`` (both sides), ``golden coverage``, ``golden report --run`` and
``golden strength`` (whose mutant runs are forks of the command's own process) therefore all run
with ``PYTHONHASHSEED`` = :data:`HASH_SEED`; a capture that depends on the seed is caught by
:mod:`golden_harness.plugin._hash_check`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence

__all__ = ["HASH_SEED", "hashing_is_fixed", "rerun_with_fixed_hashing", "with_fixed_hashing"]

HASH_SEED = "0"
"""``PYTHONHASHSEED`` of every run the ``golden`` command starts (``0`` turns randomization off)."""


def with_fixed_hashing(env: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``env`` with ``PYTHONHASHSEED`` set to :data:`HASH_SEED`."""
    return {**env, "PYTHONHASHSEED": HASH_SEED}


def hashing_is_fixed() -> bool:
    """Whether this process hashes strings with :data:`HASH_SEED` (read at interpreter start)."""
    return sys.flags.hash_randomization == 0 and os.environ.get("PYTHONHASHSEED") == HASH_SEED


def rerun_with_fixed_hashing(module: str, argv: Sequence[str]) -> int:
    """Run ``python -m module argv`` with fixed hashing and return its exit code.

    For work that forks this process (a running interpreter cannot change its own string
    hashing). Ctrl-C reaches the child through the terminal's process group; this process then
    waits for the child to clean up instead of leaving it behind.
    """
    command = [sys.executable, "-m", module, *argv]
    child = subprocess.Popen(command, env=with_fixed_hashing(os.environ))
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
