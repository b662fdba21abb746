"""Who said it: the speaker's mention and the reporting cue of every claim, found in the original text.

A claim is a triple of spans of the article — who (`Speaker.mention`), said (`Claim.cue`) and what
(`Claim.evidence`). Grounding (`toolkit.grounding`) locates the evidence; this module locates the
other two for every engine, from the words a model gives (`speaker_ar`, optional `cue_ar`) or from
the positions an extractor knows (`ClaimDraft.at(..., mention=, cue=)`), and records how each was
found in an `Attribution`:

- **Mention.** The speaker's name is looked up token by token on folded text: the name as given
  (`exact`, a proclitic و/ف/ب/ل/لل allowed on its first word), then other forms of it (`alias`): ال
  optional, leading titles stripped (رئيس الأركان الفرنسي الجنرال فرنسوا لوكوانتر → فرنسوا لوكوانتر),
  the surname alone when the full name occurs in the article, the aliases of a matching entity of the
  briefing whose own name is in the article; last, whole-word similarity (`fuzzy`, rapidfuzz ratio
  ≥ `FUZZY_NAME_THRESHOLD`). A person's mention takes the title phrase written before the name, an
  institution's the statement or spokesperson phrase that names it. The occurrence nearest the
  evidence wins: in the evidence's sentence, then the previous sentences, then later ones. A
  pronoun-only follow-up (وأضاف، وزاد، مشيراً إلى) with no mention in its own sentence
  inherits the mention of the same speaker's previous claim (`antecedent`).
- **Cue.** A producer's cue span, verified (in range, on word boundaries), is used as `exact`; else
  the model's `cue_ar` words near the mention and evidence (`exact`, or `alias` with a different
  proclitic); else the reporting-verb / source-phrase lexicon (`lexicon`: وحض، ووفق، أكدت، قائلاً), and
  failing that the colon before a quotation (وزاد: «…» has its verb; «…» after a bare colon has the
  colon). Between the mention and the evidence first, then before them, then after the evidence.
- **Distances and flags.** `mention_distance` / `cue_distance` count sentences to the evidence's
  sentence(s). Reported speech puts them in the same sentence or the one before, or chains follow-ups
  (each at most `CARRY_SENTENCES` after the previous claim of the same speaker); anything further,
  or a mention only found *after* the evidence's sentence, is flagged `too_far` (kept, shown to the
  reviewer, counted in evals). Numbers and entity names in `claim_ar` / `claim_en` that the
  evidence sentence(s) do not contain are listed in `unsupported` and flagged `unsupported`.
- **Rules.** A resolved speaker named nowhere in the article drops the claim
  (`speaker_not_in_article`); two claims whose evidence overlaps but whose speakers differ keep the
  one with the nearer mention, the other is dropped as `speaker_conflict`. A speaker the producer
  marks unresolved, or a model's "غير معروف" / "unknown", is kept as
  `Speaker(resolution="unresolved")` and never dropped for not being named.

Every span satisfies ``article[start:end] == text`` and starts and ends on word boundaries.
This module uses `toolkit.arabic`, `toolkit.grounding` and `toolkit.schema` only.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz

from toolkit._attribution_lexicon import PARTICIPLES, SOURCE_PAIRS, SOURCE_WORDS, TITLES, VERBS
from toolkit._attribution_text import (
    WORD_RE,
    contains,
    is_person_name,
    is_unknown_speaker,
    keys,
    matches,
    name_units,
    name_words,
    names_alone,
    numbered,
    numbers,
    same_speaker,
    same_word,
    strip_al,
    strip_titles,
    word_bounded,
)
from toolkit.arabic import Sentence, fold, fold_text
from toolkit.grounding import Grounder, Span
from toolkit.schema import Attribution, AttributionFlag, DropRule, SpanMethod, SpeakerResolution, TextSpan

__all__ = [
    "CARRY_SENTENCES",
    "FUZZY_NAME_THRESHOLD",
    "MAX_SENTENCE_DISTANCE",
    "Attributed",
    "Attributor",
    "Contender",
    "conflict_reason",
    "conflicts",
    "is_unknown_speaker",
    "resolve_conflicts",
    "same_speaker",
    "word_bounded",
]

#: Sentences between a mention or cue and the evidence that reported speech allows (0: the same
#: sentence, 1: the one before — «وقال الوزير:» on its own line before the quotation).
MAX_SENTENCE_DISTANCE = 1

#: A follow-up (وأضاف) continues the same speaker's previous claim at most this many sentences back.
CARRY_SENTENCES = 1

#: Minimum rapidfuzz ratio (0-100) of a whole-word window to a name of at least
#: `_MIN_FUZZY_NAME` folded characters: one letter in ten may differ (فرانسوا / فرنسوا).
FUZZY_NAME_THRESHOLD = 90.0
_MIN_FUZZY_NAME = 8

_LATINWORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_METHOD_RANK = {"exact": 0, "alias": 1, "fuzzy": 2}
_OPENERS = " \t«“\"'("
_MAX_TITLE_WORDS = 10
_CLAUSE_WORDS = frozenset(
    fold_text(w)
    for w in [
        "أما",
        "وأما",
        "فيما",
        "بينما",
        "كما",
        "قد",
        "وقد",
        "كان",
        "وكان",
        "وكانت",
        "كانت",
        "إن",
        "أن",
        "بأن",
        "فإن",
        "لكن",
        "لكنه",
        "غير",
        "عن",
        "الذي",
        "التي",
    ]
)
_SOURCE_HEADS = frozenset({"بيان", "تقرير"})
_STATEMENT = "بيان"
_DEFINITE_STATEMENT = frozenset({"البيان", "والبيان", "فالبيان"})
_CLAUSE_BREAK = re.compile("[،,.:؛;!?؟]")


class ClaimProposal(Protocol):
    """What attribution reads from a claim draft (`toolkit.drafts.ClaimDraft` satisfies it)."""

    @property
    def speaker_ar(self) -> str: ...
    @property
    def claim_ar(self) -> str: ...
    @property
    def claim_en(self) -> str | None: ...
    @property
    def cue_ar(self) -> str | None: ...
    @property
    def mention_hint(self) -> tuple[int, int] | None: ...
    @property
    def cue_hint(self) -> tuple[int, int] | None: ...
    @property
    def unresolved(self) -> bool: ...


class EntityLike(Protocol):
    """An entity of the briefing (`toolkit.schema.Entity` or an entity draft)."""

    @property
    def name_ar(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...
    @property
    def aliases(self) -> Sequence[str]: ...


# --- the article index --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    w: str  # folded word
    start: int  # original offsets
    end: int
    sid: int  # sentence id


@dataclass(frozen=True)
class _Form:
    words: tuple[str, ...]
    method: SpanMethod


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    method: SpanMethod
    sid: int
    weak: bool = False  # a source phrase (ووفق، بحسب): the speaker's own verb in the clause wins


_INDEXES: weakref.WeakKeyDictionary[Grounder, _Index] = weakref.WeakKeyDictionary()


def _span(article: str, found: _Found | None) -> TextSpan | None:
    if found is None:
        return None
    return TextSpan(start=found.start, end=found.end, text=article[found.start : found.end])


class _Index:
    """Folded tokens of one article with original offsets and sentence ids."""

    def __init__(self, article: str, sentences: Sequence[Sentence]) -> None:
        self.article = article
        self.starts = [s.start for s in sentences]
        folded = fold(article)
        self.toks: list[_Tok] = []
        for m in WORD_RE.finditer(folded.text):
            start, end = folded.span_to_original(m.start(), m.end())
            self.toks.append(_Tok(m.group(), start, end, self.sentence_of(start)))
        self.tok_starts = [t.start for t in self.toks]
        self.by_key: dict[str, list[int]] = {}
        for i, t in enumerate(self.toks):
            for key in keys(t.w):
                self.by_key.setdefault(key, []).append(i)

    def sentence_of(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def first_token(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return bisect_right(self.tok_starts, offset - 1)

    def contains(self, words: Sequence[str], lo: int, hi: int) -> bool:
        """True when the folded word sequence occurs (up to ال and proclitics) between tokens lo and hi."""
        return any(lo <= i and i + len(words) <= hi for i in self.occurrences(words))

    def occurrences(self, words: Sequence[str]) -> list[int]:
        """Token indexes where the word sequence starts (up to ال and proclitics), within one sentence."""
        toks, n, out = self.toks, len(words), []
        for i in self.by_key.get(strip_al(words[0]), []):
            if i + n > len(toks) or toks[i + n - 1].sid != toks[i].sid:
                continue
            if all(matches(toks[i + k].w, words[k]) for k in range(n)):
                out.append(i)
        return out


# Folded prepositions that open a verb's complement (علي/الي: ى and أ/إ fold to ي/ا).
_PREPOSITIONS = frozenset({"علي", "الي", "في", "من", "عن", "لدي", "ضد", "مع"})

NO_CUE_REASON = (
    "no reporting verb, source phrase or colon before a quotation within a sentence of the evidence says "
    "that anyone said these words"
)

# --- what attribution returns ------------------------------------------------------------------


@dataclass
class Attributed:
    """The attribution of one grounded claim.

    Attributes:
        resolution: "resolved", or "unresolved" when the producer could not tell who spoke.
        mention: Where the article names the speaker (None for an unresolved speaker without a candidate).
        cue: The reporting verb or phrase (None when none was found).
        attribution: Methods, distances, flags and unsupported items.
        rule: Why the claim is dropped, or None when it is kept.
        reason: The drop reason in words.
    """

    resolution: SpeakerResolution
    mention: TextSpan | None
    cue: TextSpan | None
    attribution: Attribution
    rule: DropRule | None = None
    reason: str | None = None
    # Internal: for conflicts and antecedents.
    speaker: str = ""
    evidence: tuple[int, int] = (0, 0)
    ev_sids: tuple[int, ...] = ()
    mention_sid: int | None = None
    chained: bool = field(default=False, repr=False)

    def contender(self) -> Contender:
        """What rule 6 compares about this claim."""
        return Contender(
            self.speaker,
            self.evidence,
            (self.mention.start, self.mention.end) if self.mention else None,
            self.attribution.mention_distance,
            self.resolution == "resolved",
        )


class Attributor:
    """Finds speaker mentions and cues in one article. Folds and tokenizes once; reuse it per article.

    Attributes:
        article: The original article text.
    """

    def __init__(
        self,
        article: str,
        sentences: Sequence[Sentence],
        entities: Iterable[EntityLike] = (),
        *,
        _index: _Index | None = None,
    ) -> None:
        """Index the article.

        Args:
            article: The original article text.
            sentences: Its sentences (offsets into it), as the grounder uses.
            entities: The briefing's entities: their Arabic names and aliases are aliases of a
                speaker whose name matches one of them.
        """
        self.article = article
        self._ix = _index if _index is not None else _Index(article, sentences)
        # (Arabic names and aliases, English name, is a person): a person's surname alone names them.
        self._entities = [
            (
                [n for n in (e.name_ar, *e.aliases) if n and n.strip()],
                e.name_en,
                getattr(e, "type", None) == "person",
            )
            for e in entities
        ]
        self._found: dict[str, list[_Found]] = {}
        self._names: list[str] = []

    @classmethod
    def for_grounder(cls, grounder: Grounder, entities: Iterable[EntityLike] = ()) -> Attributor:
        """An attributor over a grounder's article, sharing one token index per grounder.

        Validators (each re-ask) and the pipeline ask for the same article several times; the
        folded token index is built once and kept as long as the grounder lives.

        Args:
            grounder: The article's grounder.
            entities: The briefing's entities (aliases).

        Returns:
            The attributor.
        """
        index = _INDEXES.get(grounder)
        if index is None:
            index = _INDEXES[grounder] = _Index(grounder.article, grounder.sentences)
        return cls(grounder.article, grounder.sentences, entities, _index=index)

    # --- names -----------------------------------------------------------------------------------

    def _entity_aliases(self, speaker: str) -> list[str]:
        # Aliases come from the model too: they only count for an entity whose own name the article
        # contains, so an entity «دونالد ترامب» with the alias «ماكرون» cannot smuggle Trump past rule 1.
        out: list[str] = []
        for names, _, _ in self._entities:
            if any(same_speaker(speaker, n) for n in names) and self._ix.occurrences(name_words(names[0])):
                out.extend(names)
        return out

    def _forms(self, speaker: str) -> list[_Form]:
        words = name_words(speaker)
        if not words:
            return []
        forms = [_Form(tuple(words), "exact")]
        bare = strip_titles(words)
        if is_person_name(bare):
            units = name_units(bare)
            tails = [tuple(w for u in units[i:] for w in u) for i in range(1, len(units) - 1)]
            forms += [_Form(t, "alias") for t in [tuple(bare), *tails] if t != tuple(words)]
            # The surname alone names the speaker only where the article also gives the full name.
            if len(units) >= 2 and any(
                self._ix.contains(f.words, 0, len(self._ix.toks)) for f in forms if len(f.words) >= 2
            ):
                forms.append(_Form(units[-1], "alias"))
        elif bare != words and (len(bare) >= 2 or names_alone(bare[0])):
            forms.append(_Form(tuple(bare), "alias"))
        for alias in self._entity_aliases(speaker):
            alias_words = tuple(name_words(alias))
            if alias_words and alias_words not in {f.words for f in forms}:
                forms.append(_Form(alias_words, "alias"))
        return forms

    def _occurrences(self, forms: list[_Form]) -> list[_Found]:
        toks, found = self._ix.toks, []
        for form in forms:
            n = len(form.words)
            for i in self._ix.occurrences(form.words):
                window = [toks[i + k].w for k in range(n)]
                exact = form.method == "exact" and all(
                    same_word(t, w) for t, w in zip(window, form.words, strict=True)
                )
                found.append(
                    _Found(toks[i].start, toks[i + n - 1].end, "exact" if exact else "alias", toks[i].sid)
                )
        if not found and forms:
            found = self._fuzzy(forms[0])
        return found

    def _fuzzy(self, form: _Form) -> list[_Found]:
        target = " ".join(strip_al(w) for w in form.words)
        if len(target) < _MIN_FUZZY_NAME:
            return []
        toks, n, out = self._ix.toks, len(form.words), []
        for i in range(len(toks) - n + 1):
            if toks[i + n - 1].sid != toks[i].sid:
                continue
            window = " ".join(strip_al(toks[i + k].w) for k in range(n))
            if fuzz.ratio(target, window) >= FUZZY_NAME_THRESHOLD:
                out.append(_Found(toks[i].start, toks[i + n - 1].end, "fuzzy", toks[i].sid))
        return out

    def speaker_found(self, speaker: str) -> bool:
        """Tell whether the article names this speaker in any form (rule 1, for validators).

        Args:
            speaker: The speaker's name as the model wrote it.

        Returns:
            True when a mention exists (or the speaker is "unknown", which rule 1 never drops).
        """
        return is_unknown_speaker(speaker) or bool(self._find(speaker))

    def _find(self, speaker: str) -> list[_Found]:
        hit = self._found.get(speaker)
        if hit is None:
            hit = self._occurrences(self._forms(speaker))
            person = is_person_name(strip_titles(name_words(speaker)))
            hit = [self._closed(self._with_title(f) if person else self._with_source(f)) for f in hit]
            self._found[speaker] = hit
        return hit

    def _with_source(self, found: _Found) -> _Found:
        """An institution's mention with the statement or spokesperson phrase that names it.

        بيان للإليزيه، بيان لمكتب منظمة الصحة العالمية، تقرير لمنظمة «سكن للجميع»، المتحدث باسم
        الشرطة: the statement, report or spokesperson is where the article names the speaker; the words
        between it and the name are لـ-heads (لمكتب، لمنظمة) or باسم.
        """
        toks = self._ix.toks
        first = self._ix.first_token(found.start)
        for j in range(first - 1, max(first - 4, -1), -1):
            tok = toks[j]
            if tok.sid != found.sid or _CLAUSE_BREAK.search(self.article, tok.end, toks[j + 1].start):
                break
            if strip_al(tok.w) in _SOURCE_HEADS or (
                tok.w in TITLES and j + 1 < first and toks[j + 1].w == "باسم"
            ):
                return _Found(tok.start, found.end, found.method, found.sid, found.weak)
            if not (tok.w.startswith("ل") or tok.w == "باسم"):
                break
        return found

    def _closed(self, found: _Found) -> _Found:
        # A name quoted in guillemets keeps its closing mark: حملة «مدينتنا نظيفة».
        text = self.article[found.start : found.end]
        if text.count("«") > text.count("»") and self.article[found.end : found.end + 1] == "»":
            return _Found(found.start, found.end + 1, found.method, found.sid, found.weak)
        return found

    def _with_title(self, found: _Found) -> _Found:
        """A person's mention with the title phrase written just before the name.

        وقالت محافظة البنك المركزي رنا العطار → «محافظة البنك المركزي رنا العطار»: the words between the
        name and the nearest clause boundary (punctuation, a reporting verb, a clause word such as أما
        or أن, at most `_MAX_TITLE_WORDS`), kept from the first title word on; nothing when there is
        no title word (وقال العطار → «العطار»).
        """
        toks = self._ix.toks
        first = self._ix.first_token(found.start)
        j = first
        while j > 0 and first - j < _MAX_TITLE_WORDS:
            prev = toks[j - 1]
            if prev.sid != found.sid or _CLAUSE_BREAK.search(self.article, prev.end, toks[j].start):
                break
            if prev.w in VERBS or prev.w in PARTICIPLES or prev.w in SOURCE_WORDS or prev.w in _CLAUSE_WORDS:
                break
            j -= 1
        while j < first and toks[j].w not in TITLES:
            j += 1
        if j == first:
            return found
        return _Found(toks[j].start, found.end, found.method, found.sid, found.weak)

    def _nearest(self, found: list[_Found], ev: tuple[int, int], sids: tuple[int, ...]) -> _Found | None:
        first, last = sids[0], sids[-1]

        def rank(f: _Found) -> tuple[int, int, int, int, int, int, int]:
            if first <= f.sid <= last:
                place, dist = 0, 0
            elif f.sid < first:
                place, dist = 1, first - f.sid
            else:
                place, dist = 2, f.sid - last
            inside = int(f.start < ev[1] and ev[0] < f.end)  # a name inside the evidence is a last resort
            # Before the evidence beats after it («…»، قال ماكرون); then the nearest, the longest form.
            after = int(f.start >= ev[1])
            gap = f.start - ev[1] if after else max(ev[0] - f.end, 0)
            return (place, dist, inside, after, gap, _METHOD_RANK[f.method], f.start - f.end)

        if not found:
            return None
        best = min(found, key=rank)
        # "مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية (أوتشا)": the name, not the acronym after it.
        for f in found:
            closer = _METHOD_RANK[f.method] < _METHOD_RANK[best.method]
            if closer and f.end <= best.start and self.article[f.end : best.start].strip() == "(":
                return f
        return best

    # --- cues ------------------------------------------------------------------------------------

    def _lexicon_cues(self, lo: int, hi: int) -> list[_Found]:
        toks, out = self._ix.toks, []
        for i in range(lo, hi):
            w = toks[i].w
            if w in VERBS or w in PARTICIPLES or w in SOURCE_WORDS:
                out.append(_Found(toks[i].start, toks[i].end, "lexicon", toks[i].sid, w in SOURCE_WORDS))
            elif i + 1 < hi and (w, toks[i + 1].w) in SOURCE_PAIRS:
                out.append(_Found(toks[i].start, toks[i + 1].end, "lexicon", toks[i].sid, True))
        return out

    def _given_cues(self, cue_ar: str, lo: int, hi: int) -> list[_Found]:
        words = name_words(cue_ar)
        toks, n, out = self._ix.toks, len(words), []
        for i in range(lo, max(lo, hi - n + 1)):
            window = [toks[i + k].w for k in range(n)]
            if window == words:
                method: SpanMethod = "exact"
            elif all(same_word(t, w) or same_word(w, t) for t, w in zip(window, words, strict=True)):
                method = "alias"
            else:
                continue
            out.append(_Found(toks[i].start, toks[i + n - 1].end, method, toks[i].sid))
        return out

    def _colon(self, ev: tuple[int, int], sid: int) -> _Found | None:
        # «…» after a colon: the colon itself is the cue when no verb introduces the quotation.
        i = ev[0]
        while i > 0 and self.article[i - 1] in _OPENERS:
            i -= 1
        if i > 0 and self.article[i - 1] == ":":
            return _Found(i - 1, i, "lexicon", sid)
        return None

    def _cue(
        self, cue_ar: str | None, mention: _Found | None, ev: tuple[int, int], sids: tuple[int, ...]
    ) -> _Found | None:
        ix = self._ix
        lo_sid = sids[0] - MAX_SENTENCE_DISTANCE
        if mention is not None and mention.sid < sids[0]:
            lo_sid = max(mention.sid, lo_sid)
        lo = ix.first_token(ix.starts[max(lo_sid, 0)] if ix.starts else 0)
        last = sids[-1] + 1
        hi = ix.first_token(ix.starts[last]) if last < len(ix.starts) else len(ix.toks)
        blocked = [ev] + ([(mention.start, mention.end)] if mention else [])
        found = self._given_cues(cue_ar, lo, hi) if cue_ar and name_words(cue_ar) else []
        found = found or self._lexicon_cues(lo, hi)
        outside = [f for f in found if not any(f.start < b and a < f.end for a, b in blocked)]
        if not outside:
            # Evidence that quotes its whole sentence («وقال الوزير إن …») holds its own cue: the
            # first one inside it, when nothing outside it (a colon included) introduces it.
            inside = [
                f
                for f in found
                if ev[0] <= f.start
                and f.end <= ev[1]
                and not any(f.start < b and a < f.end for a, b in blocked[1:])
            ]
            colon = self._colon(ev, sids[0])
            return colon or (min(inside, key=lambda f: f.start) if inside else None)
        found = outside
        m = mention if mention is not None and mention.sid >= lo_sid else None

        def rank(f: _Found) -> tuple[int, int, int, int, int]:
            # Before the evidence in its sentence (between the mention and the evidence first), a
            # reporting verb beats a source phrase (وقالت X، نقلاً عن بيان، إن…); then after the
            # evidence; then the sentence before.
            method = _METHOD_RANK.get(f.method, 0)
            if m is not None and ev[1] <= f.start and f.end <= m.start:
                return (0, False, 0, method, f.start - ev[1])  # «…»، قال ماكرون / …، وفق أرقام الدائرة
            if m is not None and m.end <= f.start and f.end <= ev[0]:
                return (0, f.weak, 0, method, ev[0] - f.end)
            if f.sid in sids and f.end <= ev[0]:
                anchor = m.start if m is not None and m.end <= ev[0] else ev[0]
                return (0, f.weak, 1, method, abs(anchor - f.end))
            if f.sid in sids:
                return (2, f.weak, 2, method, f.start - ev[1])
            return (3, f.weak, 3, method, ev[0] - f.end)

        best = min(found, key=rank)
        if rank(best)[0] >= 2:
            colon = self._colon(ev, sids[0])
            if colon is not None:
                return colon
        return best

    # --- hints -----------------------------------------------------------------------------------

    def _hint(self, hint: tuple[int, int] | None) -> _Found | None:
        if hint is None:
            return None
        start, end = hint
        if not word_bounded(self.article, start, end):
            return None
        return _Found(start, end, "exact", self._ix.sentence_of(start))

    # --- claims ----------------------------------------------------------------------------------

    def attribute(self, items: Sequence[tuple[ClaimProposal, Span]]) -> list[Attributed]:
        """Find the mention and cue of every grounded claim and apply rules 1 and 5.

        Claims are processed in evidence order, so a follow-up can inherit the mention of the same
        speaker's previous claim. Rule 6 (`resolve_conflicts`) is separate.

        Args:
            items: (draft, grounded evidence span) pairs, in any order.

        Returns:
            One `Attributed` per item, in the order given; `rule` is set on claims to drop.
        """
        # Names the article's speakers go by (other claims' speakers, the briefing's entities): the
        # candidates for the subject slot after a reporting verb (the other_subject flag).
        self._names = [d.speaker_ar for d, _ in items if not is_unknown_speaker(d.speaker_ar)]
        self._names += [names[0] for names, _, _ in self._entities if names]
        order = sorted(range(len(items)), key=lambda k: (items[k][1].start, items[k][1].end))
        done: dict[int, Attributed] = {}
        history: list[Attributed] = []
        for k in order:
            draft, span = items[k]
            result = self._one(draft, span, history)
            done[k] = result
            if result.rule is None and result.resolution == "resolved":
                history.append(result)
        return [done[k] for k in range(len(items))]

    def _one(self, draft: ClaimProposal, span: Span, history: list[Attributed]) -> Attributed:
        ev = (span.start, span.end)
        sids = span.sentence_ids or (self._ix.sentence_of(span.start),)
        unresolved = draft.unresolved or is_unknown_speaker(draft.speaker_ar)
        mention, chained = self._hint(draft.mention_hint), False
        if mention is None and not unresolved:
            mention, chained = self._mention(draft.speaker_ar, ev, sids, history)
        cue = self._hint(draft.cue_hint) or self._cue(draft.cue_ar, mention, ev, sids)
        result = Attributed(
            resolution="unresolved" if unresolved else "resolved",
            mention=_span(self.article, mention),
            cue=_span(self.article, cue),
            attribution=self._record(mention, cue, sids, chained, draft, span),
            speaker=draft.speaker_ar,
            evidence=ev,
            ev_sids=tuple(sids),
            mention_sid=mention.sid if mention else None,
            chained=chained,
        )
        if cue is None:
            # Nothing in the text says anyone said these words: the article's own narration credited
            # to a person it mentions («وصل الوزير إلى عمّان» as the minister's claim). The lexicon
            # found a cue for every one of the 530 labelled claims, so this drops narration, not speech.
            result.rule = "no_cue"
            result.reason = NO_CUE_REASON
        if mention is None and not unresolved:
            result.rule = "speaker_not_in_article"
            result.reason = (
                f"the speaker «{draft.speaker_ar}» is not named anywhere in the article "
                "(no exact, alias or similar form of the name)"
            )
        return result

    def _mention(
        self, speaker: str, ev: tuple[int, int], sids: tuple[int, ...], history: list[Attributed]
    ) -> tuple[_Found | None, bool]:
        best = self._nearest(self._find(speaker), ev, sids)
        if best is not None and sids[0] <= best.sid <= sids[-1] and best.start < ev[0]:
            return best, False
        statement = self._statement_anaphor(speaker, ev, sids)
        if statement is not None:
            return statement, True
        prev = self._antecedent(speaker, sids, history)
        if prev is not None and self._has_cue(ev, sids):
            assert prev.mention is not None and prev.mention_sid is not None
            m = prev.mention
            return _Found(m.start, m.end, "antecedent", prev.mention_sid), True
        return best, False

    def _statement_anaphor(self, speaker: str, ev: tuple[int, int], sids: tuple[int, ...]) -> _Found | None:
        """«البيان» before the evidence, when the speaker was introduced as a statement's author.

        أفاد البيان بأن… after «بيان صادر عن المكتب الصحفي للكرملين»: the statement is the Kremlin's
        voice, so «البيان» is the mention (an antecedent chain through the statement).
        """
        ix, toks = self._ix, self._ix.toks
        lo, hi = ix.first_token(ix.starts[sids[0]]), ix.first_token(ev[0])
        here = [i for i in range(lo, hi) if toks[i].w in _DEFINITE_STATEMENT]
        if not here or not any(self._authored(f) for f in self._find(speaker) if f.sid < sids[0]):
            return None
        tok = toks[here[-1]]
        return _Found(tok.start, tok.end, "antecedent", tok.sid)

    def _authored(self, mention: _Found) -> bool:
        # The mention ends a statement phrase: بيان [صادر عن المكتب الصحفي] للكرملين, no punctuation.
        toks = self._ix.toks
        first = self._ix.first_token(mention.start)
        for j in range(first - 1, max(first - 6, -1), -1):
            if toks[j].sid != mention.sid or _CLAUSE_BREAK.search(self.article, toks[j].end, mention.start):
                return False
            if strip_al(toks[j].w) == _STATEMENT:
                return True
        return False

    def _antecedent(
        self, speaker: str, sids: tuple[int, ...], history: list[Attributed]
    ) -> Attributed | None:
        for prev in reversed(history):
            if prev.ev_sids[-1] < sids[0] - CARRY_SENTENCES:
                return None
            if prev.mention is not None and same_speaker(prev.speaker, speaker):
                return prev
        return None

    def _has_cue(self, ev: tuple[int, int], sids: tuple[int, ...]) -> bool:
        # A follow-up has its own reporting verb (وأضاف، مشيراً) or a colon before the quotation.
        ix = self._ix
        lo = ix.first_token(ix.starts[sids[0]])
        hi = ix.first_token(ev[0])
        return bool(self._lexicon_cues(lo, hi)) or self._colon(ev, sids[0]) is not None

    def _record(
        self,
        mention: _Found | None,
        cue: _Found | None,
        sids: tuple[int, ...],
        chained: bool,
        draft: ClaimProposal,
        span: Span,
    ) -> Attribution:
        def distance(f: _Found | None) -> int | None:
            if f is None:
                return None
            return 0 if sids[0] <= f.sid <= sids[-1] else min(abs(f.sid - sids[0]), abs(f.sid - sids[-1]))

        def far(f: _Found | None) -> bool:
            d = distance(f)
            return f is not None and d is not None and (d > MAX_SENTENCE_DISTANCE or f.sid > sids[-1])

        flags: list[AttributionFlag] = []
        if (far(mention) and not chained) or far(cue):
            flags.append("too_far")
        subject = None if draft.unresolved else self._other_subject(draft.speaker_ar, cue, span)
        if subject is not None:
            flags.append("other_subject")
        unsupported = self.unsupported(draft, sids, mention)
        if unsupported:
            flags.append("unsupported")
        return Attribution(
            mention_method=mention.method if mention else None,
            cue_method=cue.method if cue else None,
            mention_distance=distance(mention),
            cue_distance=distance(cue),
            flags=flags,
            unsupported=unsupported,
            cue_subject=subject,
        )

    def _other_subject(self, speaker: str, cue: _Found | None, span: Span) -> str | None:
        """The words naming another speaker in the subject slot right after the reporting verb.

        Arabic puts the subject right after the verb (VSO): in «وحض ماكرون نظيره الروسي على وضع نهاية
        للتصعيد» the words are Macron's, whoever the model credits. The slot is the first word after
        a cue in the evidence's own sentence(s), before the evidence. It only counts when the claimed
        speaker is named neither from the cue to the evidence's end (it may open the evidence:
        «ماكرون دعا موسكو…») nor before the cue in its sentence (SVO: «بيرغر أكدت للراشد أن…»), and
        never after a source phrase (ووفق بيان للإليزيه: a channel follows it, not a subject).

        Args:
            speaker: The claimed speaker.
            cue: The cue found for the claim.
            span: The grounded evidence.

        Returns:
            The other name's words in the article, or None.
        """
        if cue is None or cue.weak or is_unknown_speaker(speaker) or self.article[cue.start : cue.end] == ":":
            return None
        if cue.sid not in (span.sentence_ids or (self._ix.sentence_of(span.start),)):
            return None  # a cue from another sentence is too weak a witness against the speaker
        first = self._ix.first_token(cue.end)
        if first >= len(self._ix.toks) or self._ix.toks[first].sid != cue.sid:
            return None
        slot = self._ix.toks[first].start
        sentence_start = self._ix.starts[cue.sid] if self._ix.starts else 0
        # The subject slot runs to the evidence, or to the sentence's end when the evidence came first.
        stop = span.start if span.start > slot else self._sentence_end(cue.sid)
        for f in self._find(speaker):
            if f.sid == cue.sid and (
                sentence_start <= f.start < cue.start or cue.end <= f.start < max(stop, span.end)
            ):
                return None
        for name in self._names:
            if not same_speaker(name, speaker):
                for f in self._find(name):
                    if f.start <= slot < f.end and f.end <= stop and not self._object_then_complement(f.end):
                        return self.article[f.start : f.end]
        return None

    def _object_then_complement(self, offset: int) -> bool:
        """A prepositional complement right after the name: the name may be the verb's object.

        «واتهم ايران بالضلوع…» (he accused Iran of…), «ودعا بوتين إلى…»: with the subject dropped,
        the name after the verb is its object, so it says nothing against the claimed speaker. In
        «وحض ماكرون نظيره الروسي على…» an object noun follows the name: the name is the subject.
        """
        i = self._ix.first_token(offset)
        if i >= len(self._ix.toks):
            return False
        w = self._ix.toks[i].w
        return w in _PREPOSITIONS or w.startswith(("بال", "لل", "وب", "ول")) or w in ("ب", "ل")

    # --- unsupported numbers and names ---------------------------------------------------------

    def unsupported(
        self, draft: ClaimProposal, sids: Sequence[int], mention: _Found | None = None
    ) -> list[str]:
        """Numbers and entity names in claim_ar/claim_en that the evidence sentence(s) do not contain.

        Numbers: every digit sequence (any digit script; 1,200 = 1200; a following ألف/مليون/مليار or
        thousand/million/billion multiplies it) must equal a number of the evidence sentences. Names:
        a briefing entity named in claim_ar (any Arabic form) or claim_en (its English name) must have
        one of its Arabic forms in the evidence sentences or the speaker's mention. Names the briefing
        does not list as entities are not checked.

        Args:
            draft: The claim.
            sids: The evidence's sentence ids.
            mention: The speaker's mention, whose sentence supports the names too.

        Returns:
            The unsupported items as written in the claim, first-seen order, no duplicates.
        """
        ix = self._ix
        text = " ".join(ix.article[ix.starts[s] : self._sentence_end(s)] for s in sids)
        out: list[str] = []
        have = numbers(text)
        for claim_text in (draft.claim_ar, draft.claim_en or ""):
            for shown, values in numbered(claim_text):
                if not values & have and shown not in out:
                    out.append(shown)
        lo, hi = ix.first_token(ix.starts[sids[0]]), ix.first_token(self._sentence_end(sids[-1]))
        spans = [(lo, hi)]
        if mention is not None:
            spans.append(
                (ix.first_token(ix.starts[mention.sid]), ix.first_token(self._sentence_end(mention.sid)))
            )
        claim_words = name_words(draft.claim_ar)
        claim_en = {w.casefold() for w in _LATINWORD_RE.findall(draft.claim_en or "")}
        for names, name_en, is_person in self._entities:
            if any(same_speaker(draft.speaker_ar, n) for n in names):
                continue  # the speaker's own name is supported by its mention
            forms = [name_words(n) for n in names if name_words(n)]
            in_ar = any(contains(claim_words, f) for f in forms)
            en_words = [w.casefold() for w in _LATINWORD_RE.findall(name_en or "")]
            in_en = bool(en_words) and (
                all(w in claim_en for w in en_words) or (is_person and en_words[-1] in claim_en)
            )
            if not (in_ar or in_en):
                continue
            if not any(ix.contains(f, a, b) for f in forms for a, b in spans):
                shown = names[0] if in_ar or not name_en else name_en
                if shown not in out:
                    out.append(shown)
        return out

    def _sentence_end(self, sid: int) -> int:
        return self._ix.starts[sid + 1] if sid + 1 < len(self._ix.starts) else len(self.article)


# --- rule 6 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    """What rule 6 compares about one kept claim.

    Attributes:
        speaker: The speaker's name.
        evidence: (start, end) of the evidence.
        mention: (start, end) of the speaker's mention, or None.
        distance: Sentences between mention and evidence (None without a mention).
        resolved: False for an unresolved speaker.
    """

    speaker: str
    evidence: tuple[int, int]
    mention: tuple[int, int] | None
    distance: int | None
    resolved: bool = True

    def nearness(self) -> tuple[int, int, int]:
        """Sort key: sentence distance, then resolved before unresolved, then the character gap."""
        if self.mention is None:
            return (1_000_000, 1, 0)
        gap = max(self.evidence[0] - self.mention[1], self.mention[0] - self.evidence[1], 0)
        return (self.distance or 0, 0 if self.resolved else 1, gap)


def conflicts(claims: Sequence[Contender]) -> dict[int, int]:
    """Rule 6, one content span one speaker: which claims lose to which.

    Of two claims whose evidence overlaps and whose speakers differ (`same_speaker` is False), the one
    with the nearer mention (`Contender.nearness`) is kept; on a tie, the first. A loser no longer
    competes.

    Args:
        claims: The kept claims, in proposal order.

    Returns:
        Loser index → winner index.
    """
    lost: dict[int, int] = {}
    for i, a in enumerate(claims):
        for j in range(i + 1, len(claims)):
            b = claims[j]
            if i in lost or j in lost:
                continue
            if not (a.evidence[0] < b.evidence[1] and b.evidence[0] < a.evidence[1]):
                continue
            if same_speaker(a.speaker, b.speaker):
                continue
            if b.nearness() < a.nearness():
                lost[i] = j
            else:
                lost[j] = i
    return lost


def conflict_reason(winner: str, loser: str) -> str:
    """The `speaker_conflict` drop reason."""
    return f"the same evidence is credited to «{winner}», whose mention is nearer than that of «{loser}»"


def resolve_conflicts(results: Sequence[Attributed]) -> None:
    """Apply rule 6 (`conflicts`) to attributions: the losers get `rule = "speaker_conflict"`.

    Args:
        results: The attributions, in proposal order (modified in place).
    """
    live = [r for r in results if r.rule is None]
    for lose, win in conflicts([r.contender() for r in live]).items():
        live[lose].rule = "speaker_conflict"
        live[lose].reason = conflict_reason(live[win].speaker, live[lose].speaker)
