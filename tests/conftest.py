"""Shared test configuration: enables pytest's ``pytester`` fixture (used by tests/harness)."""

pytest_plugins = ["pytester"]
