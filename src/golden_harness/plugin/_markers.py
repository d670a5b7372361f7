"""What the ``golden`` fixture and the plugin's hooks share: the stash keys, the marker settings."""

from __future__ import annotations

from typing import Any

import pytest

from golden_harness.recording import Recorder

__all__ = ["RECORDER_KEY", "SNAPSHOT_KEY", "marker_kwargs"]

RECORDER_KEY = pytest.StashKey[Recorder]()
SNAPSHOT_KEY = pytest.StashKey[Any]()

_MARKER_KEYWORDS = ("chdir", "freeze", "output", "seed", "strict")


def marker_kwargs(item: pytest.Item) -> dict[str, Any]:
    """The ``@pytest.mark.golden(...)`` settings of ``item``; unknown ones are a usage error."""
    marker = item.get_closest_marker("golden")
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.golden() takes keywords only, got positional "
            f"{marker.args!r}; write for example @pytest.mark.golden(freeze=...)."
        )
    unknown = sorted(set(marker.kwargs) - set(_MARKER_KEYWORDS))
    if unknown:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.golden() got unknown keyword(s) "
            f"{', '.join(repr(name) for name in unknown)}; known: {', '.join(_MARKER_KEYWORDS)}."
        )
    return dict(marker.kwargs)
