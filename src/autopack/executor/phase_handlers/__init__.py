"""Special-phase handlers moved out of AutonomousExecutor: one module per batched phase kind.

Each module's `execute(executor, *, phase, attempt_index, allowed_paths) -> (ok, status)` is the
handler body; the executor's `_execute_<name>_batched` methods delegate to it.
"""
