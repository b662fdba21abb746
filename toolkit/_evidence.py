"""Word-level checks behind the grounding rules: clitics, negation/polarity words, numbers, edge words.

Everything here works on text already folded by `toolkit.arabic.fold` (``for_matching=True``): alef
variants are bare ا, ة is ه, digits are ASCII and « » are straight quotes. Private to
`toolkit.grounding`; the word lists are data, documented where they are defined.
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz.distance import LCSseq, Levenshtein

__all__ = [
    "MIN_SHARED_WORDS",
    "count_words",
    "cut_word",
    "edge_fragment",
    "is_enclitic",
    "is_negation",
    "is_number",
    "is_proclitic",
    "negations",
    "numbers",
    "one_word_edit",
    "same_word",
    "strip_polarity",
]

_WORD_RE = re.compile(r"\w+")
_COUNTED_RE = re.compile(r"[^\s\w]*\w\S*")  # a whitespace-separated token with a letter or digit


def count_words(folded: str) -> int:
    """Number of whitespace-separated tokens that contain a letter or digit.

    Args:
        folded: Folded text.

    Returns:
        The word count ("1,500" and "(خير" are one word each; a bare "،" is none).
    """
    return len(_COUNTED_RE.findall(folded))


# --- clitics ------------------------------------------------------------------------------------------

#: What may stand before a quoted word inside the article's word, so that the quote's word still counts
#: as the whole word: the conjunctions و ف, the prepositions ب ك ل, the article ال (optional in
#: quotes), the future marker س, and their combinations (وال، بال، فبال، لل، وس...). Folded spelling.
_PROCLITIC_RE = re.compile(r"(?:[وف])?(?:[بكلس]|ال|بال|كال|لل)?")

#: What may follow a quoted word inside the article's word: pronoun suffixes (ه ها هم هما هن ك كم كما
#: كن نا ني ي) and the endings a model drops or adds while copying (dual/plural ان ين ون ات وا, ت, ا).
_ENCLITICS = frozenset(
    {"ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", "ني", "ي"}
    | {"ت", "ا", "ان", "ين", "ون", "ات", "وا"}
)


def is_proclitic(prefix: str) -> bool:
    """Tell whether ``prefix`` (folded) is a clitic the quote may leave off the front of a word.

    Args:
        prefix: The part of the article's word before the quote's word.

    Returns:
        True for "", و, ف, ب, ك, ل, س, ال, وال, بال, لل and their combinations.
    """
    return _PROCLITIC_RE.fullmatch(prefix) is not None


def is_enclitic(suffix: str) -> bool:
    """Tell whether ``suffix`` (folded) is an ending the quote may leave off the end of a word.

    Args:
        suffix: The part of the article's word after the quote's word.

    Returns:
        True for "" and pronoun suffixes or inflection endings of up to three letters.
    """
    return suffix == "" or suffix in _ENCLITICS


# --- negation and polarity --------------------------------------------------------------------------

#: Negation and polarity particles (folded). A quote that adds or drops one of these relative to the
#: article says the opposite, however similar the characters are: لا لم لن ما, the ليس family, غير
#: (non-/other than), عدم (lack of), بدون دون بلا (without), الا (إلا "except" and ألا both fold to it),
#: and the dialect مش مو.
_NEGATIONS = frozenset(
    {
        "لا", "لم", "لن", "ما", "ليس", "ليست", "لست", "لسنا", "ليسوا", "لستم", "لستن", "ليسا", "ليستا",
        "لستما", "غير", "عدم", "بدون", "دون", "بلا", "الا", "مش", "مو",
    }
)  # fmt: skip
#: Particles that take a preposition in the same word (بغير، لعدم، بعدم، وبدون); the others only take
#: و or ف (ولم، فلا، وليس). Never the interrogative أ: ألم also spells "pain".
_NEG_TAKES_PREPOSITION = frozenset({"غير", "عدم", "دون", "بدون", "بلا"})
#: Negation + a form of زال ("still": لا يزال، ما زال، لم يزل) and لا سيما/لا بد are fixed phrases whose
#: particle is not a negation of anything; they count as neutral, so لا يزال vs ما زال is no change.
_ZAL_RE = re.compile(r"[وف]?[يتنا]?زا?ل(?:ت|وا|ون|ان|تا|نا)?")
_FIXED_AFTER_NEG = frozenset({"سيما", "بد"})


def _negation_forms() -> dict[str, str]:
    forms = {neg: neg for neg in _NEGATIONS}
    for neg in _NEGATIONS - {"الا"}:
        heads = ("و", "ف", "ب", "ل", "وب", "فب", "ول") if neg in _NEG_TAKES_PREPOSITION else ("و", "ف")
        forms.update({head + neg: neg for head in heads})
    return forms


#: Every spelling of a particle as one token (ولم، فلا، بغير، لعدم...) -> its base form.
_NEGATION_FORMS = _negation_forms()


def is_negation(token: str) -> bool:
    """Tell whether one folded token is a negation/polarity particle (with its clitics).

    Args:
        token: A folded word.

    Returns:
        True for لا، ولم، بغير، ليست...
    """
    return token in _NEGATION_FORMS


def negations(folded: str) -> Counter[str]:
    """Negation/polarity particles in folded text, by base form (ولم counts as لم).

    Args:
        folded: Folded text.

    Returns:
        How many times each particle occurs; fixed phrases (لا يزال، ما زال، لا سيما، لا بد) excluded.
    """
    tokens = _WORD_RE.findall(folded)
    found: Counter[str] = Counter()
    for i, tok in enumerate(tokens):
        base = _NEGATION_FORMS.get(tok)
        if base is None:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if base in {"لا", "ما", "لم"} and (_ZAL_RE.fullmatch(nxt) or nxt in _FIXED_AFTER_NEG):
            continue
        found[base] += 1
    return found


# --- numbers ----------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")

#: Number words (folded; a leading و is allowed) and their values. Compound numbers written in words
#: (ثلاثة وعشرون) are compared word by word, so "23" against "ثلاثة وعشرون" counts as changed: models
#: rarely rewrite numbers that way, and a false rejection only costs a re-ask.
_NUMBER_WORDS: dict[str, str] = {
    **dict.fromkeys(("واحد", "واحده"), "1"),
    **dict.fromkeys(("اثنان", "اثنين", "اثنتان", "اثنتين"), "2"),
    **dict.fromkeys(("ثلاث", "ثلاثه"), "3"),
    **dict.fromkeys(("اربع", "اربعه"), "4"),
    **dict.fromkeys(("خمس", "خمسه"), "5"),
    **dict.fromkeys(("ست", "سته"), "6"),
    **dict.fromkeys(("سبع", "سبعه"), "7"),
    **dict.fromkeys(("ثماني", "ثمان", "ثمانيه"), "8"),
    **dict.fromkeys(("تسع", "تسعه"), "9"),
    **dict.fromkeys(("عشر", "عشره"), "10"),
    **dict.fromkeys(("عشرون", "عشرين"), "20"),
    **dict.fromkeys(("ثلاثون", "ثلاثين"), "30"),
    **dict.fromkeys(("اربعون", "اربعين"), "40"),
    **dict.fromkeys(("خمسون", "خمسين"), "50"),
    **dict.fromkeys(("ستون", "ستين"), "60"),
    **dict.fromkeys(("سبعون", "سبعين"), "70"),
    **dict.fromkeys(("ثمانون", "ثمانين"), "80"),
    **dict.fromkeys(("تسعون", "تسعين"), "90"),
    **dict.fromkeys(("مئه", "مائه", "مئات"), "100"),
    **dict.fromkeys(("مئتان", "مئتين", "مائتان", "مائتين"), "200"),
    **dict.fromkeys(("الف", "الاف", "الفا"), "1000"),
    **dict.fromkeys(("الفان", "الفين"), "2000"),
    **dict.fromkeys(("مليون", "ملايين", "مليونا"), "1e6"),
    **dict.fromkeys(("مليار", "مليارات", "مليارا", "بليون"), "1e9"),
}


def _number_value(token: str) -> str | None:
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    if token.startswith("و") and token[1:] in _NUMBER_WORDS:
        return _NUMBER_WORDS[token[1:]]
    return None


def is_number(token: str) -> bool:
    """Tell whether one folded token is a number (digits or a number word).

    Args:
        token: A folded word.

    Returns:
        True for "1,500", "٣" (folded to "3"), ثلاثه، والف...
    """
    return _NUMBER_RE.search(token) is not None or _number_value(token) is not None


def numbers(folded: str) -> Counter[str]:
    """Numbers in folded text: digit runs (thousands commas ignored) and number words, by value.

    Args:
        folded: Folded text (digits already ASCII; ٫ is "." and ٬ is ",").

    Returns:
        A multiset of number values as strings ("1500", "7.5", "3", "1e6").
    """
    found: Counter[str] = Counter()
    for m in _NUMBER_RE.finditer(folded):
        head, *groups = m.group().split(",")
        if groups and all(len(g.split(".")[0]) == 3 for g in groups):
            found[head + "".join(groups)] += 1  # 1,500 is 1500
        else:
            found.update([head, *groups])  # "3,4" is a list of two numbers
    for tok in _WORD_RE.findall(folded):
        word_value = None if tok.isdigit() else _number_value(tok)
        if word_value is not None:
            found[word_value] += 1
    return found


# --- word-level matching ----------------------------------------------------------------------------

#: A quote that is one word away from the article's words (dropped, added, replaced) is accepted below
#: the threshold when it shares at least this many words, in order, with them.
MIN_SHARED_WORDS = 4


def edge_fragment(fq: str, span_text: str) -> str | None:
    """The quote's first or last word when the span would start or end inside an article word.

    For a fuzzy match, where the quote's word sits in the article's word is inferred from the text.

    Args:
        fq: The folded quote.
        span_text: The folded article text of the candidate span (whole words).

    Returns:
        The quote's word that is only part of an article word, or None.
    """
    q_words: list[str] = _WORD_RE.findall(fq)
    s_words: list[str] = _WORD_RE.findall(span_text)
    if not q_words or not s_words:
        return None
    (first, article_first), (last, article_last) = (q_words[0], s_words[0]), (q_words[-1], s_words[-1])
    return cut_word(first, _before(first, article_first), last, _after(last, article_last))


def _before(quoted: str, word: str) -> str:
    """What the article's word has before the quoted word ("" when it starts with it or lacks it)."""
    if word.startswith(quoted) or quoted not in word:
        return ""
    return word[: len(word) - len(quoted)] if word.endswith(quoted) else word[: word.find(quoted)]


def _after(quoted: str, word: str) -> str:
    """What the article's word has after the quoted word ("" when it ends with it or lacks it)."""
    if word.endswith(quoted) or quoted not in word:
        return ""
    return word[len(quoted) :] if word.startswith(quoted) else word[word.rfind(quoted) + len(quoted) :]


def cut_word(first: str, prefix: str, last: str, suffix: str) -> str | None:
    """Which edge word is cut from its article word, given what the article has around it, or None.

    The first word may lack a proclitic (حض for وحض, رئيس for الرئيس) and the last an enclitic or
    inflection ending (نظير for نظيره) or, for a word of 3+ letters, one letter (a typo). Anything else
    («امي» from النظامية, «نها» for نهاية, a bare «ال») is a cut inside a word.

    Args:
        first: The quote's first word (folded).
        prefix: What the article's word has before it.
        last: The quote's last word (folded).
        suffix: What the article's word has after it.

    Returns:
        The cut word, or None when both edges are on word boundaries.
    """
    if prefix and not (_is_stem(first) and is_proclitic(prefix)):
        return first
    if suffix and not (_is_stem(last) and len(last) >= 3 and (is_enclitic(suffix) or len(suffix) == 1)):
        return last
    return None


def _is_stem(word: str) -> bool:
    return len(word) >= 2 and word != "ال"


def same_word(quoted: str, word: str) -> int:
    """1 if an article word is the quoted word (equal, or one letter or a clitic apart), else 0.

    Args:
        quoted: A word of the quote (folded).
        word: A word of the article (folded).

    Returns:
        1 or 0 (summed over a span's two edges).
    """
    if quoted == word:
        return 1
    if len(quoted) >= 3 and (word.endswith(quoted) or word.startswith(quoted)):
        return 1  # وقال for قال, نظيره for نظير
    return int(len(quoted) >= 4 and Levenshtein.distance(quoted, word) <= 1)


def one_word_edit(fq: str, span_text: str) -> bool:
    """The quote is the span with one whole word dropped, added or replaced, and 4+ words in common.

    Character similarity punishes a dropped long word in a short quote (five words, one of eight
    letters gone, scores about 85) although it is the commonest edit a model makes while copying;
    counted in words it is one edit. The four shared words keep «قال الرئيس إن» from matching
    anything; negation and number changes are still caught by their rules.

    Args:
        fq: The folded quote.
        span_text: The folded article text of the span.

    Returns:
        True when the word sequences are at most one edit apart and share `MIN_SHARED_WORDS` words.
    """
    q_words, s_words = _WORD_RE.findall(fq), _WORD_RE.findall(span_text)
    return (
        Levenshtein.distance(q_words, s_words) <= 1
        and LCSseq.similarity(q_words, s_words) >= MIN_SHARED_WORDS
    )


def strip_polarity(folded: str) -> str:
    """Folded text without its negation particles and numbers (to compare the rest).

    Args:
        folded: Folded text.

    Returns:
        Its words, negations and numbers left out, joined by spaces.
    """
    return " ".join(w for w in _WORD_RE.findall(folded) if not is_negation(w) and not is_number(w))
