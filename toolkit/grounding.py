"""Ground evidence quotes: find where a model's Arabic quote sits in the original article.

Matching happens on folded text (`toolkit.arabic.fold`, ``for_matching=True``), so diacritics, tatweel,
hamza/alef spelling, digit script and quote-mark style never matter; offsets are mapped back to the
original through the fold's offset map, so ``article[span.start:span.end]`` is always real article
text. Offsets are computed here once and never recomputed downstream (DESIGN.md).

Order of attempts in `Grounder.find`:

1. exact substring of the folded article (first occurrence);
2. a quote with an ellipsis ("..." or "…") as several parts found in order, in the same or adjacent
   sentences;
3. fuzzy alignment (rapidfuzz) at or above `FUZZY_THRESHOLD`, only for quotes of at least
   `MIN_FUZZY_CHARS` folded characters, only inside windows around the sentences sharing the most
   rare words with the quote.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from toolkit.arabic import Folded, Sentence, fold, split_sentences

__all__ = ["FUZZY_THRESHOLD", "MIN_FUZZY_CHARS", "Grounder", "Span", "clean_quote", "ground"]

#: Minimum rapidfuzz ``partial_ratio`` (0-100) on folded text for a fuzzy match. partial_ratio is the
#: InDel similarity between the quote and the best-aligned article substring of the same length, so
#: 90 allows roughly one edited character in ten: a dropped clitic, a typo, a changed preposition,
#: a missing comma. Folding already absorbs spelling variation, so what remains below 90 is usually
#: paraphrase or invention; fabricated sentences that reuse article words score 50-75 on the seed
#: article (see tests), which leaves a wide margin.
FUZZY_THRESHOLD: float = 90.0

#: Quotes shorter than this (folded, after cleanup) must match exactly: a few characters fuzzily
#: match almost anything.
MIN_FUZZY_CHARS: int = 12

#: How many best candidate sentences (by shared rare words) get a fuzzy alignment.
MAX_CANDIDATES: int = 4

# Characters a model adds or drops around a quote (already folded: « » “ ” → ", ، → ,).
_EDGE_CHARS = " \"'.,:…;‘’`"
_ELLIPSIS_RE = re.compile(r"\s*(?:\.{3,}|…)\s*")
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Span:
    """Where a quote was found.

    Attributes:
        start: Offset into the original article.
        end: Offset into the original article; ``article[start:end]`` is the evidence.
        method: "exact" (equal after folding) or "fuzzy".
        score: 100.0 for exact, else the rapidfuzz partial_ratio on folded text.
        sentence_ids: Ids of the sentences overlapping the span.
    """

    start: int
    end: int
    method: Literal["exact", "fuzzy"]
    score: float
    sentence_ids: tuple[int, ...]


def clean_quote(quote: str) -> str:
    """Fold a quote and strip the whitespace, quote marks and punctuation models add or drop.

    Args:
        quote: The quote as the model wrote it.

    Returns:
        The folded quote, ready to search in a folded article.
    """
    return fold(quote).text.strip(_EDGE_CHARS)


class Grounder:
    """Finds quotes in one article. Folds and segments once; reuse it for every quote.

    Attributes:
        article: The original article text.
        sentences: Its sentences (given, or from `split_sentences`).
    """

    def __init__(self, article: str, sentences: list[Sentence] | None = None) -> None:
        """Fold the article once and segment it unless sentences are given.

        Args:
            article: The original article text.
            sentences: Pre-computed sentences of ``article`` (offsets into it), to share ids with
                the prompt; segmented with `split_sentences` when omitted.
        """
        self.article = article
        self.sentences = sentences if sentences is not None else split_sentences(article)
        self._folded: Folded = fold(article)
        # Folded bounds of each sentence, for fuzzy windows.
        self._starts = [s.start for s in self.sentences]
        self._fstarts = [self._folded.to_folded(s.start) for s in self.sentences]
        self._fends = [self._folded.to_folded(s.end) for s in self.sentences]
        self._index: dict[str, list[int]] | None = None  # folded word -> sentence ids, built lazily
        self._best: dict[str, float] = {}  # folded quote -> best fuzzy score seen

    # --- public ----------------------------------------------------------------------------------

    def find(self, quote: str, *, near: int | None = None) -> Span | None:
        """Locate a quote in the article.

        Tries, in order: exact match after folding (the first occurrence when there are several, or
        the one starting nearest to `near`),
        the parts of a quote joined by an ellipsis (in order, same or adjacent sentences), then a
        fuzzy alignment scoring at least `FUZZY_THRESHOLD` for quotes of at least `MIN_FUZZY_CHARS`
        folded characters. Fuzzy spans are widened to whole words.

        Args:
            quote: Evidence text as the model wrote it.
            near: Original-text offset where the caller saw the quote (an extractor that knows it),
                to choose among repeated occurrences; it never makes a non-matching quote match.

        Returns:
            A tight span on the original article, or None if the quote is not in it.
        """
        fq = clean_quote(quote)
        if not fq:
            return None
        span = self._find_folded(fq, near)
        if span is not None:
            self._best[fq] = span.score
        return span

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

    # --- helpers ---------------------------------------------------------------------------------

    def _find_folded(self, fq: str, near: int | None = None) -> Span | None:
        idx = self._folded.text.find(fq)
        if idx >= 0 and near is not None:
            idx = self._nearest(fq, idx, self._folded.to_folded(near))
        if idx >= 0:
            return self._span(idx, idx + len(fq), "exact", 100.0)
        parts = [p for p in (x.strip(_EDGE_CHARS) for x in _ELLIPSIS_RE.split(fq)) if p]
        if len(parts) > 1:
            found = self._find_parts(parts)
            if found is not None:
                return found
        return self._find_fuzzy(fq)

    def _nearest(self, fq: str, first: int, target: int) -> int:
        best, idx = first, first
        while idx >= 0 and idx <= target + len(fq):
            if abs(idx - target) < abs(best - target):
                best = idx
            idx = self._folded.text.find(fq, idx + 1)
        if idx >= 0 and abs(idx - target) < abs(best - target):
            best = idx
        return best

    def _span(self, fstart: int, fend: int, method: Literal["exact", "fuzzy"], score: float) -> Span:
        start, end = self._folded.span_to_original(fstart, fend)
        return Span(start, end, method, score, self._sentence_ids(start, end))

    def _sentence_ids(self, start: int, end: int) -> tuple[int, ...]:
        # Sentences are in article order, so only those starting before `end` can overlap.
        last = bisect_left(self._starts, end)
        first = max(bisect_right(self._starts, start) - 1, 0)
        return tuple(s.id for s in self.sentences[first:last] if s.start < end and start < s.end)

    def _find_fuzzy(self, fq: str) -> Span | None:
        if len(fq) < MIN_FUZZY_CHARS:
            return None
        found = self._align(fq)
        if found is None or found[0] < FUZZY_THRESHOLD:
            return None
        score, fs, fe = found
        fs, fe = self._snap_to_words(fs, fe)
        return self._span(fs, fe, "fuzzy", score)

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

    def _candidates(self, fq: str) -> list[int]:
        """Sentences sharing the most (IDF-weighted) words with the quote, best first."""
        index = self._word_index()
        n = max(1, len(self.sentences))
        scores: dict[int, float] = {}
        for word in set(_WORD_RE.findall(fq)):
            postings = index.get(word)
            if postings:
                weight = math.log(1.0 + n / len(postings))
                for sid in postings:
                    scores[sid] = scores.get(sid, 0.0) + weight
        return [sid for sid, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CANDIDATES]]

    def _word_index(self) -> dict[str, list[int]]:
        if self._index is None:
            index: dict[str, list[int]] = {}
            text = self._folded.text
            for sid, (fs, fe) in enumerate(zip(self._fstarts, self._fends, strict=True)):
                for word in set(_WORD_RE.findall(text, fs, fe)):
                    index.setdefault(word, []).append(sid)
            self._index = index
        return self._index

    def _snap_to_words(self, fs: int, fe: int) -> tuple[int, int]:
        """Trim edge punctuation/space from a folded span, then widen it to whole words."""
        text = self._folded.text
        while fs < fe and text[fs] in _EDGE_CHARS:
            fs += 1
        while fe > fs and text[fe - 1] in _EDGE_CHARS:
            fe -= 1
        while fs > 0 and fs < fe and text[fs - 1].isalnum() and text[fs].isalnum():
            fs -= 1
        while fe < len(text) and fe > fs and text[fe].isalnum() and text[fe - 1].isalnum():
            fe += 1
        return fs, fe

    def _find_parts(self, parts: list[str]) -> Span | None:
        """Find ellipsis-joined parts in order, each in the same or the next sentence as the last."""
        for first in self._first_part(parts[0]):
            spans = [first]
            for part in parts[1:]:
                nxt = self._next_part(part, spans[-1][1])
                if nxt is None:
                    break
                spans.append(nxt)
            else:
                worst = min(s[2] for s in spans)
                method: Literal["exact", "fuzzy"] = "exact" if worst == 100.0 else "fuzzy"
                return self._span(spans[0][0], spans[-1][1], method, worst)
        return None

    def _first_part(self, part: str, limit: int = 20) -> list[tuple[int, int, float]]:
        """Up to ``limit`` exact occurrences of the first part, else its best fuzzy alignment."""
        text = self._folded.text
        found: list[tuple[int, int, float]] = []
        idx = text.find(part)
        while idx >= 0 and len(found) < limit:
            found.append((idx, idx + len(part), 100.0))
            idx = text.find(part, idx + 1)
        if found or len(part) < MIN_FUZZY_CHARS:
            return found
        best = self._align(part)
        if best is None or best[0] < FUZZY_THRESHOLD:
            return []
        fs, fe = self._snap_to_words(best[1], best[2])
        return [(fs, fe, best[0])]

    def _next_part(self, part: str, after: int) -> tuple[int, int, float] | None:
        """Find ``part`` after folded index ``after`` but no later than the next sentence."""
        text = self._folded.text
        sid = self._sentence_of(max(after - 1, 0))
        hi = self._fends[sid + 1] if sid + 1 < len(self._fends) else len(text)
        idx = text.find(part, after, hi)
        if idx >= 0:
            return idx, idx + len(part), 100.0
        if len(part) < MIN_FUZZY_CHARS or hi - after < len(part):
            return None
        score, ws, we = _align_in(part, text[after:hi])
        if score < FUZZY_THRESHOLD:
            return None
        fs, fe = self._snap_to_words(after + ws, after + we)
        return fs, fe, score

    def _sentence_of(self, fpos: int) -> int:
        """Index of the last sentence starting at or before folded position ``fpos`` (0 if none)."""
        return max(bisect_right(self._fstarts, fpos) - 1, 0)


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
        The span, or None if the quote is not in the article.
    """
    return Grounder(article).find(quote)
