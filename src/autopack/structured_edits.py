"""Structured edits: turn a Builder's edit plan (whole-file contents per path) into a unified diff."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any


def render_edit_plan(workspace: Path, edit_plan: list[dict[str, Any]]) -> str:
    """Return a git-style unified diff that makes each file of `edit_plan` hold its new content.

    Each operation is `{"path": p, "content": text}` (create or replace) or `{"path": p, "delete": true}`.
    Content is given a trailing newline if it lacks one. Files whose content is unchanged are left out.
    """
    chunks: list[str] = []
    for op in edit_plan:
        path = str(op["path"])
        target = Path(workspace) / path
        old = target.read_text(encoding="utf-8") if target.is_file() else None
        if op.get("delete"):
            new = None
        else:
            new = str(op.get("content", ""))
            if new and not new.endswith("\n"):
                new += "\n"
        if old == new:
            continue
        header = [f"diff --git a/{path} b/{path}\n"]
        if old is None:
            header.append("new file mode 100644\n")
        elif new is None:
            header.append("deleted file mode 100644\n")
        body = difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            (new or "").splitlines(keepends=True),
            fromfile="/dev/null" if old is None else f"a/{path}",
            tofile="/dev/null" if new is None else f"b/{path}",
        )
        chunks.append("".join(header) + "".join(body))
    return "".join(chunks)
