"""Speaker precision of the offline engine pooled over claims (not averaged over articles), per set.

    python benchmarks/offline_speakers.py                      # test seeds and the whole dev set
    python benchmarks/offline_speakers.py seeds/dev --ids FILE # only the dev articles listed in FILE
    python benchmarks/offline_speakers.py seeds --show         # also list every miss

Claims are matched to the gold ones with the eval's own matching (`toolkit.evals.matching.match_claims`,
evidence-span IoU >= 0.3); a matched claim whose speaker is resolved counts right when it names the gold
speaker at some alias tier. The held-out checks in the README are this table on the articles scored before
any rule was written for them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import summarize
from toolkit.evals.cases import EvalCase, Prediction, Reference
from toolkit.evals.matching import match_claims
from toolkit.evals.seeds import load_seeds


def _score(root: str, ids: set[str] | None, show: bool) -> dict[str, int]:
    tot = dict.fromkeys(("gold", "pred", "matched", "resolved", "right", "unresolved"), 0)
    for seed in load_seeds(root):
        if ids is not None and seed.id not in ids:
            continue
        b = summarize(seed.article, model="offline")
        case = EvalCase(
            Reference(seed.id, seed.article, seed.label, seed.label.summary_ar), Prediction(seed.id, b)
        )
        m = match_claims(case)
        tot["gold"] += len(seed.label.claims)
        tot["pred"] += len(b.claims)
        tot["unresolved"] += sum(c.speaker.resolution == "unresolved" for c in b.claims)
        for (i, j, _), tier in zip(m.pairs, m.tiers, strict=True):
            tot["matched"] += 1
            claim, gold = b.claims[i], seed.label.claims[j]
            if claim.speaker.resolution == "unresolved":
                continue
            tot["resolved"] += 1
            tot["right"] += tier is not None
            if tier is None and show:
                print(
                    f"  wrong {seed.id} {gold.id}: {claim.speaker.name_ar!r} (gold {gold.speaker.name_ar!r})"
                )
    return tot


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", nargs="*", default=["seeds", "seeds/dev"])
    ap.add_argument("--ids", type=Path, help="a file of article ids (one per line) to keep")
    ap.add_argument("--show", action="store_true", help="list the wrong speakers")
    args = ap.parse_args()
    ids = set(args.ids.read_text(encoding="utf-8").split()) if args.ids else None
    head = ("set", "gold", "pred", "matched", "right/resolved", "acc", "unresolved", "rate")
    print("{:<12} {:>5} {:>5} {:>7} {:>15} {:>6} {:>11} {:>6}".format(*head))
    for root in args.roots:
        t = _score(root, ids, args.show)
        acc = t["right"] / t["resolved"] if t["resolved"] else float("nan")
        rate = t["unresolved"] / t["pred"] if t["pred"] else float("nan")
        print(
            f"{root:<12} {t['gold']:>5} {t['pred']:>5} {t['matched']:>7} {t['right']:>7}/{t['resolved']:<7} "
            f"{acc:>6.3f} {t['unresolved']:>5}/{t['pred']:<5} {rate:>6.3f}"
        )


if __name__ == "__main__":
    main()
