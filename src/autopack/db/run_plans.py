"""Recording the plan a run was started with, and refusing a run id reused with another plan."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from autopack.db.identity import check_run_plan, plan_digest
from autopack.db.models import RunPlan


def register_run_plan(session: Session, run_id: str, plan: dict[str, Any]) -> None:
    """Add the plan's digest for `run_id` to the session, or check it against the recorded one.

    Raises PlanError (nothing added) when the run was recorded with another plan. A run recorded
    before plans were kept gets this plan's digest.
    """
    digest = plan_digest(plan)
    recorded = session.get(RunPlan, run_id)
    if recorded is not None:
        check_run_plan(run_id, recorded.digest, digest)
        return
    canonical = json.dumps(plan, sort_keys=True, ensure_ascii=False, default=str)
    session.add(RunPlan(run_id=run_id, digest=digest, plan_json=canonical))
