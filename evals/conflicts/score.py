"""Precision and recall of the store's conflict rules on hand-labelled pairs (evals/conflicts/pairs.jsonl).

    python evals/conflicts/score.py            # prints one table per split (dev, test)

Each pair is two one-claim articles we wrote (not from any external source): (speaker, kind,
evidence, date, entities). The pair goes through a real store (SQLite in memory): both articles are
added and `store.conflicts()` says which rules flagged them. `label` is the rule that *should* flag
the pair, or "none" for a hard negative (a near miss each rule must not flag). Rules were tuned on
`dev` only; `test` was written before the last tuning pass and is reported separately.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from toolkit.schema import Briefing, Claim, Entity, Evidence, Meta, Speaker, TextSpan  # noqa: E402
from toolkit.store import ClaimStore  # noqa: E402

PAIRS = Path(__file__).with_name("pairs.jsonl")
RULES = ("quantity", "denial", "stance")


def _article(side: list[object], sid: str) -> tuple[str, Briefing, str]:
    speaker, kind, evidence, day, entities = side
    assert isinstance(speaker, str) and isinstance(evidence, str) and isinstance(entities, list)
    head = f"وقال {speaker} إن "
    text = f"{head}{evidence}."
    claim = Claim(
        id="c1",
        kind=kind,  # type: ignore[arg-type]
        claim_ar=evidence,
        speaker=Speaker(name_ar=speaker, mention=TextSpan(start=5, end=5 + len(speaker), text=speaker)),
        evidence=Evidence(quote_ar=evidence, start=len(head), end=len(text) - 1, method="exact", score=100),
        cue=TextSpan(start=0, end=4, text="وقال"),
    )
    b = Briefing(
        source_id=sid, headline_ar=evidence, summary_ar=evidence, claims=[claim],
        entities=[Entity(name_ar=e, type="other") for e in entities],
        meta=Meta(engine="offline", toolkit_version="eval", latency_s=0.0),
    )  # fmt: skip
    return text, b, str(day)


def flagged(pair: dict[str, object]) -> set[str]:
    """The rules the store flags for one labelled pair."""
    with ClaimStore.open(":memory:") as store:
        for name in ("a", "b"):
            text, b, day = _article(pair[name], f"{pair['id']}-{name}")  # type: ignore[arg-type]
            store.add_briefing(b, text, source_id=b.source_id, published=day)
        return {p.rule for p in store.conflicts()}


def score(split: str) -> dict[str, dict[str, float | int | None]]:
    """Per rule: pairs flagged, correct flags, labelled positives, precision and recall."""
    counts: Counter[tuple[str, str]] = Counter()
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["split"] != split:
            continue
        got = flagged(pair)
        for rule in RULES:
            counts[(rule, "flagged")] += rule in got
            counts[(rule, "correct")] += rule in got and pair["label"] == rule
            counts[(rule, "positives")] += pair["label"] == rule
    out: dict[str, dict[str, float | int | None]] = {}
    for rule in RULES:
        f, c, p = counts[(rule, "flagged")], counts[(rule, "correct")], counts[(rule, "positives")]
        out[rule] = {
            "flagged": f, "correct": c, "positives": p,
            "precision": c / f if f else None, "recall": c / p if p else None,
        }  # fmt: skip
    return out


def main() -> None:
    for split in ("dev", "test"):
        print(
            f"\n{split}:\n| rule | flagged | correct | labelled | precision | recall |\n"
            "|---|---|---|---|---|---|"
        )
        for rule, row in score(split).items():
            prec = "n/a" if row["precision"] is None else f"{row['precision']:.2f}"
            rec = "n/a" if row["recall"] is None else f"{row['recall']:.2f}"
            print(f"| {rule} | {row['flagged']} | {row['correct']} | {row['positives']} | {prec} | {rec} |")


if __name__ == "__main__":
    main()
