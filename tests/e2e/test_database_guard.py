"""End to end: autopack writes only to its own database, hides passwords, and keeps a run to one plan."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from ._support import autopack, db_rows, new_repo, read_only, tree_state, write_plan


def plan_writing(text: str) -> dict:
    patch = f"--- /dev/null\n+++ b/src/out.txt\n@@ -0,0 +1 @@\n+{text}\n"
    return {
        "run_id": "guarded",
        "phases": [
            {
                "phase_id": "write",
                "scope": {"paths": ["src/"]},
                "ci": {"skip": True},
                "replay": {"builder": [{"patch": patch}]},
            }
        ],
    }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "shop.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
    conn.execute("INSERT INTO orders (item) VALUES ('tea')")
    conn.commit()
    conn.close()
    before = digest(other)
    workspace = new_repo(tmp_path / "ws")
    state = tree_state(workspace)
    plan = write_plan(tmp_path / "plan.yaml", plan_writing("x"))
    proc = autopack("run", plan, "--workspace", workspace, "--db", f"sqlite:///{other}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("autopack: error: database ")
    assert "belongs to another application (tables orders)" in proc.stderr
    assert digest(other) == before
    assert tree_state(workspace) == state
    assert not (workspace / ".autonomous_runs").exists()


def test_a_database_url_password_is_never_shown(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    plan = write_plan(tmp_path / "plan.yaml", plan_writing("x"))
    url = "postgresql://ada:s3cret-pw@127.0.0.1:1/runs"
    proc = autopack("run", plan, "--workspace", workspace, "--db", url)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "s3cret-pw" not in proc.stdout + proc.stderr
    assert "postgresql://ada:<redacted>@127.0.0.1:1/runs" in proc.stderr


def test_a_run_id_reused_with_a_changed_plan_is_refused(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    first = autopack(
        "run", write_plan(tmp_path / "a.yaml", plan_writing("one")), "--workspace", workspace
    )
    assert first.returncode == 0, first.stdout + first.stderr
    db = workspace / ".autonomous_runs/autopack.db"
    before_db, before_ws = digest(db), tree_state(workspace)
    changed = write_plan(tmp_path / "b.yaml", plan_writing("two"))
    proc = autopack("run", changed, "--workspace", workspace)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "run id 'guarded' was started with a different plan" in proc.stderr
    assert "pass a new --run-id" in proc.stderr
    assert digest(db) == before_db
    assert tree_state(workspace) == before_ws
    again = autopack("run", changed, "--workspace", workspace, "--run-id", "guarded-2")
    assert again.returncode == 1, again.stdout + again.stderr  # src/out.txt already exists
    assert db_rows(db, "SELECT run_id, state FROM runs ORDER BY run_id") == [
        ("guarded", "COMPLETE"),
        ("guarded-2", "FAILED"),
    ]


def other_application_db(path: Path, *statements: str, application_id: int = 0) -> Path:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(
    ("statements", "application_id", "message"),
    [
        pytest.param(
            (
                "CREATE TABLE runs (id INTEGER PRIMARY KEY, athlete TEXT, km REAL)",
                "INSERT INTO runs (athlete, km) VALUES ('ada', 5.0)",
            ),
            0,
            "table runs has columns athlete, id, km, not autopack's",
            id="autopack_table_names_with_other_columns",
        ),
        pytest.param(
            (
                "CREATE TABLE phases (id INTEGER PRIMARY KEY, moon TEXT)",
                "CREATE TABLE learning_hints (id INTEGER PRIMARY KEY, tip TEXT)",
            ),
            0,
            "table learning_hints has columns id, tip, not autopack's",
            id="several_autopack_table_names",
        ),
        pytest.param(
            ("CREATE TABLE runs (id INTEGER PRIMARY KEY, athlete TEXT)",),
            0x4175506B,
            "table runs has columns athlete, id, not autopack's",
            id="autopack_application_id_with_another_schema",
        ),
    ],
)
def test_a_file_with_autopacks_table_names_but_not_its_schema_is_refused_untouched(
    tmp_path: Path, statements: tuple[str, ...], application_id: int, message: str
) -> None:
    other = other_application_db(tmp_path / "club.db", *statements, application_id=application_id)
    before = digest(other)
    workspace = new_repo(tmp_path / "ws")
    state = tree_state(workspace)
    plan = write_plan(tmp_path / "plan.yaml", plan_writing("x"))
    proc = autopack("run", plan, "--workspace", workspace, "--db", f"sqlite:///{other}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("autopack: error: database ")
    assert "belongs to another application" in proc.stderr
    assert message in proc.stderr
    assert digest(other) == before
    assert tree_state(workspace) == state
    assert not (workspace / ".autonomous_runs").exists()


def test_a_database_left_by_an_earlier_autopack_is_still_adopted(tmp_path: Path) -> None:
    """A file with autopack's tables and columns but no application id (an earlier autopack)."""
    workspace = new_repo(tmp_path / "ws")
    first = autopack(
        "run", write_plan(tmp_path / "a.yaml", plan_writing("one")), "--workspace", workspace
    )
    assert first.returncode == 0, first.stdout + first.stderr
    db = workspace / ".autonomous_runs/autopack.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id = 0")
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    again = autopack(
        "run", write_plan(tmp_path / "a.yaml", plan_writing("one")), "--workspace", workspace
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(already complete)" in again.stdout
    assert db_rows(db, "PRAGMA application_id") == [(0x4175506B,)]


def test_a_damaged_database_is_refused_in_one_line_untouched(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    plan = write_plan(tmp_path / "plan.yaml", plan_writing("one"))
    first = autopack("run", plan, "--workspace", workspace)
    assert first.returncode == 0, first.stdout + first.stderr
    db = workspace / ".autonomous_runs/autopack.db"
    data = bytearray(db.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) >= 3 * page_size
    data[2 * page_size : 2 * page_size + 64] = b"\xff" * 64  # a page of a table, overwritten
    db.write_bytes(bytes(data))
    before = digest(db)

    proc = autopack("run", plan, "--workspace", workspace)

    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"autopack: error: database 'sqlite:///{db}' is damaged (")
    assert proc.stderr.endswith("); restore it from a backup, or point --db at a new file\n")
    assert digest(db) == before


def test_a_read_only_database_is_refused_in_one_line_untouched(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    folder = tmp_path / "dbdir"
    folder.mkdir()
    db = folder / "autopack.db"
    url = f"sqlite:///{db}"
    plan = write_plan(tmp_path / "plan.yaml", plan_writing("one"))
    other = write_plan(tmp_path / "other.yaml", {**plan_writing("two"), "run_id": "other"})
    first = autopack("run", other, "--workspace", workspace, "--db", url)
    assert first.returncode == 0, first.stdout + first.stderr
    before, state = digest(db), tree_state(workspace)

    with read_only(folder):
        proc = autopack("run", plan, "--workspace", workspace, "--db", url)

    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        f"autopack: error: database {url!r} cannot be written: its file {str(db)!r} is "
        "read-only; make it writable, or point --db at a writable place"
    ]
    assert digest(db) == before
    assert tree_state(workspace) == state
