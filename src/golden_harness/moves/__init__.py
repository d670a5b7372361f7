"""Proving a move: git access, the syntax comparison, ``check-move`` and ``verify-move``.

Also the fixed string-hashing seed of every pytest run the ``golden`` command starts.
"""

from golden_harness.moves._check_move import CheckMoveResult, check_move, render_check_move
from golden_harness.moves._git import (
    blob_at,
    git,
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
from golden_harness.moves._move_ast import (
    aliases_of,
    delegate_of,
    functions_of,
    imports_of,
    wrapper_call,
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
from golden_harness.moves._verify_move import (
    DEFAULT_TESTS,
    VerifyMoveResult,
    compare_trace_dirs,
    render_verify_move,
    verify_move,
)

__all__ = [
    "DEFAULT_TESTS",
    "CheckMoveResult",
    "CommandExit",
    "VerifyMoveResult",
    "aliases_of",
    "blob_at",
    "check_move",
    "compare_trace_dirs",
    "delegate_of",
    "functions_of",
    "git",
    "hashing_is_fixed",
    "imports_of",
    "pytest_argv",
    "ran_the_tests",
    "render_check_move",
    "render_verify_move",
    "repository_root",
    "rerun_with_fixed_hashing",
    "resolve_revision",
    "run_git",
    "run_in_one_process",
    "run_pytest",
    "start_pytest",
    "stop_reason",
    "temporary_worktree",
    "verify_move",
    "with_fixed_hashing",
    "wrapper_call",
]
