"""The table ``golden strength`` prints: per seam, its mutants killed, timed out and survived, the
score and the time; then what each seam's run needs a reader to know, and every survivor."""

from __future__ import annotations

from golden_harness.measure._strength import SeamStrength, StrengthRun

__all__ = ["render_strength", "strength_summary"]


def _percent(killed: int, total: int) -> str:
    return f"{100.0 * killed / total:5.1f}%" if total else "    -"


def strength_summary(seams: list[SeamStrength]) -> str:
    """``caught/total (score)`` of ``seams`` together, or ``no mutant``."""
    detected = sum(s.detected for s in seams)
    total = sum(s.total for s in seams)
    if not total:
        return "no mutant"
    return f"{detected}/{total} caught ({100.0 * detected / total:.1f}%)"


def _heading(run: StrengthRun) -> list[str]:
    lines = []
    if run.since is not None:
        lines.append(f"mutants on the lines changed since {run.since}")
    if run.shard is not None:
        k, n = run.shard
        lines.append(f"shard {k}/{n} of {run.planned} mutant(s) (plan {run.plan})")
    return lines


def render_strength(run: StrengthRun, *, timings: bool = True) -> list[str]:
    """The per-seam table, the overall score, and every survivor; ``timings=False`` leaves
    the time column out (for reports compared between runs)."""
    results = run.seams
    width = max([len("overall"), *(len(r.seam) for r in results)])
    lines = _heading(run)
    time_column = "    time" if timings else ""
    lines.append(f"{'seam':<{width}}  killed  timeout  survived  total   score{time_column}")

    def row(name: str, killed: int, timeouts: int, total: int, detected: int, t: float) -> str:
        return (
            f"{name:<{width}}  {killed:>6}  {timeouts:>7}  {total - detected:>8}  {total:>5}  "
            f"{_percent(detected, total)}" + (f"  {t:5.1f} s" if timings else "")
        )

    for r in results:
        lines.append(row(r.seam, r.killed, r.timeouts, r.total, r.detected, r.seconds))
    lines.append(
        row(
            "overall",
            sum(r.killed for r in results),
            sum(r.timeouts for r in results),
            sum(r.total for r in results),
            sum(r.detected for r in results),
            run.seconds,
        )
    )
    for r in results:
        extra = []
        if r.count("not applicable"):
            extra.append(f"{r.count('not applicable')} not applicable (not counted)")
        survivors = [x for x in r.results if x.outcome == "survived"]
        timed_out = [x for x in r.results if x.outcome == "timeout"]
        if extra or survivors or timed_out or r.errors or r.followed or r.others or r.value_readers:
            lines.append(f"seam {r.seam}:" + (f" {', '.join(extra)}" if extra else ""))
        lines += [f"  {note}" for note in r.followed]
        lines += [
            f"  also run, as its scenarios execute the mutated lines: {module} ({count} mutant(s))"
            for module, count in sorted(r.others.items())
        ]
        lines += [
            f"  also run, as its seam covers code of a mutated value's file: {module} "
            f"({count} mutant(s))"
            for module, count in sorted(r.value_readers.items())
        ]
        lines += [f"  error: {error}" for error in r.errors]
        for outcome, mutants in (("timeout", timed_out), ("survived", survivors)):
            for mutant in mutants:
                unrun = "; no scenario executes this line" if not mutant.scenarios else ""
                lines.append(f"  {outcome} {mutant.file}:{mutant.line} ({mutant.operator}){unrun}")
                lines.append(f"      - {mutant.before}")
                lines.append(f"      + {mutant.after}")
    lines += [f"note: {note}" for note in run.notes]
    if run.cached:
        lines.append(
            f"{run.cached} outcome(s) kept from earlier runs (unchanged mutant, function, "
            f"scenarios and goldens); --no-cache runs them again."
        )
    return lines
