"""golden_harness: record every seam's calls and outputs into readable golden traces.

A pytest plugin (the ``golden`` fixture) and a library (:class:`Recorder`) that run a piece of
code against fakes, record an ordered trace of everything observable, and compare it with a
committed golden file, so that moving code can be shown to change nothing.
"""

from golden_harness.exceptions import (
    GoldenFormatError,
    GoldenHarnessError,
    GoldenMismatchError,
    GoldenMissingError,
    ReviewError,
    ScriptError,
    ScriptExhaustedError,
    SeamDeclarationError,
    SeamResolutionError,
    SeamRootsError,
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
    is_secret_name,
    load_trace,
    normalize_timestamps,
    register_normalizer,
    register_serializer,
)
from golden_harness.recording import Fake, Recorder
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
    "GoldenFormatError",
    "GoldenHarnessError",
    "GoldenMismatchError",
    "GoldenMissingError",
    "Recorder",
    "ResolvedSeam",
    "ReviewError",
    "ScriptError",
    "ScriptExhaustedError",
    "Seam",
    "SeamDeclaration",
    "SeamDeclarationError",
    "SeamResolutionError",
    "SeamRootsError",
    "Tagged",
    "Trace",
    "UnscriptedCallError",
    "UnscriptedSubprocessError",
    "UnserializableValueError",
    "UnsetAttributeError",
    "discover_seams",
    "dump_trace",
    "is_secret_name",
    "load_trace",
    "normalize_timestamps",
    "register_normalizer",
    "register_serializer",
    "resolve_code",
    "resolve_seams",
]
