"""Failure hardening: known patterns and their mitigation in a workspace."""

from __future__ import annotations

from pathlib import Path

from autopack.failure_hardening import detect_and_mitigate_failure


def test_missing_init_py_is_created(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg" / "sub").mkdir(parents=True)
    result = detect_and_mitigate_failure(
        "E   ModuleNotFoundError: No module named 'pkg.sub'", {"workspace": str(tmp_path)}
    )
    assert result is not None
    assert (result.pattern_id, result.mitigated) == ("missing_init_py", True)
    assert result.actions == ["created src/pkg/__init__.py", "created src/pkg/sub/__init__.py"]
    assert (tmp_path / "src/pkg/sub/__init__.py").exists()


def test_missing_module_without_a_package_dir_is_not_mitigated(tmp_path: Path) -> None:
    result = detect_and_mitigate_failure("No module named 'nothere'", {"workspace": str(tmp_path)})
    assert result is not None
    assert (result.pattern_id, result.mitigated) == ("missing_init_py", False)


def test_stale_bytecode_caches_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "src" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "a.cpython-311.pyc").write_bytes(b"x")
    result = detect_and_mitigate_failure("ImportError: bad magic number", {"workspace": tmp_path})
    assert result is not None
    assert (result.pattern_id, result.mitigated) == ("stale_bytecode", True)
    assert not cache.exists()


def test_unknown_failures_are_not_matched(tmp_path: Path) -> None:
    assert detect_and_mitigate_failure("AssertionError: 1 != 2", {"workspace": tmp_path}) is None
