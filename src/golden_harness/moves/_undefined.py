"""Undefined names in the code around a move, found by ruff.

ruff (the project's configuration ignored, so the check is the same everywhere) reports a name
nothing defines as F821, and a name that only a star import could define as F405, which it
cannot judge. Each F405 name is resolved here, statically, from the star-imported modules
(:class:`golden_harness.moves._resolve.Resolver`): a name none of them exports is undefined
too. Only findings inside the given spans count.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from golden_harness.exceptions import ReviewError
from golden_harness.moves._move_result import UndefinedName

__all__ = ["Span", "undefined_names"]

Span = tuple[int, int, str]
"""(first line, last line, what the lines are: a function's or class's dotted name)."""

_QUOTED = re.compile(r"`([^`]+)`")


def _ruff_command() -> list[str]:
    """The ruff executable: the one installed with the ``ruff`` package, else one on PATH."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return [str(find_ruff_bin())]
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
    if found is None:
        raise ReviewError(
            "check-move finds undefined names with ruff, and ruff is not installed for "
            f"{sys.executable}: install the harness extra (pip install 'autopack[harness]') or "
            "ruff itself (pip install 'ruff>=0.6')."
        )
    return [found]


def _findings(root: Path, paths: list[str]) -> list[dict[str, object]]:
    command = [
        *_ruff_command(),
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        "F821,F405",
        "--output-format",
        "json",
        "--exit-zero",
        *paths,
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    try:
        findings = json.loads(done.stdout) if done.returncode == 0 else None
    except json.JSONDecodeError:
        findings = None
    if findings is None:
        raise ReviewError(
            f"`{' '.join(command[:10])} ...` failed in {root} (exit {done.returncode}): "
            f"{(done.stderr or done.stdout).strip()[-2000:]}; run it by hand to see why."
        )
    return list(findings)


def undefined_names(
    root: Path,
    spans: dict[str, list[Span]],
    star_reason: Callable[[str, str], str | None],
) -> list[UndefinedName]:
    """The undefined names ruff finds in the given spans (path -> spans); an F405 name counts
    when ``star_reason(path, name)`` gives the reason it cannot be resolved."""
    if not spans:
        return []
    found = []
    for finding in _findings(root, sorted(spans)):
        code = finding.get("code")
        if code not in ("F821", "F405"):
            continue
        filename = str(finding["filename"])
        path = Path(filename).resolve().relative_to(root.resolve()).as_posix()
        location = finding["location"]
        line = int(location["row"])  # type: ignore[index]
        message = str(finding["message"])
        named = _QUOTED.search(message)
        name = named.group(1) if named else message
        for first, last, where in spans.get(path, []):
            if not first <= line <= last:
                continue
            reason = ""
            if code == "F405":
                unresolved = star_reason(path, name)
                if unresolved is None:
                    break
                reason = unresolved
            found.append(UndefinedName(path, line, name, where, reason))
            break
    return sorted(set(found), key=lambda u: (u.path, u.line, u.name))
