"""Ground evidence quotes: find where a model's Arabic quote sits in the original article, or say why not.

Matching happens on folded text (`toolkit.arabic.fold`, ``for_matching=True``), so diacritics, tatweel,
hamza/alef spelling, digit script and quote-mark style never matter; offsets are mapped back to the
original through the fold's offset map, so ``article[span.start:span.end]`` is always real article
text. Offsets are computed here once and never recomputed downstream (DESIGN.md).

`Grounder.locate` returns a `Located`: the span, or the `toolkit.schema.DropRule` that rejected the
quote and a message written as an instruction to the model (instructor sends it back as the re-ask).
The rules, in the order they are applied:

1. ``evidence_too_short``: fewer than `MIN_WORDS` words, or (for a quote with an ellipsis that is not
   in the article as written) a part of fewer than `MIN_PART_WORDS` words;
2. exact substring of the folded article, starting and ending on word boundaries (an occurrence inside
   a word is skipped for a later whole-word one; with ``near``, the whole-word one nearest to it);
3. a quote with an ellipsis ("..." or "…") as several parts found in order, in the same or adjacent
   sentences;
4. an exact occurrence that is only cut from its word by a clitic (حض in وحض, ال left off): widened to
   the whole word, as a fuzzy match;
5. fuzzy alignment (rapidfuzz), only for quotes of at least `MIN_FUZZY_CHARS` folded characters,
   inside windows around the sentences sharing the most rare words with the quote; the span is moved
   to whole article words, the ones that best match the quote's first and last words, and accepted
   when it scores at least `FUZZY_THRESHOLD` or is one whole word away from the quote (a word dropped,
   added or replaced, with at least four words in common);
6. every match that is not exact is rejected when its first or last word is only part of an article
   word (``not_on_word_boundaries``), when the quote adds or drops a negation or polarity word
   (``meaning_changed``) or when its numbers differ from the span's (``numbers_changed``), whatever its
   score; an exact occurrence found only inside words is ``not_on_word_boundaries``;
7. otherwise ``ungrounded``, with the best similarity seen.

Edge punctuation the quote has (« » " ، . : …) is part of the span when the article has it right there;
punctuation the model added is not.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from toolkit._evidence import (
    count_words,
    cut_word,
    edge_fragment,
    negations,
    numbers,
    one_word_edit,
    same_word,
    strip_polarity,
)
from toolkit.arabic import TASHKEEL, TATWEEL, Folded, Sentence, fold, split_sentences
from toolkit.schema import DropRule

__all__ = [
    "FUZZY_THRESHOLD",
    "MIN_FUZZY_CHARS",
    "MIN_PART_WORDS",
    "MIN_WORDS",
    "Grounder",
    "Located",
    "Span",
    "clean_quote",
    "ground",
]

#: Minimum similarity (0-100) on folded text for a fuzzy match: the better of rapidfuzz's
#: ``partial_ratio`` alignment (the quote against the best article substring of its own length) and
#: ``ratio`` against the final whole-word span. Both are InDel similarities, so 90 allows roughly one
#: edited character in ten: a dropped clitic, a typo, a changed preposition, a missing comma. Folding
#: already absorbs spelling variation, so what remains below 90 is usually paraphrase or invention;
#: fabricated sentences that reuse article words score 50-75 on the seed article (see tests).
FUZZY_THRESHOLD: float = 90.0

#: Quotes shorter than this (folded, after cleanup) must match exactly: a few characters fuzzily
#: match almost anything.
MIN_FUZZY_CHARS: int = 12

#: Evidence must be at least this many words: «في», «وقال» or «الرئيس الفرنسي» prove nothing.
MIN_WORDS: int = 3

#: Each part of a quote joined by an ellipsis must be at least this many words.
MIN_PART_WORDS: int = 2

#: How many best candidate sentences (by shared rare words) get a fuzzy alignment.
MAX_CANDIDATES: int = 4

#: Below the threshold but above this, a fuzzy alignment is checked for a changed negation or number, so
#: the rejection names the rule rather than "not in the article".
_NEAR_MISS = 60.0

#: How many article words a fuzzy span's edge may move to reach the quote's real first/last word.
_EDGE_REACH = 2
_REACH_CHARS = 20 * (_EDGE_REACH + 1)  # enough text around an alignment for that many words

# Characters a model adds or drops around a quote (already folded: « » “ ” → ", ، → ,).
_EDGE_CHARS = " \"'.,:…;‘’`?!()[]-–—"
_ELLIPSIS_RE = re.compile(r"\s*(?:\.{3,}|…)\s*")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" (?=[,.;:?!])")
_WORD_RE = re.compile(r"\w+")
_SHOWN_CHARS = 80

Method = Literal["exact", "fuzzy"]


@dataclass(frozen=True)
class Span:
    """Where a quote was found.

    Attributes:
        start: Offset into the original article.
        end: Offset into the original article; ``article[start:end]`` is the evidence.
        method: "exact" (equal after folding) or "fuzzy".
        score: 100.0 for exact, else the rapidfuzz similarity on folded text.
        sentence_ids: Ids of the sentences overlapping the span.
    """

    start: int
    end: int
    method: Method
    score: float
    sentence_ids: tuple[int, ...]


@dataclass(frozen=True)
class Located:
    """The outcome of looking a quote up: a span, or the rule that rejected it.

    Attributes:
        span: Where the quote is, or None when it was rejected.
        rule: None when found, else why not (a `toolkit.schema.DropRule`).
        message: For a rejection, an instruction to the model naming the rule (sent back as the
            re-ask); for a match, a short note of how it was found.
    """

    span: Span | None
    rule: DropRule | None
    message: str

    @property
    def ok(self) -> bool:
        """True when the quote was found."""
        return self.span is not None


# A match candidate on folded text: (start, end, score, method).
_Match = tuple[int, int, float, Method]


def clean_quote(quote: str) -> str:
    """Fold a quote and strip the whitespace, quote marks and punctuation models add or drop.

    Args:
        quote: The quote as the model wrote it.

    Returns:
        The folded quote, ready to search in a folded article.
    """
    return fold(quote).text.strip(_EDGE_CHARS)


def _shown(quote: str) -> str:
    text = " ".join(quote.split())
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


class Grounder:
    """Finds quotes in one article. Folds and segments once; reuse it for every quote.

    Attributes:
        article: The original article text.
        sentences: Its sentences (given, or from `split_sentences`).
        min_words: Minimum words of evidence (`MIN_WORDS` unless given).
    """

    def __init__(
        self, article: str, sentences: list[Sentence] | None = None, *, min_words: int = MIN_WORDS
    ) -> None:
        """Fold the article once and segment it unless sentences are given.

        Args:
            article: The original article text.
            sentences: Pre-computed sentences of ``article`` (offsets into it), to share ids with
                the prompt; segmented with `split_sentences` when omitted.
            min_words: Evidence shorter than this many words is rejected (``evidence_too_short``).
        """
        self.article = article
        self.sentences = sentences if sentences is not None else split_sentences(article)
        self.min_words = min_words
        self._folded: Folded = fold(article)
        # Folded bounds of each sentence, for fuzzy windows.
        self._starts = [s.start for s in self.sentences]
        self._fstarts = [self._folded.to_folded(s.start) for s in self.sentences]
        self._fends = [self._folded.to_folded(s.end) for s in self.sentences]
        self._index: dict[str, list[int]] | None = None  # folded word -> sentence ids, built lazily
        self._best: dict[str, float] = {}  # folded quote -> best fuzzy score seen

    # --- public ----------------------------------------------------------------------------------

    def find(self, quote: str, *, near: int | None = None) -> Span | None:
        """Locate a quote in the article, every rule applied (``locate(quote, near=near).span``).

        Args:
            quote: Evidence text as the model wrote it.
            near: Original-text offset where the caller saw the quote (an extractor that knows it),
                to choose among repeated occurrences; it never makes a non-matching quote match.

        Returns:
            A tight span on the original article, or None if the quote is rejected.
        """
        return self.locate(quote, near=near).span

    def locate(self, quote: str, *, near: int | None = None) -> Located:
        """Locate a quote in the article, or say which rule rejects it (see the module docstring).

        Args:
            quote: Evidence text as the model wrote it.
            near: Original-text offset where the caller saw the quote, to choose among repeated
                occurrences; it never makes a non-matching quote match.

        Returns:
            The span and a note, or no span, the `DropRule` and an instruction for the model.
        """
        folded_quote = fold(quote).text
        fq = folded_quote.strip(_EDGE_CHARS)
        edges = _edge_punct(folded_quote, fq)
        shown = _shown(quote)
        words = count_words(fq)
        if words < self.min_words:
            return _too_short(shown, words, self.min_words)
        result = self._search(fq, near, shown)
        if result.span is not None:
            self._best[fq] = result.span.score
            if edges != ("", ""):
                result = self._keep_edges(result, edges)
        return result

    def best_score(self, quote: str) -> float:
        """Best fuzzy score of the quote against the article (100.0 if it matches exactly).

        Meant for the "dropped: best 61.2 < 90" message; for a quote `find` already tried, the score
        is remembered. Unlike `find`, short quotes get a score too.

        Args:
            quote: Evidence text as the model wrote it.

        Returns:
            A score in [0, 100].
        """
        fq = clean_quote(quote)
        if not fq:
            return 0.0
        if fq not in self._best:
            if fq in self._folded.text:
                self._best[fq] = 100.0
            else:
                self._align(fq)
                if fq not in self._best or self._best[fq] == 0.0:
                    # No candidate sentence shares a word: score against the whole article.
                    self._best[fq] = float(fuzz.partial_ratio(fq, self._folded.text))
        return self._best[fq]

    # --- the search, rule by rule ----------------------------------------------------------------

    def _search(self, fq: str, near: int | None, shown: str) -> Located:
        hits = self._exact_hits(fq)
        if not hits:
            unspaced = _SPACE_BEFORE_PUNCT_RE.sub("", fq)  # «سورية ،» for «سورية،»
            if unspaced != fq:
                hits = self._exact_hits(unspaced)
                fq = unspaced if hits else fq
        whole = [h for h in hits if self._on_boundaries(h, h + len(fq))]
        if whole:
            idx = whole[0] if near is None else _nearest(whole, self._folded.to_folded(near))
            return self._found((idx, idx + len(fq), 100.0, "exact"))
        parts = [p for p in (x.strip(_EDGE_CHARS) for x in _ELLIPSIS_RE.split(fq)) if p]
        rejection: Located | None = None
        if len(parts) > 1:
            short = [p for p in parts if count_words(p) < MIN_PART_WORDS]
            if short:
                return _too_short_part(shown, short[0])
            found, rejection = self._find_parts(parts, shown)
            if found is not None:
                return self._found(found)
        for h in hits:  # only inside words: a clitic away from a whole word?
            widened = self._widen(h, h + len(fq))
            if widened is not None:
                match: _Match = (widened[0], widened[1], _ratio(fq, self._ftext(*widened)), "fuzzy")
                checked = self._check(fq, match, shown)
                if checked.span is not None or rejection is None:
                    return checked
        if hits:
            return self._inside_words(shown, hits[0], len(fq))
        fuzzy = self._find_fuzzy(fq, shown)
        if fuzzy is not None and (fuzzy.span is not None or rejection is None):
            return fuzzy
        return rejection or self._ungrounded(fq, shown)

    def _found(self, match: _Match) -> Located:
        fs, fe, score, method = match
        span = self._span(fs, fe, method, score)
        return Located(span, None, f"found ({method}, score {score:.1f}) at {span.start}-{span.end}")

    def _check(self, fq: str, match: _Match, shown: str) -> Located:
        """Apply the word-boundary, negation and number rules to a non-exact match."""
        fs, fe, _, _ = match
        span_text = self._ftext(fs, fe)
        original = _shown(self.article[self._folded.offsets[fs] : self._folded.offsets[fe]])
        fragment = edge_fragment(fq, span_text)
        if fragment is not None:
            return Located(
                None,
                "not_on_word_boundaries",
                f"The evidence «{shown}» starts or ends in the middle of a word («{fragment}» is only "
                f"part of an article word; the article has «{original}»). Copy whole words, from the "
                "first letter of the first word to the last letter of the last word, or remove this claim.",
            )
        q_neg, s_neg = negations(fq), negations(span_text)
        if q_neg.total() != s_neg.total():
            return _meaning_changed(shown, original, q_neg - s_neg, s_neg - q_neg)
        q_num, s_num = numbers(fq), numbers(span_text)
        if q_num != s_num:
            return Located(
                None,
                "numbers_changed",
                f"The evidence «{shown}» has the numbers {_list(q_num)} where the article has "
                f"{_list(s_num)} («{original}»). Copy the numbers exactly as the article writes them, "
                "or remove this claim.",
            )
        return self._found(match)

    def _ungrounded(self, fq: str, shown: str) -> Located:
        best = self.best_score(fq)
        return Located(
            None,
            "ungrounded",
            f"The evidence «{shown}» does not occur in the article (best similarity {best:.0f} < "
            f"{FUZZY_THRESHOLD:.0f}). Copy the evidence words verbatim from one numbered sentence of "
            "the article (same words, same order, no paraphrase, no sentence number), or remove this claim.",
        )

    def _inside_words(self, shown: str, fstart: int, length: int) -> Located:
        ws, we = self._word_bounds(fstart, fstart + length)
        original = _shown(self.article[self._folded.offsets[ws] : self._folded.offsets[we]])
        return Located(
            None,
            "not_on_word_boundaries",
            f"The evidence «{shown}» occurs in the article only inside longer words («{original}»). "
            "Copy whole words, from the first letter of the first word to the last letter of the last "
            "word, or remove this claim.",
        )

    # --- exact -----------------------------------------------------------------------------------

    def _exact_hits(self, fq: str, lo: int = 0, hi: int | None = None, limit: int = 1000) -> list[int]:
        text = self._folded.text
        hi = len(text) if hi is None else hi
        hits: list[int] = []
        idx = text.find(fq, lo, hi)
        while idx >= 0 and len(hits) < limit:
            hits.append(idx)
            idx = text.find(fq, idx + 1, hi)
        return hits

    def _on_boundaries(self, fs: int, fe: int) -> bool:
        text = self._folded.text
        inside_start = fs > 0 and text[fs - 1].isalnum() and text[fs].isalnum()
        inside_end = fe < len(text) and text[fe - 1].isalnum() and text[fe].isalnum()
        return not (inside_start or inside_end)

    def _word_bounds(self, fs: int, fe: int) -> tuple[int, int]:
        """Widen a folded span to the whole words it touches."""
        text = self._folded.text
        while 0 < fs < len(text) and text[fs - 1].isalnum() and text[fs].isalnum():
            fs -= 1
        while 0 < fe < len(text) and text[fe - 1].isalnum() and text[fe].isalnum():
            fe += 1
        return fs, fe

    def _widen(self, fs: int, fe: int) -> tuple[int, int] | None:
        """Widen a hit inside words to those whole words when only a clitic (حض in وحض) or, at the
        end, a one-letter typo is outside it; None for a fragment («امي» in النظامية)."""
        ws, we = self._word_bounds(fs, fe)
        words: list[str] = _WORD_RE.findall(self._folded.text, fs, fe)
        if not words:
            return None
        cut = cut_word(words[0], self._ftext(ws, fs), words[-1], self._ftext(fe, we))
        return (ws, we) if cut is None else None

    def _keep_edges(self, located: Located, edges: tuple[str, str]) -> Located:
        """Extend a span over the quote's edge punctuation where the article has it right there."""
        span = located.span
        assert span is not None
        fs, fe = self._folded.to_folded(span.start), self._folded.to_folded(span.end)
        text = self._folded.text
        lead, trail = edges
        for c in reversed(lead):
            if fs > 0 and text[fs - 1] == c:
                fs -= 1
            else:
                break
        for c in trail:
            if fe < len(text) and text[fe] == c:
                fe += 1
            else:
                break
        start, end = self._folded.span_to_original(fs, fe)
        if (start, end) == (span.start, span.end):
            return located
        moved = Span(min(start, span.start), max(end, span.end), span.method, span.score, span.sentence_ids)
        return Located(moved, None, located.message)

    # --- spans -----------------------------------------------------------------------------------

    def _ftext(self, fs: int, fe: int) -> str:
        return self._folded.text[fs:fe]

    def _span(self, fstart: int, fend: int, method: Method, score: float) -> Span:
        start, end = self._folded.span_to_original(fstart, fend)
        # A tatweel (and its harakat) after the last letter is part of that word («بـ«»): keep it, so
        # the span does not end inside the word as written.
        article = self.article
        while start < end < len(article) and (article[end] == TATWEEL or article[end] in TASHKEEL):
            end += 1
        return Span(start, end, method, score, self._sentence_ids(start, end))

    def _sentence_ids(self, start: int, end: int) -> tuple[int, ...]:
        # Sentences are in article order, so only those starting before `end` can overlap.
        last = bisect_left(self._starts, end)
        first = max(bisect_right(self._starts, start) - 1, 0)
        return tuple(s.id for s in self.sentences[first:last] if s.start < end and start < s.end)

    # --- fuzzy -----------------------------------------------------------------------------------

    def _find_fuzzy(self, fq: str, shown: str) -> Located | None:
        if len(fq) < MIN_FUZZY_CHARS:
            return None
        found = self._align(fq)
        if found is None or found[0] < _NEAR_MISS:
            return None
        match = self._refine(fq, found, 0, None)
        if match[2] >= FUZZY_THRESHOLD or one_word_edit(fq, self._ftext(match[0], match[1])):
            return self._check(fq, match, shown)
        return self._near_miss(fq, match, shown)

    def _near_miss(self, fq: str, match: _Match, shown: str) -> Located | None:
        """Name the rule when a quote misses the threshold only by its negations or numbers.

        «وأوضح أن المفاوضات متعثرة» against «وأوضح أن المفاوضات ليست متعثرة» scores under the threshold
        (a short sentence, a whole word gone), yet the model needs to hear "you dropped ليست", not
        "not in the article".
        """
        span_text = self._ftext(match[0], match[1])
        if _ratio(strip_polarity(fq), strip_polarity(span_text)) < FUZZY_THRESHOLD:
            return None
        checked = self._check(fq, match, shown)
        return checked if checked.span is None else None

    def _align(self, fq: str) -> tuple[float, int, int] | None:
        """Best partial_ratio alignment of ``fq`` in windows around candidate sentences."""
        text = self._folded.text
        best: tuple[float, int, int] | None = None
        for sid in self._candidates(fq):
            lo = max(0, self._fstarts[sid] - len(fq))
            hi = min(len(text), self._fends[sid] + len(fq))
            window = text[lo:hi]
            score, ws, we = _align_in(fq, window)
            if best is None or score > best[0]:
                best = (score, lo + ws, lo + we)
        self._best[fq] = max(self._best.get(fq, 0.0), best[0] if best else 0.0)
        return best

    def _refine(self, fq: str, aligned: tuple[float, int, int], lo: int, hi: int | None) -> _Match:
        """Move an alignment ``(score, ds, de)`` to the whole article words that best match the quote.

        rapidfuzz aligns a window as long as the quote, so a quote with a dropped word ends a word
        short and one with an added word a word long; trying the words around each edge and keeping
        the span most similar to the quote puts the edges on the real first and last quoted words.
        The score is the better of the alignment's and the final span's similarity to the quote.
        """
        aligned_score, ds, de = aligned
        hi = len(self._folded.text) if hi is None else hi
        starts, ends = self._words_near(ds, de, lo, hi)
        first = max(bisect_right(ends, ds), bisect_left(starts, lo))
        last = min(bisect_left(starts, de) - 1, bisect_right(ends, hi) - 1)
        if first > last:  # no whole word inside the alignment: keep it, widened to words
            ws, we = self._word_bounds(ds, de)
            return ws, we, max(aligned_score, _ratio(fq, self._ftext(ws, we))), "fuzzy"
        lo_word, hi_word = bisect_left(starts, lo), bisect_right(ends, hi) - 1
        text = self._folded.text
        q_words = _WORD_RE.findall(fq)
        starts_at = range(max(lo_word, first - _EDGE_REACH), min(hi_word, first + _EDGE_REACH) + 1)
        ends_at = range(max(lo_word, last - _EDGE_REACH), min(hi_word, last + _EDGE_REACH) + 1)
        heads = {s: same_word(q_words[0], text[starts[s] : ends[s]]) for s in starts_at}
        tails = {e: same_word(q_words[-1], text[starts[e] : ends[e]]) for e in ends_at}
        best: tuple[tuple[int, float, int], int, int] | None = None
        for s in starts_at:
            for e in ends_at:
                if e < s:
                    continue
                # Edges on the quote's own first and last words first, then the closest text.
                key = (
                    heads[s] + tails[e],
                    _ratio(fq, text[starts[s] : ends[e]]),
                    -abs(s - first) - abs(e - last),
                )
                if best is None or key > best[0]:
                    best = (key, s, e)
        assert best is not None
        (_, score, _), s, e = best
        return starts[s], ends[e], max(aligned_score, score), "fuzzy"

    def _words_near(self, ds: int, de: int, lo: int, hi: int) -> tuple[list[int], list[int]]:
        """Starts and ends of the folded words in ``[lo, hi)`` within reach of ``[ds, de)``."""
        text = self._folded.text
        a, b = max(lo, ds - _REACH_CHARS), min(hi, de + _REACH_CHARS)
        a, b = max(lo, self._word_bounds(a, a)[0]), min(hi, self._word_bounds(b, b)[1])
        spans = [m.span() for m in _WORD_RE.finditer(text, a, b)]
        return [sp[0] for sp in spans], [sp[1] for sp in spans]

    def _candidates(self, fq: str) -> list[int]:
        """Sentences sharing the most (IDF-weighted) words with the quote, best first."""
        index = self._word_index()
        n = max(1, len(self.sentences))
        postings = [p for p in (index.get(w) for w in set(_WORD_RE.findall(fq))) if p]
        # Words in more than a quarter of the sentences (في، أن، قال) weigh little and cost the most:
        # leave them out when rarer words can rank the sentences.
        rare = [p for p in postings if len(p) * 4 <= n]
        scores: dict[int, float] = {}
        for sids in rare if len(rare) >= 2 else postings:
            weight = math.log(1.0 + n / len(sids))
            for sid in sids:
                scores[sid] = scores.get(sid, 0.0) + weight
        best = heapq.nlargest(MAX_CANDIDATES, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        return [sid for sid, _ in best]

    def _word_index(self) -> dict[str, list[int]]:
        if self._index is None:
            index: dict[str, list[int]] = {}
            text = self._folded.text
            for sid, (fs, fe) in enumerate(zip(self._fstarts, self._fends, strict=True)):
                for word in set(_WORD_RE.findall(text, fs, fe)):
                    index.setdefault(word, []).append(sid)
            self._index = index
        return self._index

    # --- ellipsis --------------------------------------------------------------------------------

    def _find_parts(self, parts: list[str], shown: str) -> tuple[_Match | None, Located | None]:
        """Find ellipsis-joined parts in order, each in the same or the next sentence as the last.

        Returns:
            The whole match (first part's start to last part's end, the worst part's score), or
            None and the first rejection met (a part that changed meaning, a dropped negation).
        """
        rejection: Located | None = None
        for first in self._first_part(parts[0], shown):
            if first.span is None:
                rejection = rejection or first
                continue
            matches = [self._as_match(first)]
            for part in parts[1:]:
                nxt = self._next_part(part, matches[-1][1], shown)
                if nxt is None or nxt.span is None:
                    rejection = rejection or nxt
                    break
                gap = self._dropped_negation(shown, matches[-1][1], self._as_match(nxt)[0])
                if gap is not None:
                    return None, gap
                matches.append(self._as_match(nxt))
            else:
                worst = min(m[2] for m in matches)
                method: Method = "exact" if all(m[3] == "exact" for m in matches) else "fuzzy"
                return (matches[0][0], matches[-1][1], worst, method), None
        return None, rejection

    def _as_match(self, located: Located) -> _Match:
        span = located.span
        assert span is not None
        fs, fe = self._folded.to_folded(span.start), self._folded.to_folded(span.end)
        return fs, fe, span.score, span.method

    def _first_part(self, part: str, shown: str, limit: int = 20) -> list[Located]:
        """Up to ``limit`` whole-word occurrences of the first part, else its best fuzzy alignment."""
        found = [
            self._found((h, h + len(part), 100.0, "exact"))
            for h in self._exact_hits(part, limit=limit)
            if self._on_boundaries(h, h + len(part))
        ]
        if found:
            return found
        fuzzy = self._find_fuzzy(part, shown)
        return [] if fuzzy is None else [fuzzy]

    def _next_part(self, part: str, after: int, shown: str) -> Located | None:
        """Find ``part`` after folded index ``after`` but no later than the next sentence."""
        text = self._folded.text
        sid = self._sentence_of(max(after - 1, 0))
        hi = self._fends[sid + 1] if sid + 1 < len(self._fends) else len(text)
        for h in self._exact_hits(part, after, hi):
            if self._on_boundaries(h, h + len(part)):
                return self._found((h, h + len(part), 100.0, "exact"))
        if len(part) < MIN_FUZZY_CHARS or hi - after < len(part):
            return None
        score, ws, we = _align_in(part, text[after:hi])
        if score < FUZZY_THRESHOLD:
            return None
        return self._check(part, self._refine(part, (score, after + ws, after + we), after, hi), shown)

    def _dropped_negation(self, shown: str, gap_start: int, gap_end: int) -> Located | None:
        """An ellipsis that leaves out a negation right before the next part («لم ... يوافق»)."""
        left_out = _WORD_RE.findall(self._ftext(gap_start, gap_end))[-2:]
        dropped = negations(" ".join(left_out))
        if not dropped:
            return None
        original = _shown(self.article[self._folded.offsets[gap_start] : self._folded.offsets[gap_end]])
        return Located(
            None,
            "meaning_changed",
            f"The ellipsis in the evidence «{shown}» leaves out the negation {_list(dropped)} (the article "
            f"has «{original}» there), which reverses the meaning. Copy the words with the negation, "
            "or remove this claim.",
        )

    def _sentence_of(self, fpos: int) -> int:
        """Index of the last sentence starting at or before folded position ``fpos`` (0 if none)."""
        return max(bisect_right(self._fstarts, fpos) - 1, 0)


# --- module helpers ---------------------------------------------------------------------------------


def _nearest(hits: list[int], target: int) -> int:
    return min(hits, key=lambda h: (abs(h - target), h))


def _ratio(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b))


def _edge_punct(folded_quote: str, core: str) -> tuple[str, str]:
    """The punctuation (no spaces) a folded quote has before and after its core."""
    stripped = folded_quote.strip()
    at = stripped.find(core)
    if not core or at < 0:
        return "", ""
    return stripped[:at].replace(" ", ""), stripped[at + len(core) :].replace(" ", "")


def _list(counts: Counter[str]) -> str:
    items = sorted(counts.elements())
    return "«" + "، ".join(items) + "»" if items else "none"


def _too_short(shown: str, words: int, minimum: int) -> Located:
    unit = "word" if words == 1 else "words"
    return Located(
        None,
        "evidence_too_short",
        f"The evidence «{shown}» is only {words} {unit}; copy at least {minimum} consecutive words of "
        "the article that state the claim, verbatim from one numbered sentence, or remove this claim.",
    )


def _too_short_part(shown: str, part: str) -> Located:
    return Located(
        None,
        "evidence_too_short",
        f"The evidence «{shown}» has a part of fewer than {MIN_PART_WORDS} words around its ellipsis "
        f"(«{part}»); make every part at least {MIN_PART_WORDS} consecutive words of the article, or "
        "copy one unbroken run of words, or remove this claim.",
    )


def _meaning_changed(shown: str, original: str, added: Counter[str], dropped: Counter[str]) -> Located:
    change = []
    if added:
        change.append(f"adds the negation {_list(added)}")
    if dropped:
        change.append(f"drops the negation {_list(dropped)}")
    how = " and ".join(change) or "changes the negations"
    return Located(
        None,
        "meaning_changed",
        f"The evidence «{shown}» {how} compared with the article («{original}»), which reverses "
        "the meaning. Copy the article's words exactly, with its negations, or remove this claim.",
    )


def _align_in(fq: str, window: str) -> tuple[float, int, int]:
    """Score ``fq`` against its best-aligned substring of ``window``; return (score, start, end)."""
    if len(window) < len(fq):
        # partial_ratio would align the window inside the quote and ignore the rest of the quote;
        # a quote longer than the text is scored as a whole instead.
        return float(fuzz.ratio(fq, window)), 0, len(window)
    res = fuzz.partial_ratio_alignment(fq, window)
    if res is None:
        return 0.0, 0, 0
    return float(res.score), int(res.dest_start), int(res.dest_end)


def ground(article: str, quote: str) -> Span | None:
    """Find one quote in one article (``Grounder(article).find(quote)``).

    Args:
        article: The original article text.
        quote: Evidence text as the model wrote it.

    Returns:
        The span, or None if the quote is rejected.
    """
    return Grounder(article).find(quote)
