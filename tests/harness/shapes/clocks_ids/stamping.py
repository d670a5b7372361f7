"""Stamps an audit record with when, where and which process made it."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid


def stamp(record: dict[str, object]) -> dict[str, object]:
    return {
        **record,
        "event_id": str(uuid.uuid1()),
        "trace_id": uuid.uuid4().hex,
        "pid": os.getpid(),
        "parent": os.getppid(),
        "when": time.ctime(),
        "clock": time.strftime("%Y-%m-%d %H:%M:%S"),
        "local": time.asctime(time.localtime()),
        "epoch": time.mktime(time.localtime()),
        "today": dt.date.today().isoformat(),
        "at": dt.datetime.now().isoformat(),
    }
