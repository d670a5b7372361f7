"""No secret reaches a golden or a harvested scenario: everything recorded, end to end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from golden_harness import Harvester, HarvestSeam
from golden_harness.cli import main
from harness.harvest_shop.workshop import Workshop
from harness.synthetic import commit, make_project, write

# Built from parts so that no credential-shaped literal is committed.
SECRETS = {
    "PGPASSWORD": "pg-" + "hunter2" * 2,
    "DB_PASS": "db-" + "hunter2" * 2,
    "MYSQL_PWD": "my-" + "hunter2" * 2,
    "DATABASE_URL": "postgres://app:" + "url-" + "hunter2" * 2 + "@db:5432/prod",
    "SENTRY_DSN": "https://" + "0123456789abcdef" * 2 + "@o1.ingest.sentry.io/42",
    "STRIPE_KEY": "sk_" + "live_" + "Ab3" * 8,
    "SERVICE_TOKEN": "tok-" + "hunter2" * 2,
}
PEM = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE" + "q" * 60 + "\n-----END RSA PRIVATE KEY-----\n"
REVEALING = [
    "pg-hunter2",
    "db-hunter2",
    "my-hunter2",
    "url-hunter2",
    "0123456789abcdef",
    "Ab3Ab3",
    "tok-hunter2",
    "MIIE",
]

SCENARIO = """
import logging
import os
import subprocess
from pathlib import Path

from golden_harness import Seam

GOLDEN_SEAM = Seam("secrets")
PEM = {pem!r}


def test_secrets_everywhere(golden):
    golden.subprocess(["psql", golden.any()], stdout="connected " + os.environ["PGPASSWORD"])

    def seam():
        env = dict(os.environ)
        logging.getLogger("app").warning("login with %s", os.environ["PGPASSWORD"])
        print("database", os.environ["DATABASE_URL"])
        done = subprocess.run(
            ["psql", "--password", os.environ["DB_PASS"], os.environ["DATABASE_URL"]],
            env={{**env, "MYSQL_PWD": os.environ["MYSQL_PWD"], "EXTRA_DB_PASS": "other-secret"}},
            capture_output=True,
            text=True,
        )
        Path("deploy.pem").write_text(PEM)
        Path("settings.env").write_text("SENTRY_DSN=" + os.environ["SENTRY_DSN"] + "\\n")
        return {{
            "out": done.stdout,
            "stripe": os.environ["STRIPE_KEY"],
            "dsn": os.environ["SENTRY_DSN"],
            "service_token": os.environ["SERVICE_TOKEN"],
            "note": "charge with " + os.environ["STRIPE_KEY"],
        }}

    golden.call(seam)
"""


def test_secrets_of_every_kind_are_redacted_in_the_golden(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    inner.makepyfile(test_secrets=SCENARIO.format(pem=PEM))

    inner.runpytest("--snapshot-update", "-p", "no:randomly").assert_outcomes(passed=1)

    golden = (inner.path / "golden/secrets/test_secrets_everywhere.golden.yaml").read_text()
    assert [secret for secret in REVEALING if secret in golden] == []
    assert "other-secret" not in golden
    assert golden.count("<redacted>") >= 10
    assert "postgres://app:<redacted>@db:5432/prod" in golden
    assert "PRIVATE KEY" not in golden
    inner.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_secret_values_are_redacted_in_harvested_scenarios(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "harvested"
    shop = Workshop("ws", tmp_path)
    seam = HarvestSeam("echo", entry="harness.harvest_shop.workshop:Workshop.echo")

    with Harvester([seam], out, workspace=tmp_path):
        shop.echo("login " + SECRETS["PGPASSWORD"] + " at " + SECRETS["DATABASE_URL"])
        shop.echo(PEM + " and " + SECRETS["STRIPE_KEY"])

    texts = [path.read_text() for path in sorted((out / "echo").glob("*.scenario.yaml"))]
    assert len(texts) == 2
    assert [secret for secret in REVEALING for text in texts if secret in text] == []
    assert "postgres://app:<redacted>@db:5432/prod" in texts[0] + texts[1]


def test_golden_review_output_is_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    project = make_project(tmp_path / "project")
    token = "ghp_" + "Zx9" * 12
    write(project, {"src/shopx/settings.py": f'PASSWORD = "{SECRETS["DB_PASS"]}"\n'})
    commit(project, f"feat: settings for the deploy bot {token}")

    code = main(["--root", str(project), "review", "--base", "HEAD~1"])

    out = capsys.readouterr().out
    assert code == 0
    assert "feat: settings for the deploy bot <redacted>" in out
    assert token not in out
