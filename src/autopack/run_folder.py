"""Where a run keeps its files: the runs folder at the top of the workspace.

A leaf with no imports, so that modules which only need the folder's name (the executor's
extracted seams, the workspace checks) do not import the database layer.
"""

from __future__ import annotations

RUNS_DIRNAME = ".autonomous_runs"
"""The folder, relative to the workspace, holding the run database, logs, CI reports and records."""
