"""Folded search terms and name keys: the one definition both backends index and query by.

Search folds as the toolkit does (`toolkit.arabic.fold_text`: hamza/alef forms, ة/ه, ى/ي, tashkeel,
tatweel, digits), lower-cases Latin and drops its accents, then splits into letter/digit tokens. Each
token is indexed with its light stems, so a search for «الأزمة» finds «الازمه», «والأزمة» and
«بالأزمة»: the definite article (ال and its clitic combinations وال فال بال كال لل) and one leading
conjunction or preposition letter (و ف ب ل ك) are cut, leaving at least three letters (two after ال).
A query term matches its own folded form or its article-less form; it is never stemmed further, so
«بيان» does not find «كيان».

Both backends get the same list of terms from this module: SQLite stores them in an FTS5 column and
PostgreSQL in a `tsvector` built by `array_to_tsvector` (no parser in between), so «same answers on
both» holds by construction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from toolkit.arabic import fold_text

_TOKEN_RE = re.compile(r"[^\W_]+")
_AL_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
_CLITICS = frozenset("وفبلك")


_ACCENTED_RE = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _fold(text: str) -> str:
    folded = fold_text(text).casefold()
    if not _ACCENTED_RE.search(folded):
        return folded
    # Latin accents (Élysée -> elysee); Arabic marks are already gone after fold_text.
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded letter/digit tokens of a text.

    Args:
        text: Any text.

    Returns:
        The tokens in order.
    """
    return _TOKEN_RE.findall(_fold(text))


@lru_cache(maxsize=131072)
def strip_article(token: str) -> str:
    """The token without a leading definite article (and its clitics), or the token itself."""
    for prefix in _AL_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            return token[len(prefix) :]
    return token


@lru_cache(maxsize=131072)
def variants(token: str) -> tuple[str, ...]:
    """A token and its light stems, as indexed (see the module docstring)."""
    out = [token]
    bare = strip_article(token)
    if bare != token:
        out.append(bare)
    if token[0] in _CLITICS and len(token) >= 4:
        rest = token[1:]
        out.append(rest)
        rest_bare = strip_article(rest)
        if rest_bare != rest:
            out.append(rest_bare)
    return tuple(dict.fromkeys(out))


def index_terms(texts: Iterable[str | None]) -> list[str]:
    """Every term to index for these texts (tokens and their stems, deduplicated, in order).

    Args:
        texts: The texts of one claim (evidence, claim text, entity names...); None is skipped.

    Returns:
        The terms.
    """
    return terms_of(tokens(text) for text in texts if text)


def terms_of(token_lists: Iterable[list[str]]) -> list[str]:
    """`index_terms` of texts already split by `tokens` (so a caller folds each text once).

    Args:
        token_lists: The tokens of each text, in order.

    Returns:
        The terms.
    """
    seen: dict[str, None] = {}
    for toks in token_lists:
        for token in toks:
            for v in variants(token):
                seen.setdefault(v, None)
    return list(seen)


def query_groups(query: str) -> list[tuple[str, ...]]:
    """A search query as groups of alternatives: every group must match (AND), any term in it (OR).

    Args:
        query: What the user typed.

    Returns:
        One group per query token: the folded token and its article-less form.
    """
    return [tuple(dict.fromkeys((t, strip_article(t)))) for t in tokens(query)]


# --- speaker names -------------------------------------------------------------------------------

_TITLE_WORDS = (
    "الرئيس رئيس رئيسة الرئيسة نائب نائبة النائب النائبة وزير وزيرة الوزير الوزيرة السيد السيدة "
    "الدكتور الدكتورة د الشيخ الجنرال العميد اللواء العقيد المستشار المستشارة الأمين العام "
    "المتحدث المتحدثة الناطق الناطقة باسم الملك الأمير المدير المديرة مدير مديرة الأستاذ "
    "القاضي القاضية المحامي المحامية السفير السفيرة الإمام البابا الحاج"
)
_TITLES = frozenset(fold_text(t) for t in _TITLE_WORDS.split())
_TITLE_WORDS_EN = "mr mrs ms dr prof president minister sheikh general gen sir lord judge ambassador"
TITLES_EN = frozenset(_TITLE_WORDS_EN.split())


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(name_tokens_uncached(name))


def name_tokens(name: str) -> list[str]:
    """`name_tokens_uncached`, memoized (the same speakers and entities recur in every article)."""
    return list(_name_tokens(name))


def name_tokens_uncached(name: str) -> list[str]:
    """A person's or institution's name as comparable tokens: folded, titles and ال dropped.

    Leading titles are cut («الرئيس الفرنسي إيمانويل ماكرون» → ماكرون's full name), with one
    nisba adjective after a title (الفرنسي); what remains keeps its order.

    Args:
        name: A name as written, in any script.

    Returns:
        The tokens (empty for an empty name).
    """
    toks = tokens(name)
    i = 0
    while i < len(toks) - 1:
        t = toks[i]
        if t in _TITLES or t in TITLES_EN:
            i += 1
            # a nisba after a title: الرئيس الفرنسي, وزيرة الصحة is not cut (الصحة is not a nisba)
            nxt = toks[i]
            if i < len(toks) - 1 and nxt.startswith("ال") and nxt.endswith(("ي", "يه")):
                i += 1
            continue
        break
    return [strip_article(t) if not t.isascii() else t for t in toks[i:]]


def name_key(name: str) -> str:
    """The key a name is matched by across articles (see `name_tokens`); '' for no name."""
    return " ".join(name_tokens(name))
