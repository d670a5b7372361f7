"""Normalizers: machine paths, addresses, uuids and secrets never reach a golden."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness import normalize_timestamps, register_normalizer
from golden_harness.format._normalize import _GLOBAL_NORMALIZERS, Normalizer


def test_the_working_directory_is_not_redacted(tmp_path: Path) -> None:
    cwd = str(tmp_path / "project")
    normalizer = Normalizer(
        paths=[(cwd, "<repo>")], environ={"PWD": cwd, "OLDPWD": cwd, "MYSQL_PWD": "s3cret-pw"}
    )

    assert normalizer.text(f"wrote {cwd}/out.txt") == "wrote <repo>/out.txt"
    assert normalizer.text("login s3cret-pw") == "login <redacted>"


def test_paths_longest_first_and_resolved(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    normalizer = Normalizer(paths=[(tmp_path, "<tmp>"), (workspace, "<workspace>")], environ={})
    assert normalizer.text(f"{workspace}/a.txt and {tmp_path}/b") == "<workspace>/a.txt and <tmp>/b"


def test_paths_are_replaced_only_where_they_end(tmp_path: Path) -> None:
    normalizer = Normalizer(paths=[(tmp_path / "ada", "<home>")], environ={})
    text = f"{tmp_path}/ada/x {tmp_path}/adam {tmp_path}/ada.bak {tmp_path}/ada"
    assert normalizer.text(text) == f"<home>/x {tmp_path}/adam {tmp_path}/ada.bak <home>"


def test_root_path_is_never_a_placeholder() -> None:
    normalizer = Normalizer(paths=[("/", "<root>"), ("", "<empty>")], environ={})
    assert normalizer.text("/usr/bin") == "/usr/bin"


def test_addresses_and_uuids() -> None:
    normalizer = Normalizer(environ={})
    text = "<obj at 0x7f3a12bc45d0> 1b4e28ba-2fa1-11d2-883f-0016d3cca427 1B4E28BA-2FA1-11D2-883F-0016D3CCA427"
    assert normalizer.text(text) == "<obj at 0x<addr>> <uuid-1> <uuid-1>"
    assert normalizer.text("00000000-0000-4000-8000-000000000002") == "<uuid-2>"


@pytest.mark.parametrize(
    "token",
    [
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "AKIAABCDEFGHIJKLMNOP",
        "xoxb-1234567890-abcdef",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ],
)
def test_known_token_shapes_are_redacted(token: str) -> None:
    assert Normalizer(environ={}).text(f"using {token} now") == "using <redacted> now"


def test_bearer_tokens_and_secret_env_values_are_redacted() -> None:
    normalizer = Normalizer(environ={"SERVICE_PASSWORD": "hunter2-long", "HOME": "/root"})
    assert (
        normalizer.text("Authorization: Bearer abc.def-ghi_jkl123")
        == "Authorization: Bearer <redacted>"
    )
    assert normalizer.text("login with hunter2-long") == "login with <redacted>"
    assert normalizer.text("/root stays") == "/root stays"


def test_user_normalizers_registered_and_per_instance() -> None:
    def hide_host(text: str) -> str:
        return text.replace("db.prod.internal", "<db-host>")

    register_normalizer(hide_host)
    try:
        normalizer = Normalizer(environ={})
        normalizer.add(lambda text: text.replace("eu-west-1", "<region>"))
        assert normalizer.text("db.prod.internal in eu-west-1") == "<db-host> in <region>"
    finally:
        _GLOBAL_NORMALIZERS.remove(hide_host)


def test_register_normalizer_rejects_non_callables() -> None:
    with pytest.raises(TypeError, match="takes a callable str -> str"):
        register_normalizer("not callable")  # type: ignore[arg-type]


def test_opt_in_timestamp_normalizer() -> None:
    text = "at 2024-05-06T07:08:09.123456+00:00, 2024-05-06 07:08:09Z and 2024-05-06T07:08:09; not 2024-05-06"
    assert (
        normalize_timestamps(text) == "at <timestamp>, <timestamp> and <timestamp>; not 2024-05-06"
    )
