"""Syncing names to a storage (moved out of ``Storage``)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def sync_names(storage, names: list[str]) -> list[str]:
    present = set(storage.list_keys(storage.bucket))
    uploaded = []
    for name in names:
        if name in present:
            continue
        storage.upload(storage.bucket, name)
        uploaded.append(name)
    log.info("synced %d of %d", len(uploaded), len(names))
    return uploaded
