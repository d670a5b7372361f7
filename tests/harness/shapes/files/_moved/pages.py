"""Writing the site's files (moved out of ``publish``)."""

from __future__ import annotations

from pathlib import Path


def write_pages(site: Path, pages: dict[str, str]) -> None:
    for name, body in pages.items():
        (site / f"{name}.html").write_text(f"<h1>{body}</h1>\n")


def write_deploy_script(site: Path) -> None:
    deploy = site / "deploy.sh"
    deploy.write_text("#!/bin/sh\nrsync -a . web:/srv/site\n")
    deploy.chmod(deploy.stat().st_mode | 0o111)
