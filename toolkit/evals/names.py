"""Name matching for speakers and entities: folding, transliteration skeletons, alias tiers.

Prediction-side forms are cached by content (the same speakers recur across claims); gold alias
tables go through `reference_name_forms`, a separate reference cache (see `toolkit.evals.caches`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from toolkit.arabic import has_arabic
from toolkit.evals import caches

_ARTICLE_RE = re.compile(r"(?:(?<=\s)|^)(?:ال|al-|el-|al |el )")
_SKELETON_DROP_RE = re.compile(r"[\W_aeiouyاوي]+")
_DOUBLE_RE = re.compile(r"(.)\1+")

#: Minimum rapidfuzz ``ratio`` (0-100) on folded, lower-cased names for the last-resort fuzzy tier.
NAME_FUZZY_THRESHOLD = 90.0

NAME_TIERS: tuple[str, ...] = ("exact", "arabic", "skeleton", "fuzzy")
"""Alias tiers in the order they are tried (see `name_tier`)."""


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """Fold a name for comparison: Arabic folding, lower case, single spaces.

    Args:
        name: A name in Arabic or Latin script.

    Returns:
        The folded name.
    """
    return " ".join(caches.folded(name).casefold().split())


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """A transliteration-proof key: folded, no article (ال / al- / el-), no spaces or punctuation,
    no vowel letters (a e i o u y, ا و ي), doubled letters collapsed.

    ``Laila al-Husseini`` and ``Leila Al Husaini`` both give ``lhsn``; ``الحسيني`` and ``حسيني``
    both give ``حسن``.

    Args:
        name: A name in any script.

    Returns:
        The skeleton key (may be empty for very short names).
    """
    folded = fold_name(name)
    key = _SKELETON_DROP_RE.sub("", _ARTICLE_RE.sub("", folded))
    return _DOUBLE_RE.sub(r"\1", key)  # Husseini / Husaini: doubled letters are a spelling choice


@dataclass(frozen=True)
class NameForms:
    """Every comparable form of one name (its Arabic and other-script spellings), folded once.

    Attributes:
        en: Folded other-script forms.
        bare_ar: Folded Arabic forms, each with and without the article ال.
        keys: `skeleton` keys of at least 3 characters.
        all: Every folded form, for the fuzzy tier.
    """

    en: frozenset[str]
    bare_ar: frozenset[str]
    keys: frozenset[str]
    all: tuple[str, ...]


@lru_cache(maxsize=65536)
def name_forms(arabic: tuple[str, ...], other: tuple[str, ...]) -> NameForms:
    """Fold a name's forms once (cached: the same speakers recur across claims and runs).

    Args:
        arabic: Arabic-script forms.
        other: Other-script forms.

    Returns:
        The forms.
    """
    f_ar, f_en = _folded_forms(list(arabic)), _folded_forms(list(other))
    bare = {_ARTICLE_RE.sub("", f) for f in f_ar} | set(f_ar)
    keys = {k for k in (skeleton(f) for f in f_ar + f_en) if len(k) >= 3}
    return NameForms(frozenset(f_en), frozenset(bare), frozenset(keys), tuple(f_ar + f_en))


def _set_tier(pred: NameForms, gold: NameForms) -> str | None:
    if pred.en & gold.en:
        return "exact"
    if pred.bare_ar & gold.bare_ar:
        return "arabic"
    if pred.keys & gold.keys:
        return "skeleton"
    return None


@lru_cache(maxsize=65536)
def tier_of(pred: NameForms, gold: NameForms) -> str | None:
    """The tier at which predicted forms match gold forms (see `name_tier`), or None."""
    tier = _set_tier(pred, gold)
    if tier is None and name_score(pred, gold) >= NAME_FUZZY_THRESHOLD:
        return "fuzzy"
    return tier


def tier_with_score(pred: NameForms, gold: NameForms, score: float) -> str | None:
    """`tier_of` when the pair's `name_score` is already known (e.g. from `name_score_matrix`).

    Args:
        pred: Predicted forms.
        gold: Gold forms.
        score: ``name_score(pred, gold)``.

    Returns:
        The tier name, or None.
    """
    tier = _set_tier(pred, gold)
    if tier is None and score >= NAME_FUZZY_THRESHOLD:
        return "fuzzy"
    return tier


def name_tier(pred_ar: list[str], pred_en: list[str], gold_ar: list[str], gold_en: list[str]) -> str | None:
    """Decide whether a predicted name refers to a gold name, and by which tier.

    Tiers, tried in order:

    - ``exact``: a predicted English/Latin form equals a gold English alias after `fold_name`;
    - ``arabic``: a predicted Arabic form equals a gold Arabic form (name_ar or an Arabic alias) after
      folding, with or without the article ال;
    - ``skeleton``: `skeleton` keys (at least 3 characters) of any predicted and any gold form are
      equal: transliteration variants (Husseini / Husaini) and spelling variants;
    - ``fuzzy``: rapidfuzz ``ratio`` ≥ `NAME_FUZZY_THRESHOLD` between any predicted and any gold form.

    Args:
        pred_ar: Predicted Arabic-script forms.
        pred_en: Predicted forms in other scripts (English name, Latin aliases).
        gold_ar: Gold Arabic-script forms.
        gold_en: Gold forms in other scripts.

    Returns:
        The tier name, or None when the names do not match.
    """
    return tier_of(name_forms(tuple(pred_ar), tuple(pred_en)), name_forms(tuple(gold_ar), tuple(gold_en)))


TIER_RANK = {"exact": 0, "arabic": 0, "skeleton": 1, "fuzzy": 2}
"""Strength of each tier (lower is stronger); exact and arabic are equally strong."""


@lru_cache(maxsize=65536)
def name_score(pred: NameForms, gold: NameForms) -> float:
    """Best rapidfuzz ``ratio`` between any predicted and any gold form, to break ties.

    Args:
        pred: Predicted forms.
        gold: Gold forms.

    Returns:
        The best ratio in [0, 100].
    """
    if not pred.all or not gold.all:
        return 0.0
    return float(process.cdist(pred.all, gold.all, scorer=fuzz.ratio).max())


def name_score_matrix(preds: Sequence[NameForms], golds: Sequence[NameForms]) -> np.ndarray:
    """`name_score` of every (predicted, gold) pair, from one rapidfuzz ``cdist`` call.

    The same scorer on the same strings with the same float32 output as `name_score`, and the max of
    each pair's block of that matrix, so every value equals ``name_score(preds[i], golds[j])``
    exactly (a test checks it); one C call replaces one call per pair.

    Args:
        preds: Predicted forms.
        golds: Gold forms.

    Returns:
        A ``len(preds) × len(golds)`` float matrix (0.0 where either side has no form).
    """
    out = np.zeros((len(preds), len(golds)))
    rows_of = [i for i, p in enumerate(preds) if p.all]
    cols_of = [j for j, g in enumerate(golds) if g.all]
    if not rows_of or not cols_of:
        return out
    p_strings = list(dict.fromkeys(f for i in rows_of for f in preds[i].all))
    g_strings = list(dict.fromkeys(f for j in cols_of for f in golds[j].all))
    scores = process.cdist(p_strings, g_strings, scorer=fuzz.ratio)
    p_pos = {f: k for k, f in enumerate(p_strings)}
    g_pos = {f: k for k, f in enumerate(g_strings)}
    rows = [p_pos[f] for i in rows_of for f in preds[i].all]
    cols = [g_pos[f] for j in cols_of for f in golds[j].all]
    row_starts = np.cumsum([0] + [len(preds[i].all) for i in rows_of[:-1]])
    col_starts = np.cumsum([0] + [len(golds[j].all) for j in cols_of[:-1]])
    expanded = scores[np.ix_(rows, cols)]
    blocks = np.maximum.reduceat(np.maximum.reduceat(expanded, row_starts, axis=0), col_starts, axis=1)
    out[np.ix_(rows_of, cols_of)] = blocks
    return out


def _folded_forms(names: list[str]) -> list[str]:
    return [f for f in (fold_name(n) for n in names if n) if f]


def _is_arabic(name: str) -> bool:
    return not name.isascii() and has_arabic(name)  # Arabic letters are never ASCII: skip the scan


@lru_cache(maxsize=65536)
def _arabic_name(name: str) -> bool:
    return _is_arabic(name)


def split_scripts(names: list[str | None]) -> tuple[list[str], list[str]]:
    """Split names into (Arabic-script, other-script) lists, dropping empty ones.

    Args:
        names: Names in any script, or None.

    Returns:
        ``(arabic, other)``.
    """
    arabic = [n for n in names if n and _arabic_name(n)]
    other = [n for n in names if n and n.strip() and not _arabic_name(n)]
    return arabic, other


@lru_cache(maxsize=65536)
def reference_name_forms(arabic: tuple[str, ...], other: tuple[str, ...]) -> NameForms:
    """`name_forms` of a *gold* name (a speaker's or entity's alias table), in the reference cache.

    The same value as `name_forms`; it lives in its own cache so that `clear_caches` can empty the
    prediction-side name caches (benchmarks time each case cold) while the gold alias tables, which
    every prediction of a seed is compared with, are derived once.

    Args:
        arabic: Arabic-script forms.
        other: Other-script forms.

    Returns:
        The forms.
    """
    return name_forms(arabic, other)


def split_reference_scripts(names: list[str | None]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`split_scripts` for gold names, through a reference cache (see `reference_name_forms`).

    Args:
        names: Gold names in any script, or None.

    Returns:
        ``(arabic, other)`` as tuples.
    """
    return _split_reference(tuple(names))


@lru_cache(maxsize=65536)
def _split_reference(names: tuple[str | None, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    arabic = tuple(n for n in names if n and _is_arabic(n))
    other = tuple(n for n in names if n and n.strip() and not _is_arabic(n))
    return arabic, other


for _clear in (fold_name, skeleton, name_forms, tier_of, name_score, _arabic_name):
    caches.register(_clear.cache_clear, reference=False)
caches.register(reference_name_forms.cache_clear, reference=True)
caches.register(_split_reference.cache_clear, reference=True)
