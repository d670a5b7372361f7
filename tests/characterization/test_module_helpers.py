"""Characterization of the module-level helpers that moved out of `autonomous_executor` with their seams.

`gitignore_literal` (in `autopack.workspace_state`) escapes a path for a gitignore-style pattern (the run-checkpoint rollback uses
it to keep the untracked files that existed at the start): `\\`, `*`, `?`, `[`, `]`, `!` and `#` get
a backslash, and a trailing space is escaped (only the last one). `_decode_output` gives the text of
a stream captured before a subprocess timeout (the CI runner uses it): None is empty, bytes are
decoded as UTF-8 with replacement characters, text is kept.
"""

from __future__ import annotations

import pytest

from autopack.executor.ci_runner import _decode_output
from autopack.workspace_state import gitignore_literal
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "module_helpers",
    covers=[
        "autopack.workspace_state:gitignore_literal",
        "autopack.executor.ci_runner:_decode_output",
    ],
)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("src/app.py", id="plain"),
        pytest.param("notes/draft one.md", id="inner_space"),
        pytest.param("notes/draft ", id="trailing_space"),
        pytest.param("notes/draft  ", id="two_trailing_spaces"),
        pytest.param("data/*.csv?[0-9]!#1", id="pattern_characters"),
        pytest.param("a\\b", id="backslash"),
        pytest.param("#notes/!important", id="leading_hash_and_bang"),
        pytest.param("", id="empty"),
    ],
)
def test_gitignore_literal(golden: Recorder, path: str) -> None:
    golden.call(gitignore_literal, path)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(None, id="none"),
        pytest.param(b"3 passed\n", id="bytes"),
        pytest.param("caf\u00e9 1 failed\n".encode(), id="utf8_bytes"),
        pytest.param(b"bad \xff\xfe byte\n", id="invalid_utf8_bytes"),
        pytest.param(b"", id="empty_bytes"),
        pytest.param("already text\n", id="text"),
        pytest.param("", id="empty_text"),
    ],
)
def test_decode_output(golden: Recorder, data: bytes | str | None) -> None:
    golden.call(_decode_output, data)
