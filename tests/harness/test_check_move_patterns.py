"""``golden check-move`` on the moves real refactors make, each as a pure move and with one
planted change, on a real git repository (``harness.synthetic``'s project, given a base of its
own per pattern): a method moved to a class the old object holds, a method moved to a function
without its unused ``self``, a wrapper passing ``self`` by keyword; and the checks around the
move: undefined names in changed functions, attributes a class no longer sets."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.synthetic import commit, make_project, write


def _run(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), "check-move", "--base", "HEAD", "--package", "shopx"])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


# A method moved to a class the old object holds: `self.ledger.record(order)`.

LEDGER_BASE = '''\
"""Orders."""

from shopx.pricing import compute_total as price_total


class Orders:
    def __init__(self, db, run_id):
        self.db = db
        self.run_id = run_id

    def record(self, order):
        total = price_total(order["items"], currency="EUR")
        self.db.save(run_id=self.run_id, order_id=order["id"], total=total)
        return total
'''

LEDGER_ORDERS = '''\
"""Orders."""

from shopx.ledger import Ledger


class Orders:
    def __init__(self, db, run_id):
        self.db = db
        self.run_id = run_id
        self.ledger = Ledger(db, run_id)

    def record(self, order):
        return self.ledger.record(order)
'''

LEDGER = '''\
"""The ledger, moved out of Orders."""

from shopx.pricing import compute_total as price_total


class Ledger:
    def __init__(self, db, run_id):
        self.db = db
        self.run_id = run_id

    def record(self, order):
        total = price_total(order["items"], currency="EUR")
        self.db.save(run_id=self.run_id, order_id=order["id"], total=total)
        return total
'''

# A method moved to a function without the `self` it never used, behind a wrapper that calls
# it without `self`.

LABEL_BASE = '''\
"""Orders."""


class Orders:
    def __init__(self, db):
        self.db = db

    def label(self, order, prefix="#"):
        code = order["id"].upper()
        return f"{prefix}{code}"
'''

LABEL_ORDERS = '''\
"""Orders."""

from shopx.labels import make_label


class Orders:
    def __init__(self, db):
        self.db = db

    def label(self, order, prefix="#"):
        return make_label(order, prefix)
'''

LABELS = '''\
"""Labels, moved out of Orders."""


def make_label(order, prefix="#"):
    code = order["id"].upper()
    return f"{prefix}{code}"
'''

# A method moved to a module function without its unused `self`; the callers were updated and
# no wrapper is left.

TRIM_BASE = '''\
"""Orders."""


class Orders:
    def __init__(self, db):
        self.db = db

    def trim_ci_output(self, output, limit=10000):
        if len(output) <= limit:
            return output
        return output[: limit // 2] + "\\n...\\n" + output[-limit // 2 :]

    def report(self, output):
        return self.trim_ci_output(output)
'''

TRIM_ORDERS = '''\
"""Orders."""

from shopx.ci import trim_ci_output


class Orders:
    def __init__(self, db):
        self.db = db

    def report(self, output):
        return trim_ci_output(output)
'''

TRIM = '''\
"""CI output, moved out of Orders."""


def trim_ci_output(output, limit=10000):
    if len(output) <= limit:
        return output
    return output[: limit // 2] + "\\n...\\n" + output[-limit // 2 :]
'''

# A wrapper passing `self` on by keyword.

KEYWORD_BASE = '''\
"""Orders."""


class Orders:
    def __init__(self, db):
        self.db = db

    def ship(self, order):
        self.db.save(order_id=order["id"], retries=2)
        return "SHIPPED"
'''

KEYWORD_ORDERS = '''\
"""Orders."""

from shopx import shipping


class Orders:
    def __init__(self, db):
        self.db = db

    def ship(self, order):
        return shipping.ship(orders=self, order=order)
'''

KEYWORD_SHIPPING = '''\
"""Shipping, moved out of Orders."""


def ship(orders, order):
    orders.db.save(order_id=order["id"], retries=2)
    return "SHIPPED"
'''


# A method moved to a function taking the object as its first parameter, its callers updated
# and no wrapper left.

NO_SHIP = KEYWORD_BASE[: KEYWORD_BASE.index("    def ship(")].rstrip() + "\n"


# The method left behind as an alias: the class binds the moved function to its old name.

ALIAS_ORDERS = (
    NO_SHIP.replace('"""Orders."""\n', '"""Orders."""\n\nfrom shopx import shipping\n')
    + "\n    ship = shipping.ship\n"
)


@dataclass(frozen=True)
class Case:
    """A base, the files of the move, the replacements of one planted change (none for the
    pure move), and what the report must say about it."""

    base: str
    moved: dict[str, str]
    planted: tuple[tuple[str, str, str], ...] = ()
    expect: str = ""


def _ledger_without_run_id() -> tuple[tuple[str, str, str], ...]:
    return (("src/shopx/ledger.py", "        self.run_id = run_id\n", ""),)


CASES = {
    "attribute delegate": Case(
        LEDGER_BASE, {"src/shopx/orders.py": LEDGER_ORDERS, "src/shopx/ledger.py": LEDGER}
    ),
    "attribute delegate, body changed": Case(
        LEDGER_BASE,
        {"src/shopx/orders.py": LEDGER_ORDERS, "src/shopx/ledger.py": LEDGER},
        (("src/shopx/ledger.py", 'currency="EUR"', 'currency="USD"'),),
        "keyword argument `currency`: 'EUR' -> 'USD'",
    ),
    "attribute delegate, attribute not set": Case(
        LEDGER_BASE,
        {"src/shopx/orders.py": LEDGER_ORDERS, "src/shopx/ledger.py": LEDGER},
        _ledger_without_run_id(),
        "`self.run_id` (src/shopx/ledger.py:12) is read, but Ledger never sets it",
    ),
    "function without self": Case(
        LABEL_BASE, {"src/shopx/orders.py": LABEL_ORDERS, "src/shopx/labels.py": LABELS}
    ),
    "function without self, arguments swapped": Case(
        LABEL_BASE,
        {"src/shopx/orders.py": LABEL_ORDERS, "src/shopx/labels.py": LABELS},
        (("src/shopx/orders.py", "make_label(order, prefix)", "make_label(prefix, order)"),),
        "(`prefix` is passed as `order`; `order` is passed as `prefix`)",
    ),
    "function without self, body changed": Case(
        LABEL_BASE,
        {"src/shopx/orders.py": LABEL_ORDERS, "src/shopx/labels.py": LABELS},
        (("src/shopx/labels.py", ".upper()", ".lower()"),),
        "order['id'].upper -> order['id'].lower",
    ),
    "function without self, import forgotten": Case(
        LABEL_BASE,
        {"src/shopx/orders.py": LABEL_ORDERS, "src/shopx/labels.py": LABELS},
        (("src/shopx/orders.py", "from shopx.labels import make_label\n\n", ""),),
        "`make_label` in shopx.orders.Orders.label is not defined",
    ),
    "object as parameter, no wrapper": Case(
        KEYWORD_BASE, {"src/shopx/orders.py": NO_SHIP, "src/shopx/shipping.py": KEYWORD_SHIPPING}
    ),
    "object as parameter, no wrapper, retries changed": Case(
        KEYWORD_BASE,
        {"src/shopx/orders.py": NO_SHIP, "src/shopx/shipping.py": KEYWORD_SHIPPING},
        (("src/shopx/shipping.py", "retries=2", "retries=3"),),
        "keyword argument `retries`: 2 -> 3",
    ),
    "alias": Case(
        KEYWORD_BASE,
        {"src/shopx/orders.py": ALIAS_ORDERS, "src/shopx/shipping.py": KEYWORD_SHIPPING},
    ),
    "alias, retries changed": Case(
        KEYWORD_BASE,
        {"src/shopx/orders.py": ALIAS_ORDERS, "src/shopx/shipping.py": KEYWORD_SHIPPING},
        (("src/shopx/shipping.py", "retries=2", "retries=3"),),
        "keyword argument `retries`: 2 -> 3",
    ),
    "alias, parameter renamed": Case(
        KEYWORD_BASE,
        {"src/shopx/orders.py": ALIAS_ORDERS, "src/shopx/shipping.py": KEYWORD_SHIPPING},
        (
            (
                "src/shopx/shipping.py",
                "def ship(orders, order):",
                "def ship(orders, item, order=None):",
            ),
        ),
        "shopx.orders.Orders.ship (src/shopx/orders.py:10) = shopx.shipping.ship with OTHER "
        "PARAMETERS: parameters after the first were (order), the target takes (item, order=None)",
    ),
    "self dropped": Case(TRIM_BASE, {"src/shopx/orders.py": TRIM_ORDERS, "src/shopx/ci.py": TRIM}),
    "self dropped, default changed": Case(
        TRIM_BASE,
        {"src/shopx/orders.py": TRIM_ORDERS, "src/shopx/ci.py": TRIM},
        (("src/shopx/ci.py", "limit=10000", "limit=5000"),),
        "def trim_ci_output(output, limit=5000)",
    ),
    "self dropped, comparison changed": Case(
        TRIM_BASE,
        {"src/shopx/orders.py": TRIM_ORDERS, "src/shopx/ci.py": TRIM},
        (("src/shopx/ci.py", "<= limit", "< limit"),),
        "operator `<=` -> operator `<`",
    ),
    "self by keyword": Case(
        KEYWORD_BASE,
        {"src/shopx/orders.py": KEYWORD_ORDERS, "src/shopx/shipping.py": KEYWORD_SHIPPING},
    ),
    "self by keyword, retries changed": Case(
        KEYWORD_BASE,
        {"src/shopx/orders.py": KEYWORD_ORDERS, "src/shopx/shipping.py": KEYWORD_SHIPPING},
        (("src/shopx/shipping.py", "retries=2", "retries=3"),),
        "keyword argument `retries`: 2 -> 3",
    ),
}


def _apply(tmp_path: Path, case: Case) -> Path:
    project = make_project(tmp_path / "project")
    write(project, {"src/shopx/orders.py": case.base})
    commit(project, "base")
    files = dict(case.moved)
    for path, old, new in case.planted:
        assert old in files[path], (path, old)
        files[path] = files[path].replace(old, new)
    write(project, files)
    return project


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_pattern_is_pure_and_not_pure_with_a_planted_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    case = CASES[name]
    project = _apply(tmp_path, case)

    code, lines, err = _run(project, capsys)

    assert err == ""
    pure = not case.planted
    assert code == (0 if pure else 1), lines
    if pure:
        assert " 0 not pure, 0 without counterpart; " in lines[-1], lines
        assert " 0 passing other arguments; 0 undefined name(s), " in lines[-1], lines
    else:
        assert case.expect, name
        assert case.expect in "\n".join(lines), lines


def test_attribute_delegate_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _apply(tmp_path, CASES["attribute delegate"])

    code, lines, _ = _run(project, capsys)

    assert code == 0, lines
    assert lines[1:] == [
        "  constructor      shopx.ledger.Ledger.__init__ (src/shopx/ledger.py:7): only stores its "
        "parameters (`self.db`, `self.run_id`)",
        "  pure move        shopx.ledger.Ledger.record (src/shopx/ledger.py:11) <- "
        "shopx.orders.Orders.record (src/shopx/orders.py:11 at the base)",
        "changed in place (must be the same code, or a caller rewritten to reach moved code):",
        "  same code        shopx.orders.Orders.__init__ (src/shopx/orders.py:7)",
        "      note: added `self.ledger = Ledger(db, run_id)` (line 10): holds the new "
        "shopx.ledger.Ledger its wrappers delegate to; making it only stores its parameters",
        "classes (compared whole: header, body statements, methods):",
        "  new class        shopx.ledger.Ledger (src/shopx/ledger.py:6): no class of that name "
        "was removed; its methods are judged above",
        "thin wrappers (functions at the base whose body now delegates):",
        "  shopx.orders.Orders.record (src/shopx/orders.py:12) -> shopx.ledger.Ledger.record "
        "through `self.ledger` with the same arguments",
        lines[-1],
    ]
    assert lines[-1].startswith(
        "1 pure move(s), 0 not pure, 0 without counterpart; 1 wrapper(s), 0 passing other "
        "arguments; 0 undefined name(s), 0 attribute warning(s), 1 constructor(s), 1 changed in "
        "place, 0 not the same code; "
    )


def test_an_attribute_the_new_class_never_sets_is_a_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _apply(tmp_path, CASES["attribute delegate, attribute not set"])

    code, lines, _ = _run(project, capsys)

    assert code == 1
    assert (
        "      `self.run_id` (src/shopx/ledger.py:12) is read, but Ledger never sets it; "
        "Orders did at the base (src/shopx/orders.py:9)" in lines
    ), lines


def test_function_without_self_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _apply(tmp_path, CASES["function without self"])

    code, lines, _ = _run(project, capsys)

    assert code == 0, lines
    assert lines[1:6] == [
        "  pure move        shopx.labels.make_label (src/shopx/labels.py:4) <- "
        "shopx.orders.Orders.label (src/shopx/orders.py:8 at the base)",
        "      note: renamed from `label` to `make_label` (nothing reads its name)",
        "      note: parameters: `self` dropped (the body never used it)",
        "thin wrappers (functions at the base whose body now delegates):",
        "  shopx.orders.Orders.label (src/shopx/orders.py:10) -> shopx.labels.make_label "
        "without `self` with the same arguments",
    ]


def test_swapped_arguments_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _apply(tmp_path, CASES["function without self, arguments swapped"])

    code, lines, _ = _run(project, capsys)

    assert code == 1
    assert lines[5] == (
        "  shopx.orders.Orders.label (src/shopx/orders.py:10) -> shopx.labels.make_label "
        "without `self` with OTHER ARGUMENTS: make_label(prefix, order) (`prefix` is passed as "
        "`order`; `order` is passed as `prefix`)"
    )


def test_self_dropped_without_wrapper(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _apply(tmp_path, CASES["self dropped"])

    code, lines, _ = _run(project, capsys)

    assert code == 0, lines
    assert lines[1:3] == [
        "  pure move        shopx.ci.trim_ci_output (src/shopx/ci.py:4) <- "
        "shopx.orders.Orders.trim_ci_output (src/shopx/orders.py:8 at the base)",
        "      note: parameters: `self` dropped (the body never used it)",
    ]


def test_a_changed_comparison_is_shown_with_its_operators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _apply(tmp_path, CASES["self dropped, comparison changed"])

    code, lines, _ = _run(project, capsys)

    assert code == 1
    assert lines[3] == "          operator `<=` -> operator `<`", lines


def test_self_by_keyword_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _apply(tmp_path, CASES["self by keyword"])

    code, lines, _ = _run(project, capsys)

    assert code == 0, lines
    assert lines[3] == (
        "  shopx.orders.Orders.ship (src/shopx/orders.py:10) -> shopx.shipping.ship with the "
        "same arguments"
    )


EXPLICIT_BASE = '''\
"""Orders."""

from pathlib import Path


class Orders:
    def __init__(self, workspace):
        self.workspace = workspace

    def _phase_file(self, phase_id):
        name = f"{phase_id}.json"
        return Path(self.workspace) / name
'''

EXPLICIT_ORDERS = '''\
"""Orders."""

from shopx.phases import phase_file


class Orders:
    def __init__(self, workspace):
        self.workspace = workspace
'''

EXPLICIT = '''\
"""Phase files."""

from pathlib import Path


def phase_file(phase_id, workspace):
    name = f"{phase_id}.json"
    return Path(workspace) / name
'''


def test_explicit_parameters_instead_of_self_keep_self_in_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    write(project, {"src/shopx/orders.py": EXPLICIT_BASE})
    commit(project, "base")
    write(project, {"src/shopx/orders.py": EXPLICIT_ORDERS, "src/shopx/phases.py": EXPLICIT})

    code, lines, _ = _run(project, capsys)

    assert code == 1
    text = "\n".join(lines)
    assert "phase_id.workspace" not in text, text
    assert lines[2] == (
        "      signature: src/shopx/orders.py  def _phase_file(self, phase_id) | "
        "src/shopx/phases.py  def phase_file(phase_id, workspace)"
    )
    assert "src/shopx/orders.py:12  return Path(self.workspace)" in lines[3], lines
    assert lines[4] == "          self.workspace -> workspace"


def test_a_same_named_function_delegating_in_another_way_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    write(project, {"src/shopx/orders.py": KEYWORD_BASE})
    commit(project, "base")
    orders = KEYWORD_ORDERS.replace(
        "        return shipping.ship(orders=self, order=order)\n",
        "        result = shipping.ship(self, order)\n        return result\n",
    )
    write(project, {"src/shopx/orders.py": orders, "src/shopx/shipping.py": KEYWORD_SHIPPING})

    code, lines, _ = _run(project, capsys)

    assert code == 1
    assert lines[1] == (
        "  no counterpart   shopx.shipping.ship (src/shopx/shipping.py:4): shopx.orders.Orders.ship "
        "(src/shopx/orders.py:8 at the base) has the same name and changed, but is not a thin "
        "wrapper now (one call passing its parameters on): compare the two by hand"
    )


def test_a_forgotten_import_in_a_wrapper_fails_with_the_name_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _apply(tmp_path, CASES["function without self"])
    orders = project / "src/shopx/orders.py"
    write(project, {"src/shopx/orders.py": orders.read_text().replace(LABEL_IMPORT, "")})

    code, lines, _ = _run(project, capsys)

    assert code == 1
    assert lines[1].startswith("  pure move        shopx.labels.make_label"), lines
    assert lines[-3:-1] == [
        "undefined names in the changed functions (ruff F821):",
        "  src/shopx/orders.py:9  `make_label` in shopx.orders.Orders.label is not defined",
    ]
    assert " 1 undefined name(s), " in lines[-1]


LABEL_IMPORT = "from shopx.labels import make_label\n\n"


def test_an_undefined_name_outside_the_changed_functions_is_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    write(project, {"src/shopx/orders.py": LABEL_BASE + "\n\ndef old():\n    return missing\n"})
    commit(project, "base with an undefined name in a function the move does not touch")
    orders = LABEL_ORDERS + "\n\ndef old():\n    return missing\n"
    write(project, {"src/shopx/orders.py": orders, "src/shopx/labels.py": LABELS})

    code, lines, _ = _run(project, capsys)

    assert code == 0, lines
    assert " 0 undefined name(s), " in lines[-1]


def test_an_attribute_the_class_no_longer_sets_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    base = LABEL_BASE.replace(
        "        self.db = db\n", "        self.db = db\n        self.prefix = '#'\n"
    ).replace('prefix="#"):', "prefix=None):\n        prefix = prefix or self.prefix")
    write(project, {"src/shopx/orders.py": base})
    commit(project, "base")
    orders = LABEL_ORDERS.replace('prefix="#"):', "prefix=None):").replace(
        "make_label(order, prefix)", "make_label(order, prefix or self.prefix)"
    )
    write(project, {"src/shopx/orders.py": orders, "src/shopx/labels.py": LABELS})

    code, lines, _ = _run(project, capsys)

    assert code == 1  # the wrapper passes `prefix or self.prefix`: other arguments
    assert [line for line in lines if "self.prefix" in line and "nowhere" in line] == [
        "  src/shopx/orders.py:11  `self.prefix` in shopx.orders.Orders.label: set at the base "
        "(src/shopx/orders.py:7), nowhere now"
    ], lines
    assert " 1 attribute warning(s)" in lines[-1]


def test_without_ruff_the_check_stops_and_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _apply(tmp_path, CASES["self by keyword"])
    monkeypatch.setitem(sys.modules, "ruff.__main__", None)  # importing it raises ImportError
    monkeypatch.setattr("shutil.which", lambda name: None)

    code, _, err = _run(project, capsys)

    assert code == 2
    assert "check-move finds undefined names with ruff, and ruff is not installed" in err
    assert "pip install 'autopack[harness]'" in err


def test_a_held_object_whose_class_cannot_be_told_is_said_and_matched_by_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _apply(tmp_path, CASES["attribute delegate"])
    orders = project / "src/shopx/orders.py"
    text = orders.read_text().replace("from shopx.ledger import Ledger\n", "")
    write(project, {"src/shopx/orders.py": text})

    code, lines, _ = _run(project, capsys)

    assert code == 1
    assert lines[2].startswith("  pure move        shopx.ledger.Ledger.record"), lines
    assert (
        "  shopx.orders.Orders.record (src/shopx/orders.py:11) -> self.ledger.record (the class "
        "of `self.ledger` could not be told) with the same arguments"
    ) in lines
    assert (
        "  src/shopx/orders.py:9  `Ledger` in shopx.orders.Orders.__init__ is not defined"
    ) in lines
    assert "  CHANGED          shopx.orders.Orders.__init__ (src/shopx/orders.py:6)" in lines


def test_alias_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _apply(tmp_path, CASES["alias"])

    code, lines, _ = _run(project, capsys)

    assert code == 0, lines
    assert lines[1:] == [
        "  pure move        shopx.shipping.ship (src/shopx/shipping.py:4) <- "
        "shopx.orders.Orders.ship (src/shopx/orders.py:8 at the base)",
        "aliases (functions at the base now a name bound to a function):",
        "  shopx.orders.Orders.ship (src/shopx/orders.py:10) = shopx.shipping.ship with the same "
        "parameters",
        "1 pure move(s), 0 not pure, 0 without counterpart; 0 wrapper(s), 0 passing other "
        "arguments; 0 undefined name(s), 0 attribute warning(s), 1 alias(es), 0 with other "
        "parameters; " + lines[-1].rsplit("; ", 1)[1],
    ]
    assert lines[-1].endswith(" s.")
