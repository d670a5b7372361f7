"""Module-level functions that call an HTTP API through ``urllib.request``."""
