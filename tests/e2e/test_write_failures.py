"""End to end: a run file or the database that cannot be written stops the run at once, in one line
naming the file and the error; the phase is rolled back (now, or by the next run) and the same
command resumes the run to completion."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._support import autopack, autopack_command, db_rows, git, new_repo, write_plan

FILE_SIZE_LIMIT = 256 * 1024


def create(path: str) -> str:
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{path}\n"


def phase(phase_id: str, path: str, ci: dict) -> dict:
    return {
        "phase_id": phase_id,
        "scope": {"paths": ["src/"]},
        "ci": ci,
        "replay": {"builder": [{"patch": create(path)}]},
    }


def python_ci(code: str) -> dict:
    return {"command": [sys.executable, "-c", code]}


def _small_files() -> None:
    # No file may grow past FILE_SIZE_LIMIT; past it a write fails (EFBIG) instead of killing.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_a_run_file_that_cannot_be_written_stops_the_run_and_the_same_command_resumes(
    tmp_path: Path,
) -> None:
    workspace = new_repo(tmp_path / "ws")
    (workspace / "mine.txt").write_text("uncommitted work\n")
    noisy = "import sys; sys.stdout.write('x' * 600_000 + '\\n1 passed\\n')"
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "limited",
            "phases": [
                phase("first", "src/one.txt", {"skip": True}),
                phase("noisy", "src/two.txt", python_ci(noisy)),
                phase("last", "src/three.txt", {"skip": True}),
            ],
        },
    )
    proc = subprocess.run(
        [*autopack_command(), "run", str(plan), "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_small_files,
    )
    assert proc.returncode == 74, proc.stdout + proc.stderr
    log = workspace / ".autonomous_runs/limited/ci/noisy.log"
    assert proc.stderr.splitlines() == [
        f"autopack: error: cannot write the run file {str(log)!r}: File too large; run 'limited' "
        "stopped in phase 'noisy', which was rolled back to its checkpoint; make room or fix the "
        "permissions, then run the same command again to resume"
    ]
    db = workspace / ".autonomous_runs/autopack.db"
    assert db_rows(db, "SELECT state FROM runs") == [("INTERRUPTED",)]
    assert db_rows(db, "SELECT phase_id, state, retry_attempt FROM phases ORDER BY position") == [
        ("first", "COMPLETE", 0),
        ("noisy", "QUEUED", 0),
        ("last", "QUEUED", 0),
    ]
    assert db_rows(db, "SELECT COUNT(*) FROM phase_errors") == [(0,)]  # no retry storm
    assert not (workspace / "src/two.txt").exists()
    assert sorted(git(workspace, "status", "--porcelain", "-uall").splitlines()) == [
        "?? mine.txt",
        "?? src/one.txt",
    ]

    again = autopack("run", plan, "--workspace", workspace)
    assert again.returncode == 0, again.stdout + again.stderr
    assert db_rows(db, "SELECT phase_id, state FROM phases ORDER BY position") == [
        ("first", "COMPLETE"),
        ("noisy", "COMPLETE"),
        ("last", "COMPLETE"),
    ]
    assert log.stat().st_size > FILE_SIZE_LIMIT


@contextlib.contextmanager
def tiny_tmpfs(mountpoint: Path, size: str = "1m") -> Iterator[Path]:
    """A small tmpfs at `mountpoint` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("a full disk needs a tmpfs of its own, which only root can mount")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("mount and umount are not installed")
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, check=False)


FILL_ONCE = (
    "import pathlib, sys\n"
    "filler, done = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])\n"
    "if not done.exists():\n"
    "    done.write_text('filled')\n"
    "    try:\n"
    "        with filler.open('wb') as handle:\n"
    "            while True:\n"
    "                handle.write(b'0' * 65536)\n"
    "                handle.flush()\n"
    "    except OSError:\n"
    "        pass\n"
    "print('1 passed')\n"
)


def test_a_full_disk_under_the_database_stops_the_run_and_the_next_run_finishes_it(
    tmp_path: Path,
) -> None:
    with tiny_tmpfs(tmp_path / "dbfs") as dbfs:
        workspace = new_repo(tmp_path / "ws")
        filler, done = dbfs / "filler", tmp_path / "filled-once"
        plan = write_plan(
            tmp_path / "plan.yaml",
            {
                "run_id": "full",
                "phases": [
                    phase("first", "src/one.txt", {"skip": True}),
                    phase(
                        "fill",
                        "src/two.txt",
                        {"command": [sys.executable, "-c", FILL_ONCE, str(filler), str(done)]},
                    ),
                    phase("last", "src/three.txt", {"skip": True}),
                ],
            },
        )
        db = dbfs / "autopack.db"
        args = ("run", plan, "--workspace", workspace, "--db", f"sqlite:///{db}")
        proc = autopack(*args)
        assert proc.returncode == 74, proc.stdout + proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith(f"autopack: error: cannot write the run database {str(db)!r}: ")
        assert "run 'full' stopped in phase 'fill'" in lines[0]
        assert "Traceback" not in proc.stderr
        # The workspace is back where the phase started (its rows too, unless the full disk
        # refused that as well: then the next run rolls them back, by the phase's marker).
        assert not (workspace / "src/two.txt").exists()

        filler.unlink()
        again = autopack(*args)
        assert again.returncode == 0, again.stdout + again.stderr
        assert db_rows(
            db, "SELECT phase_id, state, retry_attempt FROM phases ORDER BY position"
        ) == [
            ("first", "COMPLETE", 0),
            ("fill", "COMPLETE", 0),
            ("last", "COMPLETE", 0),
        ]
        assert db_rows(db, "SELECT COUNT(*) FROM phase_errors") == [(0,)]
        assert db_rows(db, "SELECT state FROM runs") == [("COMPLETE",)]
        for name in ("src/one.txt", "src/two.txt", "src/three.txt"):
            assert (workspace / name).read_text() == f"{name}\n"
