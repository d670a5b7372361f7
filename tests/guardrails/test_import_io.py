"""The no-I/O-at-import check, importing synthetic packages in real fresh interpreters."""

from __future__ import annotations

import textwrap

from check_import_io import check_package, main

PACKAGE = {
    "synthio/__init__.py": "",
    "synthio/executor/__init__.py": "",
    "synthio/executor/clean.py": textwrap.dedent(
        """
        import json
        import sqlalchemy
        from pathlib import Path

        def load(path):
            return Path(path).read_text()
        """
    ),
}


def _run(src, capsys) -> tuple[int, str]:
    code = main(["--src", str(src), "--package", "synthio.executor"])
    out, err = capsys.readouterr()
    return code, out + err


def test_clean_package_passes(src_tree, capsys):
    code, out = _run(src_tree(PACKAGE), capsys)
    assert code == 0, out
    assert "2 modules of 'synthio.executor' import without I/O" in out


def test_module_opening_a_file_at_import_fails(src_tree, tmp_path, capsys):
    data = tmp_path / "settings.txt"
    data.write_text("x")
    source = f"from pathlib import Path\nSETTINGS = Path({str(data)!r}).read_text()\n"
    src = src_tree({**PACKAGE, "synthio/executor/reads.py": source})
    code, out = _run(src, capsys)
    assert code == 1
    assert f"synthio.executor.reads: I/O at import time: open({str(data)!r}, 'r')" in out
    assert f"at {(src / 'synthio/executor/reads.py').as_posix()}:2" in out
    assert "synthio.executor.clean" not in out


def test_writes_processes_and_databases_are_named(src_tree, tmp_path, capsys):
    source = textwrap.dedent(
        """
        import sqlite3
        import subprocess

        open("made-at-import.txt", "w").close()
        subprocess.run(["true"], check=False)
        sqlite3.connect(":memory:")
        """
    )
    src = src_tree({**PACKAGE, "synthio/executor/busy.py": source})
    code, out = _run(src, capsys)
    assert code == 1
    assert "open('made-at-import.txt', 'w') at " in out
    assert "synthio/executor/busy.py:5" in out
    assert "subprocess.Popen(" in out
    assert "sqlite3.connect(':memory:')" in out
    # The probe runs in a throwaway directory: nothing lands next to the sources.
    assert not (tmp_path / "made-at-import.txt").exists()
    assert not (src / "made-at-import.txt").exists()


def test_package_init_doing_io_is_reported_for_the_package(src_tree, capsys):
    src = src_tree(
        {**PACKAGE, "synthio/executor/__init__.py": "import os\nos.environ['Z'] = '1'\n"}
    )
    results = {r.module: r for r in check_package(src, "synthio.executor", jobs=1)}
    assert [e["event"].split("(")[0] for e in results["synthio.executor"].events] == ["os.putenv"]
    assert results["synthio.executor"].events[0]["where"] == "synthio/executor/__init__.py:2"


def test_module_that_cannot_be_imported_fails(src_tree, capsys):
    src = src_tree({**PACKAGE, "synthio/executor/broken.py": "import not_a_real_module_xyz\n"})
    code, out = _run(src, capsys)
    assert code == 1
    assert "synthio.executor.broken: import failed: ModuleNotFoundError" in out


def test_missing_package_is_a_clear_error(src_tree, capsys):
    src = src_tree(PACKAGE)
    assert main(["--src", str(src), "--package", "synthio.nope"]) == 2
    assert "package 'synthio.nope' not found" in capsys.readouterr().err
