"""End to end: the secrets a failing CI command prints (values of the environment, and credentials
of known shapes) are redacted in everything a run writes and prints: every file under the runs
folder, every text column of the database, the command's output and the harvested scenarios,
while ordinary values (the commit id, paths, the text around a secret) stay as they were.

The secrets are made here from repeated characters, so no credential-shaped text is committed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._support import autopack, db_rows, git, new_repo, write_plan

REDACTED = "<redacted>"
RUN_ID = "leaky"
PHASE_ID = "deploy-check"
ATTEMPTS = 5

# Prints each named variable as NAME=value, then the values alone, then the file argv[1] (a
# private key), then the commit and folder it runs in, and fails.
LEAKY_CI = (
    "import os, subprocess, sys\n"
    "names = sys.argv[2:]\n"
    "for name in names:\n"
    "    print(f'{name}={os.environ[name]}')\n"
    "print('values:', *(os.environ[name] for name in names))\n"
    "print(open(sys.argv[1]).read())\n"
    "head = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True)\n"
    "print(f'commit {head.stdout.strip()} in {os.getcwd()}')\n"
    "sys.exit(1)\n"
)


def fake_secrets() -> tuple[dict[str, str], dict[str, str]]:
    """The variables given to the run, and every secret in them (and in the plan) by what it is."""
    url_password = "u" * 20
    dsn_key = "0123456789abcdef" * 2
    stripe = "_".join(("sk", "live", "S" * 24))  # found by its shape: its name is not secret
    environ = {
        "PGPASSWORD": "pg-" + "p" * 20,
        "DB_PASS": "db-" + "d" * 20,
        "MYSQL_PWD": "my-" + "m" * 20,
        "DATABASE_URL": f"postgres://app:{url_password}@db:5432/prod",
        "SENTRY_DSN": f"https://{dsn_key}@o1.ingest.sentry.io/42",
        "DEPLOY_TOKEN": "tk-" + "t" * 20,
        "STRIPE_ACCOUNT": stripe,
    }
    secrets = {
        "PGPASSWORD": environ["PGPASSWORD"],
        "DB_PASS": environ["DB_PASS"],
        "MYSQL_PWD": environ["MYSQL_PWD"],
        "DATABASE_URL password": url_password,
        "SENTRY_DSN key": dsn_key,
        "DEPLOY_TOKEN": environ["DEPLOY_TOKEN"],
        "Stripe live key": stripe,
        "private key body": "k" * 60,
        "private key last line": "K" * 64,
        "plan's URL password": "v" * 20,
    }
    return environ, secrets


def private_key_block() -> str:
    kind = "RSA PRIVATE"
    return f"-----BEGIN {kind} KEY-----\nMII{'k' * 60}\n{'K' * 64}\n-----END {kind} KEY-----\n"


@dataclass(frozen=True)
class LeakyRun:
    workspace: Path
    scenarios: Path
    stdout: str
    stderr: str
    returncode: int
    secrets: dict[str, str]

    @property
    def runs(self) -> Path:
        return self.workspace / ".autonomous_runs"

    @property
    def db(self) -> Path:
        return self.runs / "autopack.db"


@pytest.fixture(scope="module")
def leaky_run(tmp_path_factory: pytest.TempPathFactory) -> LeakyRun:
    root = tmp_path_factory.mktemp("leaky")
    environ, secrets = fake_secrets()
    key_file = root / "deploy_key.pem"
    key_file.write_text(private_key_block())
    workspace = new_repo(root / "ws", {"README.md": "deploy checks\n"})
    attempts = [
        {"edit_plan": [{"path": "src/check.txt", "content": f"check {n}\n"}]}
        for n in range(1, ATTEMPTS + 1)
    ]
    plan = write_plan(
        root / "plan.yaml",
        {
            "run_id": RUN_ID,
            "phases": [
                {
                    "phase_id": PHASE_ID,
                    "description": f"Check the deploy against postgres://deploy:{'v' * 20}@db/prod",
                    "builder_mode": "structured_edit",
                    "scope": {"paths": ["src/"]},
                    "ci": {"command": [sys.executable, "-c", LEAKY_CI, str(key_file), *environ]},
                    "replay": {"builder": attempts},
                }
            ],
        },
    )
    scenarios = root / "scenarios"
    done = autopack(
        "run",
        plan,
        "--workspace",
        workspace,
        "--record-scenarios",
        scenarios,
        "-vv",
        env={**os.environ, **environ},
        timeout=300,
    )
    return LeakyRun(
        workspace.resolve(), scenarios, done.stdout, done.stderr, done.returncode, secrets
    )


def leaks(texts: dict[str, str], secrets: dict[str, str]) -> list[str]:
    """`<secret> in <where>` for every secret found in one of `texts`."""
    return [
        f"{name} in {where}"
        for where, text in texts.items()
        for name, secret in secrets.items()
        if secret in text
    ]


def files_under(folder: Path) -> dict[str, str]:
    """Every file under `folder`, read as bytes (so the database file is read as it is stored)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes().decode("latin-1")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def text_cells(db: Path) -> dict[str, str]:
    """Every text value of every row of every table: `table.column[row]` -> value."""
    cells: dict[str, str] = {}
    conn = sqlite3.connect(db)
    try:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            names = [column[0] for column in cursor.description]
            for number, row in enumerate(cursor):
                for name, value in zip(names, row, strict=True):
                    if isinstance(value, str):
                        cells[f"{table}.{name}[{number}]"] = value
    finally:
        conn.close()
    return cells


def test_the_run_failed_through_diagnostics_and_the_doctor(leaky_run: LeakyRun) -> None:
    assert leaky_run.returncode == 1, leaky_run.stdout + leaky_run.stderr
    assert "Result: INCOMPLETE (0/1 phases complete)" in leaky_run.stdout
    reports = sorted((leaky_run.runs / RUN_ID / "diagnostics").glob(f"{PHASE_ID}-attempt*.json"))
    assert len(reports) >= 2, reports
    assert "Doctor:" in leaky_run.stderr
    assert len(db_rows(leaky_run.db, "SELECT details FROM learning_hints")) >= 2
    assert len(db_rows(leaky_run.db, "SELECT message FROM phase_errors")) >= 2


def test_no_secret_is_in_any_file_under_the_runs_folder(leaky_run: LeakyRun) -> None:
    files = files_under(leaky_run.runs)
    assert {f"{RUN_ID}/ci/{PHASE_ID}.log", f"{RUN_ID}/ci/{PHASE_ID}.json", "autopack.db"} <= set(
        files
    )
    assert leaks(files, leaky_run.secrets) == []


def test_no_secret_is_in_any_text_column_of_the_database(leaky_run: LeakyRun) -> None:
    cells = text_cells(leaky_run.db)
    assert any(name.startswith("run_plans.plan_json") for name in cells)
    assert leaks(cells, leaky_run.secrets) == []


def test_no_secret_is_in_the_output_or_the_log(leaky_run: LeakyRun) -> None:
    output = {"stdout": leaky_run.stdout, "stderr": leaky_run.stderr}
    assert leaks(output, leaky_run.secrets) == []


def test_no_secret_is_in_the_harvested_scenarios(leaky_run: LeakyRun) -> None:
    scenarios = files_under(leaky_run.scenarios)
    assert any(name.startswith("ci_runner/") for name in scenarios), sorted(scenarios)
    assert leaks(scenarios, leaky_run.secrets) == []


def test_ordinary_values_and_the_text_around_each_secret_stay(leaky_run: LeakyRun) -> None:
    workspace = leaky_run.workspace
    head = git(workspace, "rev-parse", "HEAD").strip()
    log = (leaky_run.runs / RUN_ID / "ci" / f"{PHASE_ID}.log").read_text()
    assert log.splitlines()[:7] == [
        f"PGPASSWORD={REDACTED}",
        f"DB_PASS={REDACTED}",
        f"MYSQL_PWD={REDACTED}",
        f"DATABASE_URL=postgres://app:{REDACTED}@db:5432/prod",
        f"SENTRY_DSN={REDACTED}",
        f"DEPLOY_TOKEN={REDACTED}",
        f"STRIPE_ACCOUNT={REDACTED}",
    ]
    assert f"commit {head} in {workspace}" in log
    assert db_rows(leaky_run.db, "SELECT workspace, checkpoint_commit FROM runs") == [
        (str(workspace), head)
    ]
    (plan_json,) = db_rows(leaky_run.db, "SELECT plan_json FROM run_plans")[0]
    assert f"postgres://deploy:{REDACTED}@db/prod" in plan_json
    messages = [row[0] for row in db_rows(leaky_run.db, "SELECT message FROM phase_errors")]
    assert any(REDACTED in message and head in message for message in messages), messages
    assert f"Run {RUN_ID}: 1 phase(s), workspace {workspace}" in leaky_run.stdout
    ci_scenarios = "".join(files_under(leaky_run.scenarios / "ci_runner").values())
    assert f"DATABASE_URL=postgres://app:{REDACTED}@db:5432/prod" in ci_scenarios
    assert head in ci_scenarios


# Runs `autopack.cli.main(argv)` with the harness's own dependencies made impossible to import,
# as in an installation of autopack's base dependencies alone, then prints the golden_harness
# modules it loaded as its last line.
WITHOUT_HARNESS_DEPENDENCIES = (
    "import json, sys\n"
    "for name in ('pytest', '_pytest', 'syrupy', 'freezegun', 'pytest_subprocess', 'ci_info',\n"
    "             'libcst', 'coverage'):\n"
    "    sys.modules[name] = None\n"
    "from autopack.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.startswith('golden_harness'))))\n"
    "sys.exit(code)\n"
)


CREATE_A = "--- /dev/null\n+++ b/src/a.txt\n@@ -0,0 +1 @@\n+a\n"


def test_a_run_redacts_with_none_of_the_harness_dependencies(tmp_path: Path) -> None:
    environ, _ = fake_secrets()
    workspace = new_repo(tmp_path / "ws")
    print_token = "import os; print('token', os.environ['DEPLOY_TOKEN'])"
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "lean",
            "phases": [
                {
                    "phase_id": "lean",
                    "scope": {"paths": ["src/"]},
                    "ci": {"command": [sys.executable, "-c", print_token]},
                    "replay": {"builder": [{"patch": CREATE_A}]},
                }
            ],
        },
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_HARNESS_DEPENDENCIES,
            "run",
            str(plan),
            "--workspace",
            str(workspace),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **environ},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    *_, loaded = done.stdout.splitlines()
    assert json.loads(loaded) == ["golden_harness", "golden_harness.redaction"]
    log = workspace / ".autonomous_runs" / "lean" / "ci" / "lean.log"
    assert log.read_text() == f"token {REDACTED}\n"
