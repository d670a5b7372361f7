from golden_harness import Seam

from movex.orders import Orders

GOLDEN_SEAM = Seam(
    "orders",
    covers=[
        "movex.orders:Orders.ship",
        "movex.orders:Orders.announce",
        "movex.orders:Orders.save_with_retry",
        "movex.orders:Orders.total_with_tax",
        "movex.orders:Orders.from_rows",
        "movex.orders:Orders.describe",
        "movex.orders:Orders.process",
    ],
)

SMALL = {"id": "A-1", "items": [{"price": 2.5, "qty": 2}]}
LARGE = {"id": "B-2", "items": [{"price": 60.0, "qty": 2}]}


def _orders(golden):
    golden.fake("db.save", returns=None)
    golden.fake("mailer.send", returns=None)
    return Orders(golden.fake("db"), golden.fake("mailer"))


def test_ship(golden):
    golden.call(_orders(golden).ship, SMALL)


def test_announce_small_and_large(golden):
    orders = _orders(golden)
    golden.call(orders.announce, SMALL)
    golden.call(orders.announce, LARGE)


def test_save_retries_after_a_connection_error(golden):
    golden.fake("db.save", sequence=[ConnectionError("down"), "saved"])
    golden.call(Orders(golden.fake("db"), None).save_with_retry, SMALL)


def test_total_with_tax(golden):
    orders = Orders.from_rows(None, None, [{"price": 10}, {"price": 2.5}])
    golden.call(lambda: orders.total_with_tax)


def test_from_rows(golden):
    golden.call(lambda rows: Orders.from_rows(None, None, rows).prices, [{"price": 3}])


def test_describe(golden):
    golden.call(Orders.describe, "A-1")
    golden.call(Orders(None, None).describe, "A-2", status="paid")


def test_process(golden):
    orders = _orders(golden)
    orders.prices = [4.0]
    golden.call(orders.process, SMALL)
