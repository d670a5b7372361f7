"""``golden move`` refuses, before changing anything, what it cannot move safely: each refusal
exits 2, names the reason and the fix, and leaves the repository exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.move_examples import git, make_repo

ODD = '''\
"""Shapes that cannot move as they are."""

from movex.pricing import *  # noqa: F403

COUNT = 0


class Base:
    def greet(self):
        return "base"


class Child(Base):
    __token = "t"

    def greet(self):
        return "child " + super().greet()

    def secret(self):
        return self.__token

    def private_helper(self):
        return __helper(self)

    def kind(self):
        return __class__.__name__

    def module(self):
        return __name__

    def totals(self, items):
        return compute_total(items)  # noqa: F405

    @property
    def size(self):
        return 1

    @size.setter
    def size(self, value):
        pass


def outer(scale):
    def inner(value):
        return value * scale

    return inner(2)


def outer_plain():
    def helper(value):
        return value

    return helper(1)


def bump():
    global COUNT
    COUNT += 1
    return COUNT
'''

ABSTRACT = """\
import abc


class Port(abc.ABC):
    @abc.abstractmethod
    def send(self, message):
        raise NotImplementedError
"""

FLAGGED = """\
try:
    import json
except ImportError:
    json = None


class Flags:
    def dump(self, value):
        return json.dumps(value)
"""

SHARED = """\
LIMIT = 3


def over(value):
    return value > LIMIT


class Checks:
    def under(self, value):
        return value < LIMIT
"""

COUNTER = """\
class Counter:
    def __init__(self, start=0):
        self.value = start

    def copy(self):
        return Counter(self.value)
"""

UNITS = """\
UNIT = "kg"


def weigh(amount):
    return f"{amount} {UNIT}"
"""

TARGETS = {
    "src/movex/busy.py": "def ship():\n    return 1\n",
    "src/movex/cheap.py": "from movex.pricing import retry as price_total\n",
    "src/movex/back.py": "from movex.orders import Orders\n",
    "src/movex/odd.py": ODD,
    "src/movex/ports.py": ABSTRACT,
    "src/movex/flags.py": FLAGGED,
    "src/movex/shared.py": SHARED,
    "src/movex/counter.py": COUNTER,
    "src/movex/units.py": UNITS,
    "src/movex/labels.py": "from movex.units import UNIT\n\nLABEL = f'weight ({UNIT})'\n",
}

REFUSALS = {
    "super-without-arguments": (
        ["src/movex/odd.py::Child.greet", "--to", "movex.x"],
        "line 17: super() without arguments needs the class it is written in (write "
        "super(Class, self))",
    ),
    "name-mangled-attribute": (
        ["src/movex/odd.py::Child.secret", "--to", "movex.x"],
        "line 20: the name-mangled attribute `self.__token` is _Child__token inside its class "
        "only (rename it with one underscore)",
    ),
    "name-mangled-name": (
        ["src/movex/odd.py::Child.private_helper", "--to", "movex.x"],
        "line 23: the name-mangled name `__helper` is _Child__helper inside its class only",
    ),
    "class-cell": (
        ["src/movex/odd.py::Child.kind", "--to", "movex.x"],
        "line 26: __class__ needs the class it is written in (use type(self))",
    ),
    "module-dunder": (
        ["src/movex/odd.py::Child.module", "--to", "movex.x"],
        "line 29: __name__ is the module's own and would name the new one",
    ),
    "star-import": (
        ["src/movex/odd.py::Child.totals", "--to", "movex.x"],
        "Child.totals reads compute_total, which src/movex/odd.py may bind by a star import",
    ),
    "property-with-setter": (
        ["src/movex/odd.py::Child.size", "--to", "movex.x"],
        "src/movex/odd.py::Child.size is defined 2 times (a property with a setter or "
        "deleter, or a redefinition): move it by hand.",
    ),
    "closure-over-locals": (
        ["src/movex/odd.py::outer.inner", "--to", "movex.x"],
        "outer.inner is nested in outer and closes over its locals (scale): at module level "
        "they would be undefined.",
    ),
    "nested-function": (
        ["src/movex/odd.py::outer_plain.helper", "--to", "movex.x"],
        "outer_plain.helper is nested in outer_plain: its callers there reach it as a local name.",
    ),
    "global-statement": (
        ["src/movex/odd.py::bump", "--to", "movex.x"],
        "`global COUNT` rebinds a global of movex.odd, which stays there",
    ),
    "abstract-method": (
        ["src/movex/ports.py::Port.send", "--to", "movex.x"],
        "Port.send is decorated with @abc.abstractmethod",
    ),
    "conditional-binding": (
        ["src/movex/flags.py::Flags.dump", "--to", "movex.x"],
        "The moved code reads `json`, which src/movex/flags.py binds 2 times (lines 2, 4)",
    ),
    "helper-used-elsewhere": (
        ["src/movex/shared.py::Checks.under", "--to", "movex.x", "--with-helpers"],
        "`LIMIT` is also used by src/movex/shared.py (line(s) 5)",
    ),
    "own-class-with-helpers": (
        ["src/movex/counter.py::Counter.copy", "--to", "movex.x", "--with-helpers"],
        "Counter.copy reads `Counter`, the class it is defined in: its new module would have "
        "to import it from movex.counter, which imports the new module (an import cycle).",
    ),
    "own-class": (
        ["src/movex/counter.py::Counter.copy", "--to", "movex.x"],
        "Counter.copy reads `Counter`, the class it is defined in",
    ),
    "helper-imported-elsewhere": (
        ["src/movex/units.py::weigh", "--to", "movex.x", "--with-helpers"],
        "--with-helpers would move `UNIT` (src/movex/labels.py:1) out of movex.units, where "
        "that file imports it from.",
    ),
    "helper-without-with-helpers": (
        ["src/movex/orders.py::Orders.announce", "--to", "movex.x"],
        "Orders.announce reads `LARGE` (line 10), `_label` (line 13), defined in "
        "src/movex/orders.py: pass --with-helpers",
    ),
    "new-name-taken": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.busy"],
        "`ship` is already defined in src/movex/busy.py (line 1); pass --name NEW",
    ),
    "imported-name-clash": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.cheap"],
        "the moved code reads `price_total` as movex.pricing.compute_total, but "
        "src/movex/cheap.py binds it to movex.pricing.retry (line 1)",
    ),
    "import-cycle": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.back"],
        "src/movex/back.py imports movex.orders (line 1): importing it back in movex.orders "
        "would make an import cycle",
    ),
    "module-name-taken-in-source": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.sub.logger"],
        "src/movex/orders.py already uses the name `logger`",
    ),
    "class-as-wrapper": (
        ["src/movex/tools.py::Tally", "--to", "movex.x", "--leave", "wrapper"],
        "Tally is a class: it cannot be left as a wrapper. Use --leave alias",
    ),
    "nothing-with-outside-callers": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.x", "--leave", "nothing"],
        "--leave nothing cannot rewrite every use of Orders.ship: "
        "tests/characterization/test_orders.py:29 `golden.call(_orders(golden).ship, SMALL)`",
    ),
    "self-name-used-in-body": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.x", "--self-name", "order"],
        "--self-name 'order' is used in the body; choose another name.",
    ),
    "same-module": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.orders"],
        "--to 'movex.orders' is the module SOURCE is in already.",
    ),
    "missing-package": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.nowhere.x"],
        "--to 'movex.nowhere.x': package 'movex.nowhere' does not exist",
    ),
    "missing-definition": (
        ["src/movex/orders.py::Orders.nope", "--to", "movex.x"],
        "src/movex/orders.py has no definition 'Orders.nope' (looked in Orders)",
    ),
    "not-a-definition": (
        ["src/movex/orders.py", "--to", "movex.x"],
        "SOURCE 'src/movex/orders.py' is not a definition: write path/to/file.py::Class.method",
    ),
    "keyword-name": (
        ["src/movex/orders.py::Orders.ship", "--to", "movex.x", "--name", "class"],
        "--name 'class' is not a Python name.",
    ),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("refusals") / "project", files=TARGETS)
    (root / "src/movex/sub").mkdir()
    (root / "src/movex/sub/__init__.py").write_text("")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "a sub-package")
    return root


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
def test_refused_before_anything_changes(
    refusal: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args, reason = REFUSALS[refusal]
    head = git(repo, "rev-parse", "HEAD")

    code = main(["--root", str(repo), "move", *args])

    out, err = capsys.readouterr()
    assert code == 2, out
    assert err.startswith("golden move: ")
    assert reason in " ".join(err.split()), err
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "rev-parse", "HEAD") == head


def test_a_dirty_working_tree_is_refused_outside_a_dry_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "project")
    notes = repo / "src/movex/report.py"
    notes.write_text(notes.read_text() + "# unfinished\n")

    code = main(
        ["--root", str(repo), "move", "src/movex/orders.py::Orders.ship", "--to", "movex.x"]
    )

    _, err = capsys.readouterr()
    assert code == 2
    assert "The working tree has uncommitted changes (src/movex/report.py)" in err
    assert "Commit or stash them first (or use --dry-run)." in err
    assert git(repo, "status", "--porcelain") == " M src/movex/report.py\n"
    assert (
        main(
            [
                "--root",
                str(repo),
                "move",
                "src/movex/orders.py::Orders.ship",
                "--to",
                "movex.x",
                "--dry-run",
            ]
        )
        == 0
    )
