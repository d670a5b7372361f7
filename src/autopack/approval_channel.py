"""Approval channels: who answers when the executor needs a human decision.

Policies: `auto-approve`, `auto-deny`, `file:PATH` (a YAML/JSON mapping of `phase_id:kind` or
`phase_id` to `approve` / `deny`), and an `http://` or `https://` URL that receives the request as
JSON and answers `{"approved": bool, "reason": str}`. Every failure to get an answer is a denial.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from autopack.exceptions import AutopackError

logger = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10


@dataclass
class ApprovalRequest:
    """A question for a human: approve `kind` (e.g. `protected_paths`, `quality_gate`) for a phase?"""

    request_id: str
    run_id: str
    phase_id: str
    kind: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ApprovalDecision:
    """The answer, and which channel gave it."""

    approved: bool
    reason: str
    source: str


class ApprovalChannel(Protocol):
    """Anything that can answer an ApprovalRequest."""

    def request_approval(self, request: ApprovalRequest) -> ApprovalDecision: ...


class AutoApprovalChannel:
    """Answers every request the same way, without asking anyone."""

    def __init__(self, approve: bool) -> None:
        self.approve = approve

    def request_approval(self, request: ApprovalRequest) -> ApprovalDecision:
        """Approve or deny by policy."""
        policy = "auto-approve" if self.approve else "auto-deny"
        return ApprovalDecision(self.approve, f"policy {policy}", policy)


class FileApprovalChannel:
    """Reads answers from a YAML/JSON file at request time; an unanswered request is denied."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def request_approval(self, request: ApprovalRequest) -> ApprovalDecision:
        """Look up `phase_id:kind`, then `phase_id`, in the answers file."""
        try:
            answers = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            return ApprovalDecision(False, f"answers file unreadable: {exc}", "file")
        if not isinstance(answers, dict):
            return ApprovalDecision(False, "answers file is not a mapping", "file")
        answer = answers.get(f"{request.phase_id}:{request.kind}", answers.get(request.phase_id))
        if answer is None:
            return ApprovalDecision(
                False, f"no answer for {request.phase_id}:{request.kind}", "file"
            )
        approved = str(answer).strip().lower() in ("approve", "approved", "yes", "true")
        return ApprovalDecision(approved, f"answered {answer!r}", "file")


class HttpApprovalChannel:
    """POSTs the request as JSON to a URL and reads `{"approved": ..., "reason": ...}` back."""

    def __init__(self, url: str) -> None:
        self.url = url

    def request_approval(self, request: ApprovalRequest) -> ApprovalDecision:
        """Ask the HTTP endpoint; any transport or format error is a denial."""
        body = json.dumps(asdict(request), default=str).encode("utf-8")
        http_request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(http_request, timeout=HTTP_TIMEOUT_SECONDS) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return ApprovalDecision(False, f"approval endpoint failed: {exc}", "http")
        if not isinstance(payload, dict) or not isinstance(payload.get("approved"), bool):
            return ApprovalDecision(False, f"approval endpoint answered {payload!r}", "http")
        return ApprovalDecision(payload["approved"], str(payload.get("reason", "")), "http")


def approval_channel_from_policy(policy: str) -> ApprovalChannel:
    """Return the channel a policy string names; raises AutopackError for an unknown policy."""
    if policy == "auto-approve":
        return AutoApprovalChannel(True)
    if policy == "auto-deny":
        return AutoApprovalChannel(False)
    if policy.startswith("file:") and len(policy) > len("file:"):
        return FileApprovalChannel(Path(policy[len("file:") :]))
    if policy.startswith(("http://", "https://")):
        return HttpApprovalChannel(policy)
    raise AutopackError(
        f"unknown approval policy {policy!r}; use auto-approve, auto-deny, file:PATH or an http(s) URL"
    )
