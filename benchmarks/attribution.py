"""How well the toolkit finds who and said on its own: speaker mentions and cues vs the gold labels.

For every labeled claim, the toolkit's attribution step (`toolkit.attribution.Attributor`) is given
what a model would give — the gold speaker's name (and the article's gold entities as aliases) and
the gold evidence span — but no producer spans, and its mention and cue are compared with the gold
ones: exact (same offsets) and overlapping (they share a character). Prints one row per label set
and the time per claim.

    python benchmarks/attribution.py                      # seeds/ (test) and seeds/dev/ (development)
    python benchmarks/attribution.py --show seeds/dev     # also list every disagreement

The seeds' mention and cue labels were made by reviewing this step's proposals, so their row is
in-sample by construction; the dev set was labeled independently.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from toolkit.arabic import split_sentences
from toolkit.attribution import Attributor
from toolkit.evals.seeds import load_seeds
from toolkit.grounding import Span
from toolkit.schema import LabelSpan

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class _Proposal:
    speaker_ar: str
    claim_ar: str = ""
    claim_en: str | None = None
    cue_ar: str | None = None
    mention_hint: tuple[int, int] | None = None
    cue_hint: tuple[int, int] | None = None
    unresolved: bool = False


@dataclass
class _Alias:
    name_ar: str
    name_en: str | None
    aliases: list[str]
    type: str


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def _pair(span: LabelSpan | None) -> tuple[int, int]:
    assert span is not None, "every labeled claim has a mention and a cue (khulasa seeds check)"
    return span.start, span.end


def run(root: Path, show: bool) -> tuple[int, list[int], float]:
    """Score one label set; returns (claims, [mention exact, overlap, cue exact, overlap], seconds)."""
    counts, n, seconds = [0, 0, 0, 0], 0, 0.0
    for seed in load_seeds(root):
        article, label = seed.article, seed.label
        sentences = split_sentences(article)
        aliases = [_Alias(e.name_ar, e.name_en, e.aliases, e.type) for e in label.entities]
        aliases += [_Alias(c.speaker.name_ar, None, c.speaker.aliases_ar, "") for c in label.claims]
        items = []
        for c in label.claims:
            ev = c.evidence
            sids = tuple(s.id for s in sentences if s.start < ev.end and ev.start < s.end)
            items.append((_Proposal(c.speaker.name_ar), Span(ev.start, ev.end, "exact", 100.0, sids)))
        t0 = time.perf_counter()
        results = Attributor(article, sentences, aliases).attribute(items)
        seconds += time.perf_counter() - t0
        for c, r in zip(label.claims, results, strict=True):
            n += 1
            gold_m, gold_c = _pair(c.speaker.mention), _pair(c.cue)
            got_m = (r.mention.start, r.mention.end) if r.mention else None
            got_c = (r.cue.start, r.cue.end) if r.cue else None
            hits = [got_m == gold_m, _overlaps(got_m, gold_m), got_c == gold_c, _overlaps(got_c, gold_c)]
            counts = [a + int(b) for a, b in zip(counts, hits, strict=True)]
            if show and not (hits[0] and hits[2]):
                print(f"  {seed.id} {c.id}: mention {r.mention and r.mention.text!r} vs "
                      f"{c.speaker.mention and c.speaker.mention.text!r}; cue {r.cue and r.cue.text!r} vs "
                      f"{c.cue and c.cue.text!r}")
    return n, counts, seconds


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[ROOT / "seeds", ROOT / "seeds" / "dev"])
    parser.add_argument("--show", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    print("| labels | claims | mention exact | mention overlap | cue exact | cue overlap | ms/claim |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for root in args.roots:
        n, (m, mo, c, co), seconds = run(root, args.show)
        name = root.resolve().relative_to(ROOT) if root.resolve().is_relative_to(ROOT) else root
        print(f"| {name} | {n} | {m / n:.3f} | {mo / n:.3f} | {c / n:.3f} | {co / n:.3f} | "
              f"{1000 * seconds / n:.2f} |")


if __name__ == "__main__":
    main()
