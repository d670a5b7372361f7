"""Deliverables validation."""

from __future__ import annotations

from pathlib import Path

from autopack.deliverables import validate_deliverables


def test_touched_existing_and_directory_deliverables(tmp_path: Path, new_file_patch) -> None:
    (tmp_path / "done.txt").write_text("present\n")
    (tmp_path / "empty.txt").write_text("")
    patch = new_file_patch("src/a.py", "x = 1\n") + new_file_patch("docs/guide/b.md", "# b\n")
    report = validate_deliverables(
        patch, ["src/a.py", "done.txt", "docs/guide/", "empty.txt", "missing.py"], tmp_path
    )
    assert report.provided == ["src/a.py", "done.txt", "docs/guide/"]
    assert report.missing == ["empty.txt", "missing.py"]
    assert not report.ok


def test_an_empty_patch_provides_nothing(tmp_path: Path) -> None:
    report = validate_deliverables("", ["a.py"], tmp_path)
    assert (report.ok, report.missing) == (False, ["a.py"])
