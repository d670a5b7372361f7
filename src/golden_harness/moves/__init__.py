"""Proving a move: git access, the syntax comparison, ``check-move`` and ``verify-move``.

Also the fixed string-hashing seed of every pytest run the ``golden`` command starts.
"""

from golden_harness.moves._check_move import check_move
from golden_harness.moves._git import (
    blob_at,
    git,
    remove_stale_worktrees,
    repository_root,
    resolve_revision,
    run_git,
    temporary_worktree,
)
from golden_harness.moves._hash_seed import (
    hashing_is_fixed,
    rerun_with_fixed_hashing,
    with_fixed_hashing,
)
from golden_harness.moves._interrupts import (
    CommandInterrupted,
    interruptible,
    process_is_gone,
    stop_process,
)
from golden_harness.moves._move_ast import aliases_of, functions_of, imports_of
from golden_harness.moves._move_result import (
    AliasReport,
    CheckMoveResult,
    ClassVerdict,
    Definition,
    MoveVerdict,
    Removed,
    UndefinedName,
    ValueVerdict,
    WrapperReport,
)
from golden_harness.moves._pytest_run import (
    CommandExit,
    pytest_argv,
    ran_the_tests,
    run_in_one_process,
    run_pytest,
    start_pytest,
    stop_reason,
)
from golden_harness.moves._render_check_move import render_check_move
from golden_harness.moves._sources import parse_source
from golden_harness.moves._verify_move import (
    DEFAULT_TESTS,
    VerifyMoveResult,
    compare_trace_dirs,
    render_verify_move,
    verify_move,
)
from golden_harness.moves._wrappers import delegate_of, wrapper_call

__all__ = [
    "DEFAULT_TESTS",
    "AliasReport",
    "CheckMoveResult",
    "ClassVerdict",
    "CommandExit",
    "CommandInterrupted",
    "Definition",
    "MoveVerdict",
    "Removed",
    "UndefinedName",
    "ValueVerdict",
    "VerifyMoveResult",
    "WrapperReport",
    "aliases_of",
    "blob_at",
    "check_move",
    "compare_trace_dirs",
    "delegate_of",
    "functions_of",
    "git",
    "hashing_is_fixed",
    "imports_of",
    "interruptible",
    "parse_source",
    "process_is_gone",
    "pytest_argv",
    "ran_the_tests",
    "remove_stale_worktrees",
    "render_check_move",
    "render_verify_move",
    "repository_root",
    "rerun_with_fixed_hashing",
    "resolve_revision",
    "run_git",
    "run_in_one_process",
    "run_pytest",
    "start_pytest",
    "stop_process",
    "stop_reason",
    "temporary_worktree",
    "verify_move",
    "with_fixed_hashing",
    "wrapper_call",
]
