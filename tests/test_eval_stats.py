"""Bootstrap intervals: reproducible with a fixed seed, narrower with more articles; paired verdicts."""

from __future__ import annotations

import numpy as np

from toolkit.evals.stats import bootstrap_mean, paired_bootstrap


def _values(n: int, seed: int = 7) -> list[float]:
    return list(np.random.default_rng(seed).uniform(0.0, 1.0, size=n))


def test_interval_contains_mean_and_is_reproducible():
    vals = _values(30)
    a, b = bootstrap_mean(vals), bootstrap_mean(vals)
    assert a == b
    assert a.low is not None and a.high is not None and a.mean is not None
    assert a.low < a.mean < a.high
    assert a.n == 30


def test_interval_shrinks_as_articles_are_added():
    widths = []
    for n in (10, 40, 160, 640):
        iv = bootstrap_mean(_values(n))
        assert iv.low is not None and iv.high is not None
        widths.append(iv.high - iv.low)
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] < widths[0] / 4  # roughly 1/sqrt(n): 64x the articles, ~8x narrower


def test_none_values_are_skipped_and_counted():
    iv = bootstrap_mean([1.0, None, 0.0, None])
    assert iv.n == 2 and iv.mean == 0.5
    assert bootstrap_mean([None, None]).mean is None


def test_paired_bootstrap_verdicts():
    ids = [f"a{i}" for i in range(30)]
    base = dict(zip(ids, _values(30), strict=True))
    worse = {k: v - 0.2 for k, v in base.items()}
    noisy = {k: v + (0.01 if i % 2 else -0.01) for i, (k, v) in enumerate(base.items())}
    assert paired_bootstrap("f1", "higher", base, worse).verdict == "regression"
    assert paired_bootstrap("f1", "higher", worse, base).verdict == "improvement"
    assert paired_bootstrap("latency", "lower", worse, base).verdict == "regression"
    assert paired_bootstrap("f1", "higher", base, noisy).verdict == "no change"
    assert paired_bootstrap("words", None, base, worse).verdict == "n/a"
    # pairing is by id: articles only in one run are ignored
    partial = {k: v for k, v in list(worse.items())[:10]}
    assert paired_bootstrap("f1", "higher", base, partial).n == 10
