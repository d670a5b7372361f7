"""The one string-hashing seed of every pytest run the ``golden`` command starts.

Python randomizes ``hash(str)`` per process unless ``PYTHONHASHSEED`` is set, so code that
iterates a set of strings (``list(names)``) records its items in another order in every process.
``golden verify-move`` (both sides), ``golden coverage``, ``golden report --run`` and
``golden strength`` (whose mutant runs are forks of the command's own process) therefore all run
with ``PYTHONHASHSEED`` = :data:`HASH_SEED`; a capture that depends on the seed is caught by
:mod:`golden_harness.plugin._hash_check`.
"""

from __future__ import annotations

import contextlib
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
    hashing). SIGINT and SIGTERM sent to this process are passed on to the child, and this
    process waits for the child to clean up instead of leaving it behind (Ctrl-C in a terminal
    reaches both; the child acts on the first it receives).
    """
    command = [sys.executable, "-m", module, *argv]
    child = subprocess.Popen(command, env=with_fixed_hashing(os.environ))

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {number: signal.signal(number, forward) for number in _FORWARDED}
    try:
        return child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_FORWARDED = (signal.SIGINT, signal.SIGTERM)
