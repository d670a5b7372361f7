"""Settings shared by the git commands the executor and its extracted seams run on the workspace."""

from __future__ import annotations

GIT_TIMEOUT_SECONDS = 10
"""Seconds a short git command (`diff`, `status`, `rev-parse`, `ls-files`, `stash`) may take."""
