"""Special-phase handlers moved out of AutonomousExecutor: one module per batched phase kind, over one
batching loop.

Each handler module's `execute(executor, *, phase, attempt_index, allowed_paths) -> (ok, status)` is
the handler body; the executor's `_execute_<name>_batched` methods delegate to it. The handlers sort
deliverables into prefix buckets (`buckets`); the loop is `batched_deliverables.run_batches`, told
by a `BatchLoop` how a phase kind differs, with its texts in `batch_wording`.
"""
