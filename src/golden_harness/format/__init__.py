"""The golden format: values to plain data, normalizers, the v1 YAML document, file names, traces.

Also the event diff every tool lists differences with (alignment of two traces, then one line
per difference). This sub-package imports nothing else of golden_harness but its exceptions.
"""

from golden_harness.format._alignment import align_events
from golden_harness.format._atomic import write_atomic
from golden_harness.format._diffing import REVISION_SIDES, Sides, compact, diff_events, event_title
from golden_harness.format._golden_format import (
    FORMAT_VERSION,
    HEADER,
    dump_trace,
    dump_value,
    load_trace,
    read_text_file,
)
from golden_harness.format._naming import (
    GOLDEN_SUFFIX,
    golden_path,
    outside_root,
    relative_path,
    scenario_name,
    scenario_stem,
    seam_folder,
)
from golden_harness.format._normalize import (
    REDACTED,
    Normalizer,
    TextNormalizer,
    is_secret_name,
    normalize_timestamps,
    register_normalizer,
)
from golden_harness.format._scenario_format import (
    SCENARIO_HEADER,
    SCENARIO_SUFFIX,
    ScenarioCodec,
    dump_scenario,
    load_scenario,
    register_harvest_type,
    resolve_type,
    type_path,
)
from golden_harness.format._serialize import (
    ISOLATED_MARKER,
    Tagged,
    ValueSerializer,
    isolated_name,
    register_serializer,
    slot_fields,
    type_tag,
)
from golden_harness.format._trace import Trace, event_kind

__all__ = [
    "FORMAT_VERSION",
    "GOLDEN_SUFFIX",
    "HEADER",
    "ISOLATED_MARKER",
    "REDACTED",
    "REVISION_SIDES",
    "SCENARIO_HEADER",
    "SCENARIO_SUFFIX",
    "Normalizer",
    "ScenarioCodec",
    "Sides",
    "Tagged",
    "TextNormalizer",
    "Trace",
    "ValueSerializer",
    "align_events",
    "compact",
    "diff_events",
    "dump_scenario",
    "dump_trace",
    "dump_value",
    "event_kind",
    "event_title",
    "golden_path",
    "is_secret_name",
    "isolated_name",
    "load_scenario",
    "load_trace",
    "normalize_timestamps",
    "outside_root",
    "read_text_file",
    "register_harvest_type",
    "register_normalizer",
    "register_serializer",
    "relative_path",
    "resolve_type",
    "scenario_name",
    "scenario_stem",
    "seam_folder",
    "slot_fields",
    "type_path",
    "type_tag",
    "write_atomic",
]
