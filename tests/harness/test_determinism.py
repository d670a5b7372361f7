"""Temporary names, user normalizers, ignored workspace files and programs found on PATH are
recorded the same way in every run and on every machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from golden_harness import Recorder, ScriptError, UnscriptedSubprocessError


def _temporary_things() -> list[str]:
    folder = tempfile.mkdtemp()
    with tempfile.TemporaryDirectory() as other, tempfile.NamedTemporaryFile(suffix=".txt") as f:
        names = [folder, other, f.name]
    fd, path = tempfile.mkstemp(prefix="run-")
    os.close(fd)
    return [*names, path, tempfile.gettempdir()]


def _record() -> str:
    with Recorder() as golden:
        golden.call(_temporary_things)
        return golden.render()


def test_tempfile_names_are_the_same_in_every_run() -> None:
    first, second = _record(), _record()

    assert first == second
    values = [line.strip()[3:-1] for line in first.splitlines() if line.startswith('    - "')]
    assert len(values) == 5
    assert all(value.startswith("<tmp>") for value in values), values
    assert '"<tmp>/tmp' in first
    assert '"<tmp>/run-' in first
    assert '- "<tmp>"\n' in first


def test_tempfile_is_given_back_after_the_scenario() -> None:
    before = tempfile.gettempdir()
    with Recorder() as golden:
        inside = tempfile.gettempdir()
        golden.call(tempfile.mkdtemp)
    assert tempfile.gettempdir() == before
    assert not list(Path(inside).iterdir())  # the scenario's files are gone
    assert Path(tempfile.mkdtemp()).parent == Path(before)


def test_each_scenario_starts_with_an_empty_temporary_folder_of_its_process() -> None:
    """The same name in two scenarios, and no file left by the first one: no collision with a
    file of an earlier scenario; the folder is the process's own, so none with another worker."""
    with Recorder() as one:
        first = one.call(tempfile.mkdtemp)
        Path(first, "left-behind").write_text("x")
    assert not Path(first).exists()
    with Recorder() as two:
        second = two.call(tempfile.mkdtemp)
        assert not Path(second, "left-behind").exists()
    assert Path(first).name == Path(second).name
    assert Path(first).parent.name.startswith("golden-tmp-")


def _write_file_and_return() -> str:
    Path("report-abc.txt").write_text("abc inside\n")
    return "abc"


def test_user_normalizers_apply_to_file_paths_once_each() -> None:
    calls: list[str] = []

    def tag(text: str) -> str:
        calls.append(text)
        return text.replace("abc", "<id>")

    with Recorder() as golden:
        golden.normalize(tag)
        golden.call(_write_file_and_return)
        events = golden.events

    assert events[0] == {"file": "created", "path": "report-<id>.txt", "content": "<id> inside\n"}
    assert events[1] == {"returned": "<id>"}
    assert sorted(calls) == sorted(["report-abc.txt", "abc inside\n", "abc"])


def test_user_normalizers_see_the_raw_text_before_the_builtin_placeholders() -> None:
    """A normalizer written against the real value (a path under the workspace) still matches,
    and its output is not substituted again."""
    with Recorder() as golden:
        real = str(golden.workspace / "cache" / "tmpq1w2e3r4")
        golden.normalize(lambda text: text.replace(real, "<cache>"))
        golden.call(lambda: real)

        assert golden.events == [{"returned": "<cache>"}]


def _write_database() -> None:
    Path("state.sqlite").write_bytes(os.urandom(64))
    Path("logs").mkdir()
    Path("logs/run.bin").write_bytes(os.urandom(8))
    Path("kept.txt").write_text("kept\n")


def test_ignored_files_leave_no_file_events() -> None:
    with Recorder() as golden:
        golden.ignore_files("*.sqlite", "logs/*.bin")
        golden.call(_write_database)
        files = [event["path"] for event in golden.events if "file" in event]

    assert files == ["kept.txt"]


def test_ignore_files_refuses_what_is_not_a_glob() -> None:
    with Recorder() as golden, pytest.raises(ScriptError, match=r"glob strings .* got None"):
        golden.ignore_files(None)  # type: ignore[arg-type]


def test_ignore_files_ini(inner: pytest.Pytester) -> None:
    inner.makeini("[pytest]\ngolden_hash_check = 0\ngolden_ignore_files =\n    *.sqlite\n")
    inner.makepyfile(
        test_db="""
        import os
        from pathlib import Path

        def write():
            Path("state.sqlite").write_bytes(os.urandom(64))
            Path("kept.txt").write_text("kept")

        def test_db(golden):
            golden.call(write)
        """
    )

    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)

    text = (inner.path / "golden/db/test_db.golden.yaml").read_text()
    assert "kept.txt" in text
    assert "sqlite" not in text
    inner.runpytest().assert_outcomes(passed=1)


def _git_status() -> str:
    git = shutil.which("git") or "/usr/bin/git"
    return subprocess.run([git, "status"], capture_output=True, text=True, check=True).stdout


def test_a_bare_program_matches_the_resolved_path_and_records_the_bare_name() -> None:
    with Recorder() as golden:
        golden.subprocess(["git", "status"], stdout="clean\n")
        result = golden.call(_git_status)
        argv = golden.events[0]["subprocess"]

    assert result == "clean\n"
    assert argv == ["git", "status"]


def test_a_bare_program_run_from_another_path_records_that_path() -> None:
    with Recorder() as golden:
        golden.subprocess(["git", "status"], occurrences=2)
        golden.call(lambda: subprocess.run(["/opt/elsewhere/git", "status"], check=True).returncode)
        golden.call(
            lambda: subprocess.run([shutil.which("git") or "git", "status"], check=True).returncode
        )
        with pytest.raises(UnscriptedSubprocessError) as caught:
            golden.call(
                lambda: subprocess.run(["/opt/elsewhere/git", "log"], check=True).returncode
            )
        first, second = golden.events[0]["subprocess"], golden.events[2]["subprocess"]

    # Which program runs is behaviour: a path other than the one PATH finds is kept.
    assert first == ["/opt/elsewhere/git", "status"]
    assert second == ["git", "status"]
    assert "golden.subprocess(['/opt/elsewhere/git', 'log']" in str(caught.value)


def test_a_scripted_path_still_matches_that_path_only() -> None:
    with Recorder() as golden:
        golden.subprocess(["/opt/tools/git", "status"])
        golden.call(lambda: subprocess.run(["/opt/tools/git", "status"], check=True).returncode)
        assert golden.events[0]["subprocess"] == ["/opt/tools/git", "status"]
        with pytest.raises(UnscriptedSubprocessError) as caught:
            golden.call(lambda: subprocess.run(["/usr/bin/git", "status"], check=True).returncode)
    # The message suggests what to script: the bare name, never this machine's path.
    assert "golden.subprocess(['git', 'status']" in str(caught.value)
    assert "/usr/bin" not in str(caught.value)
