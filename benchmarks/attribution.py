"""How well the toolkit finds who and said on its own: speaker mentions and cues vs the gold labels.

For every labeled claim, the toolkit's attribution step (`toolkit.attribution.Attributor`) is given
what a model would give — the gold speaker's name (and the article's gold entities as aliases) and
the gold evidence span — but no producer spans, and its mention and cue are compared with the gold
ones: exact (same offsets) and overlapping (they share a character). Prints one row per label set
and the time per claim.

    python benchmarks/attribution.py                      # seeds/ (test) and seeds/dev/ (development)
    python benchmarks/attribution.py --show seeds/dev     # also list every disagreement

A second table checks the rules that question the speaker: on the gold claims (right speakers) every
other_subject flag is a false alarm and every no_cue drop a lost claim; then each claim's speaker is
swapped for another speaker of the same article (a wrong speaker next to a real quote, the worst
error) and the share of those the toolkit questions (other_subject, too_far, or dropped) is its
detection rate.

The seeds' mention and cue labels were made by reviewing this step's proposals, so their row is
in-sample by construction; the dev set was labeled independently.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from toolkit.arabic import Sentence, split_sentences
from toolkit.attribution import Attributor, same_speaker
from toolkit.evals.seeds import Seed, load_seeds
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


def _gold(seed: Seed) -> tuple[list[Sentence], list[_Alias], list[Span]]:
    """The seed's sentences, its gold entities and speakers as aliases, and its gold evidence spans."""
    label, sentences = seed.label, split_sentences(seed.article)
    aliases = [_Alias(e.name_ar, e.name_en, e.aliases, e.type) for e in label.entities]
    aliases += [_Alias(c.speaker.name_ar, None, c.speaker.aliases_ar, "") for c in label.claims]
    spans = []
    for c in label.claims:
        ev = c.evidence
        sids = tuple(s.id for s in sentences if s.start < ev.end and ev.start < s.end)
        spans.append(Span(ev.start, ev.end, "exact", 100.0, sids))
    return sentences, aliases, spans


def run(root: Path, show: bool) -> tuple[int, list[int], float]:
    """Score one label set; returns (claims, [mention exact, overlap, cue exact, overlap], seconds)."""
    counts, n, seconds = [0, 0, 0, 0], 0, 0.0
    for seed in load_seeds(root):
        article, label = seed.article, seed.label
        sentences, aliases, spans = _gold(seed)
        items = [(_Proposal(c.speaker.name_ar), sp) for c, sp in zip(label.claims, spans, strict=True)]
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


def _flags(root: Path, show: bool) -> tuple[int, int, int, int, int, int]:
    """(gold claims, gold other_subject, gold no_cue, swapped claims, questioned by too_far or a drop
    alone, questioned with other_subject too)."""
    n = fp_subject = fp_cue = swapped = caught = before = 0
    for seed in load_seeds(root):
        article, label = seed.article, seed.label
        sentences, aliases, spans = _gold(seed)
        gold = [(_Proposal(c.speaker.name_ar), sp) for c, sp in zip(label.claims, spans, strict=True)]
        for c, r in zip(label.claims, Attributor(article, sentences, aliases).attribute(gold), strict=True):
            n += 1
            fp_subject += "other_subject" in r.attribution.flags
            fp_cue += r.rule == "no_cue"
            if show and "other_subject" in r.attribution.flags:
                print(f"  false alarm {seed.id} {c.id}: {c.speaker.name_ar} / {r.attribution.cue_subject}")
        names = list(dict.fromkeys(c.speaker.name_ar for c in label.claims))
        for c, sp in zip(label.claims, spans, strict=True):
            for other in names:
                if other == c.speaker.name_ar or same_speaker(other, c.speaker.name_ar):
                    continue
                [r] = Attributor(article, sentences, aliases).attribute([(_Proposal(other), sp)])
                swapped += 1
                old = r.rule is not None or "too_far" in r.attribution.flags
                before += old
                caught += old or "other_subject" in r.attribution.flags
    return n, fp_subject, fp_cue, swapped, before, caught


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
    print()
    print("| labels | gold claims | other_subject on gold | no_cue drops on gold | wrong speakers | "
          "questioned by too_far / a drop | with other_subject |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for root in args.roots:
        n, fps, fpc, swapped, before, caught = _flags(root, args.show)
        name = root.resolve().relative_to(ROOT) if root.resolve().is_relative_to(ROOT) else root
        print(f"| {name} | {n} | {fps} ({fps / n:.3f}) | {fpc} ({fpc / n:.3f}) | {swapped} | "
              f"{before} ({before / max(swapped, 1):.3f}) | {caught} ({caught / max(swapped, 1):.3f}) |")


if __name__ == "__main__":
    main()
