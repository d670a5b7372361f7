"""A method with marked seam regions (``# golden-seam:`` comment lines), for the resolver."""

from __future__ import annotations


class Checkout:
    """A class whose ``run`` method holds two regions of one seam and one of another."""

    @staticmethod
    def run(cart: list[int]) -> int:
        """Sum a cart with a discount and a fee."""
        total = 0
        # golden-seam: pricing
        for price in cart:
            total += price
        # golden-seam-end: pricing
        # golden-seam: fees
        total += 2
        # golden-seam-end: fees
        # golden-seam: pricing
        total = int(total * 0.9)
        # golden-seam-end: pricing
        return total


def broken() -> None:
    """A function whose region is never closed."""
    # golden-seam: open
    return None
