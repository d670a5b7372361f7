"""``golden strength``: mutants of a seam's code against its goldens, on a tiny project in a
temporary git repository (``harness.synthetic``). The command runs in a subprocess, as users
run it (it forks one child per mutant)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from harness.synthetic import LARGE_SCENARIO, make_project

# The small order never reaches line 15 (`total > 100` is false): its mutants survive unrun.
WEAK_SPOT = [
    f"  survived src/shopx/orders.py:15 ({operator}); no scenario executes this line"
    for operator in ("call dropped", "keyword `reason` dropped", "string changed", "string changed")
]

AUDIT = """\
from golden_harness import Seam
from shopx.orders import Orders

GOLDEN_SEAM = Seam("audit", covers=["shopx.pricing:compute_total"])


def test_audit_of_a_large_order(golden):
    golden.fake("db.save", returns=None)
    golden.fake("db.flag", returns=None)
    orders = golden.isolate(Orders, real=["ship"], attrs={"db": golden.fake("db")})
    golden.call(orders.ship, {"id": "B-2", "items": [{"price": 60.0, "qty": 2}]})
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}


def _capture(project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--snapshot-update"],
        cwd=project,
        env={**_env(), "PYTHONPATH": str(project / "src")},
        check=True,
        capture_output=True,
    )


def _strength(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golden_harness.cli", "--root", str(project), "strength", *args],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_added_scenario_kills_the_weak_spots_mutants(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    _capture(project)

    before = _strength(project, "--seam", "shipping", "--fail-under", "50")

    assert before.returncode == 0, before.stdout + before.stderr
    lines = before.stdout.splitlines()
    # killed, timeout, survived, total, score: no mutant of this seam loops, and timeouts are
    # processor time, so a busy machine cannot turn a survivor into a timeout.
    assert lines[1].split()[:6] == ["shipping", "13", "0", "9", "22", "59.1%"]
    assert [
        line for line in lines if line.startswith("  survived src/shopx/orders.py:15")
    ] == WEAK_SPOT
    assert "      + self.db.flag(order[\"id\"], reason='XXlargeXX')" in lines

    scenarios = project / "tests/characterization/test_shipping.py"
    scenarios.write_text(scenarios.read_text() + LARGE_SCENARIO)
    _capture(project)
    after = _strength(project, "--jobs", "2", "--fail-under", "90")

    assert after.returncode == 1, after.stdout + after.stderr  # 86.4% is below 90%
    lines = after.stdout.splitlines()
    assert lines[1].split()[:6] == ["shipping", "19", "0", "3", "22", "86.4%"]
    assert not [line for line in lines if line.startswith("  survived src/shopx/orders.py:15")]
    assert "  survived src/shopx/orders.py:14 (comparison changed)" in lines
    assert "error:" not in after.stdout


def test_another_seams_module_that_executes_the_mutated_lines_runs_too(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "tests/characterization/test_audit.py").write_text(AUDIT)
    _capture(project)

    done = _strength(project, "--seam", "shipping")

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    # test_audit.py's large order reaches `self.db.flag(...)`: its golden kills those mutants.
    assert not [line for line in lines if line.startswith("  survived src/shopx/orders.py:15")]
    assert (
        "  also run, as its scenarios execute the mutated lines: "
        "tests/characterization/test_audit.py (22 mutant(s))"
    ) in lines


def test_the_operators_refactors_need(tmp_path: Path) -> None:
    from golden_harness.measure import mutants_in

    module_file = tmp_path / "operators_probe.py"
    module_file.write_text(
        "def ship(db, order):\n"
        '    """Ship."""\n'
        "    total = order['qty'] * 2\n"
        "    db.save(id=order['id'], total=total)\n"
        "    payload = {'id': order['id'], 'total': total}\n"
        "    state = 'big' if total > 9 else 'small'\n"
        "    if total > 100:\n"
        "        db.flag(order['id'])\n"
        "    return payload, state\n"
    )
    found = sorted(
        (m.line, m.operator, m.describe()[1])
        for m in mutants_in(module_file, "operators_probe", ((1, 9),))
        if m.operator.split()[0] in ("keyword", "dict", "statements", "condition")
    )

    assert found == [
        (3, "statements swapped", "db.save(id=order['id'], total=total)"),
        (4, "keyword `id` dropped", "db.save(total=total)"),
        (4, "keyword `total` dropped", "db.save(id=order['id'])"),
        (4, "statements swapped", "payload = {'id': order['id'], 'total': total}"),
        (5, "dict keys swapped", "payload = {'total': total, 'id': order['id']}"),
        (5, "statements swapped", "state = 'big' if total > 9 else 'small'"),
        (6, "condition negated", "state = 'big' if (not (total > 9)) else 'small'"),
        (6, "statements swapped", "if total > 100:"),
        (7, "condition negated", "if (not (total > 100)):"),
        (7, "statements swapped", "return payload, state"),
    ]


def test_failing_goldens_unknown_seams_and_no_seams_are_reported(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")

    missing = _strength(project)
    assert missing.returncode == 1
    assert (
        "  error: its scenarios do not pass unmutated (1 failing, such as "
        "tests/characterization/test_shipping.py::test_small_order): run `pytest "
        "tests/characterization/test_shipping.py::test_small_order` and fix them first."
    ) in missing.stdout.splitlines(), missing.stdout
    assert missing.stdout.splitlines()[1].split()[:5] == ["shipping", "0", "0", "0", "0"]

    unknown = _strength(project, "--seam", "nope")
    assert unknown.returncode == 2
    assert "No seam named 'nope'; the declared seams are ['shipping']." in unknown.stderr

    (project / "tests/characterization/test_shipping.py").unlink()
    none = _strength(project)
    assert none.returncode == 2
    assert "No seams found under" in none.stderr


def test_a_mutant_applies_to_the_source_it_was_found_in(tmp_path: Path) -> None:
    import importlib

    from golden_harness.measure import apply_mutant, mutants_in

    module_file = tmp_path / "pricing_mutants_probe.py"
    module_file.write_text("def total(price):\n    return price + 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("pricing_mutants_probe")
        (plus,) = [
            m for m in mutants_in(module_file, module.__name__, ((2, 2),)) if "-" in m.replacement
        ]
        # The file changes while a long run goes on: the mutant still names and changes line 2.
        module_file.write_text("# edited\ndef total(price):\n    return price + 1\n")
        assert plus.describe() == ("return price + 1", "return (price - 1)")
        apply_mutant(plus)
        assert module.total(10) == 9
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("pricing_mutants_probe", None)


def test_a_run_slowed_down_without_computing_is_not_a_timeout(tmp_path: Path) -> None:
    from golden_harness.measure._children import run_children

    # One second of processor time allowed: a machine so busy that the run takes 2.5 s of
    # wall-clock time (here: sleeping) does not make it a timeout.
    (outcome,) = run_children([lambda: (time.sleep(2.5), 0)[1]], [1.0], tmp_path, parallel=1)

    assert outcome.code == 0
    assert outcome.wall >= 2.5


def test_a_run_that_computes_past_its_processor_time_is_a_timeout(tmp_path: Path) -> None:
    from golden_harness.measure._children import run_children

    def spin() -> int:
        while True:
            pass

    (outcome,) = run_children([spin], [1.0], tmp_path, parallel=1)

    assert outcome.code is None
    assert outcome.cpu >= 0.5  # the kernel counts processor time in ticks
    assert outcome.wall < 30


FEES = '''\
"""Fees, from a table of rates."""

FEE_RATES = {"EUR": 0.05, "USD": 0.07}
BASE_FEE = 1.0
FEES = {currency: BASE_FEE + rate * 10 for currency, rate in FEE_RATES.items()}


def fee(currency):
    return FEES[currency]
'''

FEE_SCENARIOS = """\
from golden_harness import Seam
from shopx.fees import fee

GOLDEN_SEAM = Seam(
    "fees",
    covers=["shopx.fees:FEE_RATES", "shopx.fees:BASE_FEE", "shopx.fees:FEES", "shopx.fees:fee"],
)


def test_the_euro_fee(golden):
    golden.call(fee, "EUR")
"""


def test_module_level_values_a_seam_covers_are_mutated_and_rebuilt(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "src/shopx/fees.py").write_text(FEES)
    (project / "tests/characterization/test_fees.py").write_text(FEE_SCENARIOS)
    _capture(project)

    done = _strength(project, "--seam", "fees")

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    survivors = [line for line in lines if line.startswith("  survived ")]
    # The scenario asks for the euro fee only: the dollar entry's changes survive, and so does
    # the key order of the rates (the fee table is looked up by key).
    assert survivors == [
        "  survived src/shopx/fees.py:3 (dict keys swapped)",
        "  survived src/shopx/fees.py:3 (string changed)",
        "  survived src/shopx/fees.py:3 (number + 1)",
    ], done.stdout
    # BASE_FEE is read only while FEES is built: its mutants are killed because FEES is built
    # again from the mutated value. `FEE_RATES = None` breaks the import: killed.
    assert lines[1].split()[:6] == ["fees", "10", "0", "3", "13", "76.9%"], lines[1]


def test_a_value_mutant_rebuilds_later_values_and_replaces_imported_copies(
    tmp_path: Path,
) -> None:
    import importlib

    from golden_harness.measure import apply_mutant, mutants_in

    (tmp_path / "limits_probe.py").write_text(
        "from __future__ import annotations\n"
        "LIMIT: int = 10\n"
        "DOUBLE = LIMIT * 2\n"
        "def limit():\n"
        "    return DOUBLE\n"
    )
    (tmp_path / "limits_user_probe.py").write_text("from limits_probe import DOUBLE\n")
    # The same small int, not imported from the mutated module: it must stay as it is.
    (tmp_path / "limits_other_probe.py").write_text("TWENTY = 20\n")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("limits_probe")
        user = importlib.import_module("limits_user_probe")
        other = importlib.import_module("limits_other_probe")
        found = mutants_in(tmp_path / "limits_probe.py", "limits_probe", ((2, 2),))
        assert [(m.kind, m.qualname, m.operator) for m in found] == [
            ("value", "LIMIT", "number + 1")
        ]

        apply_mutant(found[0])

        assert (module.LIMIT, module.DOUBLE, module.limit(), user.DOUBLE) == (11, 22, 22, 22)
        assert other.TWENTY == 20
        assert logging.INFO == 20
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("limits_probe", "limits_user_probe", "limits_other_probe"):
            sys.modules.pop(name, None)


def test_a_value_runs_the_scenarios_of_every_seam_covering_code_of_its_module(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "project")
    (project / "src/shopx/fees.py").write_text(FEES)
    (project / "tests/characterization/test_fees.py").write_text(FEE_SCENARIOS)
    # This seam names only the function, which reads the table when it runs.
    dollar = (
        FEE_SCENARIOS.replace('"fees",', '"dollar_fees",')
        .replace("test_the_euro_fee", "test_the_dollar_fee")
        .replace('"EUR"', '"USD"')
    )
    covers = '["shopx.fees:FEE_RATES", "shopx.fees:BASE_FEE", "shopx.fees:FEES", "shopx.fees:fee"]'
    assert covers in dollar
    (project / "tests/characterization/test_dollar_fees.py").write_text(
        dollar.replace(covers, '["shopx.fees:fee"]')
    )
    _capture(project)

    done = _strength(project, "--seam", "fees")

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    # The dollar entry's mutants are killed by the other seam's scenario, which runs too.
    assert [line for line in lines if line.startswith("  survived ")] == [
        "  survived src/shopx/fees.py:3 (dict keys swapped)"
    ], done.stdout
    assert lines[1].split()[:6] == ["fees", "12", "0", "1", "13", "92.3%"], lines[1]
    # Its scenario runs `fee` (1 mutant there) and reads the table (12 value mutants).
    assert lines[4:6] == [
        "  also run, as its scenarios execute the mutated lines: "
        "tests/characterization/test_dollar_fees.py (1 mutant(s))",
        "  also run, as its seam covers code of a mutated value's file: "
        "tests/characterization/test_dollar_fees.py (12 mutant(s))",
    ], done.stdout


def test_a_value_mutant_rebuilds_the_values_other_modules_of_its_package_built_from_it(
    tmp_path: Path,
) -> None:
    import importlib

    from golden_harness.measure import apply_mutant, mutants_in

    package = tmp_path / "roots_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        'ROOTS = ("src/",)\n\n\ndef make():\n    return {"roots": ROOTS}\n'
    )
    # Built at import from a function of `settings` (which reads ROOTS when called) and from
    # the module itself; LABEL reads neither and keeps its object.
    (package / "loop.py").write_text(
        "from roots_probe import settings as s\n"
        "from roots_probe.settings import make\n"
        "LABEL = ['loop']\n"
        "LOOP = make()\n"
        "TABLE = s.ROOTS + ('docs/',)\n"
        "BOTH = (LOOP, LABEL)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        loop = importlib.import_module("roots_probe.loop")
        label, both = loop.LABEL, loop.BOTH
        (changed,) = [
            m
            for m in mutants_in(package / "settings.py", "roots_probe.settings", ((1, 1),))
            if m.operator == "string changed"
        ]

        apply_mutant(changed)

        assert loop.LOOP == {"roots": ("XXsrc/XX",)}
        assert loop.TABLE == ("XXsrc/XX", "docs/")
        assert loop.BOTH == ({"roots": ("XXsrc/XX",)}, ["loop"])
        assert loop.BOTH is not both
        assert loop.LABEL is label
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("roots_probe", "roots_probe.settings", "roots_probe.loop"):
            sys.modules.pop(name, None)


MANGLED = """\
from __future__ import annotations

import sys


class Base:
    def total(self, n: int) -> int:
        return n


class Order(Base):
    __fee = 2

    def total(self, n: int) -> int:
        def inner(k: Undefined) -> int:
            return k
        return super().total(n) + self.__fee + inner(0)


if sys.version_info >= (3,):
    def guarded(n):
        return n + 1
"""


def test_a_mutant_compiles_only_its_function_as_the_module_would(tmp_path: Path) -> None:
    import importlib

    from golden_harness.measure import apply_mutant, mutants_in
    from golden_harness.measure._apply import mutated_code

    (tmp_path / "mangled_probe.py").write_text(MANGLED)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("mangled_probe")
        found = mutants_in(tmp_path / "mangled_probe.py", "mangled_probe", ((14, 17), (21, 22)))
        (plus,) = [m for m in found if "(super().total(n) - self.__fee)" in m.replacement]
        (guarded,) = [m for m in found if m.line == 22 and m.operator == "arithmetic changed"]
        # Compiled inside an empty `class Order:`: its name, `super()`'s cell, `self.__fee`'s
        # mangling and the module's `from __future__ import annotations` are as in the module
        # (the nested function's annotation names nothing that exists).
        assert mutated_code(plus, 0x1000000).co_qualname == "Order.total"
        apply_mutant(plus)
        assert module.Order().total(5) == 5 - 2 + 0
        # A function inside an `if` block: the whole mutated module is compiled instead.
        apply_mutant(guarded)
        assert module.guarded(1) == 0
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("mangled_probe", None)
