"""How fast is scoring? Score 1,000 cases (the seeds' gold briefings, repeated) and print a table.

    python benchmarks/scoring.py [N]

Scoring only: no engine runs. The gold briefings carry every claim, entity and summary, so every
evaluator does its full work (Hungarian matching, alias tiers, ROUGE, chrF++, numbers). Target: < 10 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a source checkout without installing

from toolkit.evals.cases import EvalCase, gold_predictions  # noqa: E402
from toolkit.evals.evaluators import default_evaluators, directions, score_case  # noqa: E402
from toolkit.evals.stats import bootstrap_mean  # noqa: E402
from toolkit.evals.suite import Suite, _seed_sources, load_references  # noqa: E402
from toolkit.evals.text import clear_caches  # noqa: E402


def main(n: int = 1000) -> None:
    """Score n cases and print timings per stage and per evaluator."""
    refs = load_references(Suite("bench", "seeds", _seed_sources("seeds/*", REPO)))
    preds = gold_predictions(refs)
    cases = [EvalCase(refs[i % len(refs)], preds[i % len(preds)]) for i in range(n)]
    rows: list[tuple[str, float]] = []
    evs = default_evaluators()
    for ev in evs:  # per evaluator, on fresh case objects so no per-case cache is shared
        fresh = [EvalCase(c.ref, c.pred) for c in cases]
        t = time.perf_counter()
        for c in fresh:
            clear_caches()  # cold: a repeated seed must not hit the name caches of its previous copy
            ev.evaluate(c)
        rows.append((f"  {ev.name}", time.perf_counter() - t))
    t0 = time.perf_counter()
    scores = []
    for c in cases:
        clear_caches()
        scores.append(score_case(c, evs))
    dirs = directions(evs)
    t_score = time.perf_counter() - t0
    t1 = time.perf_counter()
    for m in dirs:
        bootstrap_mean([s.get(m) for s in scores])
    t_boot = time.perf_counter() - t1
    total = t_score + t_boot
    n_claims = sum(len(p.briefing.claims) for p in preds if p.briefing)
    print(
        f"scoring {n} cases ({len(refs)} seeds repeated, {n_claims} claims per pass; name caches cleared "
        "per case; claims/speaker/kind rows each include the claim matching)\n"
    )
    print(f"{'stage':<28}{'seconds':>10}{'cases/s':>12}")
    print("-" * 50)
    for name, sec in rows:
        print(f"{name:<28}{sec:>10.3f}{n / sec if sec else float('inf'):>12.0f}")
    print(f"{'all evaluators':<28}{t_score:>10.3f}{n / t_score:>12.0f}")
    print(f"{f'bootstrap ({len(dirs)} metrics)':<28}{t_boot:>10.3f}{'':>12}")
    print(f"{'total':<28}{total:>10.3f}{n / total:>12.0f}")
    print(f"\ntarget < 10 s: {'met' if total < 10 else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
