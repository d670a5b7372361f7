"""Customer notifications (a collaborator reached through a module attribute)."""

from __future__ import annotations


def send_shipped_notice(order_id: str, *, channel: str) -> bool:
    """Tell the customer; the real implementation talks to a mail server."""
    raise RuntimeError("send_shipped_notice talks to the mail server; scenarios fake it")
