"""pytest wiring of golden_harness: options, the hooks, the CI guard and orphans.

Registered through the ``pytest11`` entry point. The library itself lives in the other
sub-packages; this package only connects it to pytest's hooks. The ``golden`` fixture is in
:mod:`golden_harness.plugin.fixtures`, imported here so that pytest registers it with the hooks.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any

import ci_info
import pytest

from golden_harness.exceptions import (
    FileWriteError,
    GoldenFormatError,
    GoldenHarnessError,
    OutsideRootError,
)
from golden_harness.format import outside_root, relative_path
from golden_harness.plugin._extension import GOLDEN_DIR_KEY, golden_location
from golden_harness.plugin._hash_check import HashCheck, add_options
from golden_harness.plugin._markers import RECORDER_KEY, SNAPSHOT_KEY, marker_kwargs
from golden_harness.plugin._orphans import OrphanScope, find_orphans, orphan_scope
from golden_harness.plugin._verify import check_scenario
from golden_harness.plugin.fixtures import golden
from golden_harness.recording import DEFAULT_INSTANT, freeze_keeper, popen_keeper
from golden_harness.seams import seam_name_of_module

__all__ = [
    "ci_reason",
    "golden",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_configure",
    "pytest_itemcollected",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
]

STATE_KEY = pytest.StashKey["RunState"]()
RESULTS_CACHE_KEY = "golden_harness/results"
_CI_FALSE = frozenset({"", "0", "false", "no", "off"})
_ORPHAN_POLICIES = ("fail", "warn", "ignore")


class RunState:
    """What one pytest process learns about goldens during the session."""

    def __init__(self, scope: OrphanScope | None) -> None:
        self.scope = scope
        self.results: dict[str, dict[str, str]] = {}
        self.orphans: list[Path] = []
        self.deleted: list[Path] = []
        self.refused: list[str] = []


def release_kept_patches() -> None:
    """Stop the freeze and the ``Popen`` patch that consecutive scenarios share."""
    freeze_keeper.release()
    popen_keeper.release()


def ci_reason(environ: Mapping[str, str] | None = None) -> str | None:
    """Why ``environ`` (default: ``os.environ``) looks like a CI run, or None on a developer machine.

    ``CI`` set to anything but empty, ``0``, ``false``, ``no`` or ``off`` (case-insensitive) is a
    CI run. Without it, ci-info recognizes the CI systems that do not set ``CI`` by their own
    variables (``GITHUB_ACTIONS``, ``GITLAB_CI``, ``BUILDKITE``, ``JENKINS_URL`` with
    ``BUILD_ID``, ``TF_BUILD``...). ``CI`` set to one of the false values is an explicit
    "not CI" and wins over those variables.
    """
    env = os.environ if environ is None else environ
    value = env.get("CI", "")
    if value.strip():
        return None if value.strip().lower() in _CI_FALSE else f"CI={value!r} is set"
    vendor = ci_info.name(env)
    if vendor is None:
        return None
    return f"{vendor} is detected ({_vendor_variables(vendor)} set)"


def _vendor_variables(vendor: str) -> str:
    """The environment variables by which ci-info recognizes ``vendor``, for the message."""
    spec = next((v.get("env") for v in ci_info.vendors if v.get("name") == vendor), None)
    if isinstance(spec, str):
        return spec
    if isinstance(spec, list):
        return " and ".join(spec)
    if isinstance(spec, dict):
        if "any" in spec:
            return " or ".join(spec["any"])
        if "env" in spec:
            return str(spec["env"])
        return ", ".join(f"{name}={value!r}" for name, value in spec.items())
    return "its environment variables"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("golden_harness", "golden traces (golden_harness)")
    group.addoption(
        "--golden-dir",
        dest="golden_dir",
        default=None,
        help="Folder holding the goldens (default: ini golden_dir, else 'golden' at the rootdir).",
    )
    group.addoption(
        "--golden-trace-dir",
        dest="golden_trace_dir",
        default=None,
        help="Write each scenario's trace to DIR/<seam>/<scenario>.golden.yaml instead of comparing it; goldens are neither read nor written.",
    )
    group.addoption(
        "--golden-orphans",
        dest="golden_orphans",
        default=None,
        choices=_ORPHAN_POLICIES,
        help="What a run over whole test modules does with goldens no scenario writes: fail (default), warn, or ignore.",
    )
    parser.addini(
        "golden_dir", "Folder holding the goldens, relative to the rootdir.", default="golden"
    )
    parser.addini(
        "golden_freeze",
        "Instant every scenario's clock is frozen at ('none' to not freeze).",
        default=DEFAULT_INSTANT,
    )
    parser.addini(
        "golden_seed", "Seed of the deterministic uuid4 and random in scenarios.", default="0"
    )
    parser.addini("golden_log_level", "Lowest log level recorded in traces.", default="INFO")
    parser.addini("golden_orphans", "Default of --golden-orphans.", default="fail")
    parser.addini(
        "golden_ignore_files",
        "Globs of workspace files left out of file events (a file name, or a path with /).",
        type="linelist",
        default=[],
    )
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "golden(freeze=..., seed=..., strict=..., chdir=..., output=...): per-scenario recorder settings; freeze=None runs without frozen time, chdir=False keeps the current directory instead of the workspace, output=False does not record what the seam prints.",
    )
    updating = getattr(config.option, "update_snapshots", False) or getattr(
        config.option, "update_new_snapshots_only", False
    )
    reason = ci_reason() if updating else None
    if reason is not None:
        raise pytest.UsageError(
            f"golden_harness refuses --snapshot-update because {reason}: goldens are captured "
            f"on a developer machine and committed, CI only verifies them. Run "
            f"`pytest --snapshot-update <tests>` locally (without CI set), review the change "
            f"with `golden diff`, and commit it."
        )
    raw_dir = config.option.golden_dir or config.getini("golden_dir")
    config.stash[GOLDEN_DIR_KEY] = (config.rootpath / raw_dir).resolve()
    policy = config.option.golden_orphans or config.getini("golden_orphans")
    if policy not in _ORPHAN_POLICIES:
        raise pytest.UsageError(f"golden_orphans = {policy!r} is not one of {_ORPHAN_POLICIES}.")
    config.stash[STATE_KEY] = RunState(orphan_scope(config))
    config.pluginmanager.register(HashCheck(config.stash[STATE_KEY].results), "golden_hash_check")


def _trace_dir(config: pytest.Config) -> Path | None:
    raw = config.option.golden_trace_dir
    # Relative to where pytest was started: scenarios run inside their workspace.
    return (config.invocation_params.dir / raw).resolve() if raw else None


def pytest_itemcollected(item: pytest.Item) -> None:
    marker_kwargs(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    recorder = item.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return (yield)
    state = item.config.stash[STATE_KEY]
    golden_file = golden_location(item)
    seam = seam_name_of_module(item.module)  # type: ignore[attr-defined]
    entry = {
        "seam": seam,
        "golden": relative_path(golden_file, item.config.rootpath),
        "status": "error",
    }
    state.results[item.nodeid] = entry
    __tracebackhide__ = True
    try:
        result = yield
    except GoldenHarnessError as error:
        # The recorder's first harness error, raised by golden.call: checking the scenario
        # raises it again, or the mismatch it stands for (a call the golden never made).
        if not recorder.errors or error is not recorder.errors[0]:
            raise
        result = None
    try:
        entry["status"] = check_scenario(
            recorder=recorder,
            snapshot=item.stash[SNAPSHOT_KEY],
            nodeid=item.nodeid,
            seam=seam,
            golden_file=golden_file,
            root=item.config.rootpath,
            update=bool(item.config.option.update_snapshots),
            write_missing=bool(getattr(item.config.option, "update_new_snapshots_only", False)),
            trace_dir=_trace_dir(item.config),
        )
    except GoldenHarnessError as error:
        entry["status"] = type(error).__name__
        raise
    finally:
        recorder._close("at the end of the test body; fixture teardown comes after")
    return result


# Errors about a golden file, not about the code under test: the message names the file, the line
# or the cause, and the fix; the harness's own frames would only bury it.
_FILE_ERRORS = (GoldenFormatError, FileWriteError, OutsideRootError)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, _FILE_ERRORS):
        report.longrepr = f"{type(excinfo.value).__name__}: {excinfo.value}"
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        if nextitem is None or "golden" not in getattr(nextitem, "fixturenames", ()):
            release_kept_patches()


def pytest_collection_finish(session: pytest.Session) -> None:
    state = session.config.stash[STATE_KEY]
    if state.scope is None:
        return
    for item in session.items:
        if "golden" in getattr(item, "fixturenames", ()) and getattr(item, "module", None):
            location = golden_location(item)
            state.scope.merge(
                [seam_name_of_module(item.module)],  # type: ignore[attr-defined]
                [os.path.realpath(location)],  # orphans are judged by real paths
                [str(Path(item.module.__file__).resolve())],  # type: ignore[attr-defined]
            )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", None) or {}
    payload = output.get("golden_harness")
    if payload is None:
        return
    state = node.config.stash[STATE_KEY]
    state.results.update(payload["results"])
    if state.scope is not None:
        state.scope.merge(payload["seams"], payload["expected"], payload["modules"])


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash[STATE_KEY]
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        scope = state.scope or OrphanScope(False)
        workeroutput["golden_harness"] = {
            "results": state.results,
            "seams": sorted(scope.seams),
            "expected": sorted(scope.expected),
            "modules": sorted(scope.modules),
        }
        return
    release_kept_patches()
    _save_results(config, state)
    policy = config.option.golden_orphans or config.getini("golden_orphans")
    if state.scope is None or policy == "ignore" or _trace_dir(config) is not None:
        return
    state.orphans = find_orphans(config.stash[GOLDEN_DIR_KEY], state.scope, _test_roots(config))
    if state.orphans and config.option.update_snapshots:
        kept = []
        for path in state.orphans:
            escape = outside_root(path, config.rootpath)
            if escape is None:
                path.unlink()
                state.deleted.append(path)
            else:
                state.refused.append(str(OutsideRootError("delete an orphaned golden", escape)))
                kept.append(path)
        state.orphans = kept
    if state.orphans and policy == "fail" and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _test_roots(config: pytest.Config) -> list[Path]:
    testpaths = config.getini("testpaths")
    roots = [config.rootpath / p for p in testpaths] if testpaths else [config.rootpath]
    return [root for root in roots if root.is_dir()]


def _save_results(config: pytest.Config, state: RunState) -> None:
    cache = getattr(config, "cache", None)
    if cache is None or not state.results:
        return
    stored = cache.get(RESULTS_CACHE_KEY, {}) or {}
    # Earlier runs' entries stay (a partial run reports on its own tests only), except those whose
    # golden is gone: a deleted or renamed scenario must not linger in `golden report`.
    root = config.rootpath
    scenarios = {
        nodeid: entry
        for nodeid, entry in stored.get("scenarios", {}).items()
        if (root / entry.get("golden", "")).is_file()
    }
    scenarios.update(state.results)
    cache.set(RESULTS_CACHE_KEY, {"scenarios": dict(sorted(scenarios.items()))})


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if getattr(config, "workeroutput", None) is not None:
        return
    state = config.stash.get(STATE_KEY, None)
    if state is None or not (state.orphans or state.deleted or state.refused):
        return
    root = config.rootpath
    terminalreporter.write_sep("-", "golden_harness: orphaned goldens")
    for path in state.deleted:
        terminalreporter.write_line(f"deleted orphaned golden {relative_path(path, root)}")
    for path in state.orphans:
        terminalreporter.write_line(
            f"orphaned golden {relative_path(path, root)}: no collected scenario writes it"
        )
    for message in state.refused:
        terminalreporter.write_line(message)
    if state.orphans:
        terminalreporter.write_line(
            "Delete these files, or run `pytest --snapshot-update` locally over the whole suite "
            "to remove them (use --golden-orphans=warn to only report them)."
        )
