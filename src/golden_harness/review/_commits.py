"""Commit kinds, read from a commit's subject prefix: ``capture:``, ``move:``, ``refactor:``.

A prefix may carry a scope and a breaking-change mark, in any case: ``move:``, ``move(scope):``,
``Move!:``. Every other subject is of kind ``other``. Moves and refactors are the guarded kinds:
the commit may not change the goldens, since the same goldens prove the code before and after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["GUARDED_KINDS", "KINDS", "OTHER", "commit_kind", "subject_pattern"]

KINDS = ("capture", "move", "refactor")
"""The kinds a subject prefix names."""

GUARDED_KINDS = ("move", "refactor")
"""The kinds whose commits may not add, change, remove or rename anything under the golden folder."""

OTHER = "other"
"""The kind of a commit whose subject names none of :data:`KINDS`."""


def subject_pattern(kinds: Iterable[str]) -> re.Pattern[str]:
    """The pattern of subjects that start with one of ``kinds`` as a prefix; group 1 is the kind."""
    names = "|".join(re.escape(kind) for kind in kinds)
    return re.compile(rf"^\s*({names})(\([^)]*\))?!?:", re.IGNORECASE)


_KIND_SUBJECT = subject_pattern(KINDS)


def commit_kind(subject: str) -> str:
    """The kind of a commit by its subject: one of :data:`KINDS`, or :data:`OTHER`."""
    match = _KIND_SUBJECT.match(subject)
    return match.group(1).lower() if match else OTHER
