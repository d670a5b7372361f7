"""A module that keeps its state in globals: counters, a registry, a lazily built setting."""
