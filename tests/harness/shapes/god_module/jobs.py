"""Job processing with module-level state."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_processed = 0
_last_job: str | None = None
_handlers: dict[str, str] = {"resize": "images", "email": "mail"}
_settings: dict[str, object] | None = None


def settings() -> dict[str, object]:
    global _settings
    if _settings is None:
        _settings = {"queue": "default", "max_attempts": 3}
    return _settings


def process(job: dict[str, str], queue) -> str:
    global _processed, _last_job
    handler = _handlers.get(job["kind"])
    if handler is None:
        _handlers[job["kind"]] = "fallback"
        handler = "fallback"
    _processed += 1
    _last_job = job["id"]
    queue.push(handler, job["id"], attempts=settings()["max_attempts"], sequence=_processed)
    log.info("job %s -> %s (#%d)", job["id"], handler, _processed)
    return handler
