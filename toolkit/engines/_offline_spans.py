"""Span helpers of the offline engine: trim, unquote and cap evidence cut from the original text."""

from __future__ import annotations

MAX_QUOTE = 400
OPENERS = '«“"'
EDGE = " \t\n،,.:;؛!?؟-–—"
_CLOSERS = {"«": "»", "“": "”", '"': '"'}


def clause_end(text: str, start: int, limit: int) -> int:
    """First clause punctuation in folded ``text[start:limit]``, else ``limit``."""
    for pos in range(start, limit):
        if text[pos] in ",;.:":
            return pos
    return limit


def tighten(article: str, a: int, b: int, in_quote: bool) -> tuple[int, int] | None:
    """Trim edges; a complement that is one quotation becomes the quoted words; cap at MAX_QUOTE."""
    while a < b and article[a] in EDGE:
        a += 1
    if in_quote:
        b = _close_of(article, a - 1, b) if a > 0 and article[a - 1] in OPENERS else b
        b = _quote_end(article, a, b)
    elif a < b and article[a] in OPENERS:
        close = _close_of(article, a, b)
        inner = article[a + 1 : close]
        if close < b and len(inner.split()) >= 3:
            a, b = a + 1, close
    while b > a and (article[b - 1] in EDGE or (article[b - 1] in "»”" and not _opened(article, a, b - 1))):
        b -= 1
    while a < b and article[a] in OPENERS and not _closed(article, a, b):
        a += 1
        while a < b and article[a] in EDGE:
            a += 1
    if b - a > MAX_QUOTE:
        cut = article.rfind(" ", a, a + MAX_QUOTE)
        b = cut if cut > a else a + MAX_QUOTE
        while b > a and article[b - 1] in EDGE:
            b -= 1
    if b - a < 2:
        return None
    return a, b


def balance_quotes(article: str, a: int, b: int) -> tuple[int, int] | None:
    """Make the quote marks of ``article[a:b]`` balanced, or None when that cannot be done.

    A span that opens « and stops before its » is extended to the closer when it follows at once (or
    the lone opener at the start is dropped); a span that closes » opened just before it starts at the
    opener. Straight quotes must come in pairs.
    """
    for opener, closer in (("«", "»"), ("“", "”")):
        if article.count(opener) != article.count(closer):
            continue  # the article's own marks are unbalanced: keep its words as they are
        text = article[a:b]
        extra = text.count(opener) - text.count(closer)
        if extra > 0:
            if b < len(article) and article[b] == closer:
                b += 1
            elif article[a] == opener:
                a += 1
                while a < b and article[a] in EDGE:
                    a += 1
        elif extra < 0:
            if a > 0 and article[a - 1] == opener:
                a -= 1
            elif article[b - 1] == closer:
                b -= 1
        text = article[a:b]
        if text.count(opener) != text.count(closer):
            return None
    if article[a:b].count('"') % 2 and not article.count('"') % 2:
        if article[a] == '"':
            a += 1
        elif article[b - 1] == '"':
            b -= 1
        else:
            return None
    return (a, b) if b - a >= 2 else None


def _quote_end(article: str, a: int, b: int) -> int:
    # The verb opened the quotation: the claim is the quotation (up to its closer, or the limit).
    for pos in range(a, b):
        if article[pos] in "»”":
            return pos
    return b


def _close_of(article: str, a: int, b: int) -> int:
    closer = _CLOSERS.get(article[a], "»")
    pos = article.find(closer, a + 1, b)
    return pos if pos >= 0 else b


def _opened(article: str, a: int, pos: int) -> bool:
    closer = article[pos]
    opener = "«" if closer == "»" else "“"
    return article.count(opener, a, pos) > 0


def _closed(article: str, a: int, b: int) -> bool:
    closer = _CLOSERS.get(article[a], "»")
    return article.find(closer, a + 1, b) >= 0


def cut(text: str, limit: int) -> str:
    """Truncate at a word boundary to at most `limit` characters."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip(EDGE)
