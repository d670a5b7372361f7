"""The parts of a stamp (moved out of ``stamp``)."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid


def ids() -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid1()),
        "trace_id": uuid.uuid4().hex,
        "pid": os.getpid(),
        "parent": os.getppid(),
    }


def times() -> dict[str, object]:
    return {
        "when": time.ctime(),
        "clock": time.strftime("%Y-%m-%d %H:%M:%S"),
        "local": time.asctime(time.localtime()),
        "epoch": time.mktime(time.localtime()),
        "today": dt.date.today().isoformat(),
        "at": dt.datetime.now().isoformat(),
    }
