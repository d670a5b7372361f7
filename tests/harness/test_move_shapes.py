"""``golden move`` on every kind of SOURCE and every ``--leave`` option, on scratch copies of the
example project (``harness.move_examples``): the code it writes, the moved code passing its
scenarios against the committed goldens, and check-move calling the move pure.
Wrappers that ``await`` or ``yield from`` and property bindings are moves like the others: their
scenarios pass and check-move calls them pure.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golden_harness.moves import render_check_move
from golden_harness.relocate import MoveOutcome, MoveRequest, perform_move
from harness.move_examples import git, make_repo

SHIP = '''\
import logging

from movex.pricing import compute_total as price_total

logger = logging.getLogger(__name__)


def ship(orders, order):
    """Ship one order: save it with its total."""
    total = price_total(order["items"])  # as the pricing module computes it
    orders.db.save(order_id=order["id"], total=total)
    logger.info("shipped %s", order["id"])
    return "SHIPPED"
'''

ANNOUNCE = '''\
from movex.pricing import compute_total as price_total

LARGE = 100


def _label(order_id):
    return f"order {order_id}"


def announce(orders, order):
    """Mail the order's label; a large order says so."""
    import json  # a local import stays local

    label = _label(order["id"])
    if price_total(order["items"]) > LARGE:
        label += " (large)"
    orders.mailer.send(json.dumps({"label": label}))
    return label
'''

SUMMARY = '''\
def summary(orders, order_id):
    """One line about the order (its prefix, description and total)."""
    return (
        f"{orders.label_prefix} {orders.describe(order_id, status='open')}, {orders.total_with_tax}"
    )
'''

SAVE = """\
def save_with_retry(orders, order):
    saved = orders.db.save(order_id=order["id"], total=0)
    return f"{order['id']}: {saved}"
"""

TOTAL = """\
def total_with_tax(orders):
    return orders._money(sum(orders.prices) * (1 + orders.tax_rate))
"""

PREFIX = """\
def label_prefix(orders):
    return "order" if orders.prices else "empty order"
"""

FROM_ROWS = """\
def from_rows(cls, db, mailer, rows):
    orders = cls(db, mailer)
    orders.prices = [row["price"] for row in rows]
    return orders
"""

DESCRIBE = """\
def describe(order_id, status="new"):
    return f"{order_id}: {status}"
"""

MONEY = """\
def money(value):
    return round(value, 2)
"""

FETCH = '''\
import asyncio


async def fetch(reader, key, *, retries=1):
    """Fetch one record from the source."""
    await asyncio.sleep(0)
    record = reader.source.get(key, retries=retries)
    return {"key": key, **record}
'''

LINES = """\
def lines(reader, text):
    for line in text.splitlines():
        if line.strip():
            yield line.strip()
"""

NUMBERED = '''\
def numbered(reader, text):
    """Yield the lines numbered; return how many there were."""
    number = 0
    for line in text.splitlines():
        number += 1
        yield f"{number}: {line}"
    return number
'''

AUDIT = """\
def audit(mixin, event, **details):
    mixin.log.append((event, sorted(details.items())))
    return len(mixin.log)
"""

SPLIT_TAGS = """\
import re

SEPARATOR = re.compile(r"[,;]\\s*")


def split_tags(text, *, lower=True):
    tags = [tag for tag in SEPARATOR.split(text) if tag]
    return [tag.lower() for tag in tags] if lower else tags
"""

TALLY = '''\
class Tally:
    """Counts per key."""

    def __init__(self):
        self.counts = {}

    def add(self, key, amount=1):
        self.counts[key] = self.counts.get(key, 0) + amount
        return self.counts[key]
'''

PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]


@dataclass(frozen=True)
class Case:
    """One move: SOURCE, --to, options; the new module's text; lines the changed files must
    hold (path -> lines) and must no longer hold; the scenarios that exercise it."""

    source: str
    to: str
    options: dict[str, object]
    module: str
    holds: dict[str, list[str]]
    scenarios: str
    gone: dict[str, list[str]] = field(default_factory=dict)


ORDERS, STREAMS = "src/movex/orders.py", "src/movex/streams.py"
MIXINS, TOOLS, REPORT = "src/movex/mixins.py", "src/movex/tools.py", "src/movex/report.py"
ORDER_TESTS = "tests/characterization/test_orders.py"

CASES = {
    "method-wrapper": Case(
        f"{ORDERS}::Orders.ship",
        "movex.shipping",
        {},
        SHIP,
        {
            ORDERS: [
                "from movex import shipping",
                "    def ship(self, order):",
                '        """Ship one order: save it with its total."""',
                "        return shipping.ship(self, order)",
            ],
            ORDER_TESTS: ['        "movex.shipping:ship",', '        "movex.orders:Orders.ship",'],
        },
        ORDER_TESTS,
        gone={ORDERS: ["    def ship(self, order):\n        total"]},
    ),
    "method-alias": Case(
        f"{ORDERS}::Orders.ship",
        "movex.shipping",
        {"leave": "alias"},
        SHIP,
        {ORDERS: ["from movex import shipping", "    ship = shipping.ship"]},
        ORDER_TESTS,
        gone={ORDERS: ["def ship("]},
    ),
    "method-nothing": Case(
        f"{ORDERS}::Orders.summary",
        "movex.texts",
        {"leave": "nothing"},
        SUMMARY,
        {
            ORDERS: ["from movex import texts", '        return texts.summary(self, order["id"])'],
            ORDER_TESTS: [],
        },
        ORDER_TESTS,
        gone={ORDERS: ["def summary(", "self.summary("]},
    ),
    "method-with-helpers": Case(
        f"{ORDERS}::Orders.announce",
        "movex.shipping",
        {"with_helpers": True},
        ANNOUNCE,
        {ORDERS: ["        return shipping.announce(self, order)"]},
        ORDER_TESTS,
        gone={ORDERS: ["LARGE = 100", "def _label("]},
    ),
    "decorated-wrapper": Case(
        f"{ORDERS}::Orders.save_with_retry",
        "movex.saving",
        {},
        SAVE,
        {
            ORDERS: [
                "from movex.pricing import retry",
                "    @retry(times=3)",
                "    def save_with_retry(self, order):",
                "        return saving.save_with_retry(self, order)",
            ]
        },
        ORDER_TESTS,
        gone={ORDERS: ["saved = self.db.save("]},
    ),
    "decorated-alias": Case(
        f"{ORDERS}::Orders.save_with_retry",
        "movex.saving",
        {"leave": "alias"},
        "from movex.pricing import retry\n\n\n@retry(times=3)\n" + SAVE,
        {ORDERS: ["    save_with_retry = saving.save_with_retry"]},
        ORDER_TESTS,
        gone={ORDERS: ["@retry(times=3)"]},
    ),
    "property-wrapper": Case(
        f"{ORDERS}::Orders.total_with_tax",
        "movex.taxes",
        {},
        TOTAL,
        {
            ORDERS: [
                "    @property",
                "    def total_with_tax(self):",
                "        return taxes.total_with_tax(self)",
            ]
        },
        ORDER_TESTS,
    ),
    "property-alias": Case(
        f"{ORDERS}::Orders.total_with_tax",
        "movex.taxes",
        {"leave": "alias"},
        TOTAL,
        {ORDERS: ["    total_with_tax = property(taxes.total_with_tax)"]},
        ORDER_TESTS,
    ),
    "property-nothing": Case(
        f"{ORDERS}::Orders.label_prefix",
        "movex.texts",
        {"leave": "nothing"},
        PREFIX,
        {ORDERS: ["texts.label_prefix(self)"]},
        ORDER_TESTS,
        gone={ORDERS: ["def label_prefix(", "self.label_prefix"]},
    ),
    "classmethod-wrapper": Case(
        f"{ORDERS}::Orders.from_rows",
        "movex.loading",
        {},
        FROM_ROWS,
        {
            ORDERS: [
                "    @classmethod",
                "    def from_rows(cls, db, mailer, rows):",
                "        return loading.from_rows(cls, db, mailer, rows)",
            ]
        },
        ORDER_TESTS,
    ),
    "classmethod-alias": Case(
        f"{ORDERS}::Orders.from_rows",
        "movex.loading",
        {"leave": "alias"},
        FROM_ROWS,
        {ORDERS: ["    from_rows = classmethod(loading.from_rows)"]},
        ORDER_TESTS,
    ),
    "staticmethod-wrapper": Case(
        f"{ORDERS}::Orders.describe",
        "movex.texts",
        {},
        DESCRIBE,
        {
            ORDERS: [
                "    @staticmethod",
                '    def describe(order_id, status="new"):',
                "        return texts.describe(order_id, status)",
            ]
        },
        ORDER_TESTS,
    ),
    "staticmethod-alias": Case(
        f"{ORDERS}::Orders.describe",
        "movex.texts",
        {"leave": "alias"},
        DESCRIBE,
        {ORDERS: ["    describe = staticmethod(texts.describe)"]},
        ORDER_TESTS,
    ),
    "staticmethod-nothing": Case(
        f"{ORDERS}::Orders._money",
        "movex.money",
        {"leave": "nothing"},
        MONEY,
        {ORDERS: ["        return money.money(sum(self.prices) * (1 + self.tax_rate))"]},
        ORDER_TESTS,
        gone={ORDERS: ["def _money(", "self._money("]},
    ),
    "async-wrapper": Case(
        f"{STREAMS}::Reader.fetch",
        "movex.fetching",
        {},
        FETCH,
        {
            STREAMS: [
                "    async def fetch(self, key, *, retries=1):",
                "        return await fetching.fetch(self, key, retries=retries)",
            ]
        },
        "tests/characterization/test_streams.py",
        gone={STREAMS: ["import asyncio"]},
    ),
    "async-alias": Case(
        f"{STREAMS}::Reader.fetch",
        "movex.fetching",
        {"leave": "alias"},
        FETCH,
        {STREAMS: ["    fetch = fetching.fetch"]},
        "tests/characterization/test_streams.py",
    ),
    "generator-wrapper": Case(
        f"{STREAMS}::Reader.lines",
        "movex.lines",
        {},
        LINES,
        {STREAMS: ["    def lines(self, text):", "        yield from lines.lines(self, text)"]},
        "tests/characterization/test_streams.py",
    ),
    "generator-alias": Case(
        f"{STREAMS}::Reader.lines",
        "movex.lines",
        {"leave": "alias"},
        LINES,
        {STREAMS: ["    lines = lines.lines"]},
        "tests/characterization/test_streams.py",
    ),
    "generator-returning-wrapper": Case(
        f"{STREAMS}::Reader.numbered",
        "movex.lines",
        {},
        NUMBERED,
        {STREAMS: ["        return (yield from lines.numbered(self, text))"]},
        "tests/characterization/test_streams.py",
    ),
    "mixin-wrapper": Case(
        f"{MIXINS}::AuditMixin.audit",
        "movex.auditing",
        {},
        AUDIT,
        {MIXINS: ["        return auditing.audit(self, event, **details)"]},
        "tests/characterization/test_mixins.py",
    ),
    "mixin-alias": Case(
        f"{MIXINS}::AuditMixin.audit",
        "movex.auditing",
        {"leave": "alias"},
        AUDIT,
        {MIXINS: ["    audit = auditing.audit"]},
        "tests/characterization/test_mixins.py",
    ),
    "function-wrapper": Case(
        f"{TOOLS}::split_tags",
        "movex.tags",
        {"with_helpers": True},
        SPLIT_TAGS,
        {
            TOOLS: [
                "from movex import tags",
                "def split_tags(text, *, lower=True):",
                "    return tags.split_tags(text, lower=lower)",
            ],
            "tests/characterization/test_tools.py": [
                '        "movex.tags:split_tags",',
                '        "movex.tools:split_tags",',
            ],
        },
        "tests/characterization/test_tools.py",
        gone={TOOLS: ["SEPARATOR", "import re"]},
    ),
    "function-alias": Case(
        f"{TOOLS}::split_tags",
        "movex.tags",
        {"with_helpers": True, "leave": "alias"},
        SPLIT_TAGS,
        {
            TOOLS: ["from movex.tags import split_tags"],
            "tests/characterization/test_tools.py": [
                '"movex.tags:split_tags", "movex.tools:Tally"'
            ],
        },
        "tests/characterization/test_tools.py",
        gone={TOOLS: ["def split_tags("]},
    ),
    "function-nothing": Case(
        f"{TOOLS}::split_tags",
        "movex.tags",
        {"with_helpers": True, "leave": "nothing"},
        SPLIT_TAGS,
        {
            REPORT: ["from movex.tags import split_tags", "from movex.tools import Tally"],
            "tests/characterization/test_tools.py": [
                "from movex.tags import split_tags",
                "from movex.tools import Tally",
            ],
        },
        "tests/characterization/test_tools.py",
        gone={TOOLS: ["split_tags"], REPORT: ["Tally, split_tags"]},
    ),
    "class-alias": Case(
        f"{TOOLS}::Tally",
        "movex.tally",
        {},
        TALLY,
        {TOOLS: ["from movex.tally import Tally"]},
        "tests/characterization/test_tools.py",
        gone={TOOLS: ["class Tally"]},
    ),
    "class-nothing": Case(
        f"{TOOLS}::Tally",
        "movex.tally",
        {"leave": "nothing"},
        TALLY,
        {REPORT: ["from movex.tally import Tally", "from movex.tools import split_tags"]},
        "tests/characterization/test_tools.py",
        gone={TOOLS: ["Tally"]},
    ),
}


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, MoveOutcome]]:
    """Performs each case's move once (check-move only), on its own copy of the example."""
    done: dict[str, tuple[Path, MoveOutcome]] = {}

    def move(case_id: str) -> tuple[Path, MoveOutcome]:
        if case_id not in done:
            case = CASES[case_id]
            root = make_repo(tmp_path_factory.mktemp("move") / "project")
            request = MoveRequest(root, case.source, case.to, **case.options)  # type: ignore[arg-type]
            done[case_id] = root, perform_move(request, verify=False)
        return done[case_id]

    return move


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_the_move_writes_the_expected_code(
    case_id: str, moved: Callable[[str], tuple[Path, MoveOutcome]]
) -> None:
    case = CASES[case_id]
    root, outcome = moved(case_id)

    assert outcome.plan.target.path.read_text(encoding="utf-8") == case.module
    for relpath, lines in case.holds.items():
        text = (root / relpath).read_text(encoding="utf-8")
        for line in lines:
            assert line in text.splitlines() or ("\n" not in line and line in text), (relpath, line)
    for relpath, fragments in case.gone.items():
        text = (root / relpath).read_text(encoding="utf-8")
        for fragment in fragments:
            assert fragment not in text, (relpath, fragment)
    assert outcome.commit is None


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_the_moved_code_passes_its_scenarios(
    case_id: str, moved: Callable[[str], tuple[Path, MoveOutcome]]
) -> None:
    root, _ = moved(case_id)

    done = subprocess.run(
        [*PYTEST, CASES[case_id].scenarios],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout.splitlines()[-1]
    assert git(root, "status", "--porcelain", "--", "golden") == ""


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_check_move_calls_it_pure(
    case_id: str, moved: Callable[[str], tuple[Path, MoveOutcome]]
) -> None:
    _, outcome = moved(case_id)

    assert outcome.check is not None
    assert outcome.check.ok, "\n".join(render_check_move(outcome.check))
    assert all(verdict.pure for verdict in outcome.check.verdicts)
