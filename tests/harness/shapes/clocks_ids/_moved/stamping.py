"""Stamps an audit record with when, where and which process made it."""

from __future__ import annotations

from clocks_ids.stamps import ids, times


def stamp(record: dict[str, object]) -> dict[str, object]:
    return {**record, **ids(), **times()}
