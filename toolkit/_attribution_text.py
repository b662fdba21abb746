"""Words, names and numbers for `toolkit.attribution`: folded-token matching up to ال and proclitics,
name forms (titles, compounds, heads), word boundaries on the original text, numbers with multipliers.

Private to the attribution layer (`toolkit.attribution` re-exports the public helpers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from toolkit._attribution_lexicon import INSTITUTION_HEADS, MULTIPLIERS, TITLES, UNKNOWN_SPEAKERS
from toolkit.arabic import fold_text, normalize_digits

WORD_RE = re.compile(r"\w+")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")
_TATWEEL = "\u0640"
_LINKS = frozenset({"في", "من", "لدي", "داخل", "عند", "قرب"})
_COMPOUND_HEADS = frozenset(
    fold_text(w) for w in ["عبد", "أبو", "أبا", "أبي", "بن", "ابن", "بنت", "أم", "آل", "ذو"]
)


# --- words and boundaries -----------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    # Letters, digits, combining marks (harakat belong to their letter) and tatweel are word-inside.
    return ch.isalnum() or ch == "_" or ch == _TATWEEL or unicodedata.category(ch).startswith("M")


def word_bounded(text: str, start: int, end: int) -> bool:
    """Tell whether ``text[start:end]`` is a non-empty span that starts and ends on word boundaries.

    Args:
        text: The original article.
        start: Span start.
        end: Span end (exclusive).

    Returns:
        True when ``0 <= start < end <= len(text)``, the span is not only whitespace, and it neither
        starts nor ends inside a word (a letter and the letter or mark next to it across the edge).
    """
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        return False
    if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        return False
    return not (end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]))


def strip_al(word: str) -> str:
    """A word without its article: الكرملين → كرملين, للكرملين → كرملين (ل + ال)."""
    for prefix in ("وال", "فال", "بال", "كال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    return word


def keys(token: str) -> frozenset[str]:
    """Every form a token may stand for once a proclitic and the article are removed.

    وللكرملين → {وللكرملين, كرملين, للكرملين, …}; a form word matches a token when its own
    article-less form is among them (`matches`). Keeping every reading, instead of guessing which
    first letter is a clitic, means بيان is never read as ب + يان without also being بيان.
    """
    out = {token, strip_al(token)}
    for prefix in PROCLITICS[1:]:
        rest = token[len(prefix) :]
        if token.startswith(prefix) and len(rest) >= 2:
            out.update((rest, strip_al(rest)))
    return frozenset(out)


def matches(token: str, word: str) -> bool:
    """The token is the word up to ال and a proclitic (للكرملين ~ الكرملين ~ كرملين)."""
    return strip_al(word) in keys(token)


def same_word(token: str, word: str) -> bool:
    """The token is the word, with at most a proclitic: وماكرون/ماكرون, للإليزيه/الإليزيه."""
    if token == word:
        return True
    for prefix in PROCLITICS[1:]:
        if token == prefix + word:
            return True
        if word.startswith("ال") and prefix.endswith("ل") and token == prefix + word[1:]:
            return True  # ل + الإليزيه → للإليزيه
    return False


def is_unknown_speaker(name: str | None) -> bool:
    """Tell whether a model's speaker answer means "the article does not say who said it".

    Args:
        name: The model's `speaker_ar`.

    Returns:
        True for an empty name or an answer such as "غير معروف", "مجهول", "unknown".
    """
    return fold_text(name or "").strip().casefold() in UNKNOWN_SPEAKERS


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(fold_text(name)))


def name_words(name: str) -> list[str]:
    """The folded words of a name (cached: the same names are compared for every claim)."""
    return list(_name_words(name))


def _is_nisba(word: str) -> bool:
    # الفرنسي، الروسية: an adjective of origin after a title (رئيس الأركان الفرنسي).
    return word.startswith("ال") and word.endswith(("ي", "يه"))


def strip_titles(words: list[str]) -> list[str]:
    """The name without its leading titles: وزير الخارجية الفرنسي جان إيف لودريان → جان إيف لودريان."""
    i = 0
    while i < len(words) - 1 and (words[i] in TITLES or (i > 0 and _is_nisba(words[i]))):
        i += 1
    return words[i:]


def is_person_name(words: list[str]) -> bool:
    # Given names never carry ال; institution names start with a head word (وزارة، مجلس).
    return len(words) >= 2 and not words[0].startswith("ال") and words[0] not in INSTITUTION_HEADS


def names_alone(word: str) -> bool:
    # A single word left after stripping titles names someone only if it is not an adjective or a
    # head noun: الجنرال لوكوانتر → لوكوانتر, but الرئيس الفرنسي ↛ الفرنسي.
    return not _is_nisba(word) and word not in INSTITUTION_HEADS and word not in TITLES


def name_units(words: list[str]) -> list[tuple[str, ...]]:
    """Name words grouped so a compound stays whole: [عبد, الله, النسور] → [(عبد, الله), (النسور,)]."""
    units: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        if words[i] in _COMPOUND_HEADS and i + 1 < len(words):
            units.append((words[i], words[i + 1]))
            i += 2
        else:
            units.append((words[i],))
            i += 1
    return units


def _head(words: list[str]) -> list[str]:
    # "مصدر في الشركة" is a source inside the company, not the company: compare its head only.
    for i, w in enumerate(words):
        if i > 0 and w in _LINKS:
            return words[:i]
    return words


@lru_cache(maxsize=8192)
def same_speaker(a: str, b: str) -> bool:
    """Tell whether two speaker names can be the same speaker (one's name words contain the other's).

    Compared on alias keys of the names without titles, and of a name with a linking preposition on
    its head only: ماكرون and إيمانويل ماكرون are the same, الكرملين and المكتب الصحفي للكرملين are
    the same; سامر الحسيني and ليلى الحسيني are not, nor مصدر في الشركة and الشركة.

    Args:
        a: One speaker name.
        b: Another.

    Returns:
        True when the folded names are equal or the key set of one contains the other's.
    """
    if fold_text(a).strip() == fold_text(b).strip():
        return True  # also two unresolved speakers with no name
    ka = {strip_al(w) for w in _head(strip_titles(name_words(a)))}
    kb = {strip_al(w) for w in _head(strip_titles(name_words(b)))}
    return bool(ka and kb) and (ka <= kb or kb <= ka)


def contains(words: Sequence[str], form: Sequence[str]) -> bool:
    n = len(form)
    return any(all(matches(words[i + k], form[k]) for k in range(n)) for i in range(len(words) - n + 1))


def _value(token: str) -> float | None:
    parts = token.split(",")
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        token = "".join(parts)  # 1,200 → 1200
    else:
        token = token.replace(",", ".")
    try:
        return float(token)
    except ValueError:
        return None


def numbered(text: str) -> list[tuple[str, set[float]]]:
    """(number as written, its possible values) for each number in a text."""
    folded = normalize_digits(fold_text(text).replace("٫", ".").replace("٬", ","))
    out: list[tuple[str, set[float]]] = []
    for m in _NUMBER_RE.finditer(folded):
        value = _value(m.group())
        if value is None:
            continue
        values = {value}
        after = folded[m.end() : m.end() + 16].split()
        if after and after[0].casefold() in MULTIPLIERS:
            values.add(value * MULTIPLIERS[after[0].casefold()])
        out.append((m.group(), values))
    return out


def numbers(text: str) -> set[float]:
    return {v for _, values in numbered(text) for v in values}
