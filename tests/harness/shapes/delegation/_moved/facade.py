"""A storage facade: its own ``sync``, everything else delegated to the backend."""

from __future__ import annotations

from delegation.syncing import sync_names


class Storage:
    def __init__(self, backend, *, bucket: str) -> None:
        self._backend = backend
        self.bucket = bucket

    def __getattr__(self, name: str):
        return getattr(self._backend, name)

    def sync(self, names: list[str]) -> list[str]:
        return sync_names(self, names)
