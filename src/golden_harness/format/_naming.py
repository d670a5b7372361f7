"""Where a scenario's golden lives: ``<golden dir>/<seam>/<scenario>.golden.yaml``.

The scenario name is the test's name inside its module (``TestClass.test_name[param-id]``).
Characters outside ``A-Z a-z 0-9 . _ - [ ] = , + @`` are percent-encoded (``/`` becomes ``%2F``,
``%`` itself ``%25``), so distinct ids give distinct, stable file names on every platform
(``test[b/c]`` -> ``test[b%2Fc]``, ``test[bc]`` stays). Names longer than 200 characters keep
their first 180 characters followed by ``~`` and 16 hex digits of their SHA-256, and so do seam
folders (:func:`seam_folder`): file systems refuse names above 255 bytes. The golden's header
keeps the full seam name.

:func:`relative_path` is how every report and message shows a file under the repository.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

__all__ = [
    "GOLDEN_SUFFIX",
    "golden_path",
    "outside_root",
    "relative_path",
    "scenario_name",
    "scenario_stem",
    "seam_folder",
]

GOLDEN_SUFFIX = ".golden.yaml"
_SAFE = re.compile(r"[A-Za-z0-9._\-\[\]=,+@]")
_MAX_STEM = 200
_KEEP = 180


def scenario_name(nodeid: str) -> str:
    """The scenario name of a pytest node id: everything after the module (``::``-joined by ``.``)."""
    parts = nodeid.split("::")
    return ".".join(parts[1:]) if len(parts) > 1 else parts[0]


def scenario_stem(name: str) -> str:
    """The file-name stem for scenario ``name`` (see the module docstring)."""
    encoded = "".join(
        ch if _SAFE.fullmatch(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
        for ch in name
    )
    if encoded.startswith("."):
        encoded = "%2E" + encoded[1:]
    return _shortened(name, encoded)


def _shortened(name: str, encoded: str) -> str:
    if len(encoded) <= _MAX_STEM:
        return encoded
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
    return f"{encoded[:_KEEP]}~{digest}"


def seam_folder(seam: str) -> str:
    """The folder name of seam ``seam``: the name itself, shortened when it is too long."""
    return _shortened(seam, seam)


def golden_path(golden_dir: Path, seam: str, name: str) -> Path:
    """The golden file of scenario ``name`` in seam ``seam``."""
    return golden_dir / seam_folder(seam) / f"{scenario_stem(name)}{GOLDEN_SUFFIX}"


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/``, or ``path`` as given when it is not under ``root``.

    Neither path is resolved: a caller that compares real locations resolves them first.
    """
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def outside_root(path: Path, root: Path) -> str | None:
    """Why ``path`` is outside ``root`` once symbolic links are followed, or None when it is not.

    The reason names the real location and the link that leads out of ``root``
    (``golden/shop is /srv/goldens/shop, outside the repository root /repo, through the link
    golden/shop -> /srv/goldens/shop``)."""
    real_root = root.resolve()
    real = path.resolve()
    if real.is_relative_to(real_root):
        return None
    shown = relative_path(path, root)
    reason = f"{shown} is {real}, outside the repository root {real_root}"
    for step in (*reversed(path.parents), path):
        if step.is_relative_to(root) and step != root and step.is_symlink():
            return f"{reason}, through the link {relative_path(step, root)} -> {os.readlink(step)}"
    return reason
