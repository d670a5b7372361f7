"""Publishes a static site into a folder and commits it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from files.pages import write_deploy_script, write_pages


def publish(site: Path, pages: dict[str, str]) -> int:
    site.mkdir(exist_ok=True)
    write_pages(site, pages)
    write_deploy_script(site)
    subprocess.run(["git", "add", "--all"], cwd=site, check=True)
    (site / "PUBLISHED").write_text(f"{len(pages)} pages\n")
    subprocess.run(["git", "commit", "-m", "publish"], cwd=site, check=True)
    stale = site / "draft.html"
    if stale.exists():
        os.remove(stale)
    return len(pages)
