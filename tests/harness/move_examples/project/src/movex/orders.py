"""Orders: the class the examples move methods out of."""

import logging

from movex.pricing import compute_total as price_total
from movex.pricing import retry

logger = logging.getLogger(__name__)

LARGE = 100


def _label(order_id):
    return f"order {order_id}"


class Orders:
    """Orders kept in a database and announced by a mailer."""

    tax_rate = 0.2

    def __init__(self, db, mailer):
        self.db = db
        self.mailer = mailer
        self.prices = []

    def ship(self, order):
        """Ship one order: save it with its total."""
        total = price_total(order["items"])  # as the pricing module computes it
        self.db.save(order_id=order["id"], total=total)
        logger.info("shipped %s", order["id"])
        return "SHIPPED"

    def announce(self, order):
        """Mail the order's label; a large order says so."""
        import json  # a local import stays local

        label = _label(order["id"])
        if price_total(order["items"]) > LARGE:
            label += " (large)"
        self.mailer.send(json.dumps({"label": label}))
        return label

    @retry(times=3)
    def save_with_retry(self, order):
        saved = self.db.save(order_id=order["id"], total=0)
        return f"{order['id']}: {saved}"

    @property
    def total_with_tax(self):
        return self._money(sum(self.prices) * (1 + self.tax_rate))

    @property
    def label_prefix(self):
        return "order" if self.prices else "empty order"

    @staticmethod
    def _money(value):
        return round(value, 2)

    @classmethod
    def from_rows(cls, db, mailer, rows):
        orders = cls(db, mailer)
        orders.prices = [row["price"] for row in rows]
        return orders

    @staticmethod
    def describe(order_id, status="new"):
        return f"{order_id}: {status}"

    def summary(self, order_id):
        """One line about the order (its prefix, description and total)."""
        return (
            f"{self.label_prefix} {self.describe(order_id, status='open')}, {self.total_with_tax}"
        )

    def process(self, order):
        self.ship(order)
        return self.summary(order["id"])
