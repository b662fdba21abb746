"""Extractive Arabic summary, headline, key points and entities for the offline engine.

Sentences are scored by position (news puts the lede first) plus centrality: how much of the
article's recurring vocabulary a sentence shares, over folded tokens with light prefix stripping
(و، ف، ب، ل، ال) and a small stop-word list. The summary takes the best sentences within a word
budget and prints them in article order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from toolkit.arabic import Folded, Sentence
from toolkit.drafts import EntityDraft
from toolkit.engines._offline_cues import INSTITUTION_ALIASES, INSTITUTIONS, PLACES, SUMMARY_STOP, TITLE_HEADS
from toolkit.engines._offline_np import Sent, _chain, _clean, name_end
from toolkit.schema import EntityType

SUMMARY_WORDS = 60  # the shortest summary
SUMMARY_MAX_WORDS = 200
SUMMARY_SHARE = 0.35  # of the article's words
SUMMARY_MAX_CHARS = 1000  # BriefingDraft.summary_ar caps at 1000
HEADLINE_WORDS = 20
_MIN_CLAUSE = 6
_TASHKEEL = re.compile("[\u064b-\u0652\u0670\u0640]")
KEY_POINTS = 5
_WORD_RE = re.compile(r"\w+")
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف")
_TERMINAL = ".!?؟…»”\"')"
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def arabic_ratio(text: str) -> float:
    """Share of letters in Arabic script, by regex: `toolkit.arabic.arabic_ratio` checks every
    character in Python and took a third of the engine's time on whole-sentence news."""
    letters = "".join(_LETTER.findall(text))
    return len(_ARABIC_LETTER.findall(letters)) / len(letters) if letters else 0.0


def _stem(word: str) -> str:
    for p in _PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 3:
            return word[len(p) :]
    return word


@dataclass(frozen=True)
class Scored:
    """A sentence with its score."""

    sentence: Sentence
    score: float
    words: int


def score_sentences(sentences: list[Sentence], folded: Folded) -> list[Scored]:
    """Score Arabic sentences by position and centrality.

    Args:
        sentences: The article's sentences.
        folded: The folded article.

    Returns:
        Scored sentences (only mostly-Arabic ones with at least 4 words), in article order.
    """
    bags: list[list[str]] = []
    for s in sentences:
        fs, fe = folded.to_folded(s.start), folded.to_folded(s.end)
        bags.append(
            [_stem(w) for w in _WORD_RE.findall(folded.text, fs, fe) if w not in SUMMARY_STOP and len(w) > 1]
        )
    df = Counter(w for bag in bags for w in set(bag))
    out: list[Scored] = []
    for idx, (s, bag) in enumerate(zip(sentences, bags, strict=True)):
        n_words = len(s.text.split())
        if n_words < 4 or arabic_ratio(s.text) < 0.5:
            continue
        shared = sum(math.log1p(df[w] - 1) for w in set(bag))
        centrality = shared / math.sqrt(max(len(set(bag)), 1))
        position = 1.0 / (1.0 + idx) ** 0.5
        out.append(Scored(s, centrality * 0.5 + position * 2.0, n_words))
    if not out:  # a very short article: take whatever is Arabic
        out = [
            Scored(s, 1.0 / (1 + i), len(s.text.split()))
            for i, s in enumerate(sentences)
            if arabic_ratio(s.text) >= 0.5
        ]
    return out


def summary_budget(article_words: int) -> int:
    """Summary length in words: it follows the article's (news summaries run to a third of it)."""
    return max(SUMMARY_WORDS, min(SUMMARY_MAX_WORDS, round(article_words * SUMMARY_SHARE)))


def summary(scored: list[Scored], article_words: int = 0) -> str:
    """Whole sentences from the lead on, until `summary_budget` words (at most 1,000 characters).

    Measured on the 30 EASC articles (`benchmarks/offline_summary.py`): with summaries this long, news
    puts what matters first, and picking sentences by centrality out of order lost 8.9 ROUGE-2 points
    to the lead at equal length; whole lead sentences tie it (the lead *is* what they are).
    """
    budget = summary_budget(article_words)
    chosen: list[str] = []
    words = chars = 0
    for sc in sorted(scored, key=lambda x: x.sentence.id):
        piece = " ".join(cut_words(sc.sentence.text, budget + 20).split())
        # Whole sentences until the word budget is reached (the sentence that crosses it included);
        # one that would pass the 1,000-character cap of summary_ar is left out, not cut with «…»
        # (a cut last sentence lost its last words to the lead at equal length).
        if chosen and (words >= budget or chars + 1 + len(piece) > SUMMARY_MAX_CHARS):
            break
        chosen.append(piece)
        words += sc.words
        chars += len(piece) + 1
    return cut_chars(" ".join(chosen), SUMMARY_MAX_CHARS)


def headline(sentences: list[Sentence], scored: list[Scored]) -> str:
    """A title line when the article starts with one, else the main clause of the lead sentence.

    The main clause ends at the first clause break (، ؛ :) after a few words, and the headline never
    runs past `HEADLINE_WORDS`; tashkeel and tatweel are dropped.
    """
    if len(sentences) > 1:
        first = sentences[0].text
        if len(first.split()) <= 14 and first[-1] not in _TERMINAL and arabic_ratio(first) >= 0.5:
            return _plain(cut_words(first, HEADLINE_WORDS))
    if not scored:
        return ""
    lead = min(scored, key=lambda x: x.sentence.id)
    return _plain(main_clause(lead.sentence.text))


# Words that open a phrase the main clause can do without: circumstance (في، بعد، بسبب…), relative
# clauses (الذي، التي…) and asides (وذلك، حيث). The headline is cut before the last of them within
# `HEADLINE_WORDS` rather than after the 19th word, which cut names («الشيخ عبدالله بن ناصر بن …»)
# and numbers from their units («باختلاس نحو ثلاثة …»).
_PHRASE_OPENERS = frozenset(
    [
        "في",
        "بعد",
        "قبل",
        "منذ",
        "خلال",
        "عقب",
        "إثر",
        "اثر",
        "بسبب",
        "وسط",
        "رغم",
        "برغم",
        "حيث",
        "الذي",
        "التي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللواتي",
        "عندما",
        "بينما",
        "لكن",
        "ولكن",
        "وذلك",
        "ضمن",
        "لدى",
        "أثناء",
        "اثناء",
        "حتى",
        "بهدف",
        "لأن",
        "لان",
        "كما",
        "وكان",
    ]
)
# A headline never ends on a word that needs the next one: particles, prepositions, بن, number words.
_DANGLING = frozenset(
    [
        "في",
        "من",
        "على",
        "إلى",
        "الى",
        "عن",
        "مع",
        "بين",
        "بن",
        "بنت",
        "ابن",
        "أبو",
        "ابو",
        "نحو",
        "أكثر",
        "اكثر",
        "أقل",
        "اقل",
        "حوالي",
        "قرابة",
        "أن",
        "إن",
        "ان",
        "لا",
        "لم",
        "لن",
        "ما",
        "و",
        "أو",
        "او",
        "ثم",
        "قد",
        "كل",
        "بعض",
        "عدد",
        "مجموعة",
    ]
)
_DATELINE = re.compile(r"^\s*(?:[^\s\-]+\s*){1,3}-\s+(?:\(?[^\s\-()]+(?:\s+[^\s\-()]+)?\)?\s*-\s+)?")


def main_clause(text: str) -> str:
    """The main clause of a lead sentence, at most `HEADLINE_WORDS` words.

    The sentence up to its first clause break (، ؛ :) after `_MIN_CLAUSE` words; else the whole
    sentence when it is short enough; else cut after a quotation that closes or before a phrase
    opener (`_PHRASE_OPENERS`), never inside a quotation or after a dangling word; «…» only when
    the sentence offers no such place. A dateline («عمان - الرأي -») is not part of it.
    """
    words = " ".join(_strip_dateline(text).split()).split(" ")
    for n, w in enumerate(words[:HEADLINE_WORDS], 1):
        if n >= _MIN_CLAUSE and w[-1:] in "،,؛;:" and _balanced(words[:n]):
            return " ".join(words[:n]).rstrip("،,؛;:")
    if len(words) <= HEADLINE_WORDS:
        return " ".join(words).rstrip(".!؟?")
    cuts = [n for n in range(_MIN_CLAUSE, HEADLINE_WORDS + 1) if _can_cut(words, n)]
    if cuts:
        return " ".join(words[: cuts[-1]]).rstrip("،,؛;:")
    n = HEADLINE_WORDS - 1
    # No such place: cut with «…», but not inside a quotation (a cut quote is a misquote).
    while n > _MIN_CLAUSE and (_bare(words[n - 1]) in _DANGLING or not _balanced(words[:n])):
        n -= 1
    return " ".join(words[:n]).rstrip("،,؛;:") + " …"


def _strip_dateline(text: str) -> str:
    m = _DATELINE.match(text)
    # Only a short place (and agency) before « - »: a hyphenated name has no space after its hyphen.
    return text[m.end() :] if m and len(text) - m.end() > 40 else text


def _bare(word: str) -> str:
    return word.strip("«»\"'()،,؛;:.!؟?")


def _balanced(words: list[str]) -> bool:
    text = " ".join(words)
    quotes_closed = text.count("«") == text.count("»") and text.count('"') % 2 == 0
    return quotes_closed and text.count("(") == text.count(")")


def _can_cut(words: list[str], n: int) -> bool:
    # Keep words[:n]: after a closed quotation, or before a phrase opener; never after a dangling word.
    last, nxt = words[n - 1], words[n] if n < len(words) else ""
    if _bare(last) in _DANGLING or not _balanced(words[:n]):
        return False
    return last[-1:] in '»)"' or _bare(nxt) in _PHRASE_OPENERS


def _plain(text: str) -> str:
    # Headlines carry no tashkeel or tatweel (the article's words read the same without them).
    return _TASHKEEL.sub("", text)


def key_points(scored: list[Scored]) -> list[str]:
    """The 3-5 best sentences, best first, each cut to 300 characters."""
    best = sorted(scored, key=lambda x: (-x.score, x.sentence.id))[:KEY_POINTS]
    return [cut_chars(b.sentence.text, 300) for b in best]


def cut_words(text: str, limit: int) -> str:
    """Keep at most `limit` words (adding … when cut)."""
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def cut_chars(text: str, limit: int) -> str:
    """Truncate at a word boundary to at most `limit` characters (adding … when cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 2)
    return text[: cut if cut > 0 else limit - 2].rstrip("،, ") + " …"


# --- entities -----------------------------------------------------------------------------------


def entities(sents: list[Sent], speakers: list[tuple[str, EntityType]], limit: int = 20) -> list[EntityDraft]:
    """Speakers, titled names, gazetteer institutions and places, in that order, deduplicated.

    Args:
        sents: Tokenized sentences.
        speakers: Claim speakers with their types.
        limit: Maximum number of entities.

    Returns:
        Entity drafts (Arabic names only).
    """
    seen: dict[str, EntityDraft] = {}

    def add(name: str, etype: EntityType) -> None:
        key = " ".join(_WORD_RE.findall(name))
        if key and key not in seen and len(seen) < limit and len(name) <= 120:
            seen[key] = EntityDraft(name_ar=name, type=etype)

    for name, etype in speakers:
        add(name, etype)
    for s in sents:
        for j, t in enumerate(s.toks):
            if t.w in TITLE_HEADS and (j == 0 or s.toks[j - 1].w not in TITLE_HEADS):
                k = _chain(s, j, TITLE_HEADS)
                n = name_end(s, k, frozenset()) if k < len(s.toks) and _clean(s.gap(k), False) else k
                if n - k >= 2:  # one word after a title is as often a verb (الرئيس الروسي أطلع) as a name
                    add(s.words(k, n), "person")
    for s in sents:
        for name, etype in _gazetteer_hits(s):
            add(name, etype)
    return list(seen.values())


def _gazetteer_hits(s: Sent) -> list[tuple[str, EntityType]]:
    hits: list[tuple[str, EntityType]] = []
    toks = s.toks
    j = 0
    while j < len(toks):
        w = toks[j].w
        pair = f"{w} {toks[j + 1].w}" if j + 1 < len(toks) else ""
        if pair in INSTITUTIONS:
            hits.append((INSTITUTIONS[pair], "organization"))
            j += 2
            continue
        if pair in PLACES:
            hits.append((PLACES[pair], "location"))
            j += 2
            continue
        if w in INSTITUTION_ALIASES:
            hits.append((INSTITUTION_ALIASES[w], "organization"))
        elif w in INSTITUTIONS and len(w) > 4:
            hits.append((INSTITUTIONS[w], "organization"))
        else:
            for cand in (w, w[1:] if w[:1] in "وبلفك" else ""):
                if cand in PLACES:
                    hits.append((PLACES[cand], "location"))
                    break
        j += 1
    return hits
