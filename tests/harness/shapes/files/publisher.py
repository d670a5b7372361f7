"""Publishes a static site into a folder and commits it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def publish(site: Path, pages: dict[str, str]) -> int:
    site.mkdir(exist_ok=True)
    for name, body in pages.items():
        (site / f"{name}.html").write_text(f"<h1>{body}</h1>\n")
    deploy = site / "deploy.sh"
    deploy.write_text("#!/bin/sh\nrsync -a . web:/srv/site\n")
    deploy.chmod(deploy.stat().st_mode | 0o111)
    subprocess.run(["git", "add", "--all"], cwd=site, check=True)
    (site / "PUBLISHED").write_text(f"{len(pages)} pages\n")
    subprocess.run(["git", "commit", "-m", "publish"], cwd=site, check=True)
    stale = site / "draft.html"
    if stale.exists():
        os.remove(stale)
    return len(pages)
