"""``golden check-move``: added functions against the functions removed or wrapped since REV,
on a real git repository holding a tiny project (``harness.synthetic``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.synthetic import commit, make_project, move_ship, write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def _run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), "check-move", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


WRAPPER_LINE = (
    "  shopx.orders.Orders.ship (src/shopx/orders.py:10) -> shopx.shipping.ship with the same "
    "arguments"
)


def test_pure_move_and_its_wrapper(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    move_ship(project, "pure")

    code, lines, _ = _run(project, capsys, "--base", "HEAD", "--package", "shopx")

    assert code == 0, lines
    assert lines[1] == (
        "  pure move        shopx.shipping.ship (src/shopx/shipping.py:6) <- "
        "shopx.orders.Orders.ship (src/shopx/orders.py:10 at the base)"
    )
    assert lines[3] == WRAPPER_LINE
    assert lines[4].startswith("1 pure move(s), 0 not pure, 0 without counterpart; 1 wrapper(s)")


def test_changed_keyword_is_not_a_pure_move_and_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    move_ship(project, "keyword_changed")
    commit(project, "move: ship")

    code, lines, _ = _run(project, capsys, "--base", "HEAD~1")

    assert code == 1
    assert lines[1].startswith("  NOT A PURE MOVE  shopx.shipping.ship")
    old, _, new = lines[2].partition(" | ")
    assert old.strip().startswith("src/shopx/orders.py:13  self.db.save(order_id=")
    assert new.startswith("src/shopx/shipping.py:8  orders.db.save(order_id=")
    assert lines[3] == "          keyword argument `retries`: 2 -> 3"
    assert lines[5] == WRAPPER_LINE


def test_import_of_another_function_under_the_same_name_is_not_pure(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    move_ship(project, "import_changed")

    code, lines, _ = _run(project, capsys, "--base", "HEAD")

    assert code == 1
    assert lines[2] == (
        "      name `price_total` refers to shopx.pricing.compute_total at the base, "
        "shopx.pricing.compute_discounted now"
    )


def test_docstrings_annotations_and_local_imports_do_not_count(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    move_ship(project, "pure")
    shipping = project / "src/shopx/shipping.py"
    text = shipping.read_text().replace(
        "from shopx.pricing import compute_total as price_total\n", ""
    )
    text = text.replace(
        "def ship(orders, order):\n",
        "def ship(orders: object, order: dict[str, object]) -> str:\n"
        '    """Ship one order (moved)."""\n'
        "    from shopx.pricing import compute_total as price_total\n\n"
        "    total: float\n",
    )
    write(project, {"src/shopx/shipping.py": text})

    code, lines, _ = _run(project, capsys, "--base", "HEAD")

    assert code == 0, lines
    assert lines[1].startswith("  pure move        shopx.shipping.ship")


def test_wrapper_with_other_arguments_and_a_function_without_counterpart(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    move_ship(project, "pure")
    orders = project / "src/shopx/orders.py"
    write(
        project,
        {
            "src/shopx/orders.py": orders.read_text().replace(
                "shipping.ship(self, order)", "shipping.ship(self, dict(order))"
            ),
            "src/shopx/labels.py": "def label(order):\n    return f\"#{order['id']}\"\n",
        },
    )

    code, lines, _ = _run(project, capsys, "--base", "HEAD")

    assert code == 1
    assert lines[0].endswith("2 function(s) added under src/shopx/")
    assert lines[1] == (
        "  no counterpart   shopx.labels.label (src/shopx/labels.py:1): no removed or wrapped "
        "function has a similar body (the closest, shopx.orders.Orders.ship, has 0% of its "
        "statements alike; 50% needed)"
    )
    assert lines[2].startswith("  pure move        shopx.shipping.ship")
    assert lines[4] == (
        "  shopx.orders.Orders.ship (src/shopx/orders.py:10) -> shopx.shipping.ship with OTHER "
        "ARGUMENTS: shipping.ship(self, dict(order))"
    )


def test_errors_and_nothing_to_check(
    tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, _ = _run(project, capsys, "--base", "HEAD")
    assert code == 1
    assert lines[-1] == "Nothing to check: no function was added there since the base."

    code, _, err = _run(project, capsys, "--base", "HEAD", "--package", "nosuch.pkg")
    assert code == 2
    assert "Package 'nosuch.pkg' not found: neither src/nosuch/pkg/ nor nosuch/pkg/" in err

    code, _, err = _run(project, capsys, "--base", "v9")
    assert code == 2
    assert "Unknown revision 'v9'" in err

    code, _, err = _run(tmp_path, capsys, "--base", "HEAD")
    assert code == 2
    assert "is not inside a git repository" in err


CONSTANT_ORDERS = '''\
"""Orders."""

RETRIES = 2


class Orders:
    def __init__(self, db):
        self.db = db

    def ship(self, order):
        self.db.save(order_id=order["id"], retries=RETRIES)
        return "SHIPPED"
'''

CONSTANT_WRAPPER_ORDERS = '''\
"""Orders."""

from shopx import shipping


class Orders:
    def __init__(self, db):
        self.db = db

    def ship(self, order):
        return shipping.ship(self, order)
'''

CONSTANT_SHIPPING = '''\
"""Shipping, moved out of Orders, with its own copy of the constant."""

RETRIES = {retries}


def ship(orders, order):
    orders.db.save(order_id=order["id"], retries=RETRIES)
    return "SHIPPED"
'''


@pytest.mark.parametrize(("retries", "pure"), [("2", True), ("3", False)])
def test_a_module_constant_copied_with_the_move_must_keep_its_value(
    project: Path, capsys: pytest.CaptureFixture[str], retries: str, pure: bool
) -> None:
    write(project, {"src/shopx/orders.py": CONSTANT_ORDERS})
    commit(project, "orders read their retries from a constant")
    write(
        project,
        {
            "src/shopx/orders.py": CONSTANT_WRAPPER_ORDERS,
            "src/shopx/shipping.py": CONSTANT_SHIPPING.format(retries=retries),
        },
    )

    code, lines, _ = _run(project, capsys, "--base", "HEAD", "--package", "shopx")

    assert code == (0 if pure else 1), lines
    constant_lines = [line.strip() for line in lines if "module constant" in line]
    if pure:
        assert constant_lines == []
    else:
        changed = (
            "module constant `RETRIES`: 2 at the base (src/shopx/orders.py), "
            "3 now (src/shopx/shipping.py)"
        )
        # Said for the function that reads it, and for the value itself.
        assert constant_lines == [changed, changed]
        assert lines[lines.index("module-level values and code run on import:") + 1].startswith(
            "  NOT A PURE MOVE  shopx.shipping.RETRIES (src/shopx/shipping.py:3) <- "
            "shopx.orders.RETRIES (src/shopx/orders.py:3 at the base)"
        )


def _with_priority(project: Path, moved_signature: str, call: str = "self, order") -> None:
    """Base: ``ship(self, order, *, priority=False)``; moved with ``moved_signature``, the
    wrapper calling ``shipping.ship(<call>, priority=priority)``."""
    orders = project / "src/shopx/orders.py"
    write(
        project,
        {
            "src/shopx/orders.py": orders.read_text().replace(
                "def ship(self, order):", "def ship(self, order, *, priority=False):"
            )
        },
    )
    commit(project, "feat: priority")
    move_ship(project, "pure")
    shipping = project / "src/shopx/shipping.py"
    write(
        project,
        {
            "src/shopx/shipping.py": shipping.read_text().replace(
                "def ship(orders, order):", f"def ship({moved_signature}):"
            ),
            "src/shopx/orders.py": orders.read_text()
            .replace("def ship(self, order):", "def ship(self, order, *, priority=False):")
            .replace("shipping.ship(self, order)", f"shipping.ship({call}, priority=priority)"),
        },
    )


def test_keyword_only_parameters_kept_as_they_were_are_not_noted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_priority(project, "orders, order, *, priority=False")

    code, lines, _ = _run(project, capsys, "--base", "HEAD")

    assert code == 0, lines
    assert lines[1].startswith("  pure move        shopx.shipping.ship")
    assert not [line for line in lines if "note:" in line], lines


def test_a_parameter_that_became_keyword_only_is_noted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_priority(project, "orders, *, order, priority=False", call="self, order=order")

    code, lines, _ = _run(project, capsys, "--base", "HEAD")

    assert code == 0, lines
    assert lines[1].startswith("  pure move        shopx.shipping.ship"), lines
    assert lines[2] == "      note: parameters: keyword-only now: `order`"


def test_a_wrapper_passing_by_position_a_parameter_now_keyword_only_fails(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_priority(project, "orders, *, order, priority=False")

    code, lines, _ = _run(project, capsys, "--base", "HEAD")

    assert code == 1, lines
    assert lines[1].startswith("  pure move        shopx.shipping.ship"), lines
    assert lines[4] == (
        "  shopx.orders.Orders.ship (src/shopx/orders.py:10) -> shopx.shipping.ship with OTHER "
        "ARGUMENTS: shipping.ship(self, order, priority=priority) (`order` is passed by "
        "position, but ship takes 1 positional argument(s); `order` is not passed)"
    )
