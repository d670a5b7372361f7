"""Workspace files stand in the trace where they changed, with their mode, found cheaply."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from golden_harness import Recorder
from golden_harness.recording._workspace import WorkspaceWatcher
from harness.conftest import assert_stable_and_caught


def _kinds(events: list[dict[str, object]]) -> list[str]:
    return [f"{next(iter(e))}:{e.get('path', '')}".rstrip(":") for e in events]


def test_a_file_written_before_a_command_comes_before_it(recorder: Recorder) -> None:
    recorder.subprocess(["git", "add", "."])
    recorder.fake("notify", returns=None)

    def seam() -> None:
        Path("before.txt").write_text("one\n")
        subprocess.run(["git", "add", "."], check=True)
        Path("after.txt").write_text("two\n")
        recorder.fake("notify")()
        os.remove("before.txt")

    recorder.call(seam)

    assert _kinds(recorder.events) == [
        "file:before.txt",
        "subprocess",
        "file:after.txt",
        "call",
        "file:before.txt",
        "returned",
    ]
    assert recorder.events[4] == {"file": "removed", "path": "before.txt"}


def test_a_file_mode_is_recorded_and_so_is_a_change_of_mode_alone(recorder: Recorder) -> None:
    script = recorder.workspace / "run.sh"
    script.write_text("#!/bin/sh\n")
    secret = recorder.workspace / "key.pem"

    def seam() -> None:
        script.chmod(0o755)
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, b"k\n")
        os.close(fd)
        Path("plain.txt").write_text("x\n")

    recorder.call(seam)

    assert recorder.events[:3] == [
        {"file": "created", "path": "key.pem", "content": "k\n", "mode": "0600"},
        {"file": "created", "path": "plain.txt", "content": "x\n"},
        {"file": "changed", "path": "run.sh", "mode": "0755"},
    ]


def test_a_new_file_has_the_same_mode_whatever_the_umask() -> None:
    previous = os.umask(0o077)
    try:
        with Recorder() as golden:
            golden.call(lambda: Path("made.txt").write_text("x\n"))
    finally:
        os.umask(previous)

    assert golden.events[0] == {"file": "created", "path": "made.txt", "content": "x\n"}


def test_a_rewrite_of_the_same_size_within_the_same_instant_is_seen(recorder: Recorder) -> None:
    recorder.fake("step", returns=None)

    def seam() -> None:
        Path("state").write_text("aaaa")
        recorder.fake("step")()
        Path("state").write_text("bbbb")
        recorder.fake("step")()

    recorder.call(seam)

    files = [e for e in recorder.events if "file" in e]
    assert files == [
        {"file": "created", "path": "state", "content": "aaaa"},
        {"file": "changed", "path": "state", "content": "bbbb"},
    ]


def test_the_workspace_is_looked_at_only_when_something_could_have_written(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    looks: list[int] = []
    real = WorkspaceWatcher.snapshot

    def counted(self: WorkspaceWatcher, *args: object) -> object:
        looks.append(1)
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkspaceWatcher, "snapshot", counted)
    recorder.fake("db.read", returns=1)

    def seam() -> None:
        for _ in range(50):
            recorder.fake("db").read()
        Path("out.txt").write_text("done\n")
        recorder.fake("db").read()

    recorder.call(seam)

    # The start of the call, the look after the write, the end of the call: not one per event.
    assert len(looks) == 3
    assert _kinds(recorder.events)[-3:] == ["file:out.txt", "call", "returned"]


SCENARIOS = """
from site_tool import publish

from golden_harness import Seam

GOLDEN_SEAM = Seam("site", covers=["site_tool:publish"])


def test_publish(golden):
    golden.subprocess(["git", "add", "--all"])
    golden.call(publish)
"""

SITE_TOOL = """
import subprocess
from pathlib import Path


def publish():
    Path("index.html").write_text("<h1>hi</h1>")
    subprocess.run(["git", "add", "--all"], check=True)
    Path("deploy.sh").write_text("#!/bin/sh")
    Path("deploy.sh").chmod(0o755)
"""


def test_writing_after_the_command_instead_of_before_is_caught(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner.makepyfile(test_site=SCENARIOS, site_tool=SITE_TOOL)

    assert_stable_and_caught(
        inner,
        monkeypatch,
        scenarios=1,
        planted=(
            "site_tool.py",
            '    Path("index.html").write_text("<h1>hi</h1>")\n    subprocess.run(["git", "add", "--all"], check=True)\n',
            '    subprocess.run(["git", "add", "--all"], check=True)\n    Path("index.html").write_text("<h1>hi</h1>")\n',
        ),
        expected="file `index.html` (created) moved: event 1 in the golden, 3 in this run",
    )


def test_a_sqlite_database_digest_does_not_depend_on_the_library_version(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "ledger.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE entries (cents INTEGER)")
    db.close()
    watcher = WorkspaceWatcher(tmp_path)
    first = watcher.snapshot()["ledger.db"].digest
    data = bytearray(database.read_bytes())
    data[92:100] = b"\x00\x00\x00\x07\x00\x2d\xc6\xa8"  # written by another SQLite release
    database.write_bytes(bytes(data))

    assert watcher.snapshot()["ledger.db"].digest == first
    data[200] ^= 0xFF  # any other byte still counts
    database.write_bytes(bytes(data))
    assert watcher.snapshot()["ledger.db"].digest != first
