"""Benchmark golden_harness against plain ``unittest.mock`` assertions on the same scenarios.

Runs the four order-shipping scenarios of ``tests/harness/demo`` (on the synthetic
``OrderProcessor``) many times in two ways:

* harness: a :class:`golden_harness.Recorder` per scenario (fakes, identity faking, subprocess
  recording, frozen time moved by the shared freeze keeper, workspace watching), the trace
  rendered and compared with the committed golden, as the pytest plugin does;
* mock: ``unittest.mock`` patches and ``assert_called_once_with`` assertions of the same facts.

It prints the median time per scenario for each, their ratio, the cost of starting and stopping a
freezegun freeze per scenario against moving one running freeze, and the cost of one identity scan
of ``sys.modules``, with the number of modules loaded (about a thousand, like a real suite).

Usage: ``python scripts/bench_harness.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import importlib
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

from freezegun import freeze_time  # noqa: E402

from golden_harness import Recorder, load_trace  # noqa: E402
from golden_harness.clock import FreezeKeeper  # noqa: E402
from golden_harness.identity import _INDEX, _holders  # noqa: E402
from golden_harness.subprocesses import popen_keeper  # noqa: E402
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


def harness_scenario(keeper: FreezeKeeper, name: str, **options: Any) -> str:
    """One scenario through the harness; returns the rendered trace."""
    with Recorder(keeper=keeper, keep_patches=True) as golden:
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
    load_trace(golden_text, name)
    if text != golden_text:
        raise AssertionError(f"{name}: the harness trace differs from its golden")
    return text


HARNESS_SCENARIOS: dict[str, Callable[[FreezeKeeper], str]] = {
    "ships_paid_order": lambda k: harness_scenario(k, "test_ships_paid_order", returncode=0, stdout="request id is lp-7\n"),
    "priority_by_sms": lambda k: harness_scenario(k, "test_priority_order_is_announced_by_sms", returncode=0, stdout="request id is lp-8\n", priority=True),
    "printer_failure": lambda k: harness_scenario(k, "test_printer_failure_stops_before_the_record", returncode=1, stderr="lp: printer on fire\n"),
    "empty_order": lambda k: harness_scenario(k, "test_empty_order_is_not_shipped", total=0.0),
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


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench(rounds: int, modules: int) -> dict[str, float]:
    """Run everything; return the figures (milliseconds unless named otherwise)."""
    load_modules(modules)
    keeper = FreezeKeeper()
    harness_times: list[float] = []
    mock_times: list[float] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    mock_cases = [
        {"total": 12.5, "returncode": 0},
        {"total": 12.5, "returncode": 0, "priority": True},
        {"total": 12.5, "returncode": 1},
        {"total": 0.0, "returncode": None},
    ]
    for _ in range(rounds):
        for scenario in HARNESS_SCENARIOS.values():
            start = REAL["clock"]()
            scenario(keeper)
            harness_times.append(REAL["clock"]() - start)
        for case in mock_cases:
            start = REAL["clock"]()
            mock_scenario(tmp, **case)
            mock_times.append(REAL["clock"]() - start)
    keeper.release()
    popen_keeper.release()
    freeze_times = []
    for _ in range(max(10, rounds // 5)):
        start = REAL["clock"]()
        freezer = freeze_time("2024-01-02T03:04:05")
        freezer.start()
        freezer.stop()
        freeze_times.append(REAL["clock"]() - start)
    move_keeper = FreezeKeeper()
    move_times = []
    for i in range(max(10, rounds // 5)):
        start = REAL["clock"]()
        move_keeper.freeze(f"2024-01-02T03:04:{i % 60:02d}")
        move_times.append(REAL["clock"]() - start)
    move_keeper.release()
    scan_times, cached_times = [], []
    for _ in range(max(10, rounds // 5)):
        start = REAL["clock"]()
        _holders({id(pricing.compute_total): None}.keys())
        scan_times.append(REAL["clock"]() - start)
        start = REAL["clock"]()
        _INDEX.holders({id(pricing.compute_total): pricing.compute_total})
        cached_times.append(REAL["clock"]() - start)
    harness_ms, mock_ms = median_ms(harness_times), median_ms(mock_times)
    return {
        "modules": float(len(sys.modules)),
        "runs": float(len(harness_times)),
        "harness_ms": harness_ms,
        "mock_ms": mock_ms,
        "ratio": harness_ms / mock_ms,
        "harness_total_s": sum(harness_times),
        "mock_total_s": sum(mock_times),
        "freeze_start_stop_ms": median_ms(freeze_times),
        "freeze_move_ms": median_ms(move_times[1:]),
        "freeze_starts_in_harness_runs": float(keeper.starts),
        "identity_scan_ms": median_ms(scan_times),
        "identity_cached_ms": median_ms(cached_times[1:]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=100, help="Rounds over the 4 scenarios (default 100)."
    )
    parser.add_argument(
        "--modules",
        type=int,
        default=1500,
        help="Modules loaded, as in a large suite (default 1500).",
    )
    args = parser.parse_args()
    figures = bench(args.rounds, args.modules)
    print(
        f"scenarios: 4 x {int(figures['runs']) // 4} rounds, modules loaded: {int(figures['modules'])}"
    )
    print(
        f"harness (record + render + compare with golden): median {figures['harness_ms']:.2f} ms/scenario, total {figures['harness_total_s']:.2f} s"
    )
    print(
        f"unittest.mock assertions:                        median {figures['mock_ms']:.2f} ms/scenario, total {figures['mock_total_s']:.2f} s"
    )
    print(f"ratio harness / mock (median per scenario):      {figures['ratio']:.1f}x")
    print(
        f"freezegun start+stop per scenario:               median {figures['freeze_start_stop_ms']:.2f} ms"
    )
    print(
        f"moving the kept freeze (FreezeKeeper):           median {figures['freeze_move_ms']:.3f} ms ({int(figures['freeze_starts_in_harness_runs'])} start for all harness runs)"
    )
    print(
        f"identity scan of all modules (first fake_function of an object, and every restore): "
        f"median {figures['identity_scan_ms']:.2f} ms"
    )
    print(
        f"identity lookup of an object already seen (later fake_function): "
        f"median {figures['identity_cached_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
