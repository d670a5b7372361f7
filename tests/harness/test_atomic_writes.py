"""Goldens, harvested scenarios and report files are written atomically.

Real faults: a file-size limit (``RLIMIT_FSIZE``, in a subprocess), a read-only folder (permission
bits, or a read-only tmpfs when the suite runs as root), and ``SIGKILL`` in the middle of a write.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from golden_harness import FileWriteError
from golden_harness.format import write_atomic
from harness.conftest import TESTS_DIR, copy_demo

GOLDEN = Path("golden/order_shipping/test_ships_paid_order.golden.yaml")
STALE = '# golden_harness trace v1\n# seam: order_shipping\n- returned: "an older outcome"\n'
LIMIT_CONFTEST = """
import resource
import signal

# Past the limit a write fails with EFBIG instead of killing the process with SIGXFSZ.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
"""


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[str]:
    """Make ``folder`` unwritable; yield the error name a write then gets.

    Permission bits stop every user but root; as root, ``folder`` becomes a tmpfs mounted
    read-only (its files copied in first), or the test is skipped where root cannot mount.
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "EACCES"
        finally:
            folder.chmod(0o755)
        return
    saved = {p.name: p.read_bytes() for p in folder.iterdir()}
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"running as root, permission bits do not stop writes, and mount failed: "
            f"{mounted.stderr.strip()}"
        )
    try:
        for name, data in saved.items():
            (folder / name).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield "EROFS"
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_capture_past_the_file_size_limit_keeps_the_old_golden(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    (inner.path / GOLDEN).write_text(STALE)
    inner.makeconftest(LIMIT_CONFTEST.format(limit=600))

    # Through pipes: pytester's runpytest_subprocess sends the output to files, which the
    # limit would cut too.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--snapshot-update", "-p", "no:randomly", "-p",
         "no:cacheprovider", "test_order_shipping.py::test_ships_paid_order"],
        cwd=inner.path,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip

    assert (inner.path / GOLDEN).read_text() == STALE
    assert _temporaries(inner.path / GOLDEN.parent) == []
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        f"FileWriteError: Could not write {GOLDEN}: File too large (EFBIG). The old file is "
        "unchanged" in done.stdout
    ), done.stdout
    assert "Fix: raise the file-size limit (`ulimit -f`), then run again." in done.stdout
    assert "difference" not in done.stdout


def test_a_capture_into_a_read_only_folder_keeps_the_old_golden(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    (inner.path / GOLDEN).write_text(STALE)

    with _read_only_folder(inner.path / GOLDEN.parent) as error_name:
        result = inner.runpytest(
            "--snapshot-update",
            "-p",
            "no:randomly",
            "test_order_shipping.py::test_ships_paid_order",
        )
        assert (inner.path / GOLDEN).read_text() == STALE
        assert _temporaries(inner.path / GOLDEN.parent) == []

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*FileWriteError: Could not write {GOLDEN}: *({error_name})*"])


def test_a_harvest_past_the_file_size_limit_reports_the_file_and_writes_nothing(
    tmp_path: Path,
) -> None:
    program = LIMIT_CONFTEST.format(limit=300) + textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from golden_harness import Harvester, HarvestSeam
        from harness.harvest_shop.workshop import Workshop

        out = Path(sys.argv[1])
        seam = HarvestSeam("echo", entry="harness.harvest_shop.workshop:Workshop.echo")
        with Harvester([seam], out, workspace=out.parent) as harvester:
            print("echo returned", Workshop("ws", out.parent).echo("hello " * 40)[:14])
        print(harvester.report.render())
        """
    )
    out = tmp_path / "harvested"

    done = subprocess.run(
        [sys.executable, "-c", program, str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(TESTS_DIR)},
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "echo returned ws: hello hell"
    assert "seam echo: 0 scenario(s) written, 0 duplicate(s) skipped, 0 too large, 1 failed" in (
        done.stdout
    )
    assert "failed: Could not write " in done.stdout
    assert "File too large (EFBIG). The old file is unchanged" in done.stdout
    assert sorted(p.name for p in out.rglob("*")) == ["echo"]


def test_a_coverage_report_past_the_file_size_limit_keeps_the_old_report(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    report = tmp_path / "coverage.json"
    report.write_text("{}\n")
    program = LIMIT_CONFTEST.format(limit=8) + textwrap.dedent(
        """
        import sys
        import golden_harness.measure as measure
        from golden_harness.cli import main

        measure.measure_coverage = lambda root, tests: ([], 1.5)
        sys.exit(main(["--root", sys.argv[2], "coverage", "--json", sys.argv[1]]))
        """
    )

    done = subprocess.run(
        [sys.executable, "-c", program, str(report), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert report.read_text() == "{}\n"
    assert done.returncode == 2, done.stderr
    assert f"Could not write {report}: File too large (EFBIG)" in done.stderr
    assert _temporaries(tmp_path) == []


def test_a_write_killed_at_any_instant_leaves_the_old_file_or_the_new_one(tmp_path: Path) -> None:
    target = tmp_path / "big.golden.yaml"
    target.write_text("old\n")
    program = textwrap.dedent(
        """
        import sys
        from golden_harness.format import write_atomic

        write_atomic(sys.argv[1], "new line\\n" * 20_000_000)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", program, str(target)])
    try:
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size for p in tmp_path.glob(".big.golden.yaml.*.tmp")):
            assert child.poll() is None, "the write ended before it could be interrupted"
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()

    assert target.read_text() == "old\n"
    assert len(_temporaries(tmp_path)) == 1  # the killed process's, left beside the file

    write_atomic(target, "new\n")

    assert target.read_text() == "new\n"
    assert _temporaries(tmp_path) == []  # its process is gone, so the next write removed it


def test_a_write_keeps_the_mode_of_the_file_and_a_link_to_it(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)

    write_atomic(link, "new\n")

    assert link.is_symlink()
    assert real.read_text() == "new\n"
    assert real.stat().st_mode & 0o777 == 0o640


def test_the_error_is_an_os_error_with_its_errno(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError) as raised:
        write_atomic(tmp_path / "missing-folder" / "x.yaml", "text")

    assert raised.value.errno == 2
    assert "Could not write " in str(raised.value)
    assert "(ENOENT)" in str(raised.value)
