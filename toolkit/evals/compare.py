"""Compare two scored runs metric by metric with a paired bootstrap over the articles they share."""

from __future__ import annotations

from pathlib import Path

from toolkit.evals.runner import load_case_scores
from toolkit.evals.stats import PairedDiff, paired_bootstrap


def compare_runs(run_a: str | Path, run_b: str | Path) -> list[PairedDiff]:
    """Paired differences B − A for every metric both runs report.

    Cases are matched by id (seed id); each metric is compared over the articles where both runs
    define it. A difference is a regression only when its 95% paired-bootstrap interval excludes
    zero on the bad side.

    Args:
        run_a: The baseline run folder.
        run_b: The candidate run folder.

    Returns:
        One `PairedDiff` per metric, in run A's metric order.
    """
    a, dirs_a = load_case_scores(run_a)
    b, dirs_b = load_case_scores(run_b)
    out = []
    for metric, direction in dirs_a.items():
        if metric not in dirs_b:
            continue
        va = {cid: s.get(metric) for cid, s in a.items()}
        vb = {cid: s.get(metric) for cid, s in b.items()}
        out.append(paired_bootstrap(metric, direction, va, vb))
    return out


NOT_GATING: frozenset[str] = frozenset({"latency_s"})
"""Metrics reported by `--compare` but never failing `--fail-on-regression`: wall-clock latency
measures the machine and its load as much as the engine, so two runs of the same engine on one
machine can differ by a millisecond with an interval that excludes zero."""


def gating_regressions(diffs: list[PairedDiff]) -> list[str]:
    """The metrics whose regression should fail a check (every regression except `NOT_GATING`).

    Args:
        diffs: From `compare_runs`.

    Returns:
        Metric names, in order.
    """
    return [d.metric for d in diffs if d.verdict == "regression" and d.metric not in NOT_GATING]


def format_comparison(diffs: list[PairedDiff]) -> str:
    """Render the comparison as a plain-text table.

    Args:
        diffs: From `compare_runs`.

    Returns:
        The table.
    """

    def f(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    head = f"{'metric':<24} {'n':>4} {'A':>9} {'B':>9} {'B-A':>9}  {'95% interval':<20} verdict"
    lines = [head, "-" * len(head)]
    for d in diffs:
        ci = "-" if d.low is None else f"[{d.low:+.3f}, {d.high:+.3f}]"
        diff = "-" if d.diff is None else f"{d.diff:+.3f}"
        lines.append(
            f"{d.metric:<24} {d.n:>4} {f(d.mean_a):>9} {f(d.mean_b):>9} {diff:>9}  {ci:<20} {d.verdict}"
        )
    return "\n".join(lines)
