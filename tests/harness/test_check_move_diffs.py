"""``golden check-move``'s differences are readable: the smallest aligned diff of two bodies,
with a statement that has no counterpart shown against ``(nothing)``, never paired with an
unrelated one; an added function without counterpart shows how the closest removed one
differs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.check_move_cases import Case, Pattern, build

BODY = """
    def ship(self, order):
        total = order["total"]
        self.db.save(order["id"], total)
        label = f"#{order['id']}"
        self.printer.print(label)
        if total > 100:
            self.db.flag(order["id"])
        self.mailer.send(order["email"], label)
        return "SHIPPED"
"""


def _move(body: str) -> dict[str, str]:
    moved = textwrap.dedent(body).lstrip("\n").replace("def ship(self,", "def ship(orders,")
    return {
        "src/shop/orders.py": (
            "from shop import shipping\n\n\nclass Orders:\n"
            "    def ship(self, order):\n        return shipping.ship(self, order)\n"
        ),
        "src/shop/shipping.py": moved.replace("self.", "orders."),
    }


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], moved: dict[str, str]) -> list[str]:
    base = {
        "src/shop/orders.py": "class Orders:\n"
        + textwrap.indent(textwrap.dedent(BODY).lstrip("\n"), "    ")
    }
    root = build(Case(Pattern("diff", base, dict(moved)), None, ()), tmp_path / "repo")
    assert main(["--root", str(root), "check-move", "--base", "HEAD"]) == 1
    return capsys.readouterr().out.splitlines()


def _differences(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if "NOT A PURE MOVE" in line) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("thin wrappers"))
    return [" ".join(line.split()) for line in lines[start:end]]


def test_an_inserted_statement_is_shown_alone_and_a_changed_one_with_its_old_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = BODY.replace(
        "        if total > 100:\n",
        '        self.audit.log(order["id"])\n        if total >= 100:\n',
    )

    lines = _run(tmp_path, capsys, _move(body))

    assert _differences(lines) == [
        '(nothing) | src/shop/shipping.py:6 orders.audit.log(order["id"])',
        "src/shop/orders.py:7 if total > 100: | src/shop/shipping.py:7 if total >= 100:",
        "operator `>` -> operator `>=`",
    ]


def test_unrelated_statements_are_not_paired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = BODY.replace(
        '        self.mailer.send(order["email"], label)\n',
        "        for line in order.get('lines', []):\n            del line['draft']\n",
    )

    lines = _run(tmp_path, capsys, _move(body))

    assert _differences(lines) == [
        'src/shop/orders.py:9 self.mailer.send(order["email"], label) | (nothing)',
        "(nothing) | src/shop/shipping.py:8 for line in order.get('lines', []):",
    ]


def test_no_counterpart_shows_the_closest_function_s_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dispatch = textwrap.dedent(
        """\
        def dispatch(orders, order):
            total = order["sum"] * 2
            orders.db.save(order["id"], total)
            label = f"#{order['id']}"
            return total
        """
    )
    moved = {"src/shop/orders.py": "class Orders:\n    pass\n", "src/shop/shipping.py": dispatch}
    base = {
        "src/shop/orders.py": "class Orders:\n"
        + textwrap.indent(textwrap.dedent(BODY).lstrip("\n"), "    ")
    }
    root = build(Case(Pattern("diff", base, moved), None, ()), tmp_path / "repo")

    assert main(["--root", str(root), "check-move", "--base", "HEAD"]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  no counterpart   shop.shipping.dispatch (src/shop/shipping.py:1)")
    assert lines[2] == (
        "      closest: shop.orders.Orders.ship (src/shop/orders.py:2 at the base), which "
        "differs in:"
    )
    shown = [" ".join(line.split()) for line in lines[3:]]
    assert shown[:2] == [
        'src/shop/orders.py:3 total = order["total"] | src/shop/shipping.py:2 total = '
        'order["sum"] * 2',
        "order['total'] -> order['sum'] * 2",
    ], lines
