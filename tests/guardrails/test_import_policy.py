"""The static import policy on synthetic packages."""

from __future__ import annotations

import textwrap

import pytest

from check_import_policy import ALLOWLIST, BANNED, BANNED_CALLS, Allow, check_package, main

EXECUTOR = {
    "autopack/__init__.py": "",
    "autopack/autonomous_executor.py": "class AutonomousExecutor:\n    pass\n",
    "autopack/executor/__init__.py": "",
}


def _tree(src_tree, module_source: str, name: str = "autopack/executor/seam.py"):
    return src_tree({**EXECUTOR, name: textwrap.dedent(module_source)})


def _run(src, capsys, *args: str) -> tuple[int, str]:
    code = main(["--src", str(src), "--package", "autopack.executor", *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(
    "source",
    [
        "import autopack.autonomous_executor\n",
        "from autopack.autonomous_executor import AutonomousExecutor\n",
        "from autopack import autonomous_executor\n",
        "from .. import autonomous_executor\n",
        "from ..autonomous_executor import AutonomousExecutor as Ex\n",
        "import autopack.autonomous_executor as god\n",
        "try:\n    import autopack.autonomous_executor\nexcept ImportError:\n    pass\n",
        "class Seam:\n    from autopack.autonomous_executor import AutonomousExecutor\n",
    ],
)
def test_module_level_import_of_god_file_fails(src_tree, capsys, source):
    src = _tree(src_tree, source)
    code, out = _run(src, capsys)
    assert code == 1
    assert "autopack.executor.seam imports 'autopack.autonomous_executor" in out
    assert "seam.py:" in out
    assert "ALLOWLIST" in out  # the fix is named


def test_import_inside_function_passes(src_tree, capsys):
    src = _tree(
        src_tree,
        """
        import logging

        def execute(executor):
            from autopack.autonomous_executor import AutonomousExecutor
            import requests
            return AutonomousExecutor, requests

        class Handler:
            def run(self):
                from autopack.cli import main
                return main
        """,
    )
    code, out = _run(src, capsys)
    assert code == 0, out
    assert "import policy: OK" in out


def test_type_checking_import_passes(src_tree, capsys):
    src = _tree(
        src_tree,
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from autopack.autonomous_executor import AutonomousExecutor
        else:
            import json
        """,
    )
    assert _run(src, capsys)[0] == 0


def test_else_branch_of_type_checking_is_module_level(src_tree, capsys):
    src = _tree(
        src_tree,
        """
        import typing

        if typing.TYPE_CHECKING:
            pass
        else:
            import httpx
        """,
    )
    code, out = _run(src, capsys)
    assert code == 1
    assert "imports 'httpx'" in out


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("import requests\n", "requests"),
        ("import urllib.request\n", "urllib.request"),
        ("from http.server import HTTPServer\n", "http.server"),
        ("from fastapi import FastAPI\n", "fastapi"),
        ("from autopack.cli import main\n", "autopack.cli"),
        ("from sqlalchemy import create_engine\n", "sqlalchemy.create_engine"),
    ],
)
def test_heavyweight_wiring_at_module_level_fails(src_tree, capsys, source, name):
    code, out = _run(_tree(src_tree, source), capsys)
    assert code == 1
    assert f"imports {name!r}" in out


def test_engine_created_at_module_level_fails(src_tree, capsys):
    src = _tree(
        src_tree,
        """
        import sqlalchemy as sa
        from sqlalchemy import orm

        ENGINE = sa.create_engine("sqlite://")
        Session = orm.sessionmaker()

        def make():
            return sa.create_engine("sqlite://")
        """,
    )
    code, out = _run(src, capsys)
    assert code == 1
    assert "seam.py:5: autopack.executor.seam calls 'sqlalchemy.create_engine'" in out
    assert "seam.py:9" not in out


def test_unrelated_and_similarly_named_imports_pass(src_tree, capsys):
    src = _tree(
        src_tree,
        """
        import http
        import socketio_not_socket
        import sqlalchemy
        import urllib.parse
        from autopack.executor import retry_policy
        from requests_helper import x
        """,
    )
    assert _run(src, capsys)[0] == 0


def test_allowlisted_import_passes_and_stale_entry_fails(src_tree, capsys):
    src = _tree(src_tree, "import socket\n")
    reason = "socket=the seam checks a port at import by design"
    assert _run(src, capsys)[0] == 1
    assert _run(src, capsys, "--allow", f"autopack.executor.seam:{reason}")[0] == 0
    code, out = _run(
        src,
        capsys,
        "--allow",
        f"autopack.executor.seam:{reason}",
        "--allow",
        "autopack.executor.seam:requests=no longer needed",
    )
    assert code == 1
    assert "stale allowlist entry: autopack.executor.seam may import 'requests'" in out


def test_check_package_api_with_allowlist(src_tree):
    src = _tree(src_tree, "import requests\n")
    allow = Allow("autopack.executor.seam", "requests", "a reason")
    violations, stale = check_package(src, "autopack.executor", allowlist=[allow])
    assert violations == []
    assert stale == []
    violations, _ = check_package(src, "autopack.executor", allowlist=[])
    assert [(v.module, v.line, v.name) for v in violations] == [
        ("autopack.executor.seam", 1, "requests")
    ]


def test_extra_ban_from_command_line(src_tree, capsys):
    src = _tree(src_tree, "import autopack.db_engine\n", "autopack/executor/sub/deep.py")
    assert _run(src, capsys)[0] == 0
    code, out = _run(src, capsys, "--ban", "autopack.db_engine=creates the engine")
    assert code == 1
    assert "autopack.executor.sub.deep imports 'autopack.db_engine'" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--package", "autopack.nothing"], "package 'autopack.nothing' not found"),
        (["--package", "autopack.executor", "--ban", "requests"], "NAME=REASON"),
        (["--package", "autopack.executor", "--allow", "x=y"], "MODULE:NAME=REASON"),
    ],
)
def test_bad_input_is_a_clear_error(src_tree, capsys, args, message):
    src = _tree(src_tree, "")
    assert main(["--src", str(src), *args]) == 2
    assert message in capsys.readouterr().err


def test_syntax_error_names_the_file(src_tree, capsys):
    src = _tree(src_tree, "def broken(:\n")
    code, out = _run(src, capsys)
    assert code == 2
    assert "seam.py" in out


def test_default_lists_cover_the_policy():
    names = {ban.name for ban in BANNED}
    assert {
        "autopack.autonomous_executor",
        "autopack.cli",
        "requests",
        "httpx",
        "http.server",
        "fastapi",
        "sqlalchemy.create_engine",
    } <= names
    assert all(ban.reason for ban in BANNED)
    assert all(allow.reason for allow in ALLOWLIST)
    assert {ban.name for ban in BANNED_CALLS} >= {"sqlalchemy.create_engine"}
