"""The link report (moved out of ``LinkChecker``)."""

from __future__ import annotations


def report(http, statuses: dict[str, int]) -> None:
    broken = sorted(url for url, status in statuses.items() if status >= 400)
    http.post("/report", json={"broken": broken, "checked": len(statuses)})
