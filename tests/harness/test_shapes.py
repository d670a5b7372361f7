"""Twelve small projects shaped like the code teams bring, plus a printing CLI, characterized as
a newcomer writes it (``tests/harness/shapes/<shape>/scenarios_<shape>.py``, no workaround).

For each shape, in a scratch folder of its own:

* characterized: a capture (``--snapshot-update``) passes and writes one golden per scenario;
* stable: the goldens verify in random order, and again in a fresh interpreter with another
  ``TZ``, another ``PYTHONHASHSEED`` and another random order (with the capture, three runs);
* a planted change (one edit of the shape's code) fails its scenario, naming the event;
* a pure move (the files of ``_moved/`` laid over the package: a method or a function moved to
  another module behind a delegating call) verifies against the same goldens.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.conftest import forget_bytecode

SHAPES_DIR = Path(__file__).resolve().parent / "shapes"


@dataclass(frozen=True)
class Planted:
    """One edit of a shape's code (``old`` -> ``new`` in ``file``) and a line its failure shows."""

    file: str
    old: str
    new: str
    expected: str


PLANTED: dict[str, Planted] = {
    "async_service": Planted(
        "service.py",
        'currency="EUR"',
        'currency="USD"',
        'call `client.fetch` (event 1): kwarg `currency`: "EUR" -> "USD"',
    ),
    "http_calls": Planted(
        "rates.py",
        "{base} = {converted}",
        "{base} -> {converted}",
        'stdout (event 3): "20.0 EUR = 22.0 USD\\n" -> "20.0 EUR -> 22.0 USD\\n"',
    ),
    "slotted": Planted(
        "account.py",
        "return 1 if self._balance",
        "return 2 if self._balance",
        "mutated `self` (event 1): at `_balance` `after`: -21 -> -22",
    ),
    "mixins": Planted(
        "exporter.py",
        "indent = 2",
        "indent = 4",
        "call `storage.put` (event 1): arg `1`",
    ),
    "god_module": Planted(
        "jobs.py",
        "_processed += 1",
        "_processed += 2",
        "global `_processed`",
    ),
    "clocks_ids": Planted(
        "stamping.py",
        '"%Y-%m-%d %H:%M:%S"',
        '"%Y-%m-%d %H:%M"',
        'returned (event 1): ["clock"]: "2024-01-02 03:04:05" -> "2024-01-02 03:04"',
    ),
    "files": Planted(
        "publisher.py",
        "    deploy.chmod(deploy.stat().st_mode | 0o111)\n",
        "",
        'file `site/deploy.sh` (created) (event 2): `mode` removed (was "0755")',
    ),
    "thread_pool": Planted(
        "crawler.py",
        "timeout=5",
        "timeout=6",
        "call `http.head` (event 1): kwarg `timeout`: 5 -> 6",
    ),
    "sqlite_store": Planted(
        "ledger.py",
        '"INSERT INTO entries VALUES (?, ?)", entries',
        '"INSERT INTO entries VALUES (?, ?)", reversed(entries)',
        "observed `entries`",
    ),
    "caches_generators": Planted(
        "invoicing.py",
        'yield f"{sku}: {taxed}"',
        'yield f"{sku} = {taxed}"',
        'yielded (event 3): "pen: 120" -> "pen = 120"',
    ),
    "delegation": Planted(
        "facade.py",
        "if name in present:\n                continue",
        "if name in present:\n                pass",
        "call `backend.upload`",
    ),
    "decorators": Planted(
        "inventory.py",
        "backoff=2.0",
        "backoff=3.0",
        '"push_stock took 2.000 s" -> "push_stock took 3.000 s"',
    ),
    "printing_cli": Planted(
        "cli.py",
        '"{len(left)} left\\n"',
        '"{len(left)} to do\\n"',
        'stderr (event 2): "1 left\\n" -> "1 to do\\n"',
    ),
}

SHAPES = sorted(PLANTED)


def test_every_shape_folder_has_a_planted_change() -> None:
    folders = sorted(p.name for p in SHAPES_DIR.iterdir() if (p / "__init__.py").is_file())
    assert folders == SHAPES


def _lay_out(pytester: pytest.Pytester, shape: str) -> int:
    """Copy the shape's package and its scenarios (as a test module) into ``pytester``; return
    the number of scenarios."""
    source = SHAPES_DIR / shape
    shutil.copytree(
        source,
        pytester.path / shape,
        ignore=shutil.ignore_patterns("_moved", "scenarios_*", "__pycache__"),
    )
    scenarios = (source / f"scenarios_{shape}.py").read_text(encoding="utf-8")
    (pytester.path / f"test_{shape}.py").write_text(scenarios, encoding="utf-8")
    return scenarios.count("\ndef test_")


def _edit(pytester: pytest.Pytester, shape: str, planted: Planted) -> None:
    target = pytester.path / shape / planted.file
    text = target.read_text(encoding="utf-8")
    assert text.count(planted.old) == 1, f"{shape}/{planted.file} must hold {planted.old!r} once"
    target.write_text(text.replace(planted.old, planted.new), encoding="utf-8")
    forget_bytecode(pytester.path)


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_is_characterized_stable_and_catches_a_planted_change(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    count = _lay_out(inner, shape)

    captured = inner.runpytest("--snapshot-update", "-p", "no:randomly")
    captured.assert_outcomes(passed=count)
    goldens = sorted((inner.path / "golden" / shape).glob("*.golden.yaml"))
    assert len(goldens) == count
    texts = {path.name: path.read_text(encoding="utf-8") for path in goldens}

    inner.runpytest(
        "-p", "randomly", "-p", "no:cacheprovider", "--randomly-seed=1234"
    ).assert_outcomes(passed=count)
    monkeypatch.setenv("TZ", "Pacific/Chatham")
    monkeypatch.setenv("PYTHONHASHSEED", "4321")
    inner.runpytest_subprocess("-p", "randomly", "--randomly-seed=98765").assert_outcomes(
        passed=count
    )
    monkeypatch.delenv("TZ")
    monkeypatch.delenv("PYTHONHASHSEED")
    assert {path.name: path.read_text(encoding="utf-8") for path in goldens} == texts

    planted = PLANTED[shape]
    _edit(inner, shape, planted)
    result = inner.runpytest("-p", "no:randomly")
    assert result.parseoutcomes().get("failed", 0) >= 1
    assert planted.expected in result.stdout.str()


@pytest.mark.parametrize("shape", SHAPES)
def test_shape_verifies_after_a_pure_move(inner: pytest.Pytester, shape: str) -> None:
    count = _lay_out(inner, shape)
    inner.runpytest("--snapshot-update", "-p", "no:randomly").assert_outcomes(passed=count)

    for moved in sorted((SHAPES_DIR / shape / "_moved").glob("*.py")):
        shutil.copy(moved, inner.path / shape / moved.name)
    forget_bytecode(inner.path)

    inner.runpytest("-p", "no:randomly").assert_outcomes(passed=count)
