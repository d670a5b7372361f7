"""Benchmark golden_harness against plain ``unittest.mock`` assertions on the same scenarios.

Runs the four order-shipping scenarios of ``tests/harness/demo`` (on the synthetic
``OrderProcessor``) in two ways, with about 1,500 modules loaded (like a real suite):

* harness: a :class:`golden_harness.Recorder` per scenario (fakes, identity faking, subprocess
  recording, frozen time moved by the shared freeze keeper, workspace watching), the trace
  rendered and compared with the committed golden, as the pytest plugin does;
* mock: ``unittest.mock`` patches and ``assert_called_once_with`` assertions of the same facts.

pyperf does the runs, warm-ups, loop calibration and statistics, in this process
(``--in-process``), so that the harness's process-wide state (the kept freeze, the holder index)
is the one a suite sees. The two ways are measured in ``--pairs`` alternating pairs (harness
benchmark, then mock benchmark, each with its own warm-up and values); a benchmark value is the
time of one round of the four scenarios. The last line is the median over the pairs of
harness median / mock median: ``ratio harness/mock: X.XXx``. Before it come each way's median per
scenario, and the cost of starting and stopping a freezegun freeze against moving the kept one.

Usage: ``python scripts/bench_harness.py [--pairs N] [--modules N] [pyperf options, e.g. -q]``

Times on a shared machine move with its load, and so does their ratio. ``--instructions`` counts
instead (``valgrind --tool=callgrind``, the same count for the same code and inputs whatever else
the machine does): each way runs in its own process for ``--rounds`` rounds and for one round,
and the difference divided by the extra rounds is the instructions of one round, setup (module
loading, the first freeze) left out. It prints instructions per scenario for both ways and
``instruction ratio harness/mock: X.XXx``. Instructions do not count time spent waiting on the
file system, which the harness does more of (one workspace folder per scenario).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import pyperf  # noqa: E402
from freezegun import freeze_time  # noqa: E402

from golden_harness import Recorder, load_trace  # noqa: E402
from golden_harness.recording import FreezeKeeper, popen_keeper  # noqa: E402
from harness.shop import notify, pricing  # noqa: E402
from harness.shop.processor import OrderProcessor  # noqa: E402

# Held in a dict: freezegun replaces module globals that are time functions, not dict entries.
REAL = {"clock": time.perf_counter}
GOLDENS = REPO / "tests/harness/demo/golden/order_shipping"
SKIP_MODULES = (
    "antigravity",
    "this",
    "idlelib",
    "tkinter",
    "turtle",
    "turtledemo",
    "test",
    "lib2to3",
    "ensurepip",
    "venv",
    "pydoc_data",
)
EXTRA_PACKAGES = (
    "sqlalchemy",
    "yaml",
    "_pytest",
    "syrupy",
    "pytest_subprocess",
    "freezegun",
    "email",
    "xml",
    "http",
    "urllib",
    "asyncio",
    "concurrent",
    "multiprocessing",
    "unittest",
    "json",
    "logging",
)


def load_modules(target: int) -> int:
    """Import standard-library and installed modules until about ``target`` are loaded."""
    import pkgutil
    import warnings

    names = sorted(sys.stdlib_module_names)
    for package in EXTRA_PACKAGES:
        module = importlib.import_module(package)
        if hasattr(module, "__path__"):
            names += [m.name for m in pkgutil.walk_packages(module.__path__, f"{package}.")]
    for name in names:
        if len(sys.modules) >= target:
            break
        if name.startswith(SKIP_MODULES) or ".tests" in name or "__main__" in name:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                importlib.import_module(name)
            except Exception:
                continue
    return len(sys.modules)


def order() -> dict[str, Any]:
    return {"id": "A-1", "customer": "ada@example.com", "items": [{"sku": "pen", "qty": 2}]}


def harness_scenario(keeper: FreezeKeeper, workspace: Path, name: str, **options: Any) -> str:
    """One scenario through the harness in ``workspace`` (created, like the plugin's
    ``tmp_path / "workspace"``); returns the rendered trace. Compared as the plugin compares:
    the golden is parsed (for its format errors) only when the texts differ."""
    with Recorder(workspace=workspace, keeper=keeper, keep_patches=True) as golden:
        golden.fake_function(pricing.compute_total, returns=options.get("total", 12.5))
        golden.fake("db.save_shipment", returns=41)
        golden.fake("mailer.queue", returns=None)
        golden.fake_function(notify.send_shipped_notice, returns=True)
        processor = golden.isolate(
            OrderProcessor,
            real=["ship", "_render_label"],
            attrs={
                "db": golden.fake("db"),
                "mailer": golden.fake("mailer"),
                "printer": "label-printer",
                "workspace": str(golden.workspace),
            },
        )
        if "returncode" in options:
            golden.subprocess(
                ["lp", golden.any()],
                stdout=options.get("stdout"),
                stderr=options.get("stderr"),
                returncode=options["returncode"],
            )
        golden.call(processor.ship, order(), priority=options.get("priority", False))
        text = golden.render(comments=["seam: order_shipping"])
    golden_text = (GOLDENS / f"{name}.golden.yaml").read_text(encoding="utf-8")
    if text != golden_text:
        load_trace(golden_text, name)
        raise AssertionError(f"{name}: the harness trace differs from its golden")
    return text


HARNESS_SCENARIOS: dict[str, Callable[[FreezeKeeper, Path], str]] = {
    "ships_paid_order": lambda k, w: harness_scenario(k, w, "test_ships_paid_order", returncode=0, stdout="request id is lp-7\n"),
    "priority_by_sms": lambda k, w: harness_scenario(k, w, "test_priority_order_is_announced_by_sms", returncode=0, stdout="request id is lp-8\n", priority=True),
    "printer_failure": lambda k, w: harness_scenario(k, w, "test_printer_failure_stops_before_the_record", returncode=1, stderr="lp: printer on fire\n"),
    "empty_order": lambda k, w: harness_scenario(k, w, "test_empty_order_is_not_shipped", total=0.0),
}  # fmt: skip


def mock_scenario(
    tmp: Path, *, total: float, returncode: int | None, priority: bool = False
) -> None:
    """The same scenario with unittest.mock patches and explicit assertions."""
    fixed = uuid.UUID(int=1, version=4)
    processor = object.__new__(OrderProcessor)
    processor.db = mock.MagicMock()
    processor.db.save_shipment.return_value = 41
    processor.mailer = mock.MagicMock()
    processor.printer = "label-printer"
    processor.workspace = str(tmp)
    completed = subprocess.CompletedProcess(
        ["lp"], returncode or 0, "request id\n", "lp: printer on fire\n"
    )
    with (
        mock.patch("harness.shop.processor.price_total", return_value=total) as price,
        mock.patch("harness.shop.notify.send_shipped_notice", return_value=True) as notice,
        mock.patch("harness.shop.processor.subprocess.run", return_value=completed) as run,
        mock.patch("harness.shop.processor.uuid.uuid4", return_value=fixed),
        mock.patch("harness.shop.processor.log") as log,
    ):
        status = processor.ship(order(), priority=priority)
    price.assert_called_once_with([{"sku": "pen", "qty": 2}], currency="EUR")
    if total <= 0:
        assert status == "EMPTY"
        log.warning.assert_called_once_with("order %s has nothing to ship", "A-1")
        return
    payload = {"order_id": "A-1", "shipment_id": str(fixed), "total": total}
    processor.db.save_shipment.assert_called_once_with(payload=payload, retries=2)
    assert list(processor.db.save_shipment.call_args.kwargs["payload"]) == list(payload)
    processor.mailer.queue.assert_called_once_with("ada@example.com", template="shipped")
    run.assert_called_once_with(
        ["lp", "-d", "label-printer", "-"], input=f"ada@example.com\n{fixed}\n",
        capture_output=True, text=True, cwd=str(tmp), check=False,
    )  # fmt: skip
    if returncode:
        assert status == "PRINT_FAILED"
        log.error.assert_called_once_with("label printer failed: %s", "lp: printer on fire")
        return
    assert status == "SHIPPED"
    notice.assert_called_once_with("A-1", channel="sms" if priority else "email")
    assert (tmp / "shipments" / "A-1.json").read_text().startswith('{\n "order_id": "A-1"')
    log.info.assert_called_once_with("order %s shipped, total %.2f", "A-1", total)


MOCK_CASES: tuple[dict[str, Any], ...] = (
    {"total": 12.5, "returncode": 0},
    {"total": 12.5, "returncode": 0, "priority": True},
    {"total": 12.5, "returncode": 1},
    {"total": 0.0, "returncode": None},
)


def harness_rounds(loops: int, keeper: FreezeKeeper) -> float:
    """Seconds for ``loops`` rounds of the four harness scenarios.

    Each scenario gets a new workspace folder, ``<base>/<n>/workspace``, as pytest makes a
    ``tmp_path`` per test; like pytest's, the folders are removed later, here after the timing.
    One untimed scenario first starts the kept freeze, as the previous test of a suite would have;
    the freeze is released afterwards, so pyperf's own clock is never frozen between calls.
    """
    base = Path(tempfile.mkdtemp(prefix="bench-harness-"))
    folders = (base / str(n) / "workspace" for n in itertools.count())
    HARNESS_SCENARIOS["empty_order"](keeper, next(folders))
    try:
        start = REAL["clock"]()
        for _ in range(loops):
            for scenario in HARNESS_SCENARIOS.values():
                scenario(keeper, next(folders))
        return REAL["clock"]() - start
    finally:
        keeper.release()
        popen_keeper.release()
        shutil.rmtree(base, ignore_errors=True)


def mock_rounds(loops: int, tmp: Path) -> float:
    """Seconds for ``loops`` rounds of the four ``unittest.mock`` scenarios."""
    start = REAL["clock"]()
    for _ in range(loops):
        for case in MOCK_CASES:
            mock_scenario(tmp, **case)
    return REAL["clock"]() - start


def freeze_start_stop(loops: int) -> float:
    """Seconds for ``loops`` freezegun freezes started and stopped (one per scenario, unkept)."""
    start = REAL["clock"]()
    for _ in range(loops):
        freezer = freeze_time("2024-01-02T03:04:05")
        freezer.start()
        freezer.stop()
    return REAL["clock"]() - start


def freeze_move(loops: int) -> float:
    """Seconds for ``loops`` moves of a kept freeze (after one untimed start)."""
    keeper = FreezeKeeper()
    keeper.freeze("2024-01-02T03:04:00")
    try:
        start = REAL["clock"]()
        for i in range(loops):
            keeper.freeze(f"2024-01-02T03:04:{i % 60:02d}")
        return REAL["clock"]() - start
    finally:
        keeper.release()


def ratio_of_pairs(pairs: list[tuple[pyperf.Benchmark, pyperf.Benchmark]]) -> float:
    """Median over the pairs of harness median / mock median."""
    return statistics.median(h.median() / m.median() for h, m in pairs)


def count_rounds(way: str, rounds: int, modules: int) -> None:
    """The child of ``--instructions``: load the modules, then run ``rounds`` rounds of ``way``."""
    load_modules(modules)
    if way == "harness":
        harness_rounds(rounds, FreezeKeeper())
    else:
        mock_rounds(rounds, Path(tempfile.mkdtemp(prefix="bench-mock-")))


def instructions(way: str, rounds: int, modules: int) -> int:
    """Instructions callgrind counts for a child running ``rounds`` rounds of ``way``."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--count",
            way,
            "--rounds",
            str(rounds),
            "--modules",
            str(modules),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dict layouts in every run
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind {way} {rounds}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return int(found.group(1))


def count_instructions(rounds: int, modules: int) -> None:
    """``--instructions``: instructions per scenario of both ways, and their ratio."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian's package valgrind)")
    per_scenario = {}
    for way in ("harness", "mock"):
        extra = instructions(way, rounds, modules) - instructions(way, 1, modules)
        per_scenario[way] = extra / (rounds - 1) / len(HARNESS_SCENARIOS)
        print(f"{way}: {per_scenario[way] / 1e6:.2f} M instructions/scenario")
    print(f"instruction ratio harness/mock: {per_scenario['harness'] / per_scenario['mock']:.2f}x")


def main() -> None:
    if "--count" in sys.argv or "--instructions" in sys.argv:
        counting = argparse.ArgumentParser(description="bench_harness.py, counting instructions")
        counting.add_argument("--instructions", action="store_true")
        counting.add_argument("--count", choices=["harness", "mock"])
        counting.add_argument("--rounds", type=int, default=6)
        counting.add_argument("--modules", type=int, default=1500)
        args = counting.parse_args()
        if args.count:
            count_rounds(args.count, args.rounds, args.modules)
        elif args.rounds < 2:
            counting.error(f"--rounds must be >= 2, got {args.rounds}")
        else:
            count_instructions(args.rounds, args.modules)
        return
    runner = pyperf.Runner(processes=1, values=5, warmups=1)
    runner.argparser.add_argument(
        "--pairs", type=int, default=7, help="alternating harness/mock pairs (default 7)"
    )
    runner.argparser.add_argument(
        "--modules",
        type=int,
        default=1500,
        help="modules loaded, as in a large suite (default 1500)",
    )
    args = runner.parse_args(["--in-process", *sys.argv[1:]])
    if args.pairs < 1 or args.modules < 1:
        runner.argparser.error(
            f"--pairs and --modules must be >= 1, got {args.pairs}, {args.modules}"
        )
    loaded = load_modules(args.modules)
    keeper = FreezeKeeper()
    tmp = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    pairs = []
    for i in range(1, args.pairs + 1):
        harness = runner.bench_time_func(f"harness {i}", harness_rounds, keeper)
        mock_bench = runner.bench_time_func(f"mock {i}", mock_rounds, tmp)
        pairs.append((harness, mock_bench))
    freeze = runner.bench_time_func("freezegun start+stop", freeze_start_stop)
    move = runner.bench_time_func("kept freeze move", freeze_move)
    per_scenario = len(HARNESS_SCENARIOS)
    harness_ms = (
        statistics.median(v for h, _ in pairs for v in h.get_values()) * 1000 / per_scenario
    )
    mock_ms = statistics.median(v for _, m in pairs for v in m.get_values()) * 1000 / per_scenario
    print(f"scenarios: 4, pairs: {len(pairs)}, modules loaded: {loaded}")
    print(f"harness (record + render + compare with golden): median {harness_ms:.2f} ms/scenario")
    print(f"unittest.mock assertions:                        median {mock_ms:.2f} ms/scenario")
    print(
        f"freezegun start+stop: median {freeze.median() * 1000:.2f} ms; kept freeze move: median {move.median() * 1000:.3f} ms"
    )
    print(f"ratio harness/mock: {ratio_of_pairs(pairs):.2f}x")


if __name__ == "__main__":
    main()
