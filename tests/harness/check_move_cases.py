"""Moves as real refactors make them, for ``golden check-move``: each pattern is a base, the
files of a pure move, and planted changes that each make it not pure.

:data:`CASES` holds one :class:`Case` per pure move and per planted change, with what the report
must say. ``tests/harness/test_check_move_cases.py`` runs them all;
``scripts/check_move_patterns.py`` runs them against a revision and prints precision and recall.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CASES", "Case", "Pattern", "build"]


def _dedent(files: dict[str, str]) -> dict[str, str]:
    return {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()}


@dataclass(frozen=True)
class Pattern:
    """A base and the files of its pure move (``None`` deletes a file); ``planted`` maps the
    name of each planted change to its replacements (path, old, new) and the text the report
    must then hold."""

    name: str
    base: dict[str, str]
    moved: dict[str, str | None]
    expect_pure: str = ""
    planted: dict[str, tuple[tuple[tuple[str, str, str], ...], str]] = field(default_factory=dict)
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One run of check-move: a pattern, the planted change (None for the pure move), and
    whether the move is pure."""

    pattern: Pattern
    planted: str | None
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.pattern.name}, {self.planted}" if self.planted else self.pattern.name

    @property
    def pure(self) -> bool:
        return self.planted is None

    @property
    def expect(self) -> str:
        if self.planted is None:
            return self.pattern.expect_pure
        return self.pattern.planted[self.planted][1]


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(root), *args],
        capture_output=True,
        check=True,
    )


def _write(root: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(case: Case, root: Path) -> Path:
    """The case's repository in ``root``: the base committed, the move in the working tree."""
    files: dict[str, str | None] = {"src/shop/__init__.py": "", **case.pattern.base}
    _write(root, files)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    moved = dict(case.pattern.moved)
    if case.planted is not None:
        for path, old, new in case.pattern.planted[case.planted][0]:
            text = moved[path] if path in moved else case.pattern.base[path]
            assert text is not None, (case.id, path)
            assert old in text, (case.id, path, old)
            moved[path] = text.replace(old, new, 1)
    _write(root, moved)
    return root


ORDERS_STAR = """
    from shop.types import *


    class Orders:
        def total(self, order):
            return Money(order["amount"], order["currency"])
"""
STAR = Pattern(
    "star import",
    _dedent(
        {
            "src/shop/types.py": """
                __all__ = ["Money"]


                class Money:
                    def __init__(self, amount, currency):
                        self.amount, self.currency = amount, currency
            """,
            "src/shop/other_types.py": """
                __all__ = ["Money"]


                class Money(tuple):
                    pass
            """,
            "src/shop/internal.py": """
                __all__ = ["Cents"]

                Cents = int


                class Money:
                    pass
            """,
            "src/shop/orders.py": ORDERS_STAR,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import billing


                class Orders:
                    def total(self, order):
                        return billing.total(self, order)
            """,
            "src/shop/billing.py": """
                from shop.types import *


                def total(orders, order):
                    return Money(order["amount"], order["currency"])
            """,
        }
    ),
    planted={
        "another module's class": (
            (("src/shop/billing.py", "shop.types", "shop.other_types"),),
            "name `Money` refers to shop.types.Money at the base, shop.other_types.Money now",
        ),
        "a name the star import does not bring": (
            (("src/shop/billing.py", "shop.types", "shop.internal"),),
            "name `Money` (src/shop/billing.py:5) cannot be resolved in shop.billing: `Money` is "
            "not defined in shop.billing",
        ),
    },
)

STAR_WRAPPER = Pattern(
    "star import in the wrapper's module",
    _dedent(
        {"src/shop/orders.py": ORDERS_STAR, "src/shop/types.py": STAR.base["src/shop/types.py"]}
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop.billing import *


                class Orders:
                    def total(self, order):
                        return total(self, order)
            """,
            "src/shop/billing.py": """
                from shop.types import Money

                __all__ = ["total"]


                def total(orders, order):
                    return Money(order["amount"], order["currency"])
            """,
        }
    ),
    planted={
        "not exported": (
            (("src/shop/billing.py", '__all__ = ["total"]', "__all__ = []"),),
            "`total` in shop.orders.Orders.total is not defined (`total` is not defined in "
            "shop.orders)",
        ),
    },
)

OUTCOME = """
    from dataclasses import dataclass, field
    from enum import Enum


    class Mode(Enum):
        FAST = "fast"
        SLOW = "slow"


    @dataclass
    class Outcome:
        \"\"\"How a phase ended.\"\"\"

        __slots__ = ("phase_id", "attempts", "tags")

        phase_id: str
        attempts: int = 0
        tags: list[str] = field(default_factory=list)
        RETRIES = 3

        class Meta:
            label = "outcome"

        def describe(self):
            return f"{self.phase_id}:{self.attempts}"
"""
CLASSES = Pattern(
    "classes moved whole",
    _dedent({"src/shop/orders.py": OUTCOME}),
    _dedent(
        {
            "src/shop/orders.py": "from shop.outcomes import Mode, Outcome  # noqa: F401\n",
            "src/shop/outcomes.py": OUTCOME,
        }
    ),
    planted={
        "enum value": (
            (("src/shop/outcomes.py", 'SLOW = "slow"', 'SLOW = "slower"'),),
            'src/shop/outcomes.py:7  SLOW = "slower"',
        ),
        "enum member order": (
            (
                (
                    "src/shop/outcomes.py",
                    '    FAST = "fast"\n    SLOW = "slow"',
                    '    SLOW = "slow"\n    FAST = "fast"',
                ),
            ),
            "NOT A PURE MOVE  shop.outcomes.Mode",
        ),
        "dataclass default": (
            (("src/shop/outcomes.py", "attempts: int = 0", "attempts: int = 1"),),
            "src/shop/outcomes.py:17  attempts: int = 1",
        ),
        "dataclass decorator": (
            (("src/shop/outcomes.py", "@dataclass\n", "@dataclass(frozen=True)\n"),),
            "decorators: dataclass at the base, dataclass(frozen=True) now",
        ),
        "class attribute": (
            (("src/shop/outcomes.py", "RETRIES = 3", "RETRIES = 2"),),
            "src/shop/outcomes.py:19  RETRIES = 2",
        ),
        "slots": (
            (("src/shop/outcomes.py", '"attempts", "tags")', '"attempts")'),),
            "('phase_id', 'attempts', 'tags') -> ('phase_id', 'attempts')",
        ),
        "nested class": (
            (("src/shop/outcomes.py", 'label = "outcome"', 'label = "result"'),),
            "'outcome' -> 'result'",
        ),
        "base class": (
            (("src/shop/outcomes.py", "class Mode(Enum):", "class Mode(str, Enum):"),),
            "bases: Enum at the base, str, Enum now",
        ),
        "method missing": (
            (
                (
                    "src/shop/outcomes.py",
                    '\n    def describe(self):\n        return f"{self.phase_id}:{self.attempts}"\n',
                    "",
                ),
            ),
            "method `describe` is missing now",
        ),
    },
)

CONSTANT = Pattern(
    "module constant no moved function reads",
    _dedent(
        {
            "src/shop/orders.py": """
                TIMEOUT = 10
                LIMITS = {"small": 5, "large": 50}


                def ship(order):
                    return order["id"]
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": "from shop.shipping import LIMITS, TIMEOUT, ship  # noqa: F401\n",
            "src/shop/shipping.py": """
                TIMEOUT = 10
                LIMITS = {"small": 5, "large": 50}


                def ship(order):
                    return order["id"]
            """,
        }
    ),
    planted={
        "value": (
            (("src/shop/shipping.py", "TIMEOUT = 10", "TIMEOUT = 20"),),
            "module constant `TIMEOUT`: 10 at the base (src/shop/orders.py), 20 now "
            "(src/shop/shipping.py)",
        ),
        "old name bound to another value": (
            (
                (
                    "src/shop/orders.py",
                    "from shop.shipping import LIMITS, TIMEOUT, ship  # noqa: F401\n",
                    "from shop.shipping import LIMITS, ship  # noqa: F401\n"
                    "from shop.shipping import LIMITS as TIMEOUT  # noqa: F401\n",
                ),
            ),
            "shop.orders.TIMEOUT now refers to shop.shipping.LIMITS, not to "
            "shop.shipping.TIMEOUT: its callers there get another object",
        ),
        "copied, not moved": (
            (
                (
                    "src/shop/orders.py",
                    "from shop.shipping import LIMITS, TIMEOUT, ship  # noqa: F401\n",
                    'from shop.shipping import TIMEOUT, ship  # noqa: F401\n\nLIMITS = {"small": 5, "large": 50}\n',
                ),
            ),
            "copied: shop.orders.LIMITS (src/shop/orders.py:2) is still there",
        ),
    },
)

DECORATED = Pattern(
    "decorator",
    _dedent(
        {
            "src/shop/retry.py": """
                def retry(times):
                    def wrap(fn):
                        return fn
                    return wrap
            """,
            "src/shop/orders.py": """
                from shop.retry import retry


                class Orders:
                    @retry(times=3)
                    def ship(self, order):
                        return self.db.save(order)
            """,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import shipping
                from shop.retry import retry


                class Orders:
                    @retry(times=3)
                    def ship(self, order):
                        return shipping.ship(self, order)
            """,
            "src/shop/shipping.py": """
                def ship(orders, order):
                    return orders.db.save(order)
            """,
        }
    ),
    planted={
        "argument": (
            (("src/shop/orders.py", "times=3", "times=2"),),
            "decorators: the wrapper keeps `@retry(times=2)`, which are not the outermost of "
            "the base's (`@retry(times=3)`)",
        ),
        "dropped": (
            (("src/shop/orders.py", "    @retry(times=3)\n", ""),),
            "decorator `@retry(times=3)` removed",
        ),
        "moved to what the wrapper calls": (
            (
                ("src/shop/orders.py", "    @retry(times=3)\n", ""),
                (
                    "src/shop/shipping.py",
                    "def ship(",
                    "from shop.retry import retry\n\n\n@retry(times=3)\ndef ship(",
                ),
            ),
            "which is decorated (`@retry(times=3)`): the call reaches what the decorators made "
            "of it, not the parameters of its def; keep the decorators on the wrapper, or leave "
            "an alias",
        ),
    },
)

AWAIT = Pattern(
    "await wrapper",
    _dedent(
        {
            "src/shop/orders.py": """
                class Orders:
                    async def ship(self, order):
                        await self.db.save(order)
                        return "SHIPPED"
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import shipping


                class Orders:
                    async def ship(self, order):
                        return await shipping.ship(self, order)
            """,
            "src/shop/shipping.py": """
                async def ship(orders, order):
                    await orders.db.save(order)
                    return "SHIPPED"
            """,
        }
    ),
    planted={
        "result dropped": (
            (("src/shop/orders.py", "return await", "await"),),
            "it drops what ship returns",
        ),
        "not async": (
            (
                (
                    "src/shop/shipping.py",
                    "async def ship(orders, order):\n    await ",
                    "def ship(orders, order):\n    ",
                ),
            ),
            "`async def` at the base, `def` now",
        ),
    },
)

GENERATORS = Pattern(
    "generator wrappers",
    _dedent(
        {
            "src/shop/orders.py": """
                from contextlib import asynccontextmanager


                class Orders:
                    def rows(self, table):
                        for row in self.db.read(table):
                            yield row

                    async def stream(self, topic):
                        async for message in self.bus.listen(topic):
                            yield message

                    @asynccontextmanager
                    async def session(self, name):
                        handle = await self.db.open(name)
                        try:
                            yield handle
                        finally:
                            await handle.close()
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from contextlib import asynccontextmanager

                from shop import reading


                class Orders:
                    def rows(self, table):
                        yield from reading.rows(self, table)

                    async def stream(self, topic):
                        async for message in reading.stream(self, topic):
                            yield message

                    @asynccontextmanager
                    async def session(self, name):
                        async with reading.session(self, name) as handle:
                            yield handle
            """,
            "src/shop/reading.py": """
                from contextlib import asynccontextmanager


                def rows(orders, table):
                    for row in orders.db.read(table):
                        yield row


                async def stream(orders, topic):
                    async for message in orders.bus.listen(topic):
                        yield message


                @asynccontextmanager
                async def session(orders, name):
                    handle = await orders.db.open(name)
                    try:
                        yield handle
                    finally:
                        await handle.close()
            """,
        }
    ),
    planted={
        "yield from body": (
            (("src/shop/reading.py", "yield row", "yield dict(row)"),),
            "src/shop/reading.py:6  yield dict(row)",
        ),
        "async for body": (
            (("src/shop/reading.py", "yield message", "yield message.body"),),
            "message -> message.body",
        ),
        "async with body": (
            (("src/shop/reading.py", "await handle.close()", "await handle.flush()"),),
            "handle.close -> handle.flush",
        ),
    },
)

PROPERTIES = Pattern(
    "properties",
    _dedent(
        {
            "src/shop/orders.py": """
                from functools import cached_property


                class Orders:
                    @property
                    def total(self):
                        return sum(item["price"] for item in self.items)

                    @cached_property
                    def heaviest(self):
                        return max(item["weight"] for item in self.items)

                    @property
                    def count(self):
                        return len(self.items)
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from functools import cached_property

                from shop import totals


                class Orders:
                    @property
                    def total(self):
                        return totals.total(self)

                    @cached_property
                    def heaviest(self):
                        return totals.heaviest(self)

                    count = property(totals.count)
            """,
            "src/shop/totals.py": """
                def total(orders):
                    return sum(item["price"] for item in orders.items)


                def heaviest(orders):
                    return max(item["weight"] for item in orders.items)


                def count(orders):
                    return len(orders.items)
            """,
        }
    ),
    planted={
        "property body": (
            (("src/shop/totals.py", 'sum(item["price"]', 'max(item["price"]'),),
            "sum(",
        ),
        "cached_property dropped": (
            (("src/shop/orders.py", "    @cached_property\n    def heaviest", "    def heaviest"),),
            "decorator `@cached_property` removed",
        ),
        "alias body": (
            (("src/shop/totals.py", "return len(orders.items)", "return len(orders.items) + 1"),),
            "len(orders.items) + 1",
        ),
        "alias without the property": (
            (("src/shop/orders.py", "count = property(totals.count)", "count = totals.count"),),
            "decorator `@property` removed",
        ),
    },
)

MIXIN = Pattern(
    "method moved into a mixin",
    _dedent(
        {
            "src/shop/orders.py": """
                class Orders:
                    def __init__(self, db):
                        self.db = db

                    def audit(self, order):
                        self.db.log(order["id"])
                        return True
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop.auditing import AuditMixin


                class Orders(AuditMixin):
                    def __init__(self, db):
                        self.db = db
            """,
            "src/shop/auditing.py": """
                class AuditMixin:
                    def audit(self, order):
                        self.db.log(order["id"])
                        return True
            """,
        }
    ),
    planted={
        "shadowed": (
            (
                (
                    "src/shop/orders.py",
                    "class Orders(AuditMixin):",
                    "class Quiet:\n    def audit(self, order):\n        return False\n\n\n"
                    "class Orders(Quiet, AuditMixin):",
                ),
            ),
            "Orders.audit now resolves to shop.orders:Quiet.audit, which shadows AuditMixin.audit",
        ),
        "not a base": (
            (("src/shop/orders.py", "class Orders(AuditMixin):", "class Orders:"),),
            "`self.db` (src/shop/auditing.py:3) is read, but AuditMixin never sets it",
        ),
        "a mixin that brings a class attribute": (
            (("src/shop/auditing.py", "class AuditMixin:", "class AuditMixin:\n    db = None\n"),),
            "bases: none at the base, AuditMixin now",
        ),
        "a mixin with a constructor": (
            (
                (
                    "src/shop/auditing.py",
                    "class AuditMixin:",
                    "class AuditMixin:\n    def __init__(self):\n        self.seen = []\n",
                ),
            ),
            "bases: none at the base, AuditMixin now",
        ),
    },
)

CONSTRUCTOR = Pattern(
    "constructor moved with its class",
    _dedent(
        {
            "src/shop/orders.py": """
                class Session:
                    def __init__(self, db, run_id):
                        self.db = db
                        self.run_id = run_id

                    def run(self):
                        return self.db.get(self.run_id)
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": "from shop.sessions import Session  # noqa: F401\n",
            "src/shop/sessions.py": """
                class Session:
                    def __init__(self, db, run_id):
                        self.db = db
                        self.run_id = run_id

                    def run(self):
                        return self.db.get(self.run_id)
            """,
        }
    ),
    planted={
        "parameters swapped": (
            (
                (
                    "src/shop/sessions.py",
                    "self.db = db\n        self.run_id = run_id",
                    "self.db = run_id\n        self.run_id = db",
                ),
            ),
            "NOT A PURE MOVE  shop.sessions.Session.__init__",
        ),
    },
)

IMPORT_FORMS = Pattern(
    "import forms",
    _dedent(
        {
            "src/shop/pricing.py": """
                def compute_total(items):
                    return sum(items)


                def compute_discounted(items):
                    return sum(items) * 0.9
            """,
            "src/shop/api.py": """
                from shop.pricing import compute_discounted as discounted
                from shop.pricing import compute_total as total

                __all__ = ["discounted", "total"]
            """,
            "src/shop/orders.py": """
                import textwrap

                from shop.pricing import compute_total as price_total


                class Orders:
                    def note(self, text):
                        return textwrap.dedent(text).strip()

                    def ship(self, order):
                        return price_total(order["items"])
            """,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import notes


                class Orders:
                    def note(self, text):
                        return notes.note(self, text)

                    def ship(self, order):
                        return notes.ship(self, order)
            """,
            "src/shop/notes.py": """
                from textwrap import dedent

                from shop.api import total as price_total


                def note(orders, text):
                    return dedent(text).strip()


                def ship(orders, order):
                    return price_total(order["items"])
            """,
        }
    ),
    planted={
        "another function under the same name": (
            (
                (
                    "src/shop/notes.py",
                    "from textwrap import dedent",
                    "from textwrap import indent as dedent",
                ),
            ),
            "textwrap.dedent(text).strip()",
        ),
        "another re-export": (
            (
                (
                    "src/shop/notes.py",
                    "import total as price_total",
                    "import discounted as price_total",
                ),
            ),
            "name `price_total` refers to shop.pricing.compute_total at the base, "
            "shop.pricing.compute_discounted now",
        ),
    },
)

BINDINGS = Pattern(
    "classmethod and staticmethod",
    _dedent(
        {
            "src/shop/orders.py": """
                class Orders:
                    def __init__(self, ids):
                        self.ids = ids

                    @classmethod
                    def build(cls, rows):
                        return cls([row["id"] for row in rows])

                    @staticmethod
                    def label(order_id):
                        return f"#{order_id}"
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import building


                class Orders:
                    def __init__(self, ids):
                        self.ids = ids

                    @classmethod
                    def build(cls, rows):
                        return building.build(cls, rows)

                    label = staticmethod(building.label)
            """,
            "src/shop/building.py": """
                def build(cls, rows):
                    return cls([row["id"] for row in rows])


                def label(order_id):
                    return f"#{order_id}"
            """,
        }
    ),
    planted={
        "classmethod body": (
            (("src/shop/building.py", 'row["id"]', 'row["key"]'),),
            "'id' -> 'key'",
        ),
        "staticmethod parameters": (
            (("src/shop/building.py", "def label(order_id):", "def label(order_id, prefix='#'):"),),
            "OTHER PARAMETERS: parameters were (order_id), the target takes (order_id, prefix='#')",
        ),
    },
)

RENAMED = Pattern(
    "renamed on its move",
    _dedent(
        {
            "src/shop/tracing.py": """
                REGISTRY = {}


                def traced(fn):
                    REGISTRY[fn.__name__] = fn
                    return fn
            """,
            "src/shop/logconf.py": """
                import logging

                FORMAT = "%(levelname)s %(message)s"


                def configure():
                    logging.basicConfig(format=FORMAT)
            """,
            "src/shop/orders.py": """
                import logging

                from shop.tracing import traced

                logger = logging.getLogger(__name__)


                class Orders:
                    def _label(self, order):
                        return f"#{order['id']}"

                    @traced
                    def _notify(self, order):
                        return order["email"]

                    def _ship(self, order):
                        logger.info("shipping %s", order["id"])
                        return "SHIPPED"
            """,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop.labels import make_label, notify, ship
                from shop.tracing import traced


                class Orders:
                    def _label(self, order):
                        return make_label(order)

                    @traced
                    def _notify(self, order):
                        return notify(order)

                    def _ship(self, order):
                        return ship(order)
            """,
            "src/shop/labels.py": """
                import logging

                from shop.tracing import traced

                logger = logging.getLogger(__name__)


                def make_label(order):
                    return f"#{order['id']}"


                def notify(order):
                    return order["email"]


                def ship(order):
                    logger.info("shipping %s", order["id"])
                    return "SHIPPED"
            """,
        }
    ),
    expect_pure="note: renamed from `_label` to `make_label` (nothing reads its name)",
    args=("--allow-rename",),
    planted={
        "decorator reads the name": (
            (
                ("src/shop/orders.py", "    @traced\n    def _notify", "    def _notify"),
                ("src/shop/labels.py", "def notify(order):", "@traced\ndef notify(order):"),
            ),
            "renamed from `_notify` to `notify`: its decorator `@traced` may read its name; "
            "pass --allow-rename if that does not matter",
        ),
        "logs with funcName": (
            (("src/shop/logconf.py", '"%(levelname)s', '"%(funcName)s %(levelname)s'),),
            "renamed from `_ship` to `ship`: it logs, and src/shop/logconf.py:3 formats log "
            "records with the function's name (funcName)",
        ),
    },
)

REMOVED = Pattern(
    "removed code",
    _dedent(
        {
            "src/shop/orders.py": """
                class Legacy:
                    pass


                class Orders:
                    def ship(self, order):
                        return order["id"]

                    def _unused(self):
                        return 1
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import shipping


                class Legacy:
                    pass


                class Orders:
                    def ship(self, order):
                        return shipping.ship(self, order)

                    def _unused(self):
                        return 1
            """,
            "src/shop/shipping.py": """
                def ship(orders, order):
                    return order["id"]
            """,
        }
    ),
    planted={
        "a method": (
            (("src/shop/orders.py", "\n    def _unused(self):\n        return 1\n", ""),),
            "removed          shop.orders.Orders._unused (src/shop/orders.py:9 at the base): not "
            "moved, and no wrapper or alias is left: its code is nowhere now",
        ),
        "a class": (
            (("src/shop/orders.py", "class Legacy:\n    pass\n\n\n", ""),),
            "removed          shop.orders.Legacy (src/shop/orders.py:1 at the base)",
        ),
    },
)

TEST_DATA = Pattern(
    "undefined names elsewhere",
    _dedent(
        {
            "src/shop/orders.py": REMOVED.base["src/shop/orders.py"],
            "tests/data/undefined_names.py": "def sample():\n    return 1\n",
        }
    ),
    {
        **REMOVED.moved,
        "tests/data/undefined_names.py": "def sample():\n    return not_defined_on_purpose\n",
    },
    planted={
        "the wrapper's import forgotten": (
            (("src/shop/orders.py", "from shop import shipping\n", ""),),
            "`shipping` in shop.orders.Orders.ship is not defined",
        ),
    },
)

GLOBALS = Pattern(
    "module state",
    _dedent(
        {
            "src/shop/orders.py": """
                import logging

                _CACHE = None


                def load(db):
                    global _CACHE
                    _CACHE = db.all()
                    logging.getLogger(__name__).info("loaded")
                    return _CACHE


                def peek():
                    return _CACHE


                def register(fn):
                    return fn


                register(load)
            """,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop.cache import load, peek, register  # noqa: F401
            """,
            "src/shop/cache.py": """
                import logging

                _CACHE = None


                def load(db):
                    global _CACHE
                    _CACHE = db.all()
                    logging.getLogger(__name__).info("loaded")
                    return _CACHE


                def peek():
                    return _CACHE


                def register(fn):
                    return fn


                register(load)
            """,
        }
    ),
    planted={
        "a copy of the state rebound": (
            (
                (
                    "src/shop/orders.py",
                    "from shop.cache import load, peek, register  # noqa: F401\n",
                    "from shop.cache import load, register  # noqa: F401\n\n_CACHE = None\n\n\n"
                    "def peek():\n    return _CACHE\n",
                ),
                ("src/shop/cache.py", "\n\ndef peek():\n    return _CACHE\n", ""),
            ),
            "rebinds the module global `_CACHE` (global statement): shop.orders._CACHE at the "
            "base, shop.cache._CACHE now, not one variable",
        ),
        "the module's own name": (
            (
                (
                    "src/shop/cache.py",
                    "    return _CACHE\n\n\ndef peek",
                    "    return __name__\n\n\ndef peek",
                ),
            ),
            "`__name__` (src/shop/cache.py:10) is each module's own: shop.orders's at the base, "
            "shop.cache's now",
        ),
        "code run on import": (
            (("src/shop/cache.py", "register(load)\n", "register(peek)\n"),),
            "NOT A PURE MOVE  src/shop/cache.py:21 `register(peek)`",
        ),
    },
)

ANNOTATED = Pattern(
    "annotations evaluated when defined",
    _dedent(
        {
            "src/shop/receipts.py": "class Receipt:\n    pass\n",
            "src/shop/orders.py": """
                from shop.receipts import Receipt


                class Orders:
                    def receipt(self, order) -> Receipt:
                        orders = [order]
                        return self.make(orders)
            """,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from shop import billing


                class Orders:
                    def receipt(self, order):
                        return billing.receipt(self, order)
            """,
            "src/shop/billing.py": """
                from shop.receipts import Receipt


                def receipt(executor, order) -> Receipt:
                    orders = [order]
                    return executor.make(orders)
            """,
        }
    ),
    planted={
        "the annotation's import forgotten": (
            (("src/shop/billing.py", "from shop.receipts import Receipt\n", ""),),
            "annotation name `Receipt` (src/shop/billing.py:3), evaluated when the function is "
            "defined, cannot be resolved in shop.billing",
        ),
        "self renamed onto a local name": (
            (
                (
                    "src/shop/billing.py",
                    "def receipt(executor, order)",
                    "def receipt(orders, order)",
                ),
                (
                    "src/shop/billing.py",
                    "return executor.make(orders)",
                    "return orders.make(orders)",
                ),
            ),
            "`self` becomes `orders`, a name the body at the base already binds",
        ),
    },
)

ACCESSORS = Pattern(
    "property with a setter, moved with its class",
    _dedent(
        {
            "src/shop/orders.py": """
                class Account:
                    @property
                    def balance(self):
                        return self._cents / 100

                    @balance.setter
                    def balance(self, value):
                        self._cents = round(value * 100)
            """
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": "from shop.accounts import Account  # noqa: F401\n",
            "src/shop/accounts.py": """
                class Account:
                    @property
                    def balance(self):
                        return self._cents / 100

                    @balance.setter
                    def balance(self, value):
                        self._cents = round(value * 100)
            """,
        }
    ),
    planted={
        "getter": (
            (("src/shop/accounts.py", "self._cents / 100", "self._cents // 100"),),
            "NOT A PURE MOVE  shop.accounts.Account.balance (src/shop/accounts.py:3)",
        ),
        "setter": (
            (("src/shop/accounts.py", "round(value * 100)", "int(value * 100)"),),
            "NOT A PURE MOVE  shop.accounts.Account.balance.setter (src/shop/accounts.py:7)",
        ),
    },
)

RELATIVE = Pattern(
    "relative imports into a subpackage",
    _dedent(
        {
            "src/shop/pricing.py": "def compute_total(items):\n    return sum(items)\n",
            "src/shop/orders.py": """
                from .pricing import compute_total


                class Orders:
                    def total(self, order):
                        return compute_total(order["items"])
            """,
        }
    ),
    _dedent(
        {
            "src/shop/orders.py": """
                from .billing import total


                class Orders:
                    def total(self, order):
                        return total(self, order)
            """,
            "src/shop/billing/__init__.py": """
                from .totals import total

                __all__ = ["total"]
            """,
            "src/shop/billing/totals.py": """
                from ..pricing import compute_total


                def total(orders, order):
                    return compute_total(order["items"])
            """,
        }
    ),
    planted={
        "one level too few": (
            (("src/shop/billing/totals.py", "from ..pricing", "from .pricing"),),
            "name `compute_total` (src/shop/billing/totals.py:5) cannot be resolved in "
            "shop.billing.totals: shop.billing.pricing.compute_total cannot be imported: "
            "shop.billing has no pricing",
        ),
    },
)

HELD = Pattern(
    "method moved to a class the object holds",
    _dedent(
        {
            "src/shop/ledger.py": """
                class Ledger:
                    def __init__(self, db):
                        self.db = db

                    def save(self, row):
                        self.db.insert("orders", row)
            """,
            "src/shop/orders.py": """
                from shop.ledger import Ledger


                class Orders:
                    def __init__(self, db):
                        self.db = db
                        self.ledger = Ledger(db)

                    def save(self, row):
                        self.db.insert("orders", row)

                    def record(self, order):
                        row = {"id": order["id"]}
                        self.save(row)
                        return row
            """,
        }
    ),
    _dedent(
        {
            "src/shop/ledger.py": """
                class Ledger:
                    def __init__(self, db):
                        self.db = db

                    def save(self, row):
                        self.db.insert("orders", row)

                    def record(self, order):
                        row = {"id": order["id"]}
                        self.save(row)
                        return row
            """,
            "src/shop/orders.py": """
                from shop.ledger import Ledger


                class Orders:
                    def __init__(self, db):
                        self.db = db
                        self.ledger = Ledger(db)

                    def save(self, row):
                        self.db.insert("orders", row)

                    def record(self, order):
                        return self.ledger.record(order)
            """,
        }
    ),
    planted={
        "another method of the name": (
            (
                (
                    "src/shop/ledger.py",
                    'self.db.insert("orders", row)',
                    'self.db.insert("ledger", row)',
                ),
            ),
            "`self.save` (src/shop/ledger.py:10) is Ledger.save now, which is neither Orders.save "
            "moved nor the same code: another method",
        ),
    },
)

INHERITED = Pattern(
    "method moved to a class whose base sets what it reads",
    _dedent(
        {
            "src/shop/base.py": """
                class Store:
                    def __init__(self, db, run_id):
                        self.db = db
                        self.run_id = run_id
            """,
            "src/shop/orders.py": """
                class Orders:
                    def __init__(self, db, run_id):
                        self.db = db
                        self.run_id = run_id

                    def record(self, order):
                        self.db.save(run_id=self.run_id, order_id=order["id"])
                        return True
            """,
        }
    ),
    _dedent(
        {
            "src/shop/ledger.py": """
                from shop.base import Store


                class Ledger(Store):
                    def record(self, order):
                        self.db.save(run_id=self.run_id, order_id=order["id"])
                        return True
            """,
            "src/shop/orders.py": """
                from shop.ledger import Ledger


                class Orders:
                    def __init__(self, db, run_id):
                        self.db = db
                        self.run_id = run_id
                        self.ledger = Ledger(db, run_id)

                    def record(self, order):
                        return self.ledger.record(order)
            """,
        }
    ),
    expect_pure="holds the new shop.ledger.Ledger its wrappers delegate to; making it only stores its parameters",
    planted={
        "a base that cannot be read": (
            (
                ("src/shop/base.py", "        self.run_id = run_id\n", ""),
                ("src/shop/ledger.py", "class Ledger(Store):", "class Ledger(Store, array):"),
                (
                    "src/shop/ledger.py",
                    "from shop.base import Store",
                    "from array import array\n\nfrom shop.base import Store",
                ),
            ),
            "Ledger does not set it, and its base array.array cannot be read",
        ),
        "no base sets it": (
            (("src/shop/base.py", "        self.run_id = run_id\n", ""),),
            "is read, but Ledger never sets it; Orders did at the base",
        ),
        "the held object made from a call": (
            (("src/shop/orders.py", "Ledger(db, run_id)", "Ledger(db, str(run_id))"),),
            "added `self.ledger = Ledger(db, str(run_id))` (line 8): its arguments are not plain names",
        ),
        "the held object given its arguments in another order": (
            (("src/shop/orders.py", "Ledger(db, run_id)", "Ledger(run_id, db)"),),
            "added `self.ledger = Ledger(run_id, db)` (line 8): it stores `run_id` as `db`, "
            "but Orders.__init__ sets `self.db` from `db`",
        ),
    },
)

ATTRIBUTE_HOOK = Pattern(
    "attribute hook",
    _dedent(
        {
            "src/shop/facade.py": """
                class Storage:
                    def __init__(self, backend):
                        self._backend = backend

                    def __getattr__(self, name):
                        return getattr(self._backend, name)
            """
        }
    ),
    _dedent(
        {
            "src/shop/facade.py": """
                from shop import forwarding


                class Storage:
                    def __init__(self, backend):
                        self._backend = backend

                    def __getattr__(self, name):
                        return forwarding.forward(self, name)
            """,
            "src/shop/forwarding.py": """
                def forward(storage, name):
                    return getattr(storage._backend, name)
            """,
        }
    ),
    expect_pure="note: renamed from `__getattr__` to `forward` (nothing reads its name)",
    planted={
        "named as the module's hook": (
            (
                ("src/shop/facade.py", "forwarding.forward(", "forwarding.__getattr__("),
                ("src/shop/forwarding.py", "def forward(", "def __getattr__("),
            ),
            "`__getattr__` at module level is the attribute hook of shop.forwarding (PEP 562): "
            "every missing attribute of the module now goes through it",
        ),
    },
)

IN_PLACE = Pattern(
    "changed in place",
    _dedent(
        {
            "src/shop/notes.py": """
                import os


                class Notes:
                    def __init__(self, root):
                        self.root = root

                    def path_of(self, name):
                        return os.path.join(self.root, name + ".md")

                    @property
                    def count(self):
                        return len(os.listdir(self.root))

                    def has(self, name):
                        if os.path.isfile(self.path_of(name)):
                            return "yes"
                        return "no"

                    def summary(self):
                        return f"{self.count} notes"

                    def exists(self, name):
                        return os.path.exists(os.path.join(self.root, name))

                    SUFFIX = ".md"


                LIMIT = 10
            """,
            "src/shop/archive.py": """
                from shop.notes import Notes


                class Archive(Notes):
                    def stored(self):
                        return self.root
            """,
        }
    ),
    _dedent(
        {
            "src/shop/notes.py": """
                import os

                from shop import paths


                class Notes:
                    def __init__(self, root):
                        self.root = root

                    def has(self, name):
                        if os.path.isfile(paths.path_of(self, name)):
                            return "yes"
                        return "no"

                    def summary(self):
                        return f"{paths.count(self)} notes"

                    def exists(self, name):
                        return os.path.exists(
                            os.path.join(self.root, name)
                        )

                    SUFFIX = ".md"


                LIMIT = 10
            """,
            "src/shop/paths.py": """
                import os


                def path_of(notes, name):
                    return os.path.join(notes.root, name + ".md")


                def count(notes):
                    return len(os.listdir(notes.root))
            """,
        }
    ),
    expect_pure="same code        shop.notes.Notes.exists (src/shop/notes.py:18)",
    planted={
        "a class attribute changed in place": (
            (("src/shop/notes.py", 'SUFFIX = ".md"', 'SUFFIX = ".txt"'),),
            "class attribute `SUFFIX`: '.md' at the base (src/shop/notes.py:26), "
            "'.txt' now (src/shop/notes.py:23)",
        ),
        "a module constant changed in place": (
            (("src/shop/notes.py", "LIMIT = 10", "LIMIT = 20"),),
            "module constant `LIMIT`: 10 at the base (src/shop/notes.py), 20 now (src/shop/notes.py)",
        ),
        "a base class added in place": (
            (("src/shop/notes.py", "class Notes:", "class Notes(dict):"),),
            "bases: none at the base, dict now",
        ),
        "a class attribute added in place": (
            (("src/shop/notes.py", '    SUFFIX = ".md"', '    SUFFIX = ".md"\n    root = "/"'),),
            'class attribute `root` is new (src/shop/notes.py:24): root = "/"',
        ),
        "another function edited": (
            (("src/shop/notes.py", "return os.path.exists(", "return os.path.isdir("),),
            "CHANGED          shop.notes.Notes.exists (src/shop/notes.py:18)",
        ),
        "a rewritten call given another argument": (
            (
                (
                    "src/shop/notes.py",
                    "paths.path_of(self, name)",
                    "paths.path_of(self, name.lower())",
                ),
            ),
            "CHANGED          shop.notes.Notes.has (src/shop/notes.py:10)",
        ),
        "the moved function called on another object": (
            (("src/shop/notes.py", "paths.count(self)", "paths.count(Notes(self.root))"),),
            "CHANGED          shop.notes.Notes.summary (src/shop/notes.py:15)",
        ),
    },
)

PATTERNS = [
    STAR,
    STAR_WRAPPER,
    CLASSES,
    CONSTANT,
    DECORATED,
    AWAIT,
    GENERATORS,
    PROPERTIES,
    MIXIN,
    CONSTRUCTOR,
    IMPORT_FORMS,
    BINDINGS,
    RENAMED,
    REMOVED,
    TEST_DATA,
    GLOBALS,
    ANNOTATED,
    ACCESSORS,
    RELATIVE,
    HELD,
    INHERITED,
    ATTRIBUTE_HOOK,
    IN_PLACE,
]

CASES = [
    Case(pattern, planted, pattern.args if planted is None else ())
    for pattern in PATTERNS
    for planted in [None, *pattern.planted]
]
