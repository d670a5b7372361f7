"""Cached lookups and generators: ``lru_cache``, ``cached_property``, ``yield``."""
