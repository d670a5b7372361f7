"""Frozen time and deterministic randomness for scenarios.

Starting a freezegun freeze scans every loaded module (milliseconds with a thousand modules), while
moving a running freeze does not. :class:`FreezeKeeper` therefore starts one freeze and moves it
to each scenario's instant with ``move_to``; the pytest plugin stops it only when the next test
does not record a golden (or at the end of the session), so consecutive scenarios pay for one
start. :class:`DeterministicIds` provides the seeded ``uuid4`` replacement and reseeds ``random``;
:class:`TemporaryNames` gives :mod:`tempfile` a folder of the scenario's own and seeded names.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import random
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from freezegun import freeze_time

__all__ = [
    "DEFAULT_INSTANT",
    "PYTEST_CLOCK_MODULES",
    "DeterministicIds",
    "FreezeKeeper",
    "TemporaryNames",
    "empty_scratch",
    "freeze_keeper",
    "scratch_folder",
]

DEFAULT_INSTANT = "2024-01-02T03:04:05+00:00"

# Modules whose time functions a freeze leaves real. pytest reads its clock (durations, junit
# times, the session timestamp) through ``_pytest.timing``, which binds ``time``,
# ``perf_counter`` and ``sleep`` at import; a freeze kept between tests would otherwise report
# setup times of decades. Only frames of these modules read real time, so the code under test
# always sees the frozen clock.
PYTEST_CLOCK_MODULES = ("_pytest.timing",)


class FreezeKeeper:
    """Owns at most one running freezegun freeze, moved between scenarios instead of restarted."""

    def __init__(self) -> None:
        self._freezer: Any = None
        self._factory: Any = None
        self.starts = 0

    @property
    def active(self) -> bool:
        """Whether a freeze is running."""
        return self._factory is not None

    def freeze(self, instant: str | dt.datetime) -> Any:
        """Freeze time at ``instant`` (starting a freeze only if none runs) and return the factory.

        The factory offers ``tick(seconds)`` and ``move_to(instant)``.
        """
        if self._factory is None:
            self._freezer = freeze_time(instant, ignore=list(PYTEST_CLOCK_MODULES))
            self._factory = self._freezer.start()
            self.starts += 1
        else:
            self._factory.move_to(instant)
        return self._factory

    def release(self) -> None:
        """Stop the running freeze, if any."""
        if self._freezer is not None:
            freezer, self._freezer, self._factory = self._freezer, None, None
            freezer.stop()


freeze_keeper = FreezeKeeper()
"""The process-wide keeper shared by every recorder."""


class DeterministicIds:
    """A seeded source of UUIDs, and a reseeding of the global ``random`` generator."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._saved_state: Any = None

    def uuid4(self) -> uuid.UUID:
        """A version-4 UUID drawn from the seeded generator (same sequence in every run)."""
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def reseed(self, *, call: bool = False) -> None:
        """Reset the UUID sequence and seed the global ``random`` module (state saved first).

        The scenario's setup and its calls draw UUIDs from two sequences (``call=True`` for the
        calls), so an id made in setup never comes again inside ``golden.call``.
        """
        self._rng.seed(self.seed if call else f"{self.seed}/setup")
        if self._saved_state is None:
            self._saved_state = random.getstate()
        random.seed(self.seed)

    def restore(self) -> None:
        """Give the global ``random`` module back the state it had before :meth:`reseed`."""
        if self._saved_state is not None:
            random.setstate(self._saved_state)
            self._saved_state = None


_TEMP_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


class TemporaryNames:
    """Deterministic :mod:`tempfile` names: ``mkdtemp``, ``TemporaryDirectory``, ``mkstemp``,
    ``NamedTemporaryFile`` and the others create their files in a folder of the scenario's own,
    under names drawn from a seeded generator (the same in every run).

    The folder is new for each scenario, so a name never collides with a file left by another
    run or another worker, and tempfile never has to try a second name. tempfile draws each name
    with ``next()`` on the iterator its private ``_name_sequence`` holds; :meth:`install` puts
    this object there and points ``tempfile.tempdir`` at the folder, :meth:`uninstall` restores both.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._saved: tuple[str | None, Any] | None = None

    def __iter__(self) -> TemporaryNames:
        return self

    def __next__(self) -> str:
        return "".join(self._rng.choice(_TEMP_NAME_CHARACTERS) for _ in range(8))

    def reseed(self) -> None:
        """Start the sequence of names again."""
        self._rng.seed(self.seed)

    def install(self, folder: Path) -> None:
        """Make tempfile create its files in ``folder`` under the seeded names."""
        if self._saved is None:
            self._saved = (tempfile.tempdir, getattr(tempfile, "_name_sequence", None))
        tempfile.tempdir = str(folder)
        setattr(tempfile, "_name_sequence", self)  # noqa: B010 (a private name of tempfile)

    def uninstall(self) -> None:
        """Give tempfile back its folder and its own random names."""
        if self._saved is not None:
            tempfile.tempdir, names = self._saved
            setattr(tempfile, "_name_sequence", names)  # noqa: B010
            self._saved = None


_SCRATCH: list[Path] = []


def scratch_folder() -> Path:
    """An empty folder for one scenario's :mod:`tempfile` files (:func:`empty_scratch` empties
    it again when the scenario ends).

    One folder per process (so a name never collides with another process's files), created
    once and emptied for each scenario (creating and removing a folder per scenario costs
    milliseconds on a busy disk); removed when the process ends.
    """
    if _SCRATCH and _SCRATCH[0].is_dir():
        empty_scratch(_SCRATCH[0])
        return _SCRATCH[0]
    folder = Path(tempfile.mkdtemp(prefix="golden-tmp-"))
    _SCRATCH[:] = [folder]
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def empty_scratch(folder: Path) -> None:
    """Remove everything inside ``folder`` (a scenario's temporary files)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
