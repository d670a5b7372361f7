"""Recording: the recorder, the fakes it hands out, and every effect it captures into a trace.

Fakes, identity patching, isolated instances, frozen time, logs, workspace changes, scripted
subprocesses and argument mutations. Depends on :mod:`golden_harness.format` only.
"""

from golden_harness.recording._clock import DEFAULT_INSTANT, FreezeKeeper, freeze_keeper
from golden_harness.recording._fakes import CallSink, Fake, fake_path
from golden_harness.recording._isolate import isolate_instance
from golden_harness.recording._mutation import argument_names, plain_changes
from golden_harness.recording._recorder import Recorder
from golden_harness.recording._subprocesses import popen_keeper

__all__ = [
    "DEFAULT_INSTANT",
    "CallSink",
    "Fake",
    "FreezeKeeper",
    "Recorder",
    "argument_names",
    "fake_path",
    "freeze_keeper",
    "isolate_instance",
    "plain_changes",
    "popen_keeper",
]
