"""golden_harness: record every seam's calls and outputs into readable golden traces.

A pytest plugin (the ``golden`` fixture) and a library (:class:`Recorder`) that run a piece of
code against fakes, record an ordered trace of everything observable, and compare it with a
committed golden file, so that moving code can be shown to change nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from golden_harness.exceptions import (
        FileWriteError,
        GoldenFormatError,
        GoldenHarnessError,
        GoldenMismatchError,
        GoldenMissingError,
        HarvestValueError,
        MergedKeysError,
        MoveRefusedError,
        OutsideRootError,
        ReplayMismatchError,
        ReviewError,
        ScenarioFormatError,
        ScriptError,
        ScriptExhaustedError,
        SeamDeclarationError,
        SeamResolutionError,
        SeamRootsError,
        SourceError,
        UnscriptedCallError,
        UnscriptedSubprocessError,
        UnserializableValueError,
        UnsetAttributeError,
    )
    from golden_harness.format import (
        FORMAT_VERSION,
        Tagged,
        Trace,
        dump_trace,
        load_trace,
        normalize_timestamps,
        register_harvest_type,
        register_normalizer,
        register_serializer,
    )
    from golden_harness.recording import (
        Fake,
        Harvester,
        HarvestReport,
        HarvestSeam,
        Recorder,
        SeamHarvest,
        harvested_test,
        replay,
    )
    from golden_harness.redaction import is_secret_name
    from golden_harness.seams import (
        CodeLocation,
        ResolvedSeam,
        Seam,
        SeamDeclaration,
        discover_seams,
        resolve_code,
        resolve_seams,
    )

__all__ = [
    "FORMAT_VERSION",
    "CodeLocation",
    "Fake",
    "FileWriteError",
    "GoldenFormatError",
    "GoldenHarnessError",
    "GoldenMismatchError",
    "GoldenMissingError",
    "HarvestReport",
    "HarvestSeam",
    "HarvestValueError",
    "Harvester",
    "MergedKeysError",
    "MoveRefusedError",
    "OutsideRootError",
    "Recorder",
    "ReplayMismatchError",
    "ResolvedSeam",
    "ReviewError",
    "ScenarioFormatError",
    "ScriptError",
    "ScriptExhaustedError",
    "Seam",
    "SeamDeclaration",
    "SeamDeclarationError",
    "SeamHarvest",
    "SeamResolutionError",
    "SeamRootsError",
    "SourceError",
    "Tagged",
    "Trace",
    "UnscriptedCallError",
    "UnscriptedSubprocessError",
    "UnserializableValueError",
    "UnsetAttributeError",
    "discover_seams",
    "dump_trace",
    "harvested_test",
    "is_secret_name",
    "load_trace",
    "normalize_timestamps",
    "register_harvest_type",
    "register_normalizer",
    "register_serializer",
    "replay",
    "resolve_code",
    "resolve_seams",
]

# Where each public name lives. Importing the package imports none of them: the first use of a
# name imports its module, so ``import golden_harness.redaction`` loads neither pytest nor the
# libraries the recorder is built on.
_HOMES: dict[str, str] = {
    "FORMAT_VERSION": "golden_harness.format",
    "CodeLocation": "golden_harness.seams",
    "Fake": "golden_harness.recording",
    "FileWriteError": "golden_harness.exceptions",
    "GoldenFormatError": "golden_harness.exceptions",
    "GoldenHarnessError": "golden_harness.exceptions",
    "GoldenMismatchError": "golden_harness.exceptions",
    "GoldenMissingError": "golden_harness.exceptions",
    "HarvestReport": "golden_harness.recording",
    "HarvestSeam": "golden_harness.recording",
    "HarvestValueError": "golden_harness.exceptions",
    "Harvester": "golden_harness.recording",
    "MergedKeysError": "golden_harness.exceptions",
    "MoveRefusedError": "golden_harness.exceptions",
    "OutsideRootError": "golden_harness.exceptions",
    "Recorder": "golden_harness.recording",
    "ReplayMismatchError": "golden_harness.exceptions",
    "ResolvedSeam": "golden_harness.seams",
    "ReviewError": "golden_harness.exceptions",
    "ScenarioFormatError": "golden_harness.exceptions",
    "ScriptError": "golden_harness.exceptions",
    "ScriptExhaustedError": "golden_harness.exceptions",
    "Seam": "golden_harness.seams",
    "SeamDeclaration": "golden_harness.seams",
    "SeamDeclarationError": "golden_harness.exceptions",
    "SeamHarvest": "golden_harness.recording",
    "SeamResolutionError": "golden_harness.exceptions",
    "SeamRootsError": "golden_harness.exceptions",
    "SourceError": "golden_harness.exceptions",
    "Tagged": "golden_harness.format",
    "Trace": "golden_harness.format",
    "UnscriptedCallError": "golden_harness.exceptions",
    "UnscriptedSubprocessError": "golden_harness.exceptions",
    "UnserializableValueError": "golden_harness.exceptions",
    "UnsetAttributeError": "golden_harness.exceptions",
    "discover_seams": "golden_harness.seams",
    "dump_trace": "golden_harness.format",
    "harvested_test": "golden_harness.recording",
    "is_secret_name": "golden_harness.redaction",
    "load_trace": "golden_harness.format",
    "normalize_timestamps": "golden_harness.format",
    "register_harvest_type": "golden_harness.format",
    "register_normalizer": "golden_harness.format",
    "register_serializer": "golden_harness.format",
    "replay": "golden_harness.recording",
    "resolve_code": "golden_harness.seams",
    "resolve_seams": "golden_harness.seams",
}
_SUB_PACKAGES = frozenset(
    {
        "cli",
        "exceptions",
        "format",
        "measure",
        "moves",
        "plugin",
        "recording",
        "redaction",
        "relocate",
        "review",
        "seams",
    }
)


def __getattr__(name: str) -> Any:
    """Import a public name (or a sub-module) on first use, then keep it in the namespace."""
    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home), name)
    elif name in _SUB_PACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
