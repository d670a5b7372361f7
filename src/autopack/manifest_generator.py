"""Scope generation for phases that name no paths: derives a scope from the description and workspace files."""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SKIPPED_DIRS = frozenset({".git", ".autonomous_runs", "__pycache__", ".venv", "node_modules"})
STOPWORDS = frozenset(
    {
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "into",
        "add",
        "make",
        "update",
        "file",
        "files",
        "module",
        "a",
        "an",
        "to",
        "of",
        "in",
        "on",
        "it",
        "is",
        "be",
        "new",
    }
)
WORD_RE = re.compile(r"[a-z][a-z0-9_]{2,}")


@dataclass
class ManifestResult:
    """The outcome of scope generation: the plan with generated scopes, and a confidence in [0, 1]."""

    success: bool
    enhanced_plan: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0
    error: str | None = None


class ManifestGenerator:
    """Derives `scope.paths` for each phase from its description, deliverables and the workspace files.

    Deterministic: files are walked in sorted order and matched on whole path components.
    """

    def __init__(self, workspace: Path) -> None:
        self.workspace = Path(workspace)

    def _workspace_files(self) -> list[str]:
        found: list[str] = []
        for root, dirs, files in os.walk(self.workspace):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for name in sorted(files):
                found.append(Path(root, name).relative_to(self.workspace).as_posix())
        return found

    @staticmethod
    def _keywords(text: str) -> list[str]:
        seen: dict[str, None] = {}
        for word in WORD_RE.findall(text.lower()):
            if word not in STOPWORDS:
                seen.setdefault(word, None)
        return list(seen)

    def _scope_for(self, phase: dict[str, Any], files: list[str]) -> tuple[dict[str, Any], float]:
        keywords = self._keywords(f"{phase.get('name', '')} {phase.get('description', '')}")
        matched_paths: list[str] = []
        matched_words: set[str] = set()
        for path in files:
            parts = set(re.split(r"[/._-]", path.lower()))
            hits = parts.intersection(keywords)
            if hits:
                matched_paths.append(path)
                matched_words.update(hits)
        for deliverable in phase.get("deliverables") or []:
            if deliverable not in matched_paths:
                matched_paths.append(deliverable)
        confidence = len(matched_words) / len(keywords) if keywords else 0.0
        if phase.get("deliverables"):
            confidence = max(confidence, 0.5)
        scope = dict(phase.get("scope") or {})
        scope["paths"] = matched_paths
        scope.setdefault("read_only_context", [])
        return scope, round(min(confidence, 1.0), 2)

    def generate_manifest(
        self, *, plan_data: dict[str, Any], skip_validation: bool = False
    ) -> ManifestResult:
        """Return `plan_data` with a generated scope on each phase.

        Fails (success False) when a phase gets no paths at all, or, unless `skip_validation`, when a
        generated path escapes the workspace.
        """
        plan = copy.deepcopy(plan_data)
        files = self._workspace_files()
        confidences: list[float] = []
        for phase in plan.get("phases", []):
            scope, confidence = self._scope_for(phase, files)
            if not scope["paths"]:
                return ManifestResult(
                    success=False,
                    error=f"no scope could be derived for phase {phase.get('phase_id')!r}: no "
                    "workspace file matches its description and it lists no deliverables",
                )
            if not skip_validation:
                bad = [p for p in scope["paths"] if p.startswith("/") or ".." in Path(p).parts]
                if bad:
                    return ManifestResult(
                        success=False, error=f"generated scope escapes the workspace: {bad!r}"
                    )
            phase["scope"] = scope
            confidences.append(confidence)
        confidence = min(confidences) if confidences else 0.0
        return ManifestResult(success=True, enhanced_plan=plan, confidence=confidence)
