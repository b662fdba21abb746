"""Text measures for evaluation: an Arabic-preserving tokenizer, ROUGE-N/L, numbers; re-exports chrF++
(`toolkit.evals.chrf`) and name matching (`toolkit.evals.names`).

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
from functools import lru_cache

from rapidfuzz.distance import LCSseq

from toolkit.arabic import fold_text, normalize_digits
from toolkit.evals import caches
from toolkit.evals.caches import clear_caches
from toolkit.evals.chrf import chrf_pp
from toolkit.evals.names import (
    NAME_FUZZY_THRESHOLD,
    NAME_TIERS,
    TIER_RANK,
    NameForms,
    fold_name,
    name_forms,
    name_score,
    name_tier,
    reference_name_forms,
    skeleton,
    split_reference_scripts,
    split_scripts,
    tier_of,
)

# Name matching moved to `toolkit.evals.names`; re-exported here for existing importers.
__all__ = [
    "IMPLICIT_NUMBERS",
    "NAME_FUZZY_THRESHOLD",
    "NAME_TIERS",
    "TIER_RANK",
    "NameForms",
    "article_numbers",
    "article_words",
    "chrf_pp",
    "clear_caches",
    "contains_term",
    "count_words",
    "extract_numbers",
    "fold_for_search",
    "fold_name",
    "lcs_length",
    "name_forms",
    "name_score",
    "name_tier",
    "number_supported",
    "reference_name_forms",
    "rouge_l",
    "rouge_n",
    "rouge_scores",
    "skeleton",
    "source_numbers",
    "split_reference_scripts",
    "split_scripts",
    "summary_numbers",
    "tier_of",
    "tokenize",
]

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
    return _TOKEN_RE.findall(caches.folded(text).casefold())


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
    return _rouge_n_counts(_ngrams(pred, n), _ngrams(ref, n))


def _rouge_n_counts(p: Counter[tuple[str, ...]], r: Counter[tuple[str, ...]]) -> float:
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
    p = tokenize(pred)  # the prediction is tokenized and counted on every call
    r, r1, r2 = _reference_ngrams(ref)
    return {
        "rouge1": _rouge_n_counts(_ngrams(p, 1), r1),
        "rouge2": _rouge_n_counts(_ngrams(p, 2), r2),
        "rougeL": rouge_l(p, r),
    }


@lru_cache(maxsize=4096)
def _reference_ngrams(ref: str) -> tuple[list[str], Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    # Reference cache (see `clear_caches`): a reference summary is scored against every model's
    # prediction, so its tokens and n-gram counts are derived once per text. Callers never mutate them.
    tokens = tokenize(ref)
    return tokens, _ngrams(tokens, 1), _ngrams(tokens, 2)


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


@lru_cache(maxsize=1024)
def article_numbers(article: str) -> frozenset[str]:
    """`source_numbers` of an article, derived once per article text (a reference cache).

    Args:
        article: The article.

    Returns:
        Its canonical numbers.
    """
    return frozenset(source_numbers(article))


@lru_cache(maxsize=1024)
def article_words(article: str) -> int:
    """`count_words` of an article, counted once per article text (a reference cache).

    Args:
        article: The article.

    Returns:
        Its whitespace word count.
    """
    return count_words(article)


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


def number_supported(number: tuple[str, str | None], source: set[str] | frozenset[str]) -> bool:
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
    needle = _needle(term)
    if not needle:
        return False
    if needle.replace(".", "").replace(",", "").isdigit():
        return re.search(rf"(?<!\d){re.escape(needle)}(?!\d)", haystack_folded) is not None
    return needle in haystack_folded


@lru_cache(maxsize=65536)
def _needle(term: str) -> str:
    # Reference cache: key-fact terms come from the label, so each is folded once per term.
    return fold_for_search(term).strip()


def fold_for_search(text: str) -> str:
    """Fold Arabic, normalize digits and separators, and lower-case, for substring search.

    Args:
        text: Any text.

    Returns:
        The searchable form.
    """
    return fold_text(normalize_digits(text).translate(_SEPARATORS)).casefold()


for _fn in (_reference_ngrams, article_numbers, article_words, _needle):
    caches.register(_fn.cache_clear, reference=True)
