"""The ``golden`` command: ``report`` and ``diff`` on real git repositories and real runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.conftest import DEMO_DIR, copy_demo

SHIPPED = "golden/order_shipping/test_ships_paid_order.golden.yaml"
EMPTY = "golden/order_shipping/test_empty_order_is_not_shipped.golden.yaml"
SMS = "golden/order_shipping/test_priority_order_is_announced_by_sms.golden.yaml"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit holds the demo goldens."""
    shutil.copytree(DEMO_DIR / "golden", tmp_path / "golden")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", ".")
    _git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-qm",
        "capture: demo",
    )
    return tmp_path


def test_diff_renders_each_change_per_event(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = repo / SHIPPED
    shipped.write_text(shipped.read_text().replace("retries: 2", "retries: 3"))
    (repo / EMPTY).unlink()
    shutil.copy(repo / SMS, repo / "golden/order_shipping/test_new_scenario.golden.yaml")
    (repo / SMS).write_text("# golden_harness trace v1\n- returned: [unclosed\n")

    assert main(["--root", str(repo), "diff", "--base", "HEAD"]) == 1  # like git diff --exit-code

    lines = capsys.readouterr().out.splitlines()
    assert lines[3].startswith(f"  {SMS}:3: not valid YAML: ")
    assert lines[3].endswith("re-capture it locally with `pytest --snapshot-update <test>`.")
    assert lines[:3] + lines[4:] == [
        f"{EMPTY} (removed, had 3 events)",
        "golden/order_shipping/test_new_scenario.golden.yaml (new, 9 events)",
        f"{SMS} (unreadable)",
        f"{SHIPPED} (changed, 1 difference(s))",
        "  call `db.save_shipment` (event 2): kwarg `retries`: 2 -> 3",
        "4 golden(s) differ from HEAD.",
    ]


def test_diff_reports_a_new_parametrized_golden_as_new(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = "golden/order_shipping/test_ships[express].golden.yaml"  # brackets: not a pattern
    shutil.copy(repo / SHIPPED, repo / new)

    assert main(["--root", str(repo), "diff", "--base", "HEAD"]) == 1

    assert capsys.readouterr().out.splitlines() == [
        f"{new} (new, 9 events)",
        "1 golden(s) differ from HEAD.",
    ]


def test_diff_without_changes_and_with_a_bad_base(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(repo), "diff"]) == 0
    assert capsys.readouterr().out == "0 golden(s) differ from HEAD.\n"
    assert main(["--root", str(repo), "diff", "--base", "no-such-rev"]) == 2
    assert (
        "golden diff: `git rev-parse --verify --quiet no-such-rev^{commit}` failed"
        in capsys.readouterr().err
    )


def test_console_script_is_installed(repo: Path) -> None:
    script = Path(sys.executable).parent / "golden"
    done = subprocess.run(
        [str(script), "diff"], cwd=repo, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout == "0 golden(s) differ from HEAD.\n"


def test_report_shows_code_scenarios_and_status(
    inner: pytest.Pytester, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=True)
    orphan = inner.path / "golden/old_seam/test_x.golden.yaml"
    orphan.parent.mkdir()
    orphan.write_text((DEMO_DIR / SHIPPED).read_text())
    inner.runpytest("--golden-orphans=ignore").assert_outcomes(passed=4)
    monkeypatch.setenv("SHOP_VARIANT", "keyword_changed")
    inner.runpytest("test_order_shipping.py::test_ships_paid_order").assert_outcomes(failed=1)

    capsys.readouterr()
    code = main(["--root", str(inner.path), "report", "--tests", "."])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == "seam old_seam  [no test module declares it]"
    assert out[3] == "    not run                golden/old_seam/test_x.golden.yaml"
    assert out[4] == "seam order_shipping  [test_order_shipping.py]"
    assert out[5].startswith("  code: ")
    assert out[5].endswith(
        "harness/shop/processor.py:"
        + _ship_lines()
        + "  (harness.shop.processor:OrderProcessor.ship)"
    )
    assert out[6:11] == [
        "  scenarios: 4",
        "    matched                golden/order_shipping/test_empty_order_is_not_shipped.golden.yaml",
        "    matched                golden/order_shipping/test_printer_failure_stops_before_the_record.golden.yaml",
        "    matched                golden/order_shipping/test_priority_order_is_announced_by_sms.golden.yaml",
        "    GoldenMismatchError    golden/order_shipping/test_ships_paid_order.golden.yaml",
    ]
    assert out[-1] == "2 seam(s), 5 scenario(s), 1 failing."


def test_report_run_option_refreshes_the_statuses(
    inner: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_demo(inner, goldens=True)

    code = main(["--root", str(inner.path), "report", "--tests", ".", "--run"])

    assert code == 0
    assert capsys.readouterr().out.count("    matched ") == 4


def _ship_lines() -> str:
    import inspect

    from harness.shop.processor import OrderProcessor

    lines, start = inspect.getsourcelines(OrderProcessor.ship)
    return f"{start}-{start + len(lines) - 1}"


def test_report_forgets_a_scenario_whose_golden_was_removed(
    inner: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_demo(inner, goldens=True)
    inner.runpytest().assert_outcomes(passed=4)
    # The scenario is deleted (its test and its golden); a later partial run reports on another.
    test_file = inner.path / "test_order_shipping.py"
    source = test_file.read_text()
    start = source.index("def test_empty_order_is_not_shipped")
    end = source.find("\ndef ", start + 1)
    test_file.write_text(source[:start] + (source[end + 1 :] if end != -1 else ""))
    (inner.path / EMPTY).unlink()
    inner.runpytest("test_order_shipping.py::test_ships_paid_order").assert_outcomes(passed=1)

    capsys.readouterr()
    assert main(["--root", str(inner.path), "report", "--tests", "."]) == 0

    out = capsys.readouterr().out
    assert EMPTY not in out
    assert out.splitlines()[-1] == "1 seam(s), 3 scenario(s), 0 failing."
