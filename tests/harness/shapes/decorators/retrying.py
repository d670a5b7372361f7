"""Decorators of the inventory sync."""

from __future__ import annotations

import functools
import logging
import time

log = logging.getLogger(__name__)


def retry(times: int, backoff: float):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(1, times + 1):
                try:
                    return fn(*args, **kwargs)
                except ConnectionError as error:
                    if attempt == times:
                        raise
                    log.warning("attempt %d of %s failed: %s", attempt, fn.__name__, error)
                    time.sleep(backoff * attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            log.info("%s took %.3f s", fn.__name__, time.perf_counter() - started)

    return wrapper
