"""Recording: the recorder, the fakes it hands out, and every effect it captures into a trace.

Fakes, identity patching, isolated instances, harvesting scenarios from a real run and replaying
them, frozen time, logs, workspace changes, scripted
subprocesses and argument mutations. Depends on :mod:`golden_harness.format` only.
"""

from golden_harness.recording._clock import DEFAULT_INSTANT, FreezeKeeper, freeze_keeper
from golden_harness.recording._fakes import CallSink, Fake, fake_path
from golden_harness.recording._harvest import Harvester, HarvestReport, HarvestSeam, SeamHarvest
from golden_harness.recording._isolate import isolate_instance
from golden_harness.recording._mutation import argument_names, plain_changes
from golden_harness.recording._recorder import Recorder
from golden_harness.recording._replay import harvested_test, replay
from golden_harness.recording._subprocesses import popen_keeper

__all__ = [
    "DEFAULT_INSTANT",
    "CallSink",
    "Fake",
    "FreezeKeeper",
    "HarvestReport",
    "HarvestSeam",
    "Harvester",
    "Recorder",
    "SeamHarvest",
    "argument_names",
    "fake_path",
    "freeze_keeper",
    "harvested_test",
    "isolate_instance",
    "plain_changes",
    "popen_keeper",
    "replay",
]
