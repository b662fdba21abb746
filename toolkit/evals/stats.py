"""Aggregates with uncertainty: article-level bootstrap intervals and paired bootstrap differences.

The unit of resampling is the *article*: each case is one article, and a per-article metric
already pools that article's claims (claims of one article are not independent: same writer, same
speakers, same engine mistakes). Resampling claims would make intervals too narrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

N_RESAMPLES = 2000
SEED = 20240601
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A mean with its bootstrap interval.

    Attributes:
        mean: Mean of the defined values (None when no case defines the metric).
        low: Lower bound of the 95% percentile interval.
        high: Upper bound.
        n: How many cases define the metric (the rest were None and are skipped).
    """

    mean: float | None
    low: float | None
    high: float | None
    n: int


#: Largest index matrix (entries) kept between calls: 4M int64 = 32 MB.
_MAX_CACHED_INDICES = 4_000_000


def _draw_indices(n: int, n_resamples: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_resamples, n))


@lru_cache(maxsize=4)
def _cached_indices(n: int, n_resamples: int, seed: int) -> np.ndarray:
    idx = _draw_indices(n, n_resamples, seed)
    idx.setflags(write=False)
    return idx


def _resample_indices(n: int, n_resamples: int, seed: int) -> np.ndarray:
    # The resample indices depend only on (n, n_resamples, seed), not on the values: every metric of a
    # run with the same number of defined cases draws the same matrix, so it is drawn once.
    if n * n_resamples <= _MAX_CACHED_INDICES:
        return _cached_indices(n, n_resamples, seed)
    return _draw_indices(n, n_resamples, seed)


def _percentile_interval(values: np.ndarray, n_resamples: int, seed: int) -> tuple[float, float]:
    idx = _resample_indices(len(values), n_resamples, seed)
    means = values[idx].mean(axis=1)
    alpha = (1 - CONFIDENCE) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)


def bootstrap_mean(
    values: Sequence[float | None], *, n_resamples: int = N_RESAMPLES, seed: int = SEED
) -> Interval:
    """Mean over articles with a 95% percentile bootstrap interval (articles resampled with replacement).

    Args:
        values: One value per article; None (metric undefined for that article) is skipped.
        n_resamples: Bootstrap resamples.
        seed: RNG seed (fixed: the same values always give the same interval).

    Returns:
        The interval; mean/low/high are None when no value is defined.
    """
    arr = np.array([v for v in values if v is not None], dtype=float)
    if arr.size == 0:
        return Interval(None, None, None, 0)
    lo, hi = _percentile_interval(arr, n_resamples, seed)
    return Interval(float(arr.mean()), lo, hi, int(arr.size))


@dataclass(frozen=True)
class PairedDiff:
    """B − A over articles both runs define, with its paired bootstrap interval.

    Attributes:
        metric: Metric name.
        direction: "higher", "lower" or None (descriptive).
        mean_a: Mean of run A over the paired articles.
        mean_b: Mean of run B over the paired articles.
        diff: Mean of the per-article differences B − A.
        low: Lower bound of the 95% interval of the difference.
        high: Upper bound.
        n: Paired articles.
        verdict: "regression", "improvement" or "no change" ("n/a" when undefined or descriptive).
    """

    metric: str
    direction: str | None
    mean_a: float | None
    mean_b: float | None
    diff: float | None
    low: float | None
    high: float | None
    n: int
    verdict: str


def _verdict(direction: str | None, low: float, high: float) -> str:
    if direction is None:
        return "n/a"
    if low <= 0.0 <= high:
        return "no change"
    worse = high < 0.0 if direction == "higher" else low > 0.0
    return "regression" if worse else "improvement"


def paired_bootstrap(
    metric: str,
    direction: str | None,
    a: dict[str, float | None],
    b: dict[str, float | None],
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
) -> PairedDiff:
    """Paired bootstrap of the per-article difference B − A, articles matched by id.

    A change is a regression only when the 95% interval of the mean difference excludes zero on
    the bad side (below zero for higher-is-better metrics, above for lower-is-better ones).

    Args:
        metric: Metric name.
        direction: "higher", "lower" or None.
        a: Article id → value in run A.
        b: Article id → value in run B.
        n_resamples: Bootstrap resamples.
        seed: RNG seed.

    Returns:
        The difference and its verdict.
    """
    ids = sorted(k for k in a.keys() & b.keys() if a[k] is not None and b[k] is not None)
    if not ids:
        return PairedDiff(metric, direction, None, None, None, None, None, 0, "n/a")
    va = np.array([a[k] for k in ids], dtype=float)
    vb = np.array([b[k] for k in ids], dtype=float)
    d = vb - va
    lo, hi = _percentile_interval(d, n_resamples, seed)
    return PairedDiff(
        metric,
        direction,
        float(va.mean()),
        float(vb.mean()),
        float(d.mean()),
        lo,
        hi,
        len(ids),
        _verdict(direction, lo, hi),
    )
