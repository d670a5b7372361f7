"""Notifier: Telegram-style one-message notifications about a run. The default only logs them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

ICONS = {
    "phase_failed": "❌",
    "approval_requested": "⏳",
    "approval_decided": "✅",
    "run_finished": "🏁",
}


@dataclass
class Notification:
    """One message: its event kind and text."""

    event: str
    text: str


class LoggingNotifier:
    """Formats messages as a chat bot would and writes them to the log; keeps them for inspection."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def notify(self, event: str, message: str) -> bool:
        """Send `message` for `event`; returns True when it was delivered."""
        text = f"{ICONS.get(event, '•')} {message}"
        self.sent.append(Notification(event, text))
        logger.info("notify[%s] %s", event, text)
        return True
