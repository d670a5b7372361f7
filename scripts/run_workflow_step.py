"""Run one ``run:`` step of a GitHub Actions workflow here, as the runner would: with bash
(``-eo pipefail``, the runner's ``shell: bash``), the workflow's and the step's ``env`` (the
values given with ``--env`` win), and this virtual environment's ``bin`` folder first on PATH.

`.ci/run strength-shards` runs the shard and merge steps of ``.github/workflows/strength.yml``
this way, so that the commands the workflow runs are the ones CI has run. An expression
(``${{ ... }}``) in an ``env`` value is replaced by the value given with ``--env``; one left
over is an error, as is a step that is not found or has no ``run:``.

Usage: ``python scripts/run_workflow_step.py WORKFLOW JOB STEP_ID [--cwd DIR] [--env K=V ...]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml


def _step(workflow: dict[str, Any], job: str, step_id: str) -> dict[str, Any]:
    jobs = workflow.get("jobs", {})
    if job not in jobs:
        raise SystemExit(f"no job {job!r} in the workflow; its jobs are {sorted(jobs)}")
    for step in jobs[job].get("steps", []):
        if step.get("id") == step_id:
            if "run" not in step:
                raise SystemExit(f"step {step_id!r} of job {job!r} has no run: script")
            return dict(step)
    raise SystemExit(f"no step with id {step_id!r} in job {job!r}")


def _environment(
    workflow: dict[str, Any], step: dict[str, Any], given: dict[str, str]
) -> dict[str, str]:
    env = dict(os.environ)
    declared = {**workflow.get("env", {}), **step.get("env", {})}
    for name, value in declared.items():
        if name in given:
            continue
        text = str(value)
        if "${{" in text:
            raise SystemExit(f"env {name}={text!r} is an expression: give its value with --env")
        env[name] = text
    env.update(given)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workflow", type=Path)
    parser.add_argument("job")
    parser.add_argument("step_id")
    parser.add_argument("--cwd", type=Path, default=Path.cwd())
    parser.add_argument("--env", nargs="*", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    given = {}
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--env {item!r} is not NAME=VALUE")
        given[name] = value
    workflow = yaml.safe_load(args.workflow.read_text(encoding="utf-8"))
    step = _step(workflow, args.job, args.step_id)
    env = _environment(workflow, step, given)
    print(f"$ ({args.job}/{args.step_id}) {step['run'].strip()}", flush=True)
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=args.cwd, env=env)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
