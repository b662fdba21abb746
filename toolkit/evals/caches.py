"""Caches of the scoring code, split by what they derive from, and one switch to empty them.

*Reference* caches hold values derived only from references (reference summaries' tokens and n-gram
counts, sacrebleu's chrF++ reference n-grams, an article's numbers and word count, folded key-fact
terms, gold alias tables, per-label claim spans and speaker forms). They are keyed by the reference
text (or the label object) and are the same for every prediction scored against that reference, so an
eval of many models, or many repeats, over the same seeds derives them once.

*Prediction* caches hold values derived from predicted names (folded forms, tiers, similarities). They
are content-keyed, so they never change a value, but a benchmark empties them before every case so
that each case's prediction is scored cold.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from toolkit.arabic import fold_text

_PREDICTION: list[Callable[[], None]] = []
_REFERENCE: list[Callable[[], None]] = []


def register(clear: Callable[[], None], *, reference: bool) -> None:
    """Register a cache so that `clear_caches` can empty it.

    Args:
        clear: A function that empties the cache (e.g. an ``lru_cache``'s ``cache_clear``).
        reference: True for a reference-derived cache, False for a prediction-derived one.
    """
    (_REFERENCE if reference else _PREDICTION).append(clear)


@lru_cache(maxsize=16384)
def folded(text: str) -> str:
    """`toolkit.arabic.fold_text`, once per text: a case's summary feeds ROUGE, chrF++ and the names
    and evidence quotes feed several evaluators, and folding is a good share of scoring's CPU.

    Args:
        text: Any text.

    Returns:
        The folded text (the same value as ``fold_text(text)``).
    """
    return fold_text(text)


def clear_caches(*, references: bool = False) -> None:
    """Empty the prediction caches, and with ``references=True`` the reference caches too.

    Benchmarks call ``clear_caches()`` before every case so that a repeated seed's prediction is
    scored cold (nothing learnt from its previous copy), and ``clear_caches(references=True)`` before
    each timed run so that deriving every reference's data once is part of the time.

    Args:
        references: Also empty the reference-derived caches.
    """
    for clear in _PREDICTION:
        clear()
    if references:
        for clear in _REFERENCE:
            clear()


register(folded.cache_clear, reference=False)
