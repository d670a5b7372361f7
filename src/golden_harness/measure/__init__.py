"""Measuring goldens: ``golden coverage`` (lines and branches per seam) and ``golden strength``.

The coverage run loads the pytest plugin ``golden_harness.measure._coverage_plugin`` (one
coverage context per test); strength runs the mutants of a seam's code against its goldens.
"""

from golden_harness.measure._apply import apply_mutant
from golden_harness.measure._mutants import mutants_in
from golden_harness.measure._seam_coverage import coverage_json, measure_coverage, render_coverage
from golden_harness.measure._strength import measure_strength, render_strength

__all__ = [
    "apply_mutant",
    "coverage_json",
    "measure_coverage",
    "measure_strength",
    "mutants_in",
    "render_coverage",
    "render_strength",
]
