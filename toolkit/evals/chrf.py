"""chrF++ exactly as sacrebleu computes it, with the reference side derived once per reference text.

`chrf_pp(pred, ref)` equals ``CHRF(word_order=2).sentence_score(fold_text(pred), [fold_text(ref)])
.score / 100`` bit for bit (tests check it on hundreds of pairs). `sentence_score` re-extracts the
reference's n-grams on every call and counts matches in a Python loop over every hypothesis n-gram;
here:

- the reference's n-gram Counters come from sacrebleu's own ``_extract_reference_info`` and are kept
  in a reference cache (see `toolkit.evals.caches`), with their totals and their n-grams seen more
  than once;
- the hypothesis's n-grams are the same strings sacrebleu extracts (character 1-6-grams of the text
  without whitespace; word 1-2-grams from sacrebleu's ``_remove_punctuation`` and
  ``extract_word_ngrams``), counted for every case;
- the match count ``Σ_g min(hyp[g], ref[g])`` is computed as ``|common keys|`` plus the excess of the
  few n-grams that occur more than once in the reference (every common n-gram contributes at least
  1), with C-level set operations — the same integers as sacrebleu's ``_get_match_statistics``;
- the F-score is sacrebleu's own ``_compute_score_from_stats`` on those statistics.

If this sacrebleu lacks any of those private hooks, `chrf_pp` falls back to ``sentence_score``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from toolkit.arabic import fold_text
from toolkit.evals import caches

_HOOKS = (
    "_extract_reference_info",
    "_compute_score_from_stats",
    "_remove_punctuation",
    "_preprocess_segment",
)


@lru_cache(maxsize=1)
def _chrf() -> Any:
    from sacrebleu.metrics.chrf import CHRF

    return CHRF(word_order=2)


@lru_cache(maxsize=1)
def _word_ngrams() -> Any:
    from sacrebleu.metrics.helpers import extract_word_ngrams

    return extract_word_ngrams


@dataclass(frozen=True)
class _Reference:
    """One reference's chrF++ n-grams, per order (character 1..6, then word 1..2).

    Attributes:
        counts: sacrebleu's n-gram Counters.
        totals: Their total counts.
        repeated: The n-grams of each order that occur more than once.
    """

    counts: tuple[Counter[str], ...]
    totals: tuple[int, ...]
    repeated: tuple[frozenset[str], ...]


@lru_cache(maxsize=4096)
def _reference(ref: str) -> _Reference | None:
    # Reference cache: derived from the reference text alone, the same for every prediction.
    metric = _chrf()
    if not all(hasattr(metric, h) for h in _HOOKS) or metric.whitespace or metric.lowercase:
        return None
    info = metric._extract_reference_info([metric._preprocess_segment(fold_text(ref))])
    counts = tuple(info["ref_ngrams"][0])
    return _Reference(
        counts,
        tuple(sum(c.values()) for c in counts),
        tuple(frozenset(g for g, n in c.items() if n > 1) for c in counts),
    )


caches.register(_reference.cache_clear, reference=True)


def _hypothesis_ngrams(hyp: str, metric: Any) -> list[Counter[str]]:
    # sacrebleu's extract_all_char_ngrams (whitespace=False) and word n-grams, the same strings.
    # Order 1 counts the characters and words themselves (no slicing or joining).
    line = "".join(hyp.split())
    size = len(line)
    out: list[Counter[str]] = [Counter(line)]
    out += [Counter([line[i : i + n] for i in range(size - n + 1)]) for n in range(2, metric.char_order + 1)]
    words = metric._remove_punctuation(hyp)
    extract = _word_ngrams()
    out.append(Counter(words))
    out.extend(extract(words, n) for n in range(2, metric.word_order + 1))
    return out


def _statistics(hyp: str, ref: _Reference, metric: Any) -> list[int]:
    # [hyp count, ref count, matches] per order, as sacrebleu's _get_match_statistics returns them.
    stats: list[int] = []
    for h, r, total, repeated in zip(
        _hypothesis_ngrams(hyp, metric), ref.counts, ref.totals, ref.repeated, strict=True
    ):
        common = h.keys() & r.keys()
        matches = len(common)
        for g in common & repeated:  # ref count > 1: the match is min(hyp, ref), not 1
            matches += min(h[g], r[g]) - 1
        stats += [sum(h.values()) if r else 0, total, matches]
    return stats


def chrf_pp(pred: str, ref: str) -> float:
    """chrF++ (sacrebleu ``CHRF(word_order=2)`` sentence score) on folded text, scaled to [0, 1].

    Exactly ``CHRF(word_order=2).sentence_score(fold_text(pred), [fold_text(ref)]).score / 100``
    (see the module docstring for how the work is split; tests check equality with sacrebleu).

    Args:
        pred: The predicted summary.
        ref: The reference summary.

    Returns:
        chrF++ / 100.
    """
    metric = _chrf()
    reference = _reference(ref)
    if reference is None:
        return float(metric.sentence_score(fold_text(pred), [fold_text(ref)]).score) / 100.0
    stats = _statistics(metric._preprocess_segment(caches.folded(pred)), reference, metric)
    return float(metric._compute_score_from_stats(stats).score) / 100.0
