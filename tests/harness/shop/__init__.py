"""A small synthetic shop whose ``OrderProcessor`` plays the god class in golden_harness's tests.

``processor`` is the original; ``processor_moved`` + ``shipping`` is the same behaviour after a
move to a module function behind a thin wrapper; ``altered`` holds deliberately changed copies.
"""
