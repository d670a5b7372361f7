"""autopack: an autonomous phase executor that runs a plan of phases against a git workspace."""

__all__ = ["__version__"]

__version__ = "0.1.0"
