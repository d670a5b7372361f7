"""Secret redaction: the table of cases in docs/harness.md, the environment, and the import cost."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from golden_harness.redaction import (
    REDACTED,
    Redactor,
    is_redactable,
    is_secret_name,
    redact_argv,
    redact_environ,
    redact_text,
    redact_value,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "harness.md"
_BLOCK = re.compile(
    r"<!-- BEGIN REDACTION CASES[^>]*-->\n(?P<table>.*?)<!-- END REDACTION CASES -->", re.DOTALL
)
_ROW = re.compile(r"^\| (?P<rule>\w+) \| `(?P<input>.*)` \| (?P<result>.+) \|$")
_REPEAT = re.compile(r"\{([^{}*]+)\*(\d+)\}")


def _expand(cell: str) -> str:
    """The docs' notation: ``{a*36}`` is 36 times ``a``, ``\\n`` a line break."""
    return _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), cell).replace("\\n", "\n")


def _documented_cases() -> list[tuple[str, str, str]]:
    block = _BLOCK.search(DOCS.read_text(encoding="utf-8"))
    assert block, f"{DOCS} has no REDACTION CASES block"
    rows = block.group("table").strip().splitlines()[2:]  # after the header and its rule
    cases = []
    for row in rows:
        match = _ROW.match(row)
        assert match, f"malformed row in {DOCS.name}: {row!r}"
        result = match.group("result").strip()
        if result.startswith("`"):
            result = result.strip("`")
        cases.append((match.group("rule"), _expand(match.group("input")), _expand(result)))
    return cases


CASES = _documented_cases()


def test_the_documented_table_is_large_and_has_both_outcomes() -> None:
    redacted = [case for case in CASES if REDACTED in case[2] or case[2] == "secret"]
    kept = [case for case in CASES if case not in redacted]
    assert len(CASES) >= 30
    assert len(redacted) >= 15
    assert len(kept) >= 15
    assert {rule for rule, _, _ in CASES} == {"name", "env", "argv", "text"}


@pytest.mark.parametrize(
    ("rule", "given", "expected"), CASES, ids=[f"{r}:{g[:40]}" for r, g, _ in CASES]
)
def test_documented_case(rule: str, given: str, expected: str) -> None:
    if rule == "name":
        assert expected in {"secret", "not secret"}
        assert is_secret_name(given) is (expected == "secret")
    elif rule == "env":
        name, _, value = given.partition("=")
        (shown,) = redact_environ({name: value}, known={}).items()
        assert "=".join(shown) == expected
    elif rule == "argv":
        assert " ".join(redact_argv(given.split(" "), environ={})) == expected
    else:
        assert redact_text(given, environ={}) == expected
        assert redact_text(expected, environ={}) == expected  # idempotent


def test_values_of_secret_variables_are_redacted_wherever_they_appear() -> None:
    environ = {
        "PGPASSWORD": "pg-hunter2",
        "DB_PASS": "db-hunter2",
        "SENTRY_DSN": "https://abc@o1.ingest.sentry.io/9",
        "DATABASE_URL": "postgres://app:url-hunter2@db/prod",
        "PWD": "/srv/app",
        "OLDPWD": "/srv",
        "SHORT_TOKEN": "abc",  # too short to look for: it would replace ordinary words
    }
    redactor = Redactor(environ)
    line = "pg-hunter2 db-hunter2 url-hunter2 https://abc@o1.ingest.sentry.io/9 in /srv/app abc"
    assert redactor.text(line) == ("<redacted> <redacted> <redacted> <redacted> in /srv/app abc")


def test_redact_environ_uses_the_process_environment_for_known_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI_DEPLOY_TOKEN", "deploy-token-value")
    shown = redact_environ({"GIT_ASKPASS": "echo deploy-token-value", "LANG": "C"})
    assert shown == {"GIT_ASKPASS": f"echo {REDACTED}", "LANG": "C"}


def test_plain_data_is_redacted_by_key_and_by_value_without_changing_it() -> None:
    row = {
        "id": 7,
        "env": {"API_TOKEN": "x" * 12, "DEBUG": True, "password": None},
        "argv": ["git", "push", "https://bot:p4ssw0rd-long@git.example.com/r.git"],
        "auth": ("ada", "secret"),
        "message": "export DB_PASS=hunter2hunter2",
    }
    assert redact_value(row, environ={}) == {
        "id": 7,
        "env": {"API_TOKEN": REDACTED, "DEBUG": True, "password": None},
        "argv": ["git", "push", f"https://bot:{REDACTED}@git.example.com/r.git"],
        "auth": REDACTED,
        "message": f"export DB_PASS={REDACTED}",
    }
    assert row["auth"] == ("ada", "secret")


@pytest.mark.parametrize(
    ("value", "redacted"),
    [("s3cret", True), (b"s3cret", True), (1234, True), (("u", "p"), True), (None, False),
     (True, False), ("", False), ({"a": 1}, False)],
)  # fmt: skip
def test_which_values_under_a_secret_name_are_replaced(value: object, redacted: bool) -> None:
    assert is_redactable(value) is redacted


def test_importing_redaction_loads_no_test_library() -> None:
    """The module works where pytest, syrupy, freezegun and pytest-subprocess are not installed."""
    program = textwrap.dedent(
        """
        import sys
        BLOCKED = {"pytest", "_pytest", "syrupy", "freezegun", "pytest_subprocess", "yaml", "coverage"}

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"{name} is not installed here")
                return None

        sys.meta_path.insert(0, Block())
        from golden_harness.redaction import redact_text, is_secret_name
        from golden_harness import is_secret_name as exported
        assert exported is is_secret_name
        print(redact_text("PGPASSWORD=hunter2-pg", environ={}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "PGPASSWORD=<redacted>"
