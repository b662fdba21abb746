"""Text measures for evaluation: an Arabic-preserving tokenizer, ROUGE-N/L, chrF++, numbers, names.

ROUGE is written here on token lists because the stock `rouge-score` tokenizer keeps only ``[a-z0-9]``
and turns every Arabic summary into zero tokens (so every Arabic pair scores 0; a test shows it).
Our tokenizer folds the text first (`toolkit.arabic.fold_text`: diacritics, hamza/alef variants,
ta marbuta, digit scripts), lower-cases it, drops punctuation and splits letter runs from digit runs
— the same splitting rule as the XL-Sum `multilingual_rouge` scorer (pyonmttok "aggressive"), which a
test checks against on 40 real article/summary pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from toolkit.arabic import fold_text, has_arabic, normalize_digits

# A token is a run of letters (any script, combining marks included) or a run of digits.
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_WORD_RE = re.compile(r"\S+")


def tokenize(text: str) -> list[str]:
    """Split text into ROUGE tokens: folded, lower-cased letter runs and digit runs.

    Args:
        text: Arabic or English text.

    Returns:
        The tokens; punctuation is dropped, Arabic letters are kept.
    """
    return _TOKEN_RE.findall(fold_text(text).casefold())


def count_words(text: str | None) -> int:
    """Count whitespace-separated words.

    Args:
        text: Any text, or None.

    Returns:
        The number of words (0 for None).
    """
    return len(_WORD_RE.findall(text)) if text else 0


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: int, n_pred: int, n_ref: int) -> float:
    if overlap == 0 or n_pred == 0 or n_ref == 0:
        return 0.0
    precision, recall = overlap / n_pred, overlap / n_ref
    return 2 * precision * recall / (precision + recall)


def rouge_n(pred: list[str], ref: list[str], n: int) -> float:
    """ROUGE-N F1: clipped n-gram overlap between prediction and reference tokens.

    Args:
        pred: Prediction tokens.
        ref: Reference tokens.
        n: The n-gram order.

    Returns:
        F1 of n-gram precision and recall, in [0, 1]; 0.0 when either side has no n-grams.
    """
    p, r = _ngrams(pred, n), _ngrams(ref, n)
    overlap = sum((p & r).values())
    return _f1(overlap, sum(p.values()), sum(r.values()))


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two token lists (O(len(a)·len(b)) DP, one row).

    The reference implementation: `rouge_l` uses rapidfuzz's bit-parallel LCS, and a test checks
    that both agree.

    Args:
        a: First token list.
        b: Second token list.

    Returns:
        The LCS length.
    """
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _lcs_fast(a: list[str], b: list[str]) -> int:
    # rapidfuzz's LCSseq works on any sequences of hashables, in C (bit-parallel).
    return int(LCSseq.similarity(a, b)) if a and b else 0


def rouge_l(pred: list[str], ref: list[str]) -> float:
    """ROUGE-L F1: longest-common-subsequence precision and recall (summary treated as one sequence).

    Args:
        pred: Prediction tokens.
        ref: Reference tokens.

    Returns:
        F1 in [0, 1].
    """
    return _f1(_lcs_fast(pred, ref), len(pred), len(ref))


def rouge_scores(pred: str, ref: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of two texts with the Arabic-preserving tokenizer.

    Args:
        pred: The predicted summary.
        ref: The reference summary.

    Returns:
        ``{"rouge1": .., "rouge2": .., "rougeL": ..}``.
    """
    p, r = tokenize(pred), tokenize(ref)
    return {"rouge1": rouge_n(p, r, 1), "rouge2": rouge_n(p, r, 2), "rougeL": rouge_l(p, r)}


@lru_cache(maxsize=1)
def _chrf() -> object:
    from sacrebleu.metrics.chrf import CHRF

    return CHRF(word_order=2)


def chrf_pp(pred: str, ref: str) -> float:
    """chrF++ (sacrebleu ``CHRF(word_order=2)`` sentence score) on folded text, scaled to [0, 1].

    Args:
        pred: The predicted summary.
        ref: The reference summary.

    Returns:
        chrF++ / 100.
    """
    metric = _chrf()
    score = metric.sentence_score(fold_text(pred), [fold_text(ref)])  # type: ignore[attr-defined]
    return float(score.score) / 100.0


# --- numbers ------------------------------------------------------------------------------------

# Separators: ٫ is the Arabic decimal point, ٬ the Arabic thousands separator.
_SEPARATORS = str.maketrans({"٫": ".", "٬": ","})
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _canonical_number(raw: str) -> str:
    if _THOUSANDS_RE.match(raw):
        raw = raw.replace(",", "")
    if "." in raw and "," not in raw:
        whole, _, frac = raw.partition(".")
        frac = frac.rstrip("0")
        raw = f"{whole}.{frac}" if frac else whole
    return raw.lstrip("0") or "0"


def extract_numbers(text: str | None) -> list[str]:
    """Numbers in a text, canonicalized so that the same value compares equal across scripts.

    Arabic-Indic and Persian digits become ASCII; ٫ is a decimal point and ٬ (or ``,`` in a
    ``1,234`` pattern) a thousands separator; trailing decimal zeros and leading zeros go; a ``%``
    or ``٪`` sign is ignored (61% and ٦١٪ are both ``61``).

    Args:
        text: Any text, or None.

    Returns:
        The canonical numbers in order of appearance (with repeats).
    """
    if not text:
        return []
    norm = normalize_digits(text).translate(_SEPARATORS)
    return [_canonical_number(m.group().rstrip(".,")) for m in _NUMBER_RE.finditer(norm)]


# Scale words after a number: "400 ألف" is 400,000 and "120 million" is 120,000,000 (folded forms).
_SCALES = {
    "الف": 3,
    "الاف": 3,
    "thousand": 3,
    "مليون": 6,
    "ملايين": 6,
    "million": 6,
    "مليار": 9,
    "مليارات": 9,
    "billion": 9,
    "بليون": 9,
}
_SCALED_RE = re.compile(r"(\d+(?:[.,]\d+)*)\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")\b")

# Arabic cardinal words 3-10 (folded, ة→ه), optionally with a clitic و/ب/ل: articles often spell small
# numbers out ("بثلاثة أهداف") where a summary writes digits.
_NUMBER_WORDS = {
    "ثلاث": "3",
    "ثلاثه": "3",
    "اربع": "4",
    "اربعه": "4",
    "خمس": "5",
    "خمسه": "5",
    "ست": "6",
    "سته": "6",
    "سبع": "7",
    "سبعه": "7",
    "ثماني": "8",
    "ثمانيه": "8",
    "ثمان": "8",
    "تسع": "9",
    "تسعه": "9",
    "عشر": "10",
    "عشره": "10",
}
_NUMBER_WORD_RE = re.compile(
    r"(?<!\w)[وبل]?(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?!\w)"
)

#: Numbers a summary may always write: Arabic expresses one and two through the singular and dual
#: noun ("مقابل هدف" = one goal, "نقطتين" = two points), which no digit matcher can see.
IMPLICIT_NUMBERS = frozenset({"1", "2"})


def _scaled(raw: str, zeros: int) -> str:
    value = float(raw.replace(",", "")) * 10**zeros
    return _canonical_number(f"{value:.6f}")


def source_numbers(text: str) -> set[str]:
    """Every number an article supports: its written numbers, their scaled values ("400 ألف" also
    gives 400000), and Arabic number words three to ten.

    Args:
        text: The article.

    Returns:
        Canonical numbers (see `extract_numbers`).
    """
    found = set(extract_numbers(text))
    folded = fold_for_search(text)
    for m in _SCALED_RE.finditer(folded):
        found.add(_scaled(_canonical_number(m.group(1)), _SCALES[m.group(2)]))
    found.update(_NUMBER_WORDS[m.group(1)] for m in _NUMBER_WORD_RE.finditer(folded))
    return found


def summary_numbers(text: str | None) -> list[tuple[str, str | None]]:
    """The numbers a summary writes, each with its scaled value when a scale word follows.

    Args:
        text: A summary, or None.

    Returns:
        ``(canonical, scaled or None)`` per number, in order.
    """
    if not text:
        return []
    folded = fold_for_search(text)
    scaled = {
        m.start(1): _scaled(_canonical_number(m.group(1)), _SCALES[m.group(2)])
        for m in _SCALED_RE.finditer(folded)
    }
    return [
        (_canonical_number(m.group().rstrip(".,")), scaled.get(m.start()))
        for m in _NUMBER_RE.finditer(folded)
    ]


def number_supported(number: tuple[str, str | None], source: set[str]) -> bool:
    """Tell whether a summary number is supported by the article's numbers.

    Args:
        number: ``(canonical, scaled)`` from `summary_numbers`.
        source: From `source_numbers`.

    Returns:
        True when its written or scaled value occurs in the source, or it is an implicit number.
    """
    raw, scaled = number
    return raw in IMPLICIT_NUMBERS or raw in source or (scaled is not None and scaled in source)


def contains_term(haystack_folded: str, term: str) -> bool:
    """Tell whether a key-fact term occurs in already-folded text (folded + digits normalized).

    A purely numeric term must stand alone (no digit right before or after it), so ``94`` does not
    match inside ``1945``; other terms match as substrings, so Arabic clitics (و، ب، ال) don't hide them.

    Args:
        haystack_folded: Text passed through `fold_for_search`.
        term: The term as written in the label.

    Returns:
        True when the term occurs.
    """
    needle = fold_for_search(term).strip()
    if not needle:
        return False
    if needle.replace(".", "").replace(",", "").isdigit():
        return re.search(rf"(?<!\d){re.escape(needle)}(?!\d)", haystack_folded) is not None
    return needle in haystack_folded


def fold_for_search(text: str) -> str:
    """Fold Arabic, normalize digits and separators, and lower-case, for substring search.

    Args:
        text: Any text.

    Returns:
        The searchable form.
    """
    return fold_text(normalize_digits(text).translate(_SEPARATORS)).casefold()


# --- names --------------------------------------------------------------------------------------

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
    return " ".join(fold_text(name).casefold().split())


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


@lru_cache(maxsize=65536)
def tier_of(pred: NameForms, gold: NameForms) -> str | None:
    """The tier at which predicted forms match gold forms (see `name_tier`), or None."""
    if pred.en & gold.en:
        return "exact"
    if pred.bare_ar & gold.bare_ar:
        return "arabic"
    if pred.keys & gold.keys:
        return "skeleton"
    if name_score(pred, gold) >= NAME_FUZZY_THRESHOLD:
        return "fuzzy"
    return None


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


def _folded_forms(names: list[str]) -> list[str]:
    return [f for f in (fold_name(n) for n in names if n) if f]


@lru_cache(maxsize=65536)
def _arabic_name(name: str) -> bool:
    return has_arabic(name)


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


def clear_caches() -> None:
    """Empty the name caches (benchmarks use it to time every case cold)."""
    for fn in (fold_name, skeleton, name_forms, tier_of, name_score, _arabic_name):
        fn.cache_clear()
