"""Checks links concurrently and writes a summary from a background thread."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

from thread_pool.reporting import report

log = logging.getLogger(__name__)


class LinkChecker:
    def __init__(self, http, *, workers: int = 4) -> None:
        self.http = http
        self.workers = workers

    def check(self, urls: list[str]) -> dict[str, int]:
        statuses: dict[str, int] = {}
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = {pool.submit(self._status, url): url for url in urls}
            for future in as_completed(futures):
                url = futures[future]
                statuses[url] = future.result()
                log.info("%s -> %d", url, statuses[url])
        reporter = threading.Thread(target=self._report, args=(statuses,))
        reporter.start()
        reporter.join()
        return statuses

    def _status(self, url: str) -> int:
        response = self.http.head(url, timeout=5)
        return response["status"]

    def _report(self, statuses: dict[str, int]) -> None:
        report(self.http, statuses)
