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
        _settings = _default_settings()
    return _settings


def _default_settings() -> dict[str, object]:
    return {"queue": "default", "max_attempts": 3}


def process(job: dict[str, str], queue) -> str:
    global _processed, _last_job
    handler = _handler_for(job["kind"])
    _processed += 1
    _last_job = job["id"]
    queue.push(handler, job["id"], attempts=settings()["max_attempts"], sequence=_processed)
    log.info("job %s -> %s (#%d)", job["id"], handler, _processed)
    return handler


def _handler_for(kind: str) -> str:
    handler = _handlers.get(kind)
    if handler is None:
        _handlers[kind] = "fallback"
        handler = "fallback"
    return handler
