"""Claim extraction of the offline engine: attribution cues → speaker, kind, evidence, condition.

Per sentence, on folded tokens: find reporting verbs (`_offline_cues.VERBS`) and source phrases
(وفق، بحسب، نقلاً عن…); read the speaker after the verb (VSO), before it (SVO, also after أن/فإن and
auxiliaries such as وكانت), or carry it over from the previous claim for pronoun-only follow-ups
(وأضاف، وزاد: «…») and participles (مشيراً إلى أن…); take the evidence from the complement (the
quotation when the complement is one, else the clause after أن/إن/إلى/على… to the end of the clause).
A speech verb inside a statement's reported words with its own subject (أفاد البيان بأن الرئيس «أبرز…»)
makes the person the speaker and the statement the channel (`attributed_via`).

Evidence is always cut from the original article through the fold's offset map, so it grounds exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from toolkit.arabic import Folded, Sentence, fold_text
from toolkit.drafts import ClaimDraft
from toolkit.engines._offline_cues import (
    ALA,
    AN,
    AN_PREP,
    ANY,
    AUXILIARIES,
    BI,
    CALL_PHRASES,
    CHANNEL_WORDS,
    CLAUSE_OPENERS,
    COLON,
    COMPLEMENTIZERS,
    CONDITIONAL_IN_NEXT,
    CONDITIONAL_WORDS,
    ILA,
    INSTITUTION_HEADS,
    MIN,
    NOT_CONDITIONAL_AFTER_IDHA,
    QUOTE,
    SOURCE_HEADS,
    SOURCE_WORDS,
    STATEMENT_WORDS,
    STOP,
    TITLE_HEADS,
    VERBS,
    WARNING_PHRASES,
    Verb,
)
from toolkit.engines._offline_np import (
    _ADJUNCTS,
    _NAME_LINKS,
    _NOT_NAME,
    AGE_WORDS,
    COMPOUND_ENDS,
    NP,
    Sent,
    Tok,
    _bi_here,
    _clean,
    _closes,
    _construct_noun,
    _is_adj,
    _strip_li,
    name_end,
    parse_np,
    titled,
)
from toolkit.engines._offline_spans import EDGE, MAX_QUOTE, balance_quotes, clause_end, cut, tighten
from toolkit.schema import ClaimKind

_WORD_RE = re.compile(r"\w+")
_SCAN = 14  # how far after the subject a complement introducer may be (skips «في مؤتمر صحفي عقب…»)
_CARRY_SENTENCES = 2  # a pronoun-only follow-up refers back at most this many sentences
MIN_EVIDENCE_WORDS = 3  # shorter evidence proves nothing (the pipeline drops it too)
_DUALS = frozenset({"الرييسان", "الوزيران", "الزعيمان", "رييسا"})
_NAQAL = "نقل"
_COORD = frozenset({"وان", "وانه", "وانها", "وبان"})
_WHILE = frozenset({"فيما", "بينما", "في حين"})
_AMMA = frozenset({"اما", "واما"})  # أما / وأما, folded
_ELATIVE_BEFORE = frozenset(fold_text(w) for w in ["أحد", "إحدى", "من", "بين", "ثاني", "أول"])
_MA = frozenset({"ما", "بما", "لما", "مما"})
_PREPOSITIONS = frozenset(
    fold_text(w) for w in ["عن", "على", "إلى", "من", "في", "حول", "بعد", "قبل", "دون", "مع"]
)
#: Verbs whose preposition follows the subject, never an object (أشار X إلى، أعرب X عن، شدد X على).
_NO_OBJECT = frozenset(fold_text(w) for w in ["أشار", "أعرب", "شدد", "أكد", "تحدث", "كشف", "لفت", "نوه"])
_SAY_ONLY = frozenset({"an", "colon", "quote"})  # قال، أضاف، أوضح: no object before the complement
_ADJ_TIME = frozenset(fold_text(w) for w in ["الماضي", "الحالي", "الجاري", "المقبل"])  # also family names
_DITRANSITIVE = frozenset(fold_text(w) for w in ["أبلغ", "طالب", "حض", "دعا", "وعد", "حذر", "نوه"])
_TIME_WORDS = frozenset(
    fold_text(w)
    for w in [
        "اليوم",
        "أمس",
        "غدا",
        "الليلة",
        "الأحد",
        "الاثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "السبت",
    ]
)
_RELATIVES = frozenset({"الذي", "التي", "الذين", "اللذين", "اللتين", "وهو", "وهي", "وهم"})
_NEGATIONS = frozenset({"لم", "لا", "لن"})
#: Verbs that issue a document (أصدرت المنظمة تقريراً، التقرير الذي أصدرته اللجنة، نشرت الهيئة دراسة).
_ISSUE_VERBS = frozenset(
    fold_text(w)
    for w in [
        *("أصدر", "أصدرت", "وأصدر", "وأصدرت", "أصدرته", "أصدرتها", "أعدته", "أعدتها"),
        *("نشر", "نشرت", "ونشر", "ونشرت", "نشرته", "نشرتها"),
    ]
)
#: Adverbs between a subject and the reported words (وقال الوزير مجدداً إن).
_ADVERBS = frozenset(
    fold_text(w) for w in ["مجددا", "مرارا", "أيضا", "كذلك", "بدوره", "بدورها", "بدورهم", "رسميا", "صراحة"]
)
#: Prepositions that tell whom a bare title represents (النائبة عن الإقليم، المسؤول من الوزارة).
_OF_PLACE = frozenset(fold_text(w) for w in ("عن", "من", "لدى"))
#: Prepositions that may open an adjunct between a speaker phrase and the reported words (… في مؤتمر
#: صحفي، … أمام اللجنة، … خلال زيارة، … على الوزيرة بأن).
_ADJUNCT_PREPS = frozenset(
    fold_text(w)
    for w in [
        *("في", "على", "من", "عن", "إلى", "لدى", "خلال", "أمام"),
        *("بعد", "قبل", "عبر", "أثناء", "منذ", "حول", "عقب"),
    ]
)


def _document(w: str) -> bool:
    """A statement or report, also in the accusative (أصدرت تقريراً، بياناً)."""
    return w in STATEMENT_WORDS or (w.endswith("ا") and w[:-1] in STATEMENT_WORDS)


def _is_outlet(np: NP) -> bool:
    """A newspaper, agency or channel: what it reports a person said is the person's claim."""
    head = fold_text(np.name).split()[:1]
    return np.type == "organization" and bool(head) and head[0] in CHANNEL_WORDS


def _verb_like(w: str) -> bool:
    """A word that may be the verb opening a clause (وظهر، وزار، أجرت): not a noun or particle we know."""
    if w in VERBS:
        return True
    bare = w[1:] if w[:1] in "وف" else w
    return len(bare) >= 3 and not w.startswith("ال") and bare not in _NOT_NAME and w not in _NOT_NAME


@dataclass
class _Found:
    cue: int
    verb: Verb
    np: NP
    outer: NP  # the speaker before an inner speech verb replaced it (for follow-ups)
    explicit: bool
    start: int  # folded start of the claim text (subject or verb)
    ev: tuple[int, int]  # folded evidence bounds (before tightening)
    in_quote: bool = False  # the verb opens a quotation («أبرز…»): evidence is that quotation
    fem: bool | None = None  # the verb's gender (None: plural, dual or not marked)
    unresolved: bool = False  # the speaker is only a candidate: structure or agreement left it open


class ClaimExtractor:
    """Extracts attributed claims from one article. Use once per article."""

    def __init__(self, article: str, sentences: list[Sentence], folded: Folded) -> None:
        """Prepare token lists and the names the article introduces with titles.

        Args:
            article: The original article.
            sentences: Its sentences.
            folded: ``fold(article)``.
        """
        self.article = article
        self.folded = folded
        self.sents: list[Sent] = []
        self.counts: Counter[str] = Counter()
        for s in sentences:
            fs, fe = folded.to_folded(s.start), folded.to_folded(s.end)
            toks = [Tok(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(folded.text, fs, fe)]
            self.sents.append(Sent(folded, article, toks, fs, fe, self.counts))
            self.counts.update(t.w for t in toks)
        self.full_names: dict[str, list[str]] = {}  # folded surname → full names
        self.title_alias: dict[str, str] = {}  # folded title → name (الرئيس الفرنسي → إيمانويل ماكرون)
        self.fem_names: set[str] = set()
        self.masc_names: set[str] = set()
        self._collect_names()
        self.surnames = frozenset(self.full_names)
        self.subjects: list[tuple[NP, int]] = []  # (subject, sentence id) in article order
        self.mentions: list[tuple[NP, int]] = []  # titled, named people anywhere in a sentence
        # Set by `_implicit`: another person of the verb's gender was named after the subject it
        # carried over, so a pronoun-only cue could mean either (the claim is then unresolved).
        self.rival = False
        self.last_statement: tuple[str, str] | None = None
        self.issued: dict[str, tuple[str, str]] = {}  # folded definite document → (issuer, channel)
        self.recent: list[str] = []  # speakers in order, for resolving a shared surname
        self.titles: dict[str, str] = {}  # speaker → folded title it was introduced with
        self.speaker_types: dict[str, str] = {}  # speaker → person/organization/location/source

    # --- names ---------------------------------------------------------------------------------

    def _collect_names(self) -> None:
        for s in self.sents:
            toks = s.toks
            for j, t in enumerate(toks):
                if t.w in _DUALS:
                    self._dual(s, j)
                elif t.w in TITLE_HEADS and (j == 0 or toks[j - 1].w not in TITLE_HEADS):
                    np = titled(s, j, frozenset(), False)
                    if np.title is None or np.name == np.title:
                        continue
                    n = np.end
                    k = n - len(_WORD_RE.findall(self.fold(np.name)))
                    if _bi_here(s, k, frozenset()):
                        continue  # «وطالب الأمين العام بوقف إطلاق النار»: the بـ complement, no name
                    n = self._trim(s, k, n)
                    title = np.title if len(np.title.split()) >= 2 else None
                    self._add_name(s.words(k, n), title, bool(np.fem))

    def _dual(self, s: Sent, j: int) -> None:
        # الرئيسان الفرنسي إيمانويل ماكرون، والروسي فلاديمير بوتين
        toks = s.toks
        head = "الرييس" if toks[j].w.startswith(("الرييس", "رييس")) else toks[j].w[:-2]
        k = j + 1
        for _ in range(2):
            if k >= len(toks):
                return
            adj = toks[k].w[1:] if toks[k].w.startswith("وال") else toks[k].w
            if not _is_adj(adj):
                return
            n = name_end(s, k + 1, frozenset())
            if n == k + 1:
                return
            self._add_name(s.words(k + 1, n), None, False)
            self.title_alias[f"{head} {adj}"] = s.words(k + 1, n)
            k = n

    def _trim(self, s: Sent, k: int, n: int) -> int:
        """End a name at its first later word that recurs in the article (the surname news repeats):
        «جان-لوك مارتان وجود أي خلاف» → جان-لوك مارتان, «عمر البشير بتهم جرائم» → عمر البشير. A cut
        never falls inside a hyphenated name, after a particle (دي لا فوينتي، بن ناصر) or before the
        second half of a compound (ضياء الدين، عبد الله)."""
        toks = s.toks
        for m in range(k + 2, n + 1):
            w = toks[m - 1].w
            if m < n and ("-" in s.gap(m) or toks[m].w in COMPOUND_ENDS):
                continue  # never inside جان-لوك or before the second half of عز الدين
            if w in _NAME_LINKS or w in COMPOUND_ENDS:
                continue
            if self.counts[w] >= 2:
                while m < n and self.counts[toks[m].w] >= 2:
                    m += 1  # a run of repeated words is one name (مايكروسوفت جنوب الخليج)
                return m
        return n

    def _np(self, s: Sent, j: int, bi: bool = False) -> NP | None:
        """`parse_np` with the article's surnames, a person's name trimmed by `_trim`."""
        np = parse_np(s, j, self.surnames, self.last_statement, bi=bi)
        if np is None or np.type != "person" or np.end - j < 2 or np.name == np.title:
            return np
        k = np.end - len(_WORD_RE.findall(self.fold(np.name)))
        n = self._trim(s, k, np.end)
        if n == np.end or k < j:
            return np
        span = self.folded.span_to_original(s.toks[j].fs, s.toks[n - 1].fe)
        return replace(np, name=s.words(k, n), end=n, span=span)

    def _add_name(self, name: str, title: str | None, fem: bool) -> None:
        words = _WORD_RE.findall(self.fold(name))
        if len(words) >= 2:
            known = self.full_names.setdefault(words[-1], [])
            if name not in known:
                known.append(name)
        if title is not None:
            self.title_alias.setdefault(self._key(title), name)
        if fem:
            self.fem_names.add(name)

    @staticmethod
    def fold(text: str) -> str:
        """Fold a short text the way the article was folded."""
        from toolkit.arabic import fold_text

        return fold_text(text)

    def _key(self, name: str) -> str:
        """A name's folded words joined by single spaces (the key of `title_alias` and `full_names`)."""
        return " ".join(_WORD_RE.findall(self.fold(name)))

    def _canonical(self, np: NP, fem: bool) -> str:
        """The fullest form of a speaker's name the article gives."""
        if np.type != "person":
            return np.name
        key = self._key(np.name)
        if np.title is not None and np.name == np.title:
            if key in self.title_alias:
                return self.title_alias[key]
            head = key.removeprefix("ال")
            for name in reversed(self.recent):
                if self.titles.get(name, "").removeprefix("ال").startswith(head) and " " not in key:
                    return name
            holders = self._title_holders(key)
            return holders[0] if len(holders) == 1 else np.name
        return self._full_name(np, key, fem)

    def _title_holders(self, key: str) -> list[str]:
        """The people the article names with a title of this bare title's head (المدرب → the one named
        «المدرب البرتغالي جواو-بيدرو ألفيش»), for a one-word bare title."""
        if " " in key:
            return []
        head = key.removeprefix("ال")
        return sorted({n for t, n in self.title_alias.items() if t.removeprefix("ال").split()[0] == head})

    def _full_name(self, np: NP, key: str, fem: bool) -> str:
        if " " in key:  # a known full name followed by the object: أنطونيو غوتيريش المجتمع الدولي
            for names in self.full_names.values():
                for full in names:
                    fk = self._key(full)
                    if key.startswith(fk + " ") or fk.endswith(" " + key):
                        return full  # … or the surname in several words: دي لا فوينتي
        cands = self.full_names.get(key, []) if " " not in key else []
        if not cands and " " not in key:  # «الدكتورة هند» after «الدكتورة هند محمد»: a first name
            firsts = {
                f for names in self.full_names.values() for f in names if self.fold(f).split()[0] == key
            }
            cands = sorted(firsts) if len(firsts) == 1 else []
        if len(cands) > 1:
            gendered = [c for c in cands if (c in self.fem_names) == fem]
            cands = gendered or cands
        if len(cands) > 1:
            ranked = [c for c in reversed(self.recent) if c in cands]
            cands = ranked[:1] or cands[:1]
        return cands[0] if cands else np.name

    # --- sentences -----------------------------------------------------------------------------

    def run(self) -> list[ClaimDraft]:
        """Extract claims from every sentence, in article order.

        Returns:
            Claim drafts whose quotes are exact substrings of the article.
        """
        claims: list[ClaimDraft] = []
        for sid, s in enumerate(self.sents):
            for f in self._sentence(sid, s):
                draft = self._draft(s, f)
                if draft is not None:
                    claims.append(draft)
        return claims

    def _sentence(self, sid: int, s: Sent) -> list[_Found]:
        self._note_statements(s)
        src = self._source_phrase(s)
        found: list[_Found] = []
        for i, t in enumerate(s.toks):
            verb = VERBS.get(t.w)
            if verb is None or (i > 0 and s.toks[i - 1].w == "عدم"):  # طلب عدم ذكر اسمه
                continue
            prev = s.toks[i - 1].w if i > 0 else ""
            if prev in _PREPOSITIONS and not verb.participle:
                continue  # «وتعبر فقرة ثانية عن "رفض الاحتلال"»: after a preposition it is a masdar
            if verb.inner_only and (prev in _ELATIVE_BEFORE or prev[1:] in _ELATIVE_BEFORE):
                continue  # «أحد أبرز قيادات التنظيم»: the elative «most prominent», not the verb أبرز
            for f in self._read_cue(sid, s, i, verb, found, src):
                self._place(s, found, f)
        if not found and src is not None:
            extra = self._source_claim(s, src)
            if extra is not None:
                found.append(extra)
        if found:
            self._note_in_statement(s, found)
            last = found[-1]
            # An unresolved speaker is no antecedent: a follow-up that would carry it is unresolved too.
            # A coordinated subject (مجلس الأمن وإدارة الإغاثة) is two speakers: no singular follow-up.
            shared = last.unresolved or self._coordinated(s, last.outer)
            self.subjects.append((replace(last.outer, type="unknown") if shared else last.outer, sid))
        else:
            for np in self._clause_subjects(s, len(s.toks)):
                self.subjects.append((np, sid))
        self.mentions.extend((np, sid) for np in self._titled_people(s))
        return found

    def _titled_people(self, s: Sent) -> list[NP]:
        """People named with a title anywhere in the sentence, subject or not (والتقى الوزير مديرة
        المدرسة سعاد النجار): the title gives their gender."""
        out: list[NP] = []
        covered = 0
        for j, t in enumerate(s.toks):
            if t.w in TITLE_HEADS and j >= covered:
                np = self._np(s, j)
                if np is not None and np.type == "person" and np.name != np.title and np.fem is not None:
                    out.append(np)
                covered = np.end if np is not None else j + 1
        return out

    def _note_statements(self, s: Sent) -> None:
        for j, t in enumerate(s.toks):
            if t.w in STATEMENT_WORDS and t.w != "البيان":
                np = self._np(s, j)
                if np is not None and np.via is not None and np.via != np.name:
                    self.last_statement = (np.name, np.via)
            elif t.w in _ISSUE_VERBS:
                self._note_issued(s, j)

    def _note_issued(self, s: Sent, j: int) -> None:
        """«وأصدرت منظمة مراقبة حقوق الإنسان … تقريرا»، «التقرير الذي أصدرته اللجنة الوطنية»: the body
        that issued a document, so a later bare «وقال التقرير» is that body's."""
        toks = s.toks
        after = j + 2 if j + 1 < len(toks) and _document(toks[j + 1].w) else j + 1
        inst = parse_np(s, after, self.surnames, None) if after < len(toks) else None
        if inst is None or inst.type != "organization":
            return
        doc = toks[j + 1].w if after == j + 2 else None  # «الذي أصدرته اللجنة» names the document before
        if doc is None:
            doc = next((x.w for x in toks[inst.end : inst.end + 6] if _document(x.w)), None)
        if doc is None and j >= 2 and toks[j - 1].w in _RELATIVES:
            doc = next((x.w for x in reversed(toks[max(0, j - 6) : j]) if _document(x.w)), None)
        if doc is not None:
            definite = doc if doc.startswith("ال") else "ال" + doc.removesuffix("ا")
            self.issued[definite] = (inst.name, definite)

    @staticmethod
    def _coordinated(s: Sent, np: NP) -> bool:
        """The phrase is joined by و to another institution or title (وزارة الطاقة وهيئة تنظيم …)."""
        if np.start < 0 or np.end >= len(s.toks) or not _clean(s.gap(np.end), False):
            return False
        w = s.toks[np.end].w
        return w[:1] == "و" and (w[1:] in INSTITUTION_HEADS or w[1:] in TITLE_HEADS)

    def _note_in_statement(self, s: Sent, found: list[_Found]) -> None:
        """«أعلنت الوزارة، في بيان مشترك، …»، «وقال المكتب … في بيان إن»: the speaker issued a statement,
        so a later bare «البيان» (وأوضح البيان أن) is theirs."""
        toks = s.toks
        f = found[0]
        for t, tok in enumerate(toks):
            if tok.w == "ببيان" or (tok.w in {"بيان", "بيانا"} and t > 0 and toks[t - 1].w == "في"):
                if f.explicit and not f.unresolved and f.np.type in {"organization", "person"}:
                    self.last_statement = (self._canonical(f.np, bool(f.fem)), s.words(t, t + 1))
                    self.issued["البيان"] = self.last_statement
                return

    def _antecedent_source(self, np: NP) -> NP | None:
        """«وأضاف المصدر» is the source the article last quoted (مصدر أمني), if it quoted one; a bare
        document (البيان، التقرير) whose issuer no earlier sentence gave is no speaker: None for both when
        there is nothing to refer back to."""
        words = _WORD_RE.findall(self.fold(np.name))
        if len(words) != 1 or (np.via is not None and np.via != np.name):
            return np
        w = words[0]
        if w in self.issued:
            owner, doc = self.issued[w]
            return replace(np, name=owner, type="organization", via=doc)
        if w == "المصدر":
            for name in reversed(self.recent):
                if self.fold(name).startswith("مصدر ") and self.speaker_types.get(name) == "source":
                    return replace(np, name=name, type="source")
            return None
        return None if w in STATEMENT_WORDS else np

    def _source_phrase(self, s: Sent) -> tuple[NP, int] | None:
        """وفق بيان للإليزيه / بحسب وزارة الصحة / نقلاً عن مصدر: (speaker with channel, source index)."""
        toks = s.toks
        for t, tok in enumerate(toks):
            if tok.w not in SOURCE_WORDS:
                continue
            j = t + 1
            if j < len(toks) and toks[j].w in {"ل", "عن"}:
                j += 1
            if j >= len(toks):
                return None
            w = toks[j].w
            stripped = _strip_li(w) if toks[j - 1].w != "عن" and w not in STATEMENT_WORDS else w
            shifted = Tok(stripped, toks[j].fs + max(0, len(w) - len(stripped)), toks[j].fe)
            sub = Sent(s.folded, s.article, [*toks[:j], shifted, *toks[j + 1 :]], s.fs, s.fe, s.counts)
            np = parse_np(sub, j, self.surnames, self.last_statement)
            if np is None or (np.type == "person" and np.title is None and not self._known(np.name)):
                return None  # «حسب تصريحه»، «وفقا لقرارات الأمم»: a noun, not a source that speaks
            if np.via is None and stripped in CHANNEL_WORDS:
                np = replace(np, via=sub.words(j, np.end))
            if np.via is None and np.type != "source":
                np = replace(np, via=s.words(t, np.end))
            return np, t
        return None

    def _source_claim(self, s: Sent, src: tuple[NP, int]) -> _Found | None:
        np, t = src
        toks = s.toks
        if t <= 2:  # «وبحسب بيان …، فإن …»: the content follows the comma
            k = np.end
            while k < len(toks) and "," not in s.gap(k) and k - np.end < 8:
                k += 1
            while k < len(toks) and toks[k].w in {"فان", "ان", "فقد", "قد"}:
                k += 1
            if k >= len(toks):
                return None
            ev = (toks[k].fs, s.fe)
        else:  # «…، بحسب وزارة الصحة.»: the content precedes
            ev = (toks[0].fs, toks[t - 1].fe)
        verb = Verb("", "report", frozenset({ANY}))
        # «وبحسب إحصاءات حديثة، فإن…»: a document with no issuer is no speaker
        return _Found(t, verb, np, np, True, ev[0], ev, unresolved=self._antecedent_source(np) is None)

    # --- one cue -------------------------------------------------------------------------------

    def _read_cue(
        self, sid: int, s: Sent, i: int, verb: Verb, found: list[_Found], src: tuple[NP, int] | None
    ) -> list[_Found]:
        toks = s.toks
        np, explicit, after, start = None, False, i + 1, toks[i].fs
        fem = self._verb_gender(toks[i].w, verb)
        unresolved = False
        self.rival = False
        if verb.participle:
            if found and found[-1].unresolved:  # «…تتهم الدكتور إياد علاوي بقضية…، مشددا»: not him
                np, unresolved = found[-1].outer, True
            else:
                np = (
                    found[-1].outer
                    if found
                    else self._statement_before(s, i) or self._implicit(sid, s, i, fem)
                )
        else:
            svo = self._svo(s, i)
            hidden = self._unparsed_subject(s, i) if svo is None else None
            if svo is not None:
                np, explicit, start = svo[0], True, toks[svo[1]].fs
            elif hidden is not None:
                # «وكانت الصحيفة قد ذكرت…»: someone is named before the verb and we cannot read who.
                np, explicit, unresolved = hidden, True, True
            elif (verb.clitic or BI in verb.intro) and self._bi_complement(s, i + 1):
                np = None  # «واتهمها بتأجيل الصيانة»، «وطالب بتأسيس أسبوع»: the complement; subject implicit
            elif i + 1 < len(toks) and _clean(s.gap(i + 1), False):
                np = self._np(s, i + 1, bi=BI in verb.intro or verb.kind == "accusation")  # اتهم X بـ
                if np is not None and found and "," in s.gap(i) and np.type in {"organization", "location"}:
                    np = None  # «…، ودعا مجلس النواب إلى»: same speaker, the phrase is the object
                elif np is not None and self._object_reading(s, i, verb, np):
                    # «واتهم ايران بالضلوع…»: the phrase is the accused, the subject is a pronoun.
                    unresolved = verb.kind != "accusation" and self._continues(sid, fem)
                    cand = np
                    np = self._implicit(sid, s, i, fem) if verb.kind == "accusation" else cand
                    if np is not None:
                        explicit, after = np is cand, cand.end
                elif np is not None:
                    explicit, after = True, np.end
                    # «ونفى احتكار الرجل التصميم»: after a verb that takes a direct object, an unknown
                    # untitled "name" that no complementizer follows may well be the object.
                    unresolved = ANY in verb.intro and self._maybe_object(s, np)
                else:
                    np = self._unread_subject(s, i)  # «وقال الماضي إن»، «وأكد البحث أن»: the subject
                    explicit = np is not None
                    if np is not None:
                        unresolved = not self._sure_subject(s, i, verb, np)
                        if not unresolved:
                            np = replace(np, type="source")  # named, but not a person or body we know
            if verb.lemma == _NAQAL:
                relayed = self._relayed(s, i)
                if relayed is None:
                    return []
                np, after = relayed
                explicit, fem = True, None  # the verb agrees with the outlet, not with the source
        if verb.inner_only and not explicit:
            return []
        if np is None and found:
            np = found[-1].outer  # a second verb of the same sentence: «…، ودعا مجلس النواب إلى»
        if np is None:
            np = src[0] if src is not None and src[1] < i else self._implicit(sid, s, i, fem)
        if np is None:
            return []
        if not self._agrees(np, fem):
            alt = None if explicit else self._implicit(sid, s, i, fem)
            np, unresolved = (alt, False) if alt is not None else (np, True)
        ref = self._antecedent_source(np)
        np, unresolved = (np, True) if ref is None else (ref, unresolved)
        if np.type == "person" and np.name == np.title and len(self._title_holders(self._key(np.name))) > 1:
            unresolved = True  # «وقال المدرب» when the article named two coaches
        relative = i > 0 and toks[i - 1].w in _MA  # «بسبب ما قالت إنه…»: the subject of another clause
        unresolved = unresolved or np.type == "unknown"
        unresolved = unresolved or self._fragment(np) or (not explicit and (self.rival or relative))
        in_quote = self._opens_quote(s, i)
        begin = toks[i].fs if in_quote else self._complement(s, after, verb)
        if begin is None:
            return []
        if explicit and not unresolved and np.start > i and self._accused_inside(s, i, verb, np):
            unresolved = True  # «واتهم ممثل النيابة الصحفي بـ«…»»: the accused was read into the title
        if explicit and not unresolved and np.start > i and self._doubtful_end(s, np, verb, begin):
            unresolved = True  # «وقالت المديرة التنفيذية لشركة «نجمة» …، كارين …، إن»: the name was not read
        if explicit and not unresolved and np.start > i and self._overrun(s, np):
            unresolved = True  # «وقالت بطلة الفيلم الممثلة سلوى عيسى إنها»: a description, then the name
        if src is not None and np.via is None and explicit and src[1] < i:
            np = replace(np, via=src[0].via)
        parts = self._parts(s, i, begin)
        return [
            _Found(
                i,
                verb,
                np,
                np,
                explicit,
                start if n == 0 else a,
                (a, b),
                in_quote and n == 0,
                fem,
                unresolved,
            )
            for n, (a, b) in enumerate(parts)
        ]

    @staticmethod
    def _doubtful_end(s: Sent, np: NP, verb: Verb, begin: int) -> bool:
        """The subject read after the verb may stop short of the real one. For a bare title: a name in
        guillemets, a second title, an apposition or what the title stands for follows before the reported
        words (the chain to the name was rejected: «رئيس لجنة التربية في البرلمان النائب عماد فرحات»،
        «النائبة عن الإقليم سلمى العبيدي الحكومة»). For any subject of a verb that takes no object: the word
        after it is none of the words that may follow a speaker (`_free_tail`): «وقال نقيب المعلمين…»،
        «المديرة التنفيذية لشركة…»، «مدربها الإيطالي جوزيبي…»."""
        toks = s.toks
        k = np.end
        stop = next((t for t in range(k, len(toks)) if toks[t].fs >= begin), len(toks))
        bare = np.type == "person" and np.title is not None and np.name == np.title
        if bare and s.quote_at(k) == "«" and ClaimExtractor._quoted_name_at(s, k):
            return True  # «واتهم رئيس حزب «الأمل» الديمقراطي المحامي …»: the chain stopped at the name
        if k >= stop:
            return False
        if bare and any(toks[t].w in TITLE_HEADS and toks[t].w.startswith("ال") for t in range(k, stop)):
            return True
        w = toks[k].w
        if not _clean(s.gap(k), False):
            # «الأمين العام المساعد …، البرازيلي ريكاردو …، إن»: an apposition the chain did not reach
            gap = s.gap(k)  # «ممثلة منظمة الأغذية والزراعة (فاو) في البلاد رنا الأيوبي»: a parenthesis
            return bare and ("(" in gap or ("," in gap and w not in _ADJUNCT_PREPS | _RELATIVES | STOP))
        if bare and w in _OF_PLACE and not _introduces(w, verb):
            return True  # «النائبة عن الإقليم …»: what she stands for, then her name
        if ANY in verb.intro or verb.lemma in _DITRANSITIVE or verb.kind == "call" or verb.lemma == _NAQAL:
            return False  # the object or the relayed source may come next: دعا الوزير النواب إلى
        return not ClaimExtractor._free_tail(s, np, k, bare)

    @staticmethod
    def _overrun(s: Sent, np: NP) -> bool:
        """The person phrase read after the verb is cut short or runs into the words after it (fourth
        pass, held-out check #4): its «name» opens with a بـ complement (وطالب المحامي الحكومة بتنفيذ
        الحكم); a definite title is followed by a definite noun it cannot govern, the object (وطالب
        المحامي النيابة العامة بـ); a title with the definite article and then a name follow it, so it was
        a description (بطلة الفيلم الممثلة سلوى عيسى); a one-word «name» stands before a short phrase in
        guillemets that a name follows (مدير مهرجان «الساحل» خالد منصور ان). For any subject: it ends on an
        indefinite title, institution or source head whose genitive follows (زوج المعلمة المفقودة). After
        held-out check #5: a one-word untitled «name» followed by a genitive chain (مقرر لجنة المالية)؛ an
        unnamed spokesperson's institution followed by a parenthesis (… (مفوضية اللاجئين) …، جمانة الحسن)."""
        toks, k = s.toks, np.end
        if np.start < 0 or k <= np.start:
            return False
        last = toks[k - 1].w
        heads = TITLE_HEADS | INSTITUTION_HEADS | SOURCE_HEADS
        if k < len(toks) and last in heads and not last.startswith("ال"):
            w = toks[k].w  # «وقال زوج المعلمة المفقودة، أحمد سليمان»: an indefinite head before a definite
            if _clean(s.gap(k), False) and w.startswith("ال") and w not in STOP and w not in _TIME_WORDS:
                return True  # word is in construct with it: the phrase stopped inside the idafa
        if np.type == "organization" and np.via is not None and "(" in s.gap(k):
            return True  # «المتحدثة باسم المفوضية … (مفوضية اللاجئين) …، جمانة الحسن»: a name may follow
        if np.type != "person":
            return False
        words = _WORD_RE.findall(fold_text(np.name))
        named = np.title is not None and np.name != np.title and bool(words)
        if named and _bi_here(s, k - len(words), frozenset()):
            return True  # but «بسام الخطيب الحكومة بإخفاء…»: the later بـ word is the complement
        bare = np.title is not None and np.name == np.title
        head = toks[np.start].w
        if bare and np.end - np.start >= 2 and head.startswith("ال") and head in TITLE_HEADS:
            nxt = toks[np.start + 1].w
            if nxt.startswith("ال") and not _is_adj(nxt) and nxt not in TITLE_HEADS and nxt not in STOP:
                return True
        if k + 1 >= len(toks):
            return False
        if np.title is None and len(words) == 1 and not s.recurs(k - 1) and _construct_noun(s, k):
            # «وقال مقرر لجنة المالية، النائب …»: a one-word «name» the article never repeats, governing a
            # genitive chain (a repeated surname is a name: «ودعا الشامي أولياء الأمور إلى» has an object)
            return _clean(s.gap(k), False)
        w = toks[k].w
        if (bare or np.title is None) and _clean(s.gap(k), False) and w.startswith("ال") and w in TITLE_HEADS:
            nxt = toks[k + 1].w
            return _clean(s.gap(k + 1), False) and not nxt.startswith("ال") and nxt not in STOP
        if len(words) == 1 and s.quote_at(k) == "«":
            m = next((t for t in range(k + 1, min(len(toks), k + 4)) if '"' in s.gap(t)), None)
            if m is None or not _clean(s.gap(m).replace('"', " "), False):
                return False
            after = toks[m].w
            return after not in COMPLEMENTIZERS and after not in STOP and not after.startswith("ال")
        return False

    @staticmethod
    def _free_tail(s: Sent, np: NP, k: int, bare: bool) -> bool:
        """Token k may follow a complete speaker phrase: what `_closes` a phrase, an adjunct's
        preposition, a time word, an adverb, قد, a verb, بـ, «البالغ من العمر»; after a name also the
        addressee (جونز لبي بي سي، … لرويترز) or a role (أميرة حنا الطبيبة النفسية); after an indefinite
        source a clause describing it (طبيب يعمل في…، أنباء لم يتم التأكد منها); a masdar with a pronoun
        (أكدت السعودية حرصها على)."""
        toks = s.toks
        w = toks[k].w
        if _closes(s, k) or w in _ADJUNCT_PREPS or w in _TIME_WORDS or w in _ADVERBS or w in AUXILIARIES:
            return True
        more = w == "اكثر" and k + 1 < len(toks) and toks[k + 1].w == "من"  # «وأكدت الوكالة أكثر من مرة أن»
        if w in VERBS or w in {"ب", *AGE_WORDS} or more:
            return True
        if not bare and ((w[:1] == "ل" and len(w) >= 3) or w in TITLE_HEADS):
            return True
        if w in _RELATIVES or (np.via is not None and _is_adj(w)):
            return True  # «وقال التقرير السنوي الذي أصدرته اللجنة …»
        if np.type == "source" and (_verb_like(w) or w in _NEGATIONS):
            return True
        t = toks[k]
        pronoun = s.orig(t.fs, t.fe).endswith(("ه", "ها", "هم", "هما"))  # not ة (folded ه too): لشركة
        return pronoun and not w.startswith(("ال", "ل", "ب")) and w not in TITLE_HEADS

    @staticmethod
    def _accused_inside(s: Sent, i: int, verb: Verb, np: NP) -> bool:
        """An accusation whose بـ complement follows its subject at once: اتهم needs an object, so
        unless the verb carries it as a pronoun (واتهمه) the subject phrase has swallowed it."""
        toks = s.toks
        if verb.kind != "accusation" or np.end >= len(toks) or not _clean(s.gap(np.end), False):
            return False
        base = toks[i].w[1:] if toks[i].w[:1] in "وف" and toks[i].w[1:] in VERBS else toks[i].w
        suffix = base[len(verb.lemma) :].removeprefix("ت") if base.startswith(verb.lemma) else ""
        if suffix in {"ه", "ها", "هم", "هما"}:
            return False  # واتهمه، واتهمتها: the object is the pronoun
        if fold_text(np.name).startswith("ب") and np.title is not None and np.name != np.title:
            return True  # «واتهم ممثل النيابة الصحفي بنشر أخبار…»: the «name» is the بـ complement
        w = toks[np.end].w
        return w == "ب" or (w.startswith("ب") and len(w) > 3)

    @staticmethod
    def _quoted_name_at(s: Sent, t: int) -> bool:
        """The guillemets opening at token t hold a name, not the reported words: at most three words,
        then at once an adjective or a title (كتلة «النهضة» البرلمانية النائب …، حزب «الأمل» الديمقراطي)."""
        toks = s.toks
        for m in range(t + 1, min(len(toks), t + 3) + 1):
            if s.quote_at(m) == "»" or '"' in s.gap(m):
                return (
                    m < len(toks)
                    and _clean(s.gap(m).replace('"', " "), False)
                    and (_is_adj(toks[m].w) or toks[m].w in TITLE_HEADS)
                )
        return False

    def _sure_subject(self, s: Sent, i: int, verb: Verb, np: NP) -> bool:
        """The unread phrase right after a verb of saying, then أن (or the verb's own preposition when
        the verb takes no object: أشار البحث إلى)."""
        toks = s.toks
        e = (
            np.end + 2
            if np.end + 1 < len(toks) and toks[np.end].w == "في" and toks[np.end + 1].w in _ADJUNCTS
            else np.end
        )
        nxt = toks[e].w if e < len(toks) else ""
        sure = nxt in COMPLEMENTIZERS or (_introduces(nxt, verb) and verb.lemma in _NO_OBJECT)
        return sure and np.start == i + 1 and self._says_subject(verb)

    def _bi_complement(self, s: Sent, k: int) -> bool:
        """Token k is a بـ complement (بتأسيس، بقطع), not a name that begins with ب (بيرنار)."""
        if k >= len(s.toks) or not _clean(s.gap(k), False):
            return False
        w = s.toks[k].w
        return w.startswith("ب") and len(w) > 3 and w not in self.surnames and not self._known(w)

    def _maybe_object(self, s: Sent, np: NP) -> bool:
        if np.type != "person" or np.title is not None or self._known(np.name):
            return False
        n = np.end
        if n >= len(s.toks):
            return False
        return s.toks[n].w not in COMPLEMENTIZERS and not any(c in s.gap(n) for c in ':",')

    def _unread_subject(self, s: Sent, i: int) -> NP | None:
        """A subject the rules cannot read, so carrying over the last speaker would be a guess: one
        definite word between the verb and its complementizer (وقال الماضي إن), a definite phrase after
        a verb of saying that takes no object (وأوضح المشرف العام على الحملة …), or a definite word
        right before the verb (الأول يرى أن)."""
        toks = s.toks
        k = i + 1
        if k + 1 >= len(toks):
            return None
        w = toks[k].w
        if not w.startswith("ال") or w in _TIME_WORDS or (w in STOP and w not in _ADJ_TIME):
            return self._unread_before(s, i)  # «وأشار إلى أنه»: إلى folds to الي
        verb = VERBS[toks[i].w]
        if toks[k + 1].w in COMPLEMENTIZERS or ":" in s.gap(k + 1) or verb.intro <= _SAY_ONLY:
            return self._unknown(s, k, k + 1)
        end = None  # «وأعلن الهلال الأحمر في بيان أنه»: the phrase ends before the adjunct
        for t in range(k + 1, min(len(toks), k + 6)):  # «كما دعا الإعلان إلى»، «أعرب المشاركون في القمة عن»
            if not _clean(s.gap(t), True):
                return None
            w = toks[t].w
            if w in COMPLEMENTIZERS or _introduces(w, verb):
                return self._unknown(s, k, end or t)
            if toks[t - 1].w == "في" and w in _ADJUNCTS and end is None:
                end = t - 1
            elif not (w.startswith("ال") or w in {"في", "من"}):
                return None
        return None

    def _unread_before(self, s: Sent, i: int) -> NP | None:
        toks = s.toks
        prefixed = toks[i].w[:1] in "وف" and toks[i].w[1:] in VERBS
        if i == 0 or prefixed or not _clean(s.gap(i), False):
            return None
        w = toks[i - 1].w
        if not w.startswith("ال") or w in STOP or w in _TIME_WORDS or w in COMPLEMENTIZERS:
            return None
        return self._unknown(s, i - 1, i)

    def _unknown(self, s: Sent, a_tok: int, b_tok: int) -> NP:
        a, b = self.folded.span_to_original(s.toks[a_tok].fs, s.toks[b_tok - 1].fe)
        return NP(self.article[a:b], "unknown", b_tok, start=a_tok, span=(a, b))

    @staticmethod
    def _says_subject(verb: Verb) -> bool:
        """A definite noun right before أن is the subject of a verb of saying (وأكد البحث أن); after
        verbs that take a person object as well (أبلغ النواب أن، طالب الحكومة بأن) it may be the object."""
        return (
            verb.kind in {"statement", "report", "assessment", "denial"} and verb.lemma not in _DITRANSITIVE
        )

    def _opens_quote(self, s: Sent, i: int) -> bool:
        """Tell whether the verb is the first word of a quotation («أبرز ضرورة…»)."""
        g = s.gap(i)
        if not g.endswith('"'):
            return False
        pos = (s.toks[i - 1].fe if i > 0 else s.fs) + len(g) - 1
        at = self.folded.offsets[pos]
        ch = self.article[at]
        return ch in "«“" or (ch == '"' and (at == 0 or self.article[at - 1].isspace()))

    def _relayed(self, s: Sent, i: int) -> tuple[NP, int] | None:
        """نقلت صحيفة «X» عن مصدر في الشركة أن…: the source speaks, the outlet is the channel."""
        toks = s.toks
        for t in range(i + 1, min(len(toks), i + 8)):
            if toks[t].w in VERBS or any(c in s.gap(t) for c in ",.:"):
                return None  # «ونقل الفيصل تحيات القيادة… معربا عن تقديره»: carried greetings, not words
            if toks[t].w == "عن" and t > i + 1:
                np = self._np(s, t + 1)
                if np is None:
                    return None
                outlet = s.words(i + 1, t).strip(EDGE)
                if outlet.count("«") > outlet.count("»"):
                    outlet += "»"  # صحيفة «المساء» عن…: the closer sits in the gap before عن
                return replace(np, via=cut(outlet, 160)), np.end
        return None

    def _implicit(self, sid: int, s: Sent, i: int, fem: bool | None) -> NP | None:
        """The subject a pronoun-only cue continues: the clause subject before it in the sentence,
        else the latest subject of the last sentences that agrees with the verb's gender."""
        here = [np for np in self._clause_subjects(s, i) if self._agrees(np, fem)]
        if here:
            np = here[-1]
            cut_short = np.type == "person" and np.name == np.title and not _closes(s, np.end)
            # «واتهمت النائبة عن الإقليم سلمى العبيدي الحكومة …، مؤكدة»: the title lost its name
            return replace(np, type="unknown") if cut_short and not _verb_like(s.toks[np.end].w) else np
        for np, at in reversed(self.subjects):
            if sid - at > _CARRY_SENTENCES:
                break
            if self._agrees(np, fem):
                rival = self._mentioned_since(at, sid, fem)
                self.rival = rival is not None and rival.name != np.name
                return np
        if i > 1 or (i == 1 and s.toks[0].w not in CLAUSE_OPENERS):
            return None  # only a cue that opens its sentence hands over to a person just named
        return self._mentioned_since(sid - 2, sid, fem)

    def _mentioned_since(self, after: int, sid: int, fem: bool | None) -> NP | None:
        """The one titled person of the verb's gender named after sentence ``after`` (none when two
        distinct people qualify): «وحضر اللقاء رئيس بلدية الحي مروان خليل. وقال إن…»."""
        if fem is None:
            return None
        for at in range(sid - 1, after, -1):
            names = {np.name: np for np, m in self.mentions if m == at and self._agrees(np, fem)}
            if len(names) == 1:
                return next(iter(names.values()))
            if names:
                return None
        return None

    def _continues(self, sid: int, fem: bool | None) -> bool:
        """The previous sentence's last subject is a person the verb agrees with: a pronoun subject
        is as likely as the phrase after the verb («…ميساء قاسم… . وطالبت الوزارة بتخصيص…»)."""
        if not self.subjects:
            return False
        np, at = self.subjects[-1]
        return sid - at == 1 and np.type == "person" and fem is not None and self._gender_of(np) == fem

    def _clause_subjects(self, s: Sent, limit: int) -> list[NP]:
        """Subjects of the clauses before token ``limit``: a verb (or the sentence's first word)
        followed by a titled, institutional or already known name (وظهر نتنياهو، وزار ناصر), and
        an auxiliary followed by a subject (وكان نتنياهو قد ذكر)."""
        toks = s.toks
        out: list[NP] = []
        for t in range(min(limit, len(toks)) - 1):
            w = toks[t].w
            opens = t == 0 or "," in s.gap(t)
            aux = w in AUXILIARIES and w not in {"قد", "وقد", "لقد", "ولقد"}
            if not (aux or (opens and _verb_like(w))) or not _clean(s.gap(t + 1), False):
                continue
            np = self._np(s, t + 1)
            if np is None and not aux:
                np = self._after_object(s, t, limit)  # «وحضر اللقاء رئيس بلدية الحي مروان خليل»
            if np is None or np.end > limit or np.via is not None:
                continue
            known = np.type != "person" or np.title is not None or self._known(np.name)
            if aux or known:
                out.append(np)
        return out

    def _after_object(self, s: Sent, t: int, limit: int) -> NP | None:
        """Verb, a definite object, then a titled person with a name: the person is the subject (VOS)."""
        toks = s.toks
        k = t + 2
        if k >= min(limit, len(toks)) or not toks[t + 1].w.startswith("ال") or toks[t + 1].w in STOP:
            return None
        if not _clean(s.gap(k), False) or toks[k].w not in TITLE_HEADS:
            return None
        np = self._np(s, k)
        return np if np is not None and np.type == "person" and np.name != np.title else None

    def _known(self, name: str) -> bool:
        key = self.fold(name).split()
        return bool(key) and (
            key[-1] in self.surnames or any(self.fold(r).endswith(key[-1]) for r in self.recent)
        )

    def _gender_of(self, np: NP) -> bool | None:
        if np.fem is not None:
            return np.fem
        name = self._canonical(np, False) if np.type == "person" else np.name
        if name in self.fem_names:
            return True
        if name in self.masc_names:
            return False
        return None

    def _agrees(self, np: NP, fem: bool | None) -> bool:
        g = self._gender_of(np)
        return fem is None or g is None or g == fem

    @staticmethod
    def _object_reading(s: Sent, i: int, verb: Verb, np: NP) -> bool:
        """Verb + one phrase + its بـ/إلى/على complement, where the phrase is the object, not the
        subject: the accused of اتهم; a plural in -ين (oblique case) after any verb."""
        toks = s.toks
        head = toks[i + 1].w
        if head.startswith("ال") and head.endswith("ين") and len(head) >= 7 and np.title is None:
            return True  # وحض المفتشين على تفتيشه
        if np.end >= len(toks) or not _clean(s.gap(np.end), False):
            return False
        nxt = toks[np.end].w
        takes = nxt.startswith("ب") and (BI in verb.intro or verb.kind == "accusation")
        return verb.kind in {"accusation", "call"} and (takes or nxt in {"الي", "علي"}) and np.title is None

    @staticmethod
    def _fragment(np: NP) -> bool:
        """A speaker that is a piece of the sentence, not a name (لهيئة الموانئ…، حكومي رفيع، موعدها)."""
        words = np.name.split()
        first = words[0] if words else ""
        folded = fold_text(first)
        # ل/ب + a word we know (لهيئة، بالوزارة): a prepositional phrase; لينا، بيتروفا are names.
        rest = folded[1:]
        prep = folded[:1] in "لب" and len(folded) > 3 and (rest in _NOT_NAME or rest.startswith("ال"))
        joined = folded[:1] == "و" and (folded[1:] in INSTITUTION_HEADS or folded[1:] in TITLE_HEADS)
        conj = folded[:1] == "و" and len(folded) > 3 and np.type == "person" and np.title is None
        return not words or (prep and np.type == "person" and np.title is None) or joined or conj  # «وعندنا»

    @staticmethod
    def _verb_gender(w: str, verb: Verb) -> bool | None:
        base = w[1:] if w[:1] in "وف" and w[1:] in VERBS else w
        if base.endswith(("وا", "ون")) or (not verb.participle and base.endswith("ا") and base != verb.lemma):
            return None  # plural or dual: no gender check
        if verb.participle:
            return None if base.startswith("بال") else base.endswith("ه")  # a masdar (بالإشارة) has none
        lemma = verb.lemma
        weak = lemma[:-1] + "ت" if lemma.endswith(("ا", "ي")) else None  # دعا → دعت، نفى → نفت، رأى → رأت
        return base in {lemma + "ت", weak} or (base.startswith("ت") and not lemma.startswith("ت"))

    def _statement_before(self, s: Sent, i: int) -> NP | None:
        for j in range(i - 1, -1, -1):
            if s.toks[j].w in STATEMENT_WORDS:
                return self._np(s, j)
        return None

    def _unparsed_subject(self, s: Sent, i: int) -> NP | None:
        """Words between an auxiliary and قد + verb that no rule reads as a subject (the candidate)."""
        toks = s.toks
        if i < 3 or toks[i - 1].w not in {"قد", "وقد"}:
            return None
        for j in range(i - 2, max(-1, i - 8), -1):
            if toks[j].w in AUXILIARIES:
                if j + 1 >= i - 1:
                    return None
                a, b = self.folded.span_to_original(toks[j + 1].fs, toks[i - 2].fe)
                return NP(self.article[a:b], "unknown", i, start=j + 1, span=(a, b))
        return None

    def _svo(self, s: Sent, i: int) -> tuple[NP, int] | None:
        """A subject written before the verb, back to a clause opener: (phrase, first token)."""
        toks = s.toks
        topic = self._topic(s, i)
        if topic is not None:
            return topic
        if toks[i].w[:1] in "وف" and toks[i].w[1:] in VERBS:
            return None  # «… وقال X»: a verb with و/ف opens its clause; what precedes is not its subject
        if i > 1 and toks[i - 1].w in {"قد", "وقد"}:  # وكان المدعي العام فادي الزعبي قد اتهم…
            i -= 1
        p = self._parenthetical_start(s, i)
        j = i
        if p is not None:  # «وكان المرصد الوطني لحقوق الإنسان، ومقره جنيف، قد قال»: the subject ends before
            i, j = p, p - 1
        while j > 0 and i - j < 8 and _clean(s.gap(j), True):
            w = toks[j - 1].w
            if w in CLAUSE_OPENERS or w in AUXILIARIES or w in VERBS or w in SOURCE_WORDS:
                break
            j -= 1
        if j == i or (j > 0 and toks[j - 1].w not in CLAUSE_OPENERS | AUXILIARIES and _clean(s.gap(j), True)):
            return None
        if j > 0 and toks[j - 1].w in {"قد", "وقد", "لقد", "ولقد"}:
            return None  # «مواضيع قد تهمك نهاية وقال»: a verb, never a subject, follows قد
        np = self._np(s, j)
        if np is None or np.end != i:
            return None
        if j > 0 and toks[j - 1].w == "ان" and self._verb_shaped(s, j, np):
            return None  # «أن تحاولى توقع…»: after أن, a lone unknown word in ت/ي/ن is a verb
        return np, j

    def _verb_shaped(self, s: Sent, j: int, np: NP) -> bool:
        w = s.toks[j].w
        return (
            np.type == "person"
            and np.title is None
            and np.end == j + 1
            and w[:1] in "تين"
            and self.counts[w] < 2
            and w not in self.surnames
        )

    def _topic(self, s: Sent, i: int) -> tuple[NP, int] | None:
        """«أما X[، الذي …،] فأكد»: the topic after أما is the subject of the ف-verb."""
        toks = s.toks
        if not toks[i].w.startswith("ف") or toks[i].w[1:] not in VERBS:
            return None
        for a in range(i - 1, max(-1, i - 16), -1):
            if toks[a].w in _AMMA:
                np = self._np(s, a + 1)
                if np is None or np.end > i:
                    return None
                if np.end == i or self._parenthetical_start(s, i) == np.end:
                    return np, a + 1
                return None
            if any(c in s.gap(a + 1) for c in ".:;!?"):
                return None
        return None

    @staticmethod
    def _parenthetical_start(s: Sent, i: int) -> int | None:
        """Start of a comma-bounded aside that ends right before token i (، ومقره جنيف، / ، الذي وصل…،)."""
        toks = s.toks
        if i < 2 or "," not in s.gap(i):
            return None
        for p in range(i - 1, max(0, i - 12), -1):
            if "," in s.gap(p):
                w = toks[p].w
                aside = w in _RELATIVES or (
                    w.startswith("و") and w.endswith(("ه", "ها", "هم")) and len(w) >= 4
                )
                return p if aside else None
            if any(c in s.gap(p) for c in '.:;!?"'):
                return None
        return None

    def _complement(self, s: Sent, k: int, verb: Verb) -> int | None:
        """Folded start of the reported words after the subject (or verb) ending at token k-1."""
        toks = s.toks
        intro = verb.intro
        for t in range(k, min(len(toks), k + _SCAN) + 1):
            g = s.gap(t)
            if t == len(toks) and t > k:
                break
            if t > k and any(c in g for c in ".;?!"):
                return None
            if ":" in g and COLON in intro:
                return _after(s, t, g.index(":") + 1)
            if (
                t == k
                and s.quote_at(t) == "«"
                and (intro & {QUOTE, COLON, AN})
                and not self._quoted_name_at(s, t)
            ):
                return _after(
                    s, t, g.index('"')
                )  # قال «…»; not the closer of a name (شركة «طيران الشمال» إلغاء)
            if t == len(toks):
                break
            w = toks[t].w
            if (
                t > k
                and w in VERBS
                and not VERBS[w].participle
                and not VERBS[w].inner_only
                and toks[t - 1].w != "عدم"
            ):
                break
            if w in COMPLEMENTIZERS and AN in intro:
                return toks[t].fe
            if (
                w in {"الي", "والي"}
                and t + 1 < len(toks)
                and toks[t + 1].w in COMPLEMENTIZERS
                and intro & {ILA, AN}
            ):
                return toks[t + 1].fe
            near = t - k <= 3
            if (w == "الي" and ILA in intro) or (w == "علي" and ALA in intro):
                return toks[t].fe
            if near and ((w == "من" and MIN in intro) or (w == "عن" and AN_PREP in intro)):
                return toks[t].fe
            if near and BI in intro and w.startswith("ب") and len(w) > 3 and w not in COMPLEMENTIZERS:
                return toks[t].fs
            if near and BI in intro and w == "ب" and t + 1 < len(toks):
                return toks[t + 1].fs  # بـ«…» (the tatweel folds away): the words after it
        if ANY in intro and k < len(toks):
            return toks[k].fs
        return None

    def _parts(self, s: Sent, i: int, begin: int) -> list[tuple[int, int]]:
        """Split the reported words at «، مشيراً…» / «، وقال…» (a new claim) and «، وأن…» (a second one)."""
        toks = s.toks
        parts: list[tuple[int, int]] = []
        a = begin
        for t in range(i + 1, len(toks)):
            if toks[t].fs <= a or "," not in s.gap(t):
                continue
            w = toks[t].w
            verb = VERBS.get(w)
            if verb is not None and (verb.participle or w.startswith("و")) and not verb.inner_only:
                return [*parts, (a, toks[t - 1].fe)]
            if w in _WHILE and t + 1 < len(toks) and toks[t + 1].w in VERBS:
                return [*parts, (a, toks[t - 1].fe)]  # «…، فيما قالت النائبة…»: a new speaker
            if w in _COORD:
                parts.append((a, toks[t - 1].fe))
                a = toks[t].fe
        return [*parts, (a, s.fe)]

    def _place(self, s: Sent, found: list[_Found], f: _Found) -> None:
        pos = s.toks[f.cue].fs
        if any(g.ev == f.ev for g in found):
            return  # «تؤكد أنجيلا قائلة: …»، «وتابع يقول: …»: two cues, one claim
        for idx, g in enumerate(found):
            if g.ev[0] <= pos < g.ev[1]:
                via = g.np.via or (g.np.name if _is_outlet(g.np) else None)
                if f.explicit and via is not None and f.np.type in {"person", "source"}:
                    found[idx] = replace(f, np=replace(f.np, via=via), outer=g.outer)
                return
        if not f.verb.inner_only:
            found.append(f)

    # --- drafts --------------------------------------------------------------------------------

    def _draft(self, s: Sent, f: _Found) -> ClaimDraft | None:
        span = tighten(self.article, *self.folded.span_to_original(*f.ev), f.in_quote)
        if span is None:
            return None
        span = balance_quotes(self.article, *span)
        if span is None or len(self.article[span[0] : span[1]].split()) < MIN_EVIDENCE_WORDS:
            return None  # «بتفتيشه»: one word proves nothing
        a, b = span
        quote = self.article[a:b]
        speaker = self._canonical(f.np, bool(f.fem))
        if f.np.type == "person" and f.explicit and f.fem is not None and not f.unresolved:
            (self.fem_names if f.fem else self.masc_names).add(speaker)
        self.recent.append(speaker)
        self.speaker_types.setdefault(speaker, f.np.type)
        if f.np.title is not None and speaker != f.np.title:
            self.titles.setdefault(speaker, self._key(f.np.title))
        condition = self._condition(s, f)
        c0 = self.folded.span_to_original(f.start, f.start + 1)[0]
        if c0 > 0 and self.article[c0 - 1] == "(":  # «أنه (ماكرون) «حض…»: keep the parenthesis whole
            c0 -= 1
        claim_text = cut(self.article[c0:b].strip(EDGE), MAX_QUOTE) if c0 < b else quote
        return ClaimDraft(
            speaker_ar=cut(speaker, 120),
            kind=self._kind(f, quote),
            claim_ar=claim_text or quote,
            quote_ar=quote,
            conditional=condition is not None,
            condition=condition,
            attributed_via=cut(f.np.via, 160) if f.np.via else None,
        ).at(  # ground this occurrence, not an earlier copy of the same words
            a,
            mention=f.np.span,
            cue=self.folded.span_to_original(s.toks[f.cue].fs, s.toks[f.cue].fe),
            unresolved=f.unresolved,
        )

    def _kind(self, f: _Found, quote: str) -> ClaimKind:
        kind = f.verb.kind
        fq = self.fold(quote)
        if kind in {"statement", "report", "assessment"} and any(p in fq for p in WARNING_PHRASES):
            return "warning"
        if kind == "statement" and any(fq.startswith(p) or f" {p}" in fq[:40] for p in CALL_PHRASES):
            return "call"
        if kind == "statement" and f.np.type == "organization" and f.np.via is not None:
            return "report"  # a statement asserting facts in its own name
        return kind

    def _condition(self, s: Sent, f: _Found) -> str | None:
        """The conditional clause governing the claim (إذا، في حال، لو، conditional إن), if any."""
        toks = s.toks
        text = self.folded.text
        for t in range(f.cue, len(toks)):
            tok = toks[t]
            if tok.fs >= f.ev[1]:
                break
            prev = toks[t - 1].w if t else ""
            nxt = toks[t + 1].w if t + 1 < len(toks) else ""
            hit = (tok.w in CONDITIONAL_WORDS and prev not in NOT_CONDITIONAL_AFTER_IDHA) or (
                tok.w in {"في", "وفي"} and nxt in {"حال", "حاله"} and "," not in s.gap(t + 1)
            )
            if not hit and tok.w == "ان" and nxt in CONDITIONAL_IN_NEXT:
                hit = self.article[self.folded.span_to_original(tok.fs, tok.fe)[0]] == "إ"
            if hit:
                end = clause_end(text, tok.fs, s.fe)
                a, b = self.folded.span_to_original(tok.fs, end)
                return cut(self.article[a:b].strip(EDGE + "«»“”\"'"), 300) or None
        return None


def _introduces(w: str, verb: Verb) -> bool:
    """The word is the preposition the verb's complement starts with (دعا إلى، حث على، أعرب عن)."""
    intro = verb.intro
    return (
        (w == "الي" and ILA in intro)
        or (w == "علي" and ALA in intro)
        or (w == "عن" and AN_PREP in intro)
        or (w == "من" and MIN in intro)
        or (w.startswith("ب") and BI in intro)
    )


def _after(s: Sent, t: int, offset: int) -> int:
    """Folded position `offset` characters into the gap before token t, past spaces."""
    base = s.toks[t - 1].fe if t > 0 else s.fs
    pos = base + offset
    while pos < s.fe and s.folded.text[pos] == " ":
        pos += 1
    return pos
