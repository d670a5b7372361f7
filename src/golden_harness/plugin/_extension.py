"""The syrupy extension that stores one readable golden file per scenario under ``golden/<seam>/``.

It keeps syrupy's storage, comparison, ``--snapshot-update`` writing and report, and changes:

* location: ``<golden dir>/<seam>/<scenario>.golden.yaml`` (see ``format.golden_path``),
  the seam coming from the test module's ``GOLDEN_SEAM`` declaration;
* discovery: it reports no files to syrupy, so syrupy never marks a golden unused nor deletes
  one; the plugin accounts for orphaned goldens itself, and only on runs that select whole
  test modules (see :mod:`golden_harness.plugin._orphans`);
* data: the already rendered golden text is stored as is (text mode, UTF-8);
* writing: atomically (``format.write_atomic``): a write that cannot finish leaves the old golden
  byte-identical, and its :class:`~golden_harness.exceptions.FileWriteError` fails the scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from syrupy.data import SnapshotCollection, SnapshotCollections
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from syrupy.location import PyTestLocation

from golden_harness.format import (
    GOLDEN_SUFFIX,
    golden_path,
    read_text_file,
    scenario_name,
    scenario_stem,
    write_atomic,
)
from golden_harness.seams import seam_name_of_module

__all__ = ["GOLDEN_DIR_KEY", "GoldenExtension", "golden_location"]

GOLDEN_DIR_KEY = pytest.StashKey[Path]()


def golden_location(item: pytest.Item) -> Path:
    """The golden file of a test item (its module's seam folder, its scenario name)."""
    module = getattr(item, "module", None)
    if module is None:
        raise TypeError(f"{item.nodeid!r} is not a Python test function; it cannot hold a golden.")
    golden_dir = item.config.stash[GOLDEN_DIR_KEY]
    return golden_path(golden_dir, seam_name_of_module(module), scenario_name(item.nodeid))


class GoldenExtension(SingleFileSnapshotExtension):
    """Single-file syrupy extension for golden traces."""

    _write_mode = WriteMode.TEXT
    file_extension = GOLDEN_SUFFIX.lstrip(".")

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(golden_location(test_location.item).parent)

    @classmethod
    def discovery_dirname(cls, *, test_location: PyTestLocation) -> str:
        return cls.dirname(test_location=test_location)

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: Any = 0) -> str:
        return scenario_stem(scenario_name(test_location.nodeid))

    @classmethod
    def get_file_basename(cls, *, test_location: PyTestLocation, index: Any) -> str:
        return cls.get_snapshot_name(test_location=test_location, index=index)

    @classmethod
    def matches_test_location(
        cls, *, test_location: PyTestLocation, snapshot_location: str
    ) -> bool:
        return Path(snapshot_location) == golden_location(test_location.item)

    def discover_snapshots(
        self, *, test_location: PyTestLocation, ignore_extensions: list[str] | None = None
    ) -> SnapshotCollections:
        return SnapshotCollections()

    @classmethod
    def write_snapshot_collection(
        cls, *, snapshot_collection: SnapshotCollection, name_order: Any = None
    ) -> None:
        (snapshot,) = snapshot_collection
        if not isinstance(snapshot.data, str):
            raise TypeError(
                f"GoldenExtension stores rendered golden text, got {type(snapshot.data).__name__}"
            )
        write_atomic(snapshot_collection.location, snapshot.data)

    def read_snapshot_data_from_location(
        self, *, snapshot_location: str, snapshot_name: str, session_id: str
    ) -> str | None:
        """The golden's text as stored (see ``format.read_text_file``): a corrupt golden (bytes
        that are not UTF-8, CR LF line endings) differs from every trace, so an update rewrites
        it, and the comparison names its problem instead of raising ``UnicodeDecodeError``."""
        try:
            return read_text_file(Path(snapshot_location))
        except FileNotFoundError:
            return None

    def serialize(self, data: Any, **_: Any) -> str:
        if not isinstance(data, str):
            raise TypeError(
                f"GoldenExtension stores rendered golden text, got {type(data).__name__}"
            )
        return data
