"""A tiny project in a temporary git repository, for the review commands' tests.

``shopx.orders.Orders.ship`` is the seam; ``tests/characterization/test_shipping.py`` holds its
scenarios. :func:`move_ship` moves the method's body to ``shopx.shipping.ship(orders, order)``
behind a thin wrapper, either as a pure move or with one deliberate change.

With ``hashed=True`` the project also has the seam ``notices``, whose code passes
``list(set_of_strings)`` to a fake: its trace depends on ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

__all__ = [
    "HASHED_SEAM",
    "MOVES",
    "commit",
    "git",
    "make_project",
    "move_ship",
    "move_ship_to_execute",
    "write",
]

PRICING = '''\
"""Prices."""


def compute_total(items, currency):
    return round(sum(item["price"] * item["qty"] for item in items), 2)


def compute_discounted(items, currency):
    return round(compute_total(items, currency) * 0.9, 2)
'''

ORDERS = '''\
"""Orders."""

from shopx.pricing import compute_total as price_total


class Orders:
    def __init__(self, db):
        self.db = db

    def ship(self, order):
        """Ship one order."""
        total = price_total(order["items"], currency="EUR")
        self.db.save(order_id=order["id"], total=total, retries=2)
        if total > 100:
            self.db.flag(order["id"], reason="large")
        return "SHIPPED"
'''

SHIPPING = '''\
"""Shipping, moved out of Orders."""

from shopx.pricing import {imported} as price_total


def ship(orders, order):
    total = price_total(order["items"], currency="EUR")
    orders.db.save(order_id=order["id"], total=total, retries={retries})
    if total > 100:
        orders.db.flag(order["id"], reason="large")
    return "SHIPPED"
'''

WRAPPER = '''\
    def ship(self, order):
        """Ship one order."""
        return shipping.ship(self, order)
'''

EXECUTE = '''\
"""The shipping step, moved out of Orders."""

from shopx.pricing import compute_total as price_total


def execute(orders, order):
    total = price_total(order["items"], currency="EUR")
    orders.db.save(order_id=order["id"], total=total, retries=2)
    if total > 100:
        orders.db.flag(order["id"], reason="large")
    return "SHIPPED"
'''

EXECUTE_WRAPPER = '''\
    def ship(self, order):
        """Ship one order."""
        return execute(self, order)
'''

SCENARIOS = """\
from golden_harness import Seam
from shopx.orders import Orders

GOLDEN_SEAM = Seam("shipping", covers=["shopx.orders:Orders.ship"])


def _orders(golden):
    golden.fake("db.save", returns=None)
    golden.fake("db.flag", returns=None)
    return golden.isolate(Orders, real=["ship"], attrs={"db": golden.fake("db")})


def test_small_order(golden):
    golden.call(_orders(golden).ship, {"id": "A-1", "items": [{"price": 2.5, "qty": 2}]})
"""

LARGE_SCENARIO = """

def test_large_order(golden):
    golden.call(_orders(golden).ship, {"id": "B-2", "items": [{"price": 60.0, "qty": 2}]})
"""

NOTICES = '''\
"""Notices."""

TEAMS = {"ops", "billing", "warehouse", "support", "sales", "legal", "audit", "quality"}


def notify(mailer, order_id):
    mailer.send(list(TEAMS), subject=f"order {order_id} shipped")
    return len(TEAMS)
'''

NOTICE_SCENARIOS = """\
from golden_harness import Seam
from shopx.notices import notify

GOLDEN_SEAM = Seam("notices", covers=["shopx.notices:notify"])


def test_notify(golden):
    golden.fake("mailer.send", returns=None)
    golden.call(notify, golden.fake("mailer"), "A-1")
"""

HASHED_SEAM = {
    "src/shopx/notices.py": NOTICES,
    "tests/characterization/test_notices.py": NOTICE_SCENARIOS,
}

MOVES = {
    "pure": {"imported": "compute_total", "retries": "2"},
    "keyword_changed": {"imported": "compute_total", "retries": "3"},
    "import_changed": {"imported": "compute_discounted", "retries": "2"},
}


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a fixed identity; return its output."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def write(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> text) under ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(root: Path, message: str) -> str:
    """Commit everything in ``root``; return the commit id."""
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)
    return git(root, "rev-parse", "HEAD").strip()


def make_project(root: Path, *, large_scenario: bool = False, hashed: bool = False) -> Path:
    """Create the project in ``root`` as a git repository with one commit; return ``root``."""
    write(
        root,
        {
            "pyproject.toml": textwrap.dedent(
                """\
                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "shopx"
                version = "0.1"

                [tool.setuptools.packages.find]
                where = ["src"]

                [tool.pytest.ini_options]
                testpaths = ["tests"]
                """
            ),
            ".gitignore": "__pycache__/\n.pytest_cache/\n*.egg-info/\n",
            "src/shopx/__init__.py": "",
            "src/shopx/pricing.py": PRICING,
            "src/shopx/orders.py": ORDERS,
            "tests/characterization/test_shipping.py": SCENARIOS
            + (LARGE_SCENARIO if large_scenario else ""),
            **(HASHED_SEAM if hashed else {}),
        },
    )
    git(root, "init", "-q", "-b", "main")
    commit(root, "initial")
    return root


def move_ship(root: Path, variant: str) -> None:
    """Move ``Orders.ship`` to ``shopx.shipping.ship`` (not committed); ``variant`` is a key
    of :data:`MOVES`."""
    orders = ORDERS.replace(
        "from shopx.pricing import compute_total as price_total\n",
        "from shopx import shipping\n",
    )
    body_start = orders.index("    def ship(")
    write(
        root,
        {
            "src/shopx/orders.py": orders[:body_start] + WRAPPER,
            "src/shopx/shipping.py": SHIPPING.format(**MOVES[variant]),
        },
    )


def move_ship_to_execute(root: Path) -> None:
    """Move ``Orders.ship``'s body to ``shopx.mod.execute(orders, order)`` (a pure move, not
    committed), imported with ``from shopx.mod import execute`` by the thin wrapper left behind."""
    orders = ORDERS.replace(
        "from shopx.pricing import compute_total as price_total\n",
        "from shopx.mod import execute\n",
    )
    body_start = orders.index("    def ship(")
    write(
        root,
        {
            "src/shopx/orders.py": orders[:body_start] + EXECUTE_WRAPPER,
            "src/shopx/mod.py": EXECUTE,
        },
    )
