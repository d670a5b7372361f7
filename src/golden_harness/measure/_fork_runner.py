"""Running mutants in forks of one pytest session, for ``golden strength``.

The command's own process runs pytest once, in process, with the user's configuration (in one
process: :func:`golden_harness.moves.run_in_one_process`): the tests are collected once, then
:class:`SessionRunner` replaces pytest's run loop with the caller's work, which forks one child
per run (:mod:`golden_harness.measure._children`). A child runs the chosen tests, in the order
given, through pytest's own run protocol (fixtures, the golden comparison, reports), with its
own output capture and temporary folder, and ends at its first failing test.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from golden_harness.exceptions import GoldenHarnessError
from golden_harness.measure._children import Outcome, run_children
from golden_harness.moves import run_in_one_process

__all__ = ["FAILED", "BaselineRun", "Forker", "SessionRunner", "item_key"]

FAILED = 1
"""Exit code of a child whose run had a failing test."""


@dataclass(frozen=True)
class BaselineRun:
    """The unmutated run: per test key, whether it passed and its processor seconds; the child's
    outcome (a child that ended early leaves tests out)."""

    passed: dict[str, bool]
    cpu: dict[str, float]
    outcome: Outcome


def item_key(item: pytest.Item, root: Path) -> str:
    """A test's key: its module relative to ``root``, ``::``, its node id after the file part."""
    path = Path(item.path).resolve()
    module = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return f"{module}::{item.nodeid.partition('::')[2]}"


class Forker:
    """Forks children of the collected session: each runs some of its tests, by key."""

    def __init__(self, session: pytest.Session, items: dict[str, pytest.Item], work: Path) -> None:
        self.session = session
        self.items = items
        self.work = work
        self._stop_on_failure = False
        self._failed: list[str] = []
        self._current = ""
        self._parent = os.getpid()
        self._capture = session.config.pluginmanager.getplugin("capturemanager")
        if self._capture is not None:  # each child starts capturing anew, with its own files
            self._capture.stop_global_capturing()
        gc.collect()
        gc.freeze()  # the children then do not copy the session's objects when they collect

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if os.getpid() == self._parent or not report.failed:
            return
        if self._stop_on_failure:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(FAILED)
        self._failed.append(self._current)

    def _prepare(self, name: str, index: int) -> None:
        """In child ``index``: pytest's temporary folders and the temporary files of the code
        it runs in a folder of its own (removed when it ends, however it ends), and output
        capture of its own."""
        own = self.work / f"{name}-tmp-{index}"
        (own / "tmp").mkdir(parents=True)
        tempfile.tempdir = str(own / "tmp")
        os.environ["TMPDIR"] = tempfile.tempdir
        factory = getattr(self.session.config, "_tmp_path_factory", None)
        if factory is not None:
            factory._given_basetemp = own / "pytest"
            factory._basetemp = None
        if self._capture is not None:
            self._capture.start_global_capturing()

    def _run_tests(self, keys: list[str]) -> dict[str, float]:
        """Run the tests ``keys`` in this order; their processor seconds."""
        spent: dict[str, float] = {}
        for index, key in enumerate(keys):
            item = self.items[key]
            following = self.items[keys[index + 1]] if index + 1 < len(keys) else None
            self._current = key
            started = time.process_time()
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
            spent[key] = time.process_time() - started
        return spent

    def baseline(self, keys: list[str], cpu_limit: float) -> BaselineRun:
        """Run ``keys`` unmutated in one child, every test even after a failure."""
        report = self.work / "baseline.json"

        def body() -> int:
            spent = self._run_tests(keys)
            passed = {key: key not in self._failed for key in spent}
            report.write_text(json.dumps({"passed": passed, "cpu": spent}), encoding="utf-8")
            return 0

        (outcome,) = self.run(
            [body], [cpu_limit], parallel=1, wall_limit=10 * cpu_limit, name="baseline"
        )
        data: dict[str, Any] = {"passed": {}, "cpu": {}}
        if report.is_file():
            data = json.loads(report.read_text(encoding="utf-8"))
        return BaselineRun(data["passed"], data["cpu"], outcome)

    def mutant_body(self, keys: list[str], apply: Callable[[], int | None]) -> Callable[[], int]:
        """A child's work: ``apply`` the mutant (an exit code ends the child there), then run
        ``keys``, ending at the first failure (exit code :data:`FAILED`); 0 when all pass."""

        def body() -> int:
            code = apply()
            if code is not None:
                return code
            self._stop_on_failure = True
            self._run_tests(keys)
            return 0

        return body

    def run(
        self,
        bodies: list[Callable[[], int]],
        cpu_limits: list[float],
        *,
        parallel: int,
        wall_limit: float | None = None,
        done: Callable[[int, Outcome], None] | None = None,
        name: str = "run",
    ) -> list[Outcome]:
        """:func:`run_children` with this session's preparation of each child."""
        return run_children(
            bodies,
            cpu_limits,
            self.work,
            parallel=parallel,
            prepare=functools.partial(self._prepare, name),
            wall_limit=wall_limit,
            done=done,
            name=name,
        )


class SessionRunner:
    """A pytest plugin for one in-process run: ``plan(config)`` (before collection) returns the
    test modules to collect and the test modules it knows of (a known module it does not need
    is not collected; any other file is collected as pytest would), or None for all;
    ``run(forker)`` replaces the run loop."""

    def __init__(
        self,
        root: Path,
        work: Path,
        plan: Callable[[pytest.Config], tuple[Iterable[Path], Iterable[Path]] | None],
        run: Callable[[Forker], None],
    ) -> None:
        self.root = root
        self.work = work
        self._plan = plan
        self._run = run
        self.modules: set[Path] | None = None
        self.known: set[Path] = set()
        self.finished = False
        self.error: GoldenHarnessError | None = None
        """Why ``plan`` could not plan (nothing is collected or run then)."""
        self.interrupt: KeyboardInterrupt | None = None
        """The interruption (SIGINT, or a signal the command turns into one) that stopped the
        run loop; pytest reports it as an exit code, the caller raises it again."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config: pytest.Config) -> None:
        run_in_one_process(config)

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        run_in_one_process(config)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> None:
        try:
            planned = self._plan(session.config)
        except GoldenHarnessError as error:
            self.error = error
            return
        if planned is not None:
            needed, known = planned
            self.modules = {m.resolve() for m in needed}
            self.known = {m.resolve() for m in known}

    def pytest_ignore_collect(self, collection_path: Path, config: pytest.Config) -> bool | None:
        if self.error is not None:
            return True
        if self.modules is None or collection_path.suffix != ".py":
            return None
        path = collection_path.resolve()
        return True if path in self.known and path not in self.modules else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        if self.error is not None:
            return True
        if session.testsfailed:
            return False  # collection errors: pytest's own loop reports them
        items = {item_key(item, self.root): item for item in session.items}
        forker = Forker(session, items, self.work)
        session.config.pluginmanager.register(forker, "golden-strength-forker")
        try:
            self._run(forker)
        except KeyboardInterrupt as stop:
            self.interrupt = stop
            raise
        self.finished = True
        return True
