"""The run's redaction of secrets: one `golden_harness.redaction.Redactor` per run, applied by
everything that writes or prints what a run saw.

The rules are the harness's (`docs/harness.md`, "Secrets"); autopack keeps no list of its own. A
run makes its Redactor once, from the environment it runs in (the one its CI commands inherit),
with `redacting_run()`: the `autopack` command for the whole command, `AutonomousExecutor.run()`
for a run started without it. The places that write then ask for it with `run_redactor()`:

- CI output, as it is read (`executor/ci_runner.py`), so the log, the result passed to the
  Auditor, the Doctor, diagnostics and hints, and the Builder's later prompts hold it redacted;
- every run file (`run_files.write_run_text` / `append_run_text` / `write_run_json`);
- every database row, before each flush (`db/row_redaction.py`);
- what the `autopack` command prints and logs (`RedactingFormatter`, and `cli.py`'s output).

Outside a run, `run_redactor()` makes a Redactor from the current environment on each call, so
nothing is ever written unredacted; a run's one Redactor only saves compiling it again.

Importing this module loads `golden_harness.redaction` alone, which imports the standard library
only: `autopack run` needs none of the harness's dependencies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from golden_harness.redaction import Redactor

__all__ = [
    "RedactingFormatter",
    "redact_data",
    "redact_text",
    "redacting_run",
    "run_redactor",
]

_ACTIVE: ContextVar[Redactor | None] = ContextVar("autopack_run_redactor", default=None)


def run_redactor() -> Redactor:
    """The Redactor of the run in progress; outside a run, one made from `os.environ` now."""
    active = _ACTIVE.get()
    return active if active is not None else Redactor()


@contextmanager
def redacting_run(environ: Mapping[str, str] | None = None) -> Iterator[Redactor]:
    """Make the run's Redactor (from `environ`, default `os.environ`) and make it the one
    `run_redactor()` returns while the block runs.

    Inside another `redacting_run` block the Redactor already made is kept and `environ` is not
    read: a run has one Redactor, made where the run begins.
    """
    active = _ACTIVE.get()
    if active is not None:
        yield active
        return
    redactor = Redactor(environ)
    token = _ACTIVE.set(redactor)
    try:
        yield redactor
    finally:
        _ACTIVE.reset(token)


def redact_text(text: str) -> str:
    """`text` with every secret replaced by `<redacted>` (the run's Redactor)."""
    return run_redactor().text(text)


def redact_data(value: Any, *, default: Callable[[Any], Any] | None = None) -> Any:
    """JSON data redacted: `value` as `json.dumps(value, default=default)` would write it (so an
    object JSON cannot hold raises TypeError, or is converted by `default`), then every string and
    every value under a secret-named key redacted, so that a secret JSON would escape (a quote, a
    backslash, a non-ASCII character) is found as well."""
    plain = json.loads(json.dumps(value, default=default))
    return run_redactor().value(plain)


class RedactingFormatter(logging.Formatter):
    """A log formatter whose every line (message, arguments and traceback) is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))
