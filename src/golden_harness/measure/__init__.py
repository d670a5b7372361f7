"""Measuring goldens: ``golden coverage`` (lines and branches per seam) and ``golden strength``.

The coverage run loads the pytest plugin ``golden_harness.measure._coverage_plugin`` (one
coverage context per test); strength runs the mutants of a seam's code against its goldens, in
forks of one pytest session, and can spread them over machines (shards) and merge them.
"""

from golden_harness.measure._apply import apply_mutant
from golden_harness.measure._commit_strength import strength_of_commit
from golden_harness.measure._mutants import mutants_in
from golden_harness.measure._seam_coverage import coverage_json, measure_coverage, render_coverage
from golden_harness.measure._shards import merge_runs, parse_shard, read_run, run_json
from golden_harness.measure._strength import (
    MutantResult,
    SeamStrength,
    StrengthRun,
    measure_strength,
)
from golden_harness.measure._strength_report import render_strength, strength_summary

__all__ = [
    "MutantResult",
    "SeamStrength",
    "StrengthRun",
    "apply_mutant",
    "coverage_json",
    "measure_coverage",
    "measure_strength",
    "merge_runs",
    "mutants_in",
    "parse_shard",
    "read_run",
    "render_coverage",
    "render_strength",
    "run_json",
    "strength_of_commit",
    "strength_summary",
]
