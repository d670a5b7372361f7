"""``golden move`` on the example projects of the trace's shapes (``tests/harness/shapes``).

Each shape is copied into a scratch git repository: the package at the root, its scenarios as
``tests/characterization/test_<shape>.py``, its goldens captured and committed in the first
commit. Each case then runs ``golden move SOURCE --to MODULE [options] --commit`` on a definition
typical of the shape (a coroutine, a property, a mixin's method, a generator, a decorated
function, ...) and asserts that

* the command proved the move (check-move: every added function a pure move; verify-move: the
  same behaviour) and committed it as ``move: <name> to <module>``, touching nothing under
  ``golden/``;
* the shape's scenarios pass against the goldens committed before the move;
* the code written holds the lines expected of the shape (the wrapper or alias left behind, the
  moved definition).

What ``golden move`` refuses on these shapes is refused with its reason, and changes nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.conftest import ci_variable_names
from harness.move_examples import git

SHAPES_DIR = Path(__file__).resolve().parent / "shapes"

PYPROJECT = """\
[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
golden_hash_check = "0"

[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F", "I"]
"""

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]


def _environment() -> dict[str, str]:
    """This process's environment without the variables CI systems are recognized by (the CI
    guard would rightly refuse the capture), with the hash seed verify-move uses."""
    env = {k: v for k, v in os.environ.items() if k not in ci_variable_names()}
    env["PYTHONHASHSEED"] = "0"
    env.pop("PYTHONPATH", None)
    return env


def _pytest(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTEST, *args], cwd=root, env=_environment(), capture_output=True, text=True, check=False
    )


def _shape_repository(root: Path, shape: str) -> Path:
    """``shape`` laid out as a project in ``root``, its goldens captured, all in one commit."""
    source = SHAPES_DIR / shape
    shutil.copytree(
        source, root / shape, ignore=shutil.ignore_patterns("_moved", "scenarios_*", "__pycache__")
    )
    tests = root / "tests" / "characterization"
    tests.mkdir(parents=True)
    shutil.copy(source / f"scenarios_{shape}.py", tests / f"test_{shape}.py")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n.ruff_cache/\n")
    captured = _pytest(root, "--snapshot-update")
    assert captured.returncode == 0, captured.stdout[-3000:]
    assert list((root / "golden" / shape).glob("*.golden.yaml"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Example")
    git(root, "config", "user.email", "example@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "capture: the goldens of the shape")
    return root


@pytest.fixture(scope="module")
def shape_repository(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Path], Path]:
    """Copies the captured repository of a shape (captured once per module) to a folder."""
    captured: dict[str, Path] = {}

    def copy(shape: str, where: Path) -> Path:
        if shape not in captured:
            folder = tmp_path_factory.mktemp(f"shape-{shape}")
            captured[shape] = _shape_repository(folder / "repository", shape)
        shutil.copytree(captured[shape], where, symlinks=True)
        return where

    return copy


def _move(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "move", *args])
    out, err = capsys.readouterr()
    return code, out, err


@dataclass(frozen=True)
class Case:
    """One move on one shape: SOURCE (relative to the shape's package folder), --to, further
    options; the lines the changed files must hold (path -> lines, each a whole line) and the
    fragments they must no longer hold."""

    shape: str
    source: str
    to: str
    options: tuple[str, ...] = ()
    holds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    gone: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def qualname(self) -> str:
        return self.source.partition("::")[2]


CASES: dict[str, Case] = {
    "async method, wrapper": Case(
        "async_service",
        "service.py::PriceService._price",
        "async_service.pricing",
        holds={
            "async_service/service.py": (
                "from async_service import pricing",
                "    async def _price(self, sku: str) -> float:",
                "        return await pricing.price(self, sku)",
            ),
            "async_service/pricing.py": (
                "import asyncio",
                "async def price(service, sku: str) -> float:",
                "    for attempt in range(service.retries + 1):",
                '            answer = await service.client.fetch(sku, currency="EUR")',
            ),
        },
        gone={"async_service/service.py": ("for attempt in range",)},
    ),
    "async method, alias": Case(
        "async_service",
        "service.py::PriceService._price",
        "async_service.pricing",
        ("--leave", "alias"),
        holds={"async_service/service.py": ("    _price = pricing.price",)},
        gone={"async_service/service.py": ("async def _price",)},
    ),
    "async seam method, wrapper": Case(
        "async_service",
        "service.py::PriceService.refresh",
        "async_service.refreshing",
        holds={
            "async_service/service.py": ("        return await refreshing.refresh(self, skus)",),
            "async_service/refreshing.py": (
                "log = logging.getLogger(__name__)",
                "async def refresh(service, skus: list[str]) -> dict[str, object]:",
                "    prices = await asyncio.gather(*(service._price(sku) for sku in skus))",
            ),
            "tests/characterization/test_async_service.py": (
                '    covers=["async_service.refreshing:refresh", '
                '"async_service.service:PriceService.refresh"],',
            ),
        },
    ),
    "property, wrapper": Case(
        "slotted",
        "account.py::Account.fee",
        "slotted.fees",
        holds={
            "slotted/account.py": (
                "    @property",
                "    def fee(self) -> int:",
                "        return fees.fee(self)",
            ),
            "slotted/fees.py": (
                "def fee(account) -> int:",
                "    return 1 if account._balance < 100 else 0",
            ),
        },
    ),
    "property, alias": Case(
        "slotted",
        "account.py::Account.fee",
        "slotted.fees",
        ("--leave", "alias"),
        holds={"slotted/account.py": ("    fee = property(fees.fee)",)},
        gone={"slotted/account.py": ("def fee(",)},
    ),
    "property, nothing left": Case(
        "slotted",
        "account.py::Account.fee",
        "slotted.fees",
        ("--leave", "nothing"),
        holds={
            "slotted/account.py": (
                "            self.balance -= transaction.amount + fees.fee(self)",
            )
        },
        gone={"slotted/account.py": ("def fee(", "self.fee")},
    ),
    "method annotated with its own class, wrapper": Case(
        "slotted",
        "account.py::Account.apply",
        "slotted.ledger",
        ("--name", "apply_transaction"),
        holds={
            "slotted/account.py": (
                "from slotted import ledger",
                "    def apply(self, transaction: Transaction) -> Account:",
                "        return ledger.apply_transaction(self, transaction)",
            ),
            "slotted/ledger.py": (
                "from typing import TYPE_CHECKING",
                "if TYPE_CHECKING:",
                "    from slotted.account import Account, Transaction",
                "def apply_transaction(account, transaction: Transaction) -> Account:",
                "        account.balance -= transaction.amount + account.fee",
            ),
        },
    ),
    "mixin method moved out of the mixin": Case(
        "mixins",
        "exporter.py::AuditMixin.audit",
        "mixins.auditing",
        ("--name", "record_audit"),
        holds={
            "mixins/exporter.py": (
                "from mixins import auditing",
                "    def audit(self, action: str, **details: object) -> None:",
                "        return auditing.record_audit(self, action, **details)",
            ),
            "mixins/auditing.py": (
                "log = logging.getLogger(__name__)",
                "def record_audit(mixin, action: str, **details: object) -> None:",
                '    mixin.audit_log.append({"action": action, **details})',
            ),
        },
    ),
    "mixin method, alias": Case(
        "mixins",
        "exporter.py::AuditMixin.audit",
        "mixins.auditing",
        ("--leave", "alias"),
        holds={"mixins/exporter.py": ("    audit = auditing.audit",)},
    ),
    "method using what its mixins give it": Case(
        "mixins",
        "exporter.py::ReportExporter.export",
        "mixins.exporting",
        holds={
            "mixins/exporter.py": ("        return exporting.export(self, name, rows)",),
            "mixins/exporting.py": (
                "def export(exporter, name: str, rows: list[dict[str, object]]) -> str:",
                "    body = exporter.to_json(rows)",
                '    exporter.audit("export", key=key, rows=len(rows))',
            ),
        },
    ),
    "a whole mixin class": Case(
        "mixins",
        "exporter.py::AuditMixin",
        "mixins.auditing",
        holds={
            "mixins/exporter.py": (
                "from mixins.auditing import AuditMixin",
                "class ReportExporter(JsonMixin, AuditMixin, Base):",
            ),
            "mixins/auditing.py": (
                "class AuditMixin:",
                "    def audit(self, action: str, **details: object) -> None:",
            ),
        },
        gone={"mixins/exporter.py": ("class AuditMixin",)},
    ),
    "generator returning a value, wrapper": Case(
        "caches_generators",
        "invoicing.py::Invoice.lines",
        "caches_generators.producing",
        ("--name", "invoice_lines"),
        holds={
            "caches_generators/invoicing.py": (
                "    def lines(self):",
                "        return (yield from producing.invoice_lines(self))",
            ),
            "caches_generators/producing.py": (
                "def invoice_lines(invoice):",
                "    for sku, cents in invoice.items:",
                '        yield f"{sku}: {taxed}"',
                "    return total",
            ),
        },
    ),
    "generator, alias": Case(
        "caches_generators",
        "invoicing.py::Invoice.lines",
        "caches_generators.producing",
        ("--leave", "alias"),
        holds={"caches_generators/invoicing.py": ("    lines = producing.lines",)},
    ),
    "lru_cache function, wrapper": Case(
        "caches_generators",
        "invoicing.py::tax_rate",
        "caches_generators.taxes",
        holds={
            "caches_generators/invoicing.py": (
                "from caches_generators import taxes",
                "@functools.lru_cache(maxsize=32)",
                "def tax_rate(region: str) -> float:",
                "    return taxes.tax_rate(region)",
            ),
            "caches_generators/taxes.py": (
                "def tax_rate(region: str) -> float:",
                "    return rates.lookup(region)",
            ),
        },
        gone={"caches_generators/taxes.py": ("lru_cache", "import functools")},
    ),
    "lru_cache function, alias": Case(
        "caches_generators",
        "invoicing.py::tax_rate",
        "caches_generators.taxes",
        ("--leave", "alias"),
        holds={
            "caches_generators/invoicing.py": ("from caches_generators.taxes import tax_rate",),
            "caches_generators/taxes.py": (
                "@functools.lru_cache(maxsize=32)",
                "def tax_rate(region: str) -> float:",
            ),
        },
        gone={"caches_generators/invoicing.py": ("lru_cache",)},
    ),
    "decorated function, wrapper": Case(
        "decorators",
        "inventory.py::push_stock",
        "decorators.pushing",
        holds={
            "decorators/inventory.py": (
                "from decorators import pushing",
                "from decorators.retrying import retry, timed",
                "@timed",
                "@retry(times=3, backoff=2.0)",
                "def push_stock(api, levels: dict[str, int]) -> int:",
                "    return pushing.push_stock(api, levels)",
            ),
            "decorators/pushing.py": (
                "def push_stock(api, levels: dict[str, int]) -> int:",
                '    accepted = api.push({"levels": levels, "partial": False})',
            ),
        },
        gone={"decorators/pushing.py": ("@timed", "@retry", "decorators.retrying")},
    ),
    "decorated function, alias": Case(
        "decorators",
        "inventory.py::push_stock",
        "decorators.pushing",
        ("--leave", "alias"),
        holds={
            "decorators/inventory.py": ("from decorators.pushing import push_stock",),
            "decorators/pushing.py": (
                "@timed",
                "@retry(times=3, backoff=2.0)",
                "def push_stock(api, levels: dict[str, int]) -> int:",
            ),
        },
    ),
    "decorator with a closure, wrapper": Case(
        "decorators",
        "retrying.py::timed",
        "decorators.timing",
        holds={
            "decorators/retrying.py": ("def timed(fn):", "    return timing.timed(fn)"),
            "decorators/timing.py": (
                "def timed(fn):",
                "    @functools.wraps(fn)",
                "    def wrapper(*args, **kwargs):",
            ),
        },
    ),
    "facade method, wrapper": Case(
        "delegation",
        "facade.py::Storage.sync",
        "delegation.syncing",
        holds={
            "delegation/facade.py": ("        return syncing.sync(self, names)",),
            "delegation/syncing.py": (
                "def sync(storage, names: list[str]) -> list[str]:",
                "    present = set(storage.list_keys(storage.bucket))",
            ),
        },
    ),
    "__getattr__ under another name, wrapper": Case(
        "delegation",
        "facade.py::Storage.__getattr__",
        "delegation.forwarding",
        ("--name", "forward"),
        holds={
            "delegation/facade.py": (
                "    def __getattr__(self, name: str):",
                "        return forwarding.forward(self, name)",
            ),
            "delegation/forwarding.py": (
                "def forward(storage, name: str):",
                "    return getattr(storage._backend, name)",
            ),
        },
    ),
    "method run on a thread, wrapper": Case(
        "thread_pool",
        "crawler.py::LinkChecker._report",
        "thread_pool.reporting",
        holds={
            "thread_pool/crawler.py": ("        return reporting.report(self, statuses)",),
            "thread_pool/reporting.py": ("def report(checker, statuses: dict[str, int]) -> None:",),
        },
    ),
    "method submitted to a pool, alias": Case(
        "thread_pool",
        "crawler.py::LinkChecker._status",
        "thread_pool.statuses",
        ("--leave", "alias"),
        holds={"thread_pool/crawler.py": ("    _status = statuses.status",)},
    ),
    "click command, wrapper": Case(
        "printing_cli",
        "cli.py::main",
        "printing_cli.command",
        holds={
            "printing_cli/cli.py": (
                "import click",
                "from printing_cli import command",
                "@click.command()",
                '@click.argument("items", nargs=-1)',
                '@click.option("--done", multiple=True, help="Items already done.")',
                "def main(items: tuple[str, ...], done: tuple[str, ...]) -> None:",
                "    return command.main(items, done)",
            ),
            "printing_cli/command.py": (
                "def main(items: tuple[str, ...], done: tuple[str, ...]) -> None:",
                '        print("nothing to do", file=sys.stderr)',
            ),
        },
        gone={"printing_cli/command.py": ("@click.",)},
    ),
    "click command, alias": Case(
        "printing_cli",
        "cli.py::main",
        "printing_cli.command",
        ("--leave", "alias"),
        holds={
            "printing_cli/cli.py": ("from printing_cli.command import main",),
            "printing_cli/command.py": (
                "@click.command()",
                "def main(items: tuple[str, ...], done: tuple[str, ...]) -> None:",
            ),
        },
    ),
}


def _lines(root: Path, relpath: str) -> list[str]:
    return (root / relpath).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_the_move_is_proven_committed_and_passes_the_goldens(
    case_id: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    shape_repository: Callable[[str, Path], Path],
) -> None:
    case = CASES[case_id]
    root = shape_repository(case.shape, tmp_path / "repository")
    before = git(root, "rev-parse", "HEAD").strip()

    code, out, err = _move(
        root, capsys, f"{case.shape}/{case.source}", "--to", case.to, *case.options, "--commit"
    )

    assert code == 0, out + err
    lines = out.splitlines()
    assert any(line.startswith("  pure move        ") for line in lines), out
    assert not any(line.startswith("  NOT PURE") for line in lines), out
    assert "Same behaviour: every scenario run on both sides produced the same trace." in lines
    assert not [line for line in lines if line.startswith("  equal ")], out
    assert lines[-1].startswith("Committed "), out
    assert git(root, "log", "-1", "--format=%s") == f"move: {case.qualname} to {case.to}\n"
    assert git(root, "rev-parse", "HEAD~1").strip() == before
    touched = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert touched
    assert not [path for path in touched if path.startswith("golden/")]
    assert git(root, "status", "--porcelain") == ""

    for relpath, expected in case.holds.items():
        written = _lines(root, relpath)
        for line in expected:
            assert line in written, (relpath, line, written)
    for relpath, fragments in case.gone.items():
        text = (root / relpath).read_text(encoding="utf-8")
        for fragment in fragments:
            assert fragment not in text, (relpath, fragment)

    scenarios = _pytest(root)
    assert scenarios.returncode == 0, scenarios.stdout[-3000:]
    assert scenarios.stdout.splitlines()[-1].split()[1] == "passed", scenarios.stdout
    assert git(root, "status", "--porcelain") == ""


def test_verify_move_lists_every_scenario_with_verbose_only(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    shape_repository: Callable[[str, Path], Path],
) -> None:
    root = shape_repository("slotted", tmp_path / "repository")
    move = ("slotted/account.py::Account.fee", "--to", "slotted.fees")

    code, out, _ = _move(root, capsys, *move)
    git(root, "checkout", "-q", ".")
    git(root, "clean", "-qfd", "slotted")
    verbose_code, verbose, _ = _move(root, capsys, *move, "--verbose")

    assert (code, verbose_code) == (0, 0)
    short, full = out.splitlines(), verbose.splitlines()
    at = next(i for i, line in enumerate(short) if line.startswith("verify-move: base HEAD ("))
    assert short[at].endswith(" against the working tree, 3 scenario(s)")
    assert short[at + 1].startswith("3 equal, 0 different, 0 only on the base, 0 only in the ")
    assert short[at + 2 :] == [
        "Same behaviour: every scenario run on both sides produced the same trace.",
        "Proven: check-move and verify-move both pass (pass --commit to commit it).",
    ]
    assert full[at + 1 : at + 4] == [
        "  equal  slotted/test_deposit_updates_the_balance",
        "  equal  slotted/test_overdraft_is_refused",
        "  equal  slotted/test_withdrawal_pays_a_fee",
    ]
    assert full[at + 5 :] == short[at + 2 :]


@dataclass(frozen=True)
class Refusal:
    """A move ``golden move`` refuses on a shape, and the reason it must give."""

    shape: str
    args: tuple[str, ...]
    reason: str


REFUSALS: dict[str, Refusal] = {
    "a mixin method a subclass calls, nothing left": Refusal(
        "mixins",
        ("mixins/exporter.py::AuditMixin.audit", "--to", "mixins.auditing", "--leave", "nothing"),
        "--leave nothing cannot rewrite every use of AuditMixin.audit in its module: "
        'mixins/exporter.py:35 `self.audit("export", key=key, rows=len(rows))`. Use --leave '
        "wrapper or --leave alias, which keep the attribute for them.",
    ),
    "__getattr__ as a module function": Refusal(
        "delegation",
        ("delegation/facade.py::Storage.__getattr__", "--to", "delegation.forwarding"),
        "A module-level function named `__getattr__` is its module's attribute hook (PEP 562): "
        "every missing attribute of delegation.forwarding goes through it. Move a method under "
        "another name (--name NEW)",
    ),
    "a property with a setter": Refusal(
        "slotted",
        ("slotted/account.py::Account.balance", "--to", "slotted.balances"),
        "slotted/account.py::Account.balance is defined 2 times (a property with a setter or "
        "deleter, or a redefinition): move it by hand.",
    ),
    "a function rebinding globals": Refusal(
        "god_module",
        ("god_module/jobs.py::process", "--to", "god_module.processing"),
        "Cannot move process safely: line 23: `global _processed, _last_job` rebinds a global "
        "of god_module.jobs, which stays there.",
    ),
    "a method a scenario names, nothing left": Refusal(
        "async_service",
        (
            "async_service/service.py::PriceService._revision",
            "--to",
            "async_service.revisions",
            "--leave",
            "nothing",
        ),
        "--leave nothing cannot rewrite every use of PriceService._revision: "
        'tests/characterization/test_async_service.py:15 `real=["refresh", "_price", '
        '"_revision"],`.',
    ),
}


@pytest.mark.parametrize("refusal_id", sorted(REFUSALS))
def test_what_cannot_move_safely_is_refused_with_its_reason(
    refusal_id: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    shape_repository: Callable[[str, Path], Path],
) -> None:
    refusal = REFUSALS[refusal_id]
    root = shape_repository(refusal.shape, tmp_path / "repository")
    head = git(root, "rev-parse", "HEAD")

    code, out, err = _move(root, capsys, *refusal.args, "--commit")

    assert code == 2, out + err
    assert refusal.reason in err
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == ""
