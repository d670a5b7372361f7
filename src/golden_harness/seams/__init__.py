"""Seam declarations and their resolution: which golden folder a test module fills and the code
it covers (``GOLDEN_SEAM = Seam(...)``), found without importing the modules."""

from golden_harness.seams._seams import (
    CodeLocation,
    ResolvedSeam,
    Seam,
    SeamDeclaration,
    covered_modules,
    discover_seams,
    followed_note,
    resolve_code,
    resolve_seams,
    seam_name_of_module,
    static_seam_name,
)

__all__ = [
    "CodeLocation",
    "ResolvedSeam",
    "Seam",
    "SeamDeclaration",
    "covered_modules",
    "discover_seams",
    "followed_note",
    "resolve_code",
    "resolve_seams",
    "seam_name_of_module",
    "static_seam_name",
]
