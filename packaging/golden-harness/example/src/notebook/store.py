"""The note store: each note is a Markdown file, committed with git."""

from __future__ import annotations

import logging
import re
import subprocess
import uuid
from pathlib import Path

log = logging.getLogger(__name__)


class NoteStore:
    """Notes under ``root/notes/``, one commit per change."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.count = 0

    def add(self, title: str, body: str) -> dict[str, str]:
        """Write the note, commit it, and return its id, file and commit."""
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        path = Path("notes") / f"{slug}.md"
        note_id = str(uuid.uuid4())
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(f"# {title}\n\nid: {note_id}\n\n{body}\n", encoding="utf-8")
        subprocess.run(["git", "add", path.as_posix()], cwd=self.root, check=True)
        done = subprocess.run(
            ["git", "commit", "--quiet", "-m", f"note: {title}"],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
        )
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.count += 1
        log.info("note %r added as %s (%s)", title, path.as_posix(), commit or done.returncode)
        return {"id": note_id, "file": path.as_posix(), "commit": commit}
