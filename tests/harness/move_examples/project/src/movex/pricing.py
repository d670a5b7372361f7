"""Prices, and a retrying decorator."""

import functools


def compute_total(items):
    return round(sum(item["price"] * item["qty"] for item in items), 2)


def retry(times):
    """Call the decorated function up to `times` times while it raises ConnectionError."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            for attempt in range(times):
                try:
                    return function(*args, **kwargs)
                except ConnectionError:
                    if attempt == times - 1:
                        raise
            return None

        return wrapper

    return decorate
