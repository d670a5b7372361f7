"""``golden review``: per commit of a range, its kind, golden changes per event and its check-move
and verify-move verdicts, on a real git repository holding a tiny project (``harness.synthetic``).

The repository is built with a fixed identity, fixed dates and no user or system git
configuration; the Markdown and JSON renderings are pinned by syrupy snapshots, with each commit
id replaced by a label (``<base>``, ``<commit 1>``, ...) so that a change elsewhere (the golden
format, the synthetic project) that changes the ids does not hide what the report says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from golden_harness.cli import main
from harness.conftest import ci_variable_names
from harness.synthetic import PRICING, commit, git, make_project, move_ship, write

FIXED_GIT = {
    "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

DISCOUNTED = """\

def compute_discounted(items, currency):
    total = compute_total(items, currency)
    discounted = total * {factor}
    return round(discounted, 2)
"""

DISCOUNTS = (
    '''\
"""Discounts, moved out of pricing."""

from shopx.pricing import compute_total

'''
    + DISCOUNTED
)

PRICING_BEFORE_DISCOUNTS = PRICING[: PRICING.index("\n\ndef compute_discounted")] + "\n"


def _capture(project: Path) -> None:
    """Record the project's goldens, as a developer does before a `capture:` commit."""
    drop = {*ci_variable_names(), "PYTHONPATH", "PYTHONHASHSEED"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--snapshot-update"],
        cwd=project,
        env={**env, "PYTHONPATH": str(project / "src"), "PYTHONHASHSEED": "0"},
        check=True,
        capture_output=True,
    )


def _build(root: Path) -> Path:
    """initial, capture:, pure move:, feat:, non-pure move:, and a refactor: that re-captures."""
    project = make_project(root, large_scenario=True)
    _capture(project)
    commit(project, "capture: shipping scenarios of Orders.ship")
    move_ship(project, "pure")
    commit(project, "move: Orders.ship to shopx.shipping.ship")
    pricing = PRICING_BEFORE_DISCOUNTS + "\n" + DISCOUNTED.format(factor="0.9")
    write(project, {"src/shopx/pricing.py": pricing})
    commit(project, "feat: compute_discounted names its intermediate values")
    write(
        project,
        {
            "src/shopx/pricing.py": PRICING_BEFORE_DISCOUNTS,
            "src/shopx/discounts.py": DISCOUNTS.format(factor="0.8"),
        },
    )
    commit(project, "move: compute_discounted to shopx.discounts")
    shipping = project / "src/shopx/shipping.py"
    shipping.write_text(shipping.read_text().replace("retries=2", "retries=3"))
    _capture(project)
    commit(project, "refactor: shipping retries three times")
    return project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FIXED_GIT.items():
            patch.setenv(name, value)
        yield _build(tmp_path_factory.mktemp("review") / "project")


def _labelled(project: Path, text: str) -> str:
    """``text`` with the commit ids of the reviewed range (full, then shortened) replaced."""
    shas = [git(project, "rev-parse", "HEAD~5").strip()]
    shas += git(project, "rev-list", "--reverse", "HEAD~5..HEAD").split()
    labels = ["<base>", *(f"<commit {n}>" for n in range(1, len(shas)))]
    for sha, label in zip(shas, labels, strict=True):
        text = text.replace(sha, label)
    for sha, label in zip(shas, labels, strict=True):
        text = text.replace(sha[:10], label)
    return text


def _review(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--root", str(project), "review", "--base", "HEAD~5", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_markdown_report(
    project: Path, capsys: pytest.CaptureFixture[str], snapshot: SnapshotAssertion
) -> None:
    code, out = _review(project, capsys, "--format", "markdown")

    assert code == 1
    assert _labelled(project, out) == snapshot


def test_json_report(
    project: Path, capsys: pytest.CaptureFixture[str], snapshot: SnapshotAssertion
) -> None:
    code, out = _review(project, capsys, "--format", "json")

    assert code == 1
    document = json.loads(out)
    assert [(c["kind"], c["ok"]) for c in document["commits"]] == [
        ("capture", True),
        ("move", True),
        ("other", True),
        ("move", False),
        ("refactor", False),
    ]
    assert json.loads(_labelled(project, out)) == snapshot


def test_text_report_names_each_failure(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _review(project, capsys)

    assert code == 1
    verdicts = [line.strip() for line in out.splitlines() if line.strip().startswith("verdict:")]
    assert verdicts == [
        "verdict: 2 golden file(s) changed",
        "verdict: pure move",
        "verdict: no check",
        "verdict: not a pure move",
        "verdict: touches golden/",
    ]
    assert out.splitlines()[-1] == ("FAILED: 2 commit(s) do not prove what their kind claims.")


def test_range_of_proven_commits_passes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proven = tmp_path / "proven"
    git(project, "worktree", "add", "--detach", "--quiet", str(proven), "HEAD~3")
    try:
        code = main(["--root", str(proven), "review", "--base", "HEAD~2"])
        out, _ = capsys.readouterr()
    finally:
        git(project, "worktree", "remove", "--force", str(proven))

    assert code == 0, out
    assert out.splitlines()[-1] == (
        "OK: every commit proves what its kind claims (1 move(s) pure, no move or refactor "
        "touches golden/)."
    )


def test_unknown_base_is_an_error_naming_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--root", str(project), "review", "--base", "no-such-branch"])
    _, err = capsys.readouterr()

    assert code == 2
    assert "Unknown revision 'no-such-branch'" in err


def test_verify_runs_verify_move_on_moves_and_refactors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _review(project, capsys, "--verify", "--format", "json")

    assert code == 1
    commits = json.loads(out)["commits"]
    assert [c["verdict"] for c in commits] == [
        "2 golden file(s) changed",
        "pure move, same traces",
        "no check",
        "not a pure move",
        "touches golden/; traces differ",
    ]
    assert [c["verify_move"] is not None for c in commits] == [False, True, False, True, True]
    assert commits[1]["verify_move"]["counts"] == {
        "equal": 2,
        "different": 0,
        "only parent": 0,
        "only commit": 0,
    }
    assert commits[1]["verify_move"]["scenarios"] == []
    refactor = commits[-1]["verify_move"]
    assert [(s["scenario"], s["status"]) for s in refactor["scenarios"]] == [
        ("shipping/test_large_order", "different"),
        ("shipping/test_small_order", "different"),
    ]
    assert (
        "call `db.save` (event 1): kwarg `retries`: 2 -> 3"
        in refactor["scenarios"][0]["differences"]
    )
    assert git(project, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_a_move_leaving_an_alias_is_pure_and_the_alias_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in FIXED_GIT.items():
        monkeypatch.setenv(name, value)
    project = make_project(tmp_path / "project", large_scenario=True)
    _capture(project)
    commit(project, "capture: shipping scenarios of Orders.ship")
    move_ship(project, "pure")
    orders = project / "src/shopx/orders.py"
    text = orders.read_text()
    orders.write_text(text[: text.index("    def ship(")] + "    ship = shipping.ship\n")
    commit(project, "move: Orders.ship to shopx.shipping.ship, left as an alias")

    code = main(["--root", str(project), "review", "--base", "HEAD~1"])
    out = capsys.readouterr().out

    assert code == 0, out
    assert (
        "check-move: alias            shopx.orders.Orders.ship (src/shopx/orders.py:10) = "
        "shopx.shipping.ship with the same parameters"
    ) in out, out
