"""Harvesting scenarios from a real run of ``harness.harvest_shop`` and replaying them as goldens."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from golden_harness import (
    Harvester,
    HarvestReport,
    HarvestSeam,
    HarvestValueError,
    Recorder,
    ReplayMismatchError,
    ScenarioFormatError,
    ScriptError,
    Seam,
    harvested_test,
    load_trace,
    register_harvest_type,
    register_normalizer,
    replay,
)
from golden_harness.format import ScenarioCodec, Tagged, dump_scenario, load_scenario
from golden_harness.format._normalize import _GLOBAL_NORMALIZERS
from golden_harness.format._scenario_format import _HARVEST_TYPES
from harness.harvest_shop import grading, workshop
from harness.harvest_shop.values import Money, Point, Row
from harness.harvest_shop.workshop import Workshop

SHOP = "harness.harvest_shop"
REVIEW = HarvestSeam(
    Seam("review", covers=[f"{SHOP}.workshop:Workshop.review"]),
    entry=f"{SHOP}.workshop:Workshop.review",
    real=["_label"],
    cut=[f"{SHOP}.grading:score", f"{SHOP}.grading:Ledger"],
)
SUMMARIES = HarvestSeam(
    "summaries",
    entry=f"{SHOP}.workshop:summarize",
    subject="workshop",
    cut=[f"{SHOP}.grading:score"],
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository with one commit and a README, the workshop's workspace."""
    root = tmp_path / "repo"
    root.mkdir()
    env = {**os.environ, **GIT_ENV}
    (root / "README.txt").write_text("Hello readme\nsecond line\n", encoding="utf-8")
    (root / ".autonomous_runs").mkdir()
    (root / ".autonomous_runs" / "run.log").write_text("not laid out\n", encoding="utf-8")
    for argv in (["init", "-q"], ["add", "README.txt"], ["commit", "-q", "-m", "first commit"]):
        subprocess.run(["git", *argv], cwd=root, env=env, check=True)
    return root


def _harvest(
    repo: Path, out: Path, *calls: tuple[str, tuple[Any, ...], dict[str, Any]], **options: Any
) -> HarvestReport:
    shop = Workshop("ws", repo)
    with Harvester([REVIEW, SUMMARIES], out, workspace=repo, **options) as harvester:
        for method, args, kwargs in calls:
            getattr(shop, method)(*args, **kwargs)
    return harvester.report


def _scenarios(out: Path, seam: str) -> list[dict[str, Any]]:
    return [load_scenario(p.read_text()) for p in sorted((out / seam).glob("*.scenario.yaml"))]


def _replayed(scenario: Path) -> list[dict[str, Any]]:
    with Recorder() as golden:
        replay(golden, scenario)
        return load_trace(golden.render())


# -- recording ---------------------------------------------------------------------------------
def test_a_real_run_records_inputs_answers_commands_and_files(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"

    report = _harvest(repo, out, ("review", ("C-1",), {}))

    assert [len(s.written) for s in report.seams.values()] == [1, 1]
    assert report.render().splitlines()[0] == (
        "seam review: 1 scenario(s) written, 0 duplicate(s) skipped, 0 too large, 0 failed"
    )
    (scenario,) = _scenarios(out, "review")
    subject = scenario["subject"]
    assert subject["class"] == f"{SHOP}.workshop:Workshop"
    assert subject["real"] == ["review", "_label"]
    assert sorted(subject["attrs"]) == ["history", "limits", "name", "secret_token", "workspace"]
    assert subject["attrs"]["name"] == "ws"
    assert subject["collaborators"] == ["llm"]
    assert subject["fake_attrs"] == {"self.llm": {"model": "m-1"}}
    assert scenario["args"] == ["C-1"]
    assert scenario["files"] == {"README.txt": "Hello readme\nsecond line\n"}
    assert scenario["functions"] == {
        "Ledger": f"{SHOP}.grading:Ledger",
        "score": f"{SHOP}.grading:score",
    }
    kinds = [e.get("call") or " ".join(e["subprocess"]) for e in scenario["events"]]
    assert kinds == [
        "self._fetch_notes",
        "score",
        "git -C <workspace> log -1 --format=%s",
        "self.llm.ask",
        "Ledger",
        "Ledger().book",
        "score",
    ]
    git = scenario["events"][2]
    assert (git["returncode"], git["stdout"]) == (0, "first commit\n")
    assert scenario["returned"]["head"] == "first commit"
    assert scenario["returned"]["summary"] == "ws: Hello readme | first commit (2)"


def test_nested_entry_is_a_scenario_of_its_own(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"

    _harvest(repo, out, ("review", ("C-1",), {}))

    (summary,) = _scenarios(out, "summaries")
    assert summary["subject"]["parameter"] == "workshop"
    assert summary["subject"]["position"] == 0
    assert summary["subject"]["attrs"] == {"name": "ws"}
    assert summary["args"] == [["first commit", "Hello readme"]]
    assert [e["call"] for e in summary["events"]] == ["score"]
    events = _replayed(next((out / "summaries").glob("*.scenario.yaml")))
    assert events[-1] == {"returned": "ws: Hello readme | first commit (2)"}


def test_an_exception_answer_is_recorded_and_raised_again_by_the_replay(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "harvested"

    _harvest(repo, out, ("review", ("fail",), {"strict": True}))

    (scenario,) = _scenarios(out, "review")
    (ask,) = [e for e in scenario["events"] if e.get("call") == "self.llm.ask"]
    assert ask["raises"]["type"] == "builtins:ValueError"
    assert "returns" not in ask
    events = _replayed(next((out / "review").glob("*.scenario.yaml")))
    (replayed_ask,) = [e for e in events if e.get("call") == "self.llm.ask"]
    assert replayed_ask["raises"] == {
        "type": "ValueError",
        "message": "cannot answer 'fail: notes for fail from the network'",
    }
    assert events[-1]["returned"]["answer"].startswith("error: cannot answer")


def test_secrets_are_redacted(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"
    seam = HarvestSeam("echo", entry=f"{SHOP}.workshop:Workshop.echo")
    shop = Workshop("ws", repo)

    with Harvester([REVIEW, seam], out, workspace=repo):
        shop.review("C-1")
        shop.echo("hi")

    text = next((out / "review").glob("*.scenario.yaml")).read_text()
    assert "tok-very-secret-value" not in text
    scenario = load_scenario(text)
    assert scenario["subject"]["attrs"]["secret_token"] == "<redacted>"
    (ask,) = [e for e in scenario["events"] if e.get("call") == "self.llm.ask"]
    assert ask["kwargs"] == {"api_key": "<redacted>"}
    assert ask["returns"]["api_key"] == "<redacted>"
    (echo,) = _scenarios(out, "echo")
    assert echo["returned"] == "ws: hi (<redacted>)"


def test_identical_calls_are_written_once(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"
    seam = HarvestSeam("echo", entry=f"{SHOP}.workshop:Workshop.echo")
    shop = Workshop("ws", repo)

    with Harvester([seam], out) as first:
        shop.echo("a")
        shop.echo("a")
        shop.echo("b")
    with Harvester([seam], out) as second:
        shop.echo("a")

    assert (len(first.report.seams["echo"].written), first.report.seams["echo"].duplicates) == (
        2,
        1,
    )
    assert (len(second.report.seams["echo"].written), second.report.seams["echo"].duplicates) == (
        0,
        1,
    )
    names = sorted(p.name for p in (out / "echo").iterdir())
    assert len(names) == 2
    assert all(n.startswith("echo-") and len(n) == len("echo-") + 12 + 14 for n in names)


def test_a_scenario_above_the_size_limit_is_reported_not_written(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "harvested"

    report = _harvest(repo, out, ("review", ("C-1",), {}), max_scenario_bytes=1500)

    review = report.seams["review"]
    assert review.written == []
    (message,) = review.too_large
    assert message.startswith(f"{SHOP}.workshop:Workshop.review: the scenario is ")
    assert "above the limit of 1500 bytes" in message
    assert "max_scenario_bytes=64000" in message
    assert not (out / "review").exists()
    assert len(report.seams["summaries"].written) == 1  # the run went on


def test_an_attribute_that_cannot_be_recorded_names_itself_and_the_fix(
    repo: Path, tmp_path: Path
) -> None:
    seam = HarvestSeam("reads", entry=f"{SHOP}.workshop:Workshop.read_unrecordable")
    shop = Workshop("ws", repo)
    shop.cache = [workshop.Unrecordable()]  # type: ignore[attr-defined]

    with Harvester([seam], tmp_path / "harvested") as harvester:
        assert shop.read_unrecordable() == "Unrecordable"  # the real run is not disturbed

    (message,) = harvester.report.seams["reads"].failures
    assert "harness.harvest_shop.workshop.Unrecordable value at self.cache[0]" in message
    assert "golden_harness.register_harvest_type(Unrecordable," in message
    assert harvester.report.seams["reads"].written == []


def test_an_answer_that_cannot_be_recorded_names_the_call(repo: Path, tmp_path: Path) -> None:
    seam = HarvestSeam("sessions", entry=f"{SHOP}.workshop:Workshop.describe_session")

    with Harvester([seam], tmp_path / "harvested") as harvester:
        Workshop("ws", repo).describe_session()

    (message,) = harvester.report.seams["sessions"].failures
    assert "Unrecordable value at the returns of self.llm.session" in message
    assert "register_harvest_type" in message


def test_everything_is_restored_even_when_the_run_raises(repo: Path, tmp_path: Path) -> None:
    crash = HarvestSeam("crash", entry=f"{SHOP}.workshop:Workshop.crash")
    originals = (Workshop.review, Workshop.crash, workshop.grade, grading.score, subprocess.run)

    harvester = Harvester([REVIEW, SUMMARIES, crash], tmp_path / "harvested")
    patched = []

    def run() -> None:
        with harvester:
            patched.append(workshop.grade is not originals[2])
            Workshop("ws", repo).crash()

    with pytest.raises(RuntimeError, match="ws crashed"):
        run()

    assert patched == [True]

    assert (Workshop.review, Workshop.crash, workshop.grade, grading.score, subprocess.run) == (
        originals
    )
    assert "review" not in vars(Workshop) or vars(Workshop)["review"] is originals[0]
    (scenario,) = _scenarios(tmp_path / "harvested", "crash")
    assert scenario["raised"]["type"] == "builtins:RuntimeError"
    assert len(harvester.report.seams["crash"].written) == 1


def test_declarations_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match=r"'package\.module:Class\.method'"):
        Harvester([HarvestSeam("x", entry="harness.harvest_shop.workshop.summarize")], tmp_path)
    with pytest.raises(ScriptError, match=r"real= takes a list of names, such as \['_label'\]"):
        Harvester(
            [HarvestSeam("x", entry=f"{SHOP}.workshop:Workshop.review", real="_label")], tmp_path
        )
    with pytest.raises(ScriptError, match="has no parameter 'shop'"):
        Harvester([HarvestSeam("x", entry=f"{SHOP}.workshop:summarize", subject="shop")], tmp_path)
    assert Workshop.review.__name__ == "review"
    assert "review" in vars(Workshop)


def test_an_unserializable_value_error_is_a_harvest_value_error(tmp_path: Path) -> None:
    with pytest.raises(HarvestValueError, match=r"at answer\[0\] in a harvested scenario"):
        ScenarioCodec().encode([object()], "answer")


# -- replay ------------------------------------------------------------------------------------
def test_replay_gives_the_same_trace_every_time(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"
    _harvest(repo, out, ("review", ("C-1",), {}), ("review", ("fail",), {"strict": True}))
    files = sorted((out / "review").glob("*.scenario.yaml"))
    assert len(files) == 2

    for scenario in files:
        first, second = _replayed(scenario), _replayed(scenario)
        assert first == second
        calls = [e.get("call") for e in first if "call" in e]
        assert calls == [
            "self._fetch_notes",
            "score",
            "self.llm.ask",
            "Ledger",
            "Ledger().book",
            "score",
        ]
        assert any(e.get("subprocess", [None])[0] == "git" for e in first)


def test_a_replay_that_ends_differently_names_the_file_and_both_values(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "harvested"
    _harvest(repo, out, ("review", ("C-1",), {}))
    scenario = next((out / "review").glob("*.scenario.yaml"))
    scenario.write_text(scenario.read_text().replace("words: 7", "words: 8"))

    with pytest.raises(ReplayMismatchError) as caught, Recorder() as golden:
        replay(golden, scenario)

    lines = str(caught.value).splitlines()
    assert lines[0] == f"{scenario.as_posix()}: the replay returned:"
    assert "    words: 7" in lines
    assert "the recorded run returned:" in lines
    assert "    words: 8" in lines
    assert lines.index("    words: 7") < lines.index("the recorded run returned:")
    assert lines[-1].startswith("The scenario misses an input the seam depends on.")


SEAM_MODULE = """
from pathlib import Path

from golden_harness import Seam, harvested_test

GOLDEN_SEAM = Seam("review", covers=["harness.harvest_shop.workshop:Workshop.review"])

test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
"""


def test_harvested_scenarios_become_goldens_that_fail_on_a_change(
    repo: Path, tmp_path: Path, inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _harvest(repo, inner.path / "harvested", ("review", ("C-1",), {}), ("review", ("D-2",), {}))
    stems = sorted(
        p.name[: -len(".scenario.yaml")] for p in (inner.path / "harvested/review").iterdir()
    )
    inner.makepyfile(test_review=textwrap.dedent(SEAM_MODULE))

    inner.runpytest("--snapshot-update").assert_outcomes(passed=2)
    goldens = sorted(p.name for p in (inner.path / "golden/review").iterdir())
    assert goldens == [f"test_harvested[{stem}].golden.yaml" for stem in stems]
    inner.runpytest().assert_outcomes(passed=2)

    monkeypatch.setattr(workshop, "WEIGHT_STEP", 3)  # an argument of a cut call changes
    changed = inner.runpytest()
    changed.assert_outcomes(failed=2)
    changed.stdout.fnmatch_lines(
        ["*GoldenMismatchError*", "*call `score` (event 2): kwarg `weight`*"]
    )

    monkeypatch.setattr(workshop, "WEIGHT_STEP", 1)
    monkeypatch.setattr(workshop, "BONUS", 2)  # the result changes
    inner.runpytest().stdout.fnmatch_lines(["*ReplayMismatchError*the replay returned*"])


def test_replay_goldens_do_not_depend_on_tz_hash_seed_or_workers(
    repo: Path, tmp_path: Path, inner: pytest.Pytester
) -> None:
    _harvest(repo, inner.path / "harvested", ("review", ("C-1",), {}), ("review", ("E",), {}))
    inner.makepyfile(test_review=textwrap.dedent(SEAM_MODULE))
    inner.runpytest("--snapshot-update").assert_outcomes(passed=2)
    captured = {p.name: p.read_bytes() for p in (inner.path / "golden/review").iterdir()}

    for tz, seed, extra in (("UTC", "1", []), ("Asia/Tokyo", "4242", ["-n", "2"])):
        result = _run_with_env(inner, {"TZ": tz, "PYTHONHASHSEED": seed}, extra)
        result.assert_outcomes(passed=2)
    assert {p.name: p.read_bytes() for p in (inner.path / "golden/review").iterdir()} == captured


def _run_with_env(
    inner: pytest.Pytester, env: dict[str, str], extra: list[str]
) -> pytest.RunResult:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return inner.runpytest_subprocess(*extra)


def test_an_empty_or_missing_directory_is_skipped(inner: pytest.Pytester, tmp_path: Path) -> None:
    inner.makepyfile(test_review=textwrap.dedent(SEAM_MODULE))
    inner.runpytest().assert_outcomes(skipped=1)
    (inner.path / "harvested" / "review").mkdir(parents=True)
    inner.runpytest().assert_outcomes(skipped=1)
    assert not (inner.path / "golden").exists()


def test_harvested_test_is_parametrized_by_file_stem(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("b-000000000002", "a-000000000001"):
        (folder / f"{name}.scenario.yaml").write_text("")
    (folder / "notes.txt").write_text("")

    test = harvested_test(folder)

    (mark,) = test.pytestmark  # type: ignore[attr-defined]
    assert mark.args[0] == "harvested_scenario"
    assert [p.name for p in mark.args[1]] == [
        "a-000000000001.scenario.yaml",
        "b-000000000002.scenario.yaml",
    ]
    assert mark.kwargs["ids"] == ["a-000000000001", "b-000000000002"]


# -- more shapes of seams --------------------------------------------------------------------------
def test_a_function_without_subject_records_only_its_arguments(tmp_path: Path) -> None:
    out = tmp_path / "harvested"
    seam = HarvestSeam(
        "grades", entry=f"{SHOP}.workshop:grade_all", cut=[f"{SHOP}.grading:strict_score"]
    )

    with Harvester([seam], out):
        assert workshop.grade_all(["two words", ""]) == ["2", "grading '' failed with code 3"]

    (path,) = (out / "grades").glob("*.scenario.yaml")
    scenario = load_scenario(path.read_text())
    assert "subject" not in scenario
    assert scenario["args"] == [["two words", ""]]
    assert [e.get("returns", e.get("raises")) for e in scenario["events"]] == [
        2,
        {
            "type": f"{SHOP}.grading:GradeError",
            "message": "grading '' failed with code 3",
            "args": ["grading '' failed with code 3"],
        },
    ]
    events = _replayed(path)
    assert events[1]["raises"] == {"type": "GradeError", "message": "grading '' failed with code 3"}
    assert events[-1] == {"returned": ["2", "grading '' failed with code 3"]}


def test_a_subject_passed_by_keyword_is_replayed_by_keyword(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"

    with Harvester([SUMMARIES], out):
        workshop.summarize(items=["b", "a"], workshop=Workshop("ws", repo))

    (path,) = (out / "summaries").glob("*.scenario.yaml")
    scenario = load_scenario(path.read_text())
    assert scenario["subject"]["position"] == "workshop"
    assert (scenario["args"], scenario["kwargs"]) == ([], {"items": ["b", "a"]})
    assert _replayed(path)[-1] == {"returned": "ws: a | b (1)"}


def test_read_mode_lays_out_only_the_files_the_call_reads(repo: Path, tmp_path: Path) -> None:
    (repo / "config.ini").write_text("mode = fast\n", encoding="utf-8")
    (repo / "unrelated.txt").write_text("not read\n", encoding="utf-8")
    seam = HarvestSeam("config", entry=f"{SHOP}.workshop:read_config")
    everything = repo / "harvested-all"

    with Harvester([seam], repo / "harvested-read", workspace=repo, workspace_files="read"):
        workshop.read_config(repo)
    with Harvester([seam], everything, workspace=repo):
        workshop.read_config(repo)
        workshop.read_config(repo)  # the first scenario file is in the workspace, not laid out

    (read,) = _scenarios(repo, "harvested-read/config")
    assert read["files"] == {"config.ini": "mode = fast\n"}
    assert read["args"] == [Tagged("path", "<workspace>")]
    all_files = _scenarios(everything, "config")
    assert len(all_files) == 1
    assert sorted(all_files[0]["files"]) == [
        "README.txt",
        "config.ini",
        "harvested-read/config/" + next((repo / "harvested-read/config").iterdir()).name,
        "unrelated.txt",
    ]
    replayed = _replayed(next((repo / "harvested-read/config").iterdir()))
    assert replayed[-1] == {"returned": "mode = fast"}


def test_workspace_files_mode_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="takes 'all'"):
        Harvester([SUMMARIES], tmp_path, workspace=tmp_path, workspace_files="some")


def test_registered_types_round_trip_and_normalizers_do_not_apply(tmp_path: Path) -> None:
    codec = ScenarioCodec(workspace=tmp_path)
    register_harvest_type(Money, lambda m: {"cents": m.cents}, lambda d: Money(d["cents"]))
    normalizer = register_normalizer(lambda text: text.replace("prod", "<env>"))
    try:
        value = {
            "money": Money(250),
            "level": workshop.Level.LOW,
            "limits": workshop.Limits(3, workshop.Level.HIGH),
            "pair": (1, "prod"),
            "keys": {1: b"\xff", 2: frozenset({"b", "a"})},
            "when": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
            "file": tmp_path / "x" / "y.txt",
            "point": Point(1, 2),
        }
        text = dump_scenario({"value": codec.encode(value, "value")})
    finally:
        _GLOBAL_NORMALIZERS.remove(normalizer)
        _HARVEST_TYPES.pop(Money)
    assert "<workspace>/x/y.txt" in text
    register_harvest_type(Money, lambda m: {"cents": m.cents}, lambda d: Money(d["cents"]))
    try:
        assert codec.decode(load_scenario(text)["value"]) == value
    finally:
        _HARVEST_TYPES.pop(Money)


def test_nothing_is_recorded_inside_a_cut_call(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "harvested"
    seam = HarvestSeam("remote", entry=f"{SHOP}.workshop:Workshop.review_remote", real=["_label"])

    with Harvester([seam], out):
        answer = Workshop("ws", repo).review_remote("C-9")

    (path,) = (out / "remote").glob("*.scenario.yaml")
    scenario = load_scenario(path.read_text())
    (event,) = scenario["events"]
    event.pop("duration", None)  # present when git took 10 ms or more
    assert event == {
        "call": "self._fetch_remote",
        "args": ["C-9"],
        "returns": answer.split(": ", 1)[1],
    }
    assert scenario["subject"]["collaborators"] == []  # self.llm is read inside the cut only
    assert sorted(scenario["subject"]["attrs"]) == ["name"]
    assert _replayed(path)[-1] == {"returned": answer}


def test_an_argument_the_replay_golden_cannot_write_is_reported_at_harvest(
    repo: Path, tmp_path: Path
) -> None:
    seam = HarvestSeam("hand_over", entry=f"{SHOP}.workshop:Workshop.hand_over")
    shop = Workshop("ws", repo)

    with Harvester([seam], tmp_path / "harvested") as harvester:
        shop.hand_over()
        shop.hand_over()

    summary = harvester.report.seams["hand_over"]
    assert summary.written == []
    assert len(summary.failures) == 2
    assert summary.failures[0].startswith(
        f"{SHOP}.workshop:Workshop.hand_over: Cannot serialize a "
        f"{SHOP}.workshop.Unrecordable value at self.llm.remember positional arguments[0]"
    )
    assert "golden_harness.register_serializer(Unrecordable," in summary.failures[0]
    rendered = harvester.report.render().splitlines()
    assert (
        rendered[0]
        == "seam hand_over: 0 scenario(s) written, 0 duplicate(s) skipped, 0 too large, 2 failed"
    )
    assert rendered[1].startswith("  failed (2 calls): ")


def test_a_mapped_instance_is_recorded_by_its_columns_and_rebuilt_detached() -> None:
    codec = ScenarioCodec()
    row = Row("first")
    row.id = 7

    text = dump_scenario({"row": codec.encode(row, "row")})
    rebuilt = codec.decode(load_scenario(text)["row"])

    assert load_scenario(text)["row"] == Tagged(
        "orm", {"type": f"{SHOP}.values:Row", "fields": {"id": 7, "label": "FIRST"}}
    )
    assert type(rebuilt) is Row
    assert (rebuilt.id, rebuilt.label) == (7, "FIRST")


def test_durations_of_commands_and_cut_calls_are_replayed_on_the_frozen_clock(
    tmp_path: Path,
) -> None:
    out = tmp_path / "harvested"
    seam = HarvestSeam("timed", entry=f"{SHOP}.workshop:timed_run", cut=[f"{SHOP}.grading:pause"])

    with Harvester([seam], out):
        measured = workshop.timed_run(["sleep", "0.3"], 0.2)

    (path,) = (out / "timed").glob("*.scenario.yaml")
    command, pause = load_scenario(path.read_text())["events"]
    assert 0.3 <= command["duration"] < 0.3 + 0.2
    assert 0.2 <= pause["duration"] < 0.2 + 0.2
    events = _replayed(path)
    assert events[-1] == {"returned": measured}  # the fidelity check passed too


def test_the_interpreter_is_written_as_a_placeholder_and_replayed_as_the_running_one() -> None:
    codec = ScenarioCodec()

    encoded = codec.encode([sys.executable, "-m", "pytest"], "argv")

    assert encoded == ["<python>", "-m", "pytest"]
    assert codec.decode(encoded) == [sys.executable, "-m", "pytest"]


def test_a_mapped_instance_is_rebuilt_in_a_process_that_has_not_used_the_mapping_yet() -> None:
    code = (
        "from golden_harness.format import ScenarioCodec, Tagged\n"
        "data = {'type': 'harness.harvest_shop.values:Row', 'fields': {'id': 1, 'label': 'X'}}\n"
        "print(ScenarioCodec().decode(Tagged('orm', data)).label)\n"
    )
    tests = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tests)},
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "X\n", "")


def test_a_method_entry_cut_by_another_entry_of_the_same_subject_records_both(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "harvested"
    seams = [
        HarvestSeam("outer", entry=f"{SHOP}.workshop:Workshop.outer"),
        HarvestSeam("inner", entry=f"{SHOP}.workshop:Workshop.inner"),
    ]
    shop = Workshop("ws", repo)

    with Harvester(seams, out):
        assert shop.outer("hi") == "ws: HI [5]"

    (outer,) = _scenarios(out, "outer")
    (inner,) = _scenarios(out, "inner")
    assert [e["call"] for e in outer["events"]] == ["self.inner"]
    assert sorted(outer["subject"]["attrs"]) == ["limits"]
    assert [e["call"] for e in inner["events"]] == ["self.llm.ask"]
    assert sorted(inner["subject"]["attrs"]) == ["name"]
    for seam, returned in (("outer", "ws: HI [5]"), ("inner", "ws: HI")):
        path = next((out / seam).glob("*.scenario.yaml"))
        assert _replayed(path)[-1] == {"returned": returned}
    assert type(shop) is Workshop


def test_two_cuts_recorded_under_one_name_are_refused(tmp_path: Path) -> None:
    entry = f"{SHOP}.workshop:grade_all"
    clash = HarvestSeam("x", entry=entry, cut=[f"{SHOP}.grading:score", f"{SHOP}.values:score"])
    alias = HarvestSeam("y", entry=entry, cut=[f"{SHOP}.grading:score", f"{SHOP}.workshop:grade"])

    with pytest.raises(ScriptError, match=r"are both recorded as 'score'"):
        Harvester([clash], tmp_path)
    Harvester([alias], tmp_path)  # one function under two names is one cut


def test_commands_that_fail_time_out_or_cannot_start_are_replayed(tmp_path: Path) -> None:
    out = tmp_path / "harvested"
    seam = HarvestSeam("probe", entry=f"{SHOP}.workshop:probe")
    commands = [
        ["echo", "hi"],
        ["sh", "-c", "echo oops >&2; exit 3"],
        ["sleep", "5"],
        ["no-such-program-xyz"],
    ]

    with Harvester([seam], out):
        outcomes = workshop.probe(commands)

    assert outcomes == [
        "ok hi",
        "exit 3: oops",
        "timed out after 0.5",
        "missing no-such-program-xyz",
    ]
    (path,) = (out / "probe").glob("*.scenario.yaml")
    events = load_scenario(path.read_text())["events"]
    assert [e.get("returncode") for e in events] == [0, 3, None, None]
    assert events[2]["times_out"] is True
    assert events[3]["raises"]["type"] == "builtins:FileNotFoundError"
    replayed = _replayed(path)
    assert [e.get("timed_out") for e in replayed[:4]] == [None, None, True, None]
    assert replayed[-1] == {"returned": outcomes}


def test_seams_are_a_sequence_of_harvest_seams(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="takes a list of HarvestSeam"):
        Harvester(SUMMARIES, tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ScriptError, match="takes a list of HarvestSeam"):
        Harvester(["summaries"], tmp_path)  # type: ignore[list-item]
    with Harvester(iter([SUMMARIES]), tmp_path / "out") as harvester:
        workshop.summarize(Workshop("ws", tmp_path), ["a"])
    assert len(harvester.report.seams["summaries"].written) == 1
    with Harvester([], tmp_path / "none") as nothing:
        pass
    assert nothing.report.seams == {}


def test_a_recorded_collaborator_passes_the_isinstance_checks_of_the_run(
    repo: Path, tmp_path: Path
) -> None:
    seam = HarvestSeam("kind", entry=f"{SHOP}.workshop:Workshop.llm_kind")

    with Harvester([seam], tmp_path / "harvested"):
        assert Workshop("ws", repo).llm_kind() == "assistant"

    (scenario,) = _scenarios(tmp_path / "harvested", "kind")
    assert scenario["subject"]["collaborators"] == ["llm"]


def test_a_duration_is_kept_to_the_microsecond_so_a_rounded_measure_replays_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A seam that rounds what it measures (round(0.764993, 2) == 0.76) must see the same in the
    # replay: kept to the millisecond, the duration would read 0.765 and round to 0.77.
    from golden_harness.recording import _harvest

    monkeypatch.setattr(_harvest, "_monotonic", lambda: 10.764993)
    events: list[dict[str, object]] = [{}]
    _harvest._note_duration(events, 10.0)
    assert events == [{"duration": 0.764993}]
    assert round(0.764993, 2) == 0.76
    quick: list[dict[str, object]] = [{}]
    monkeypatch.setattr(_harvest, "_monotonic", lambda: 10.009)
    _harvest._note_duration(quick, 10.0)
    assert quick == [{}]


def test_a_broken_scenario_file_names_its_line_and_how_to_get_a_good_one() -> None:
    broken = "# golden_harness scenario v1 (harvested)\nseam: x\nentry: [unclosed\nargs: []\n"
    with pytest.raises(ScenarioFormatError, match=r"^s\.yaml:4: not valid YAML") as error:
        load_scenario(broken, "s.yaml")
    assert "Harvest the scenario again" in str(error.value)
    with pytest.raises(ScenarioFormatError, match=r"^s\.yaml:1: written in scenario format v9"):
        load_scenario("# golden_harness scenario v9 (harvested)\n{}\n", "s.yaml")
    with pytest.raises(ScenarioFormatError, match=r"^s\.yaml:1: expected the header line"):
        load_scenario("seam: x\n", "s.yaml")
