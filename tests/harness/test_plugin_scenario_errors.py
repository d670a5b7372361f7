"""Mistakes of the scenario fail it and never reach a golden, whatever the seam does with them."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path("golden/ledger")

# {attrs} is filled in per run: the first capture sets `db`, a later run forgets it.
LEDGER = """
from golden_harness import Seam

GOLDEN_SEAM = Seam("ledger")


class Ledger:
    def __init__(self):
        raise RuntimeError("connects to production")

    def post(self, amount):
        try:
            self.db.save(amount)
        except Exception as error:
            self.failures = [str(error)]
            return "not posted"
        return "posted"

    def post_strictly(self, amount):
        self.db.save(amount)
        return "posted"

    def describe(self):
        cache = getattr(self, "cache", None)
        return {{"cached": cache is not None, "audited": hasattr(self, "audit")}}


def test_swallowing_seam(golden):
    golden.fake("db.save", returns=1)
    ledger = golden.isolate(Ledger, real=["post"], attrs={attrs})
    golden.call(ledger.post, 10)


def test_propagating_seam(golden):
    golden.fake("db.save", returns=1)
    ledger = golden.isolate(Ledger, real=["post_strictly"], attrs={attrs})
    golden.call(ledger.post_strictly, 10)


def test_probing_seam(golden):
    ledger = golden.isolate(Ledger, real=["describe"], attrs={{}})
    golden.call(ledger.describe)
"""

WITH_DB = LEDGER.format(attrs='{"db": golden.fake("db")}')
WITHOUT_DB = LEDGER.format(attrs="{}")
MESSAGE = (
    "*UnsetAttributeError: isolated Ledger has no attribute 'db': the scenario did not set it. "
    "Set it with golden.isolate(Ledger, attrs={'db': golden.fake('db')})*"
)


@pytest.mark.parametrize("scenario", ["swallowing", "propagating"])
def test_an_unset_attribute_fails_the_capture_and_writes_no_golden(
    inner: pytest.Pytester, scenario: str
) -> None:
    inner.makepyfile(test_ledger=WITHOUT_DB)

    result = inner.runpytest("--snapshot-update", "-k", scenario)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([MESSAGE])
    assert not (inner.path / GOLDEN).exists()


@pytest.mark.parametrize("scenario", ["swallowing", "propagating"])
def test_an_unset_attribute_is_a_scenario_error_in_verify_mode_not_a_mismatch(
    inner: pytest.Pytester, scenario: str
) -> None:
    inner.makepyfile(test_ledger=WITH_DB)
    inner.runpytest("--snapshot-update", "-k", scenario).assert_outcomes(passed=1)
    (golden,) = (inner.path / GOLDEN).glob("*.golden.yaml")
    captured = golden.read_text()
    inner.makepyfile(test_ledger=WITHOUT_DB)

    result = inner.runpytest("-k", scenario)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([MESSAGE])
    result.stdout.no_fnmatch_line("*does not match*")
    result.stdout.no_fnmatch_line("*GoldenMismatchError*")
    assert golden.read_text() == captured
    report = inner.runpytest("--snapshot-update", "-k", scenario)
    report.assert_outcomes(failed=1)
    assert golden.read_text() == captured  # a capture does not overwrite it either


def test_getattr_with_a_default_and_hasattr_still_see_an_absent_attribute(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_ledger=WITHOUT_DB)

    inner.runpytest("--snapshot-update", "-k", "probing").assert_outcomes(passed=1)

    text = (inner.path / GOLDEN / "test_probing_seam.golden.yaml").read_text()
    assert "- returned:\n    cached: false\n    audited: false\n" in text


SHIPPING = """
from golden_harness import Seam

GOLDEN_SEAM = Seam("shipping")


def ship(db, mailer, order):
    db.save(order["id"], total=order["total"])
    {flag}
    mailer.queue(order["customer"], template="shipped")
    return "SHIPPED"


def ship_quietly(db, mailer, order):
    try:
        return ship(db, mailer, order)
    except Exception:
        return "NOT SHIPPED"


def test_ships(golden):
    {script}
    db = golden.fake("db")
    golden.fake("db.save", returns=41)
    mailer = golden.fake("mailer")
    golden.fake("mailer.queue", returns=None)
    golden.call({seam}, db, mailer, {{"id": "A-1", "total": 900, "customer": "ada"}})
"""


def _shipping(*, flag: bool = False, script: bool = False, seam: str = "ship") -> str:
    return SHIPPING.format(
        flag='if order["total"] > 500:\n        db.flag(order["id"], reason="large")'
        if flag
        else "",
        script='golden.fake("db.flag", returns=True)' if script else "",
        seam=seam,
    )


@pytest.mark.parametrize("seam", ["ship", "ship_quietly"])
def test_a_call_the_golden_never_made_is_shown_as_the_first_difference(
    inner: pytest.Pytester, seam: str
) -> None:
    inner.makepyfile(test_shipping=_shipping(seam=seam))
    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)
    golden = inner.path / "golden/shipping/test_ships.golden.yaml"
    captured = golden.read_text()
    inner.makepyfile(test_shipping=_shipping(flag=True, seam=seam))

    result = inner.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GoldenMismatchError: golden/shipping/test_ships.golden.yaml does not match the trace "
            "of test_shipping.py::test_ships: the code made a call the golden never recorded, "
            "`db.flag`, and the run stopped there * (1 difference(s) up to that point):",
            "*At that point the golden has call `mailer.queue` (event 2), then 1 more event(s).",
            "*The code under test now calls `db.flag`, which it did not when the golden was "
            "captured. If this change is meant to keep behaviour (a move, a refactor), it does "
            "not*",
        ]
    )
    text = result.stdout.str()
    new_call = '\n      call `db.flag` (event 2 in this run): new, not in the golden: {"args": ["A-1"], "kwargs": {"reason": "large"}}\n'
    assert new_call in text
    assert (
        "golden.fake('db.flag', returns=None), re-capture with `pytest --snapshot-update test_shipping.py::test_ships`"
        in " ".join(text.split())
    )
    assert "as a `capture:` commit" in text
    assert "UnscriptedCallError" not in text
    assert "Script it in the scenario" not in text
    assert golden.read_text() == captured


def test_an_unscripted_call_the_golden_made_is_still_a_scenario_mistake(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_shipping=_shipping(flag=True, script=True))
    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)
    inner.makepyfile(test_shipping=_shipping(flag=True))

    result = inner.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*UnscriptedCallError: Unscripted call db.flag('A-1', reason='large')*"]
    )
    result.stdout.no_fnmatch_line("*does not match*")


def test_while_capturing_an_unscripted_call_says_to_script_it(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_shipping=_shipping(flag=True))

    result = inner.runpytest("--snapshot-update")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*UnscriptedCallError: Unscripted call db.flag('A-1', reason='large')*"]
    )
    assert not (inner.path / "golden/shipping").exists()


def test_a_new_call_after_the_golden_ends_says_so() -> None:
    from golden_harness import Recorder, UnscriptedCallError
    from golden_harness.review import divergence

    with Recorder() as recorder:
        db = recorder.fake("db")
        recorder.fake("db.save", returns=1)

        def seam() -> None:
            db.save(1)
            db.audit("saved")

        with pytest.raises(UnscriptedCallError) as raised:
            recorder.call(seam)
        golden = recorder.render()  # the golden a run without the audit call would not have
    golden = golden.replace('\n\n- call: "db.audit"\n  args:\n    - "saved"\n', "\n")

    mismatch = divergence(raised.value, recorder.events, golden, "g.golden.yaml", "t::test")

    assert mismatch is not None
    lines = str(mismatch).splitlines()
    assert (
        lines[1]
        == '  call `db.audit` (event 2 in this run): new, not in the golden: {"args": ["saved"]}'
    )
    assert lines[2] == "The golden ends before that point (it has 1 event(s))."


DEPLOY = """
import subprocess
from golden_harness import Seam

GOLDEN_SEAM = Seam("deploy")


def deploy():
    subprocess.run(["git", "push"], check=True)
    {extra}
    return "deployed"


def test_deploy(golden):
    golden.subprocess(["git", "push"])
    {script}
    golden.call(deploy)
"""


def test_a_command_the_golden_never_ran_is_shown_as_the_first_difference(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_deploy=DEPLOY.format(extra="", script=""))
    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)
    tag = 'subprocess.run(["git", "tag", "v2"], check=True)'
    inner.makepyfile(test_deploy=DEPLOY.format(extra=tag, script=""))

    result = inner.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GoldenMismatchError: golden/deploy/test_deploy.golden.yaml does not match the trace "
            "of test_deploy.py::test_deploy: the code started a command the golden never "
            "recorded, `git tag v2`, and the run stopped there * (1 difference(s) up to that point):",
            "*  subprocess `git tag v2` (event 2 in this run): new, not in the golden*",
            "*At that point the golden has returned (event 2), its last event.",
        ]
    )
    assert "golden.subprocess(['git', 'tag', 'v2'], stdout='', returncode=0)" in result.stdout.str()
    inner.makepyfile(
        test_deploy=DEPLOY.format(extra=tag, script='golden.subprocess(["git", "tag", "v2"])')
    )
    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)
    inner.makepyfile(test_deploy=DEPLOY.format(extra=tag, script=""))

    lost_script = inner.runpytest()

    lost_script.assert_outcomes(failed=1)
    lost_script.stdout.fnmatch_lines(["*UnscriptedSubprocessError: Unscripted subprocess*"])
