"""A module first imported while a fake is active (it copies ``compute_total`` at import)."""

from __future__ import annotations

from harness.shop.pricing import compute_total as total_at_import

__all__ = ["total_at_import"]
