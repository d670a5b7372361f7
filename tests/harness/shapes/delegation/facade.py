"""A storage facade: its own ``sync``, everything else delegated to the backend."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class Storage:
    def __init__(self, backend, *, bucket: str) -> None:
        self._backend = backend
        self.bucket = bucket

    def __getattr__(self, name: str):
        return getattr(self._backend, name)

    def sync(self, names: list[str]) -> list[str]:
        present = set(self.list_keys(self.bucket))
        uploaded = []
        for name in names:
            if name in present:
                continue
            self.upload(self.bucket, name)
            uploaded.append(name)
        log.info("synced %d of %d", len(uploaded), len(names))
        return uploaded
