"""Import one module under an audit hook and report the I/O it does; run by check_import_io.py.

Usage: python -B import_io_probe.py SRC MODULE

Installs a `sys.addaudithook` hook, imports MODULE with SRC first on `sys.path`, and prints one line
`@@import-io@@ <json>` with the events recorded during the import and, if the import raised, the error.

Recorded: opening a file for writing anywhere; opening a file for reading, except what importing itself
reads (Python source, bytecode and extension modules anywhere, and any file under the standard library
or site-packages); file-system changes (remove, rename, mkdir, chmod, shutil operations, ...);
processes (subprocess, os.system, exec, spawn, fork); network (socket, HTTP, mail and FTP clients);
`sqlite3.connect`; environment changes; `glob.glob`. Directory listings are not recorded: the import
system lists sys.path folders itself. Nothing is blocked: the checker runs the probe in a throwaway
working directory, so relative writes land there.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import sys
import sysconfig
import traceback

SENTINEL = "@@import-io@@ "

WATCHED = (
    "socket.",
    "subprocess.",
    "os.system",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "pty.spawn",
    "sqlite3.connect",
    "urllib.Request",
    "http.client.",
    "ftplib.",
    "smtplib.",
    "poplib.",
    "imaplib.",
    "nntplib.",
    "telnetlib.",
    "webbrowser.open",
    "shutil.",
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.link",
    "os.symlink",
    "os.utime",
    "os.putenv",
    "os.unsetenv",
    "glob.glob",
)
IMPORT_SUFFIXES = (*importlib.machinery.all_suffixes(), ".pyc", ".pth")
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
LIBRARY_ROOTS = tuple(
    sorted(
        {
            os.path.realpath(sysconfig.get_paths()[key]) + os.sep
            for key in ("stdlib", "platstdlib", "purelib", "platlib")
        }
    )
)


def _is_write(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and any(ch in mode for ch in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & WRITE_FLAGS)


def _is_import_read(path: str) -> bool:
    real = os.path.realpath(path)
    return real.endswith(IMPORT_SUFFIXES) or real.startswith(LIBRARY_ROOTS)


class Recorder:
    """The audit hook: keeps the events of interest while `active` is true."""

    def __init__(self, src: str) -> None:
        self.src = os.path.realpath(src) + os.sep
        self.events: list[dict[str, str]] = []
        self.active = False
        self._busy = False

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active or self._busy:
            return
        self._busy = True
        try:
            description = self._describe(event, args)
            if description is not None:
                self.events.append({"event": description, "where": self._where()})
        finally:
            self._busy = False

    def _describe(self, event: str, args: tuple[object, ...]) -> str | None:
        if event == "open":
            path, mode, flags = (*args, None, None, None)[:3]
            if not isinstance(path, str | bytes):
                return None
            path = os.fsdecode(path)
            if not _is_write(mode, flags) and _is_import_read(path):
                return None
            shown_mode = mode if isinstance(mode, str) else ("w" if _is_write(mode, flags) else "r")
            return f"open({path!r}, {shown_mode!r})"
        if event.startswith(WATCHED) and not event.endswith("/handle"):
            shown = ", ".join(repr(arg)[:80] for arg in args)
            return f"{event}({shown})"
        return None

    def _where(self) -> str:
        frame = sys._getframe(2)
        while frame is not None:
            filename = os.path.realpath(frame.f_code.co_filename)
            if filename.startswith(self.src):
                return f"{filename[len(self.src) :]}:{frame.f_lineno}"
            frame = frame.f_back
        return ""


def main() -> None:
    src, module = sys.argv[1], sys.argv[2]
    sys.path[0] = src  # replace the probe's own folder
    recorder = Recorder(src)
    sys.addaudithook(recorder)
    failure: BaseException | None = None
    recorder.active = True
    try:
        importlib.import_module(module)
    except BaseException as exc:
        failure = exc
    finally:
        recorder.active = False
    error = None
    if failure is not None:
        error = "".join(traceback.format_exception_only(type(failure), failure)).strip()
    print(SENTINEL + json.dumps({"events": recorder.events, "error": error}), flush=True)


if __name__ == "__main__":
    main()
