"""Noun-phrase reading for the offline engine: who is the subject of a reporting verb.

Works on folded tokens of one sentence. A subject is one of: a statement (بيان للإليزيه), a
spokesperson (المتحدث باسم الخارجية), a title chain with or without a name (رئيس الأركان الفرنسي
الجنرال فرنسوا لوكوانتر), an institution (اتحاد الغرف التجارية، الكرملين), an anonymous source
(مصدر في البنك المركزي), a place used as an actor (روسيا) or a bare name (ماكرون).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from toolkit.arabic import Folded, fold_text
from toolkit.engines._offline_cues import (
    CHANNEL_WORDS,
    CLAUSE_OPENERS,
    COMPLEMENTIZERS,
    INSTITUTION_ALIASES,
    INSTITUTION_HEADS,
    INSTITUTIONS,
    PLACES,
    SOURCE_HEADS,
    SPOKES_HEADS,
    STATEMENT_WORDS,
    STOP,
    TITLE_HEADS,
    TITLE_LINKS,
    VERBS,
)


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold_text(w) for w in words.split())


#: The relayed «saying» with its pronoun (نقلت الوكالة عن متحدث … قوله إن): never a name.
_SAYING_NOUNS = _folded("قوله قولها قولهم قولهما")
_NOT_NAME = (
    STOP | COMPLEMENTIZERS | CLAUSE_OPENERS | TITLE_HEADS | INSTITUTION_HEADS | SOURCE_HEADS | _SAYING_NOUNS
)
_STATEMENT_FILLERS = frozenset({"صادر", "صادرا", "عن", "رسمي", "رسميا", "مشترك", "صحفي", "مقتضب"})
#: Source adjectives that take a prepositional complement: مصدر مطلع على الصفقة، مصادر مقربة من الحكومة.
_SOURCE_ADJ_PREP = _folded("مطلع مطلعة مطلعون مطلعين مقرب مقربة مقربون مقربين")
_LI_NOUNS = frozenset(
    fold_text(w)
    for w in ["لكرة", "لشؤون", "لحقوق", "لمكافحة", "لحماية", "لتنظيم", "لدعم", "لإدارة", "لتطوير", "للشؤون"]
)
_HERE = frozenset({"البلاد", "المنطقه", "العاصمه"})
#: Portfolios between an indefinite title head and its state (وزير خارجية فالدوريا، رئيس وزراء X).
_PORTFOLIOS = _folded("خارجية داخلية دفاع مالية وزراء حكومة اقتصاد صحة عدل تربية إعلام نقل زراعة طاقة")
#: After ل, the people addressed or the channel used, never part of a name (لوسائل الإعلام).
_AUDIENCE = _folded(
    "وسائل مراسل مراسلي مراسلة الصحفيين صحفيين الصحافيين الصحافة التلفزيون الإذاعة الوكالة الصحيفة "
    "المراسلين قناة وكالة صحيفة إذاعة تلفزيون"
)
_STATE_WORDS = frozenset({"جمهوريه", "دوله", "مملكه", "اماره", "حكومه"})
_NOUN_ENDINGS = ("ه", "ين", "ون", "ات")  # after a first name, -ان is a family name (الحمدان)
_ADJ_WORDS = _folded(
    "العام الأعلى الأول الصحفي الخاص الدائم المتحدة العليا السابق السابقة الأسبق الحالي الجديد "
    "الجديدة المعارض المعارضة المستقل المستقلة الكبرى الكبير التنفيذي المساعد العامة التنفيذية "
    "المشترك المشتركة "
    "المساعدة الحاكم الحاكمة السامي السامية المسلح المسلحة"
)
#: Inside a name: particles that join two name words (كارلوس دي لا فوينتي، عبد الله، أم أحمد، أبو علي).
_NAME_LINKS = _folded("دي دا دو لا لو فان فون دير بن ابن بنت أبو أبي أم آل عبد")
#: Second halves of compound first names (ضياء الدين، عبد الله، عبد الرحمن): name words, never where
#: a name ends.
COMPOUND_ENDS = _folded("الدين الله الرحمن الرحيم الكريم العزيز")
#: Particles that are also common words (لا، لو): a link only after another particle (دي لا فوينتي).
_SOFT_LINKS = frozenset({"لا", "لو"})
#: Before a name, never part of it: these open a name (أبو، أم، عبد) only when a name word follows.
_NAME_OPENERS = _folded("أبو أم عبد آل بن ابن بنت")
#: Patronymic particles: the word after them is a name even when it is also a common word (بن علي).
_PATRONYMS = _folded("بن ابن بنت")
#: Indefinite adjectives and genitives after an anonymous-source head (مسؤول حكومي رفيع، شاهد عيان).
_SOURCE_WORDS = _folded(
    "مطلع مطلعة رفيع رفيعة المستوى مقرب مقربة بارز بارزة كبير كبيرة كبار رفيعو عيان موثوق "
    "موثوقة وثيق مختلفة متطابقة مسؤول أحد متقاعد متقاعدة سابق سابقة سابقون سابقين"
)
#: Quantified groups that speak as one source (كثير من السكان، عدد من النواب، بعض الناشطين).
_QUANTIFIERS = _folded("كثير كثيرون عدد بعض معظم غالبية")
#: Outlets and bodies whose name follows in guillemets: منظمة «سكن للجميع»، صحيفة «المساء».
_QUOTED_NAME_HEADS = _folded(
    "منظمة المنظمة شركة الشركة صحيفة الصحيفة موقع قناة حركة حزب جمعية مؤسسة حملة وكالة تجمع مبادرة "
    "تنظيم كتلة ائتلاف تيار جبهة نقابة اتحاد لجنة جماعة نادي مجموعة فرقة مجلة برنامج"
)
#: Heads whose grammatical gender is masculine although they end in ة/ه (none yet) and feminine
#: although they do not (broken plurals of things: مصادر، سلطات).
_FEM_HEADS = _folded("مصادر المصادر تقارير التقارير أنباء أرقام الأرقام جماعات سلطات جهات أوساط دوائر")


@dataclass(frozen=True)
class Tok:
    """A folded word of the article.

    Attributes:
        w: The folded word.
        fs: Start in the folded article.
        fe: End in the folded article.
    """

    w: str
    fs: int
    fe: int


@dataclass
class NP:
    """A subject noun phrase.

    Attributes:
        name: The speaker as it should be shown (a name, a title, an institution).
        type: person, organization, location or source.
        end: Index of the first token after the phrase.
        via: The channel the words come through (a statement, a spokesperson), if any.
        title: The title phrase in front of a person's name, if any.
        start: Index of the first token of the phrase (-1 when the phrase is not in this sentence:
            a carried-over antecedent keeps its own mention span instead).
        fem: Grammatical gender of the head: True feminine, False masculine, None unknown.
        span: Original-text (start, end) of the mention, when known.
    """

    name: str
    type: str
    end: int
    via: str | None = None
    title: str | None = None
    start: int = -1
    fem: bool | None = None
    span: tuple[int, int] | None = None


class Sent:
    """Tokens of one sentence plus helpers to read the original text around them."""

    def __init__(
        self,
        folded: Folded,
        article: str,
        toks: list[Tok],
        fs: int,
        fe: int,
        counts: Mapping[str, int] | None = None,
    ) -> None:
        """Wrap the tokens of one sentence.

        Args:
            folded: The folded article.
            article: The original article.
            toks: The sentence's tokens.
            fs: Folded start of the sentence.
            fe: Folded end of the sentence.
            counts: How often each folded word occurs in the whole article (news repeats surnames).
        """
        self.folded = folded
        self.article = article
        self.toks = toks
        self.fs = fs
        self.fe = fe
        self.counts: Mapping[str, int] = counts if counts is not None else {}

    def recurs(self, i: int) -> bool:
        """Tell whether token i's word occurs more than once in the article."""
        return self.counts.get(self.toks[i].w, 0) >= 2

    def quote_at(self, i: int) -> str | None:
        """When the gap before token i is only a quote mark: "«" if it opens (it touches token i:
        «التجديد، "التجديد), "»" if it closes (it touches token i-1); None otherwise."""
        g = self.gap(i)
        if g.strip() != '"':
            return None
        a = self.toks[i - 1].fe if i > 0 else self.fs
        ch = self.article[self.folded.offsets[a + g.index('"')]]
        if ch in "«“":
            return "«"
        if ch in "»”":
            return "»"
        return "«" if g.endswith('"') else "»" if g.startswith('"') else None

    def words_closed(self, i: int, j: int) -> str:
        """`words` plus the closing guillemet that follows when the words open one («قوى التغيير»)."""
        text = self.words(i, j)
        if text.count("«") > text.count("»") and j < len(self.toks) and self.quote_at(j) == "»":
            text += "»"
        return text

    def gap(self, i: int) -> str:
        """Folded text between token i-1 (or the sentence start) and token i (or the sentence end)."""
        a = self.toks[i - 1].fe if i > 0 else self.fs
        b = self.toks[i].fs if i < len(self.toks) else self.fe
        return self.folded.text[a:b]

    def orig(self, fs: int, fe: int) -> str:
        """The original text of a folded span."""
        s, e = self.folded.span_to_original(fs, fe)
        return self.article[s:e]

    def words(self, i: int, j: int) -> str:
        """The original text of tokens i..j-1."""
        return self.orig(self.toks[i].fs, self.toks[j - 1].fe)


def _name_gap(gap: str) -> bool:
    # Inside a name: spaces, or one hyphen (جان-لوك، بيتروفا-سميرنوفا).
    return gap.strip(" ") in {"", "-"}


def _clean(gap: str, loose: bool) -> bool:
    # Inside a noun phrase only spaces separate words; SVO subjects may be parenthesized or quoted.
    allowed = ' ()"' if loose else " "
    return all(c in allowed for c in gap)


def _strip_li(w: str) -> str:
    # لل + noun is ل + the definite noun: للإليزيه → الإليزيه; ل + noun: لوزارة → وزارة.
    if w.startswith("لل") and len(w) > 4:
        return "ال" + w[2:]
    if w.startswith("ل") and len(w) > 3:
        return w[1:]
    return w


def _is_adj(w: str) -> bool:
    # Nisba adjectives (الفرنسي، التجارية، الأميركيين) and a few fixed ones.
    return w.startswith("ال") and w not in STOP and (w.endswith(("ي", "يه", "يين", "يون")) or w in _ADJ_WORDS)


def _chain(s: Sent, j: int, heads: frozenset[str]) -> int:
    """End of a head + genitive + adjectives chain starting at j (j itself if no head)."""
    toks = s.toks
    k = j
    if k >= len(toks) or toks[k].w not in heads:
        return j
    k += 1
    genitive_used = toks[j].w.startswith("ال") and toks[j].w in INSTITUTION_HEADS  # الدفاع المدني السيطرة
    if not toks[j].w.startswith("ال"):
        k = _construct(s, k)
        k = _portfolio(s, k)
    while k < len(toks) and _clean(s.gap(k), False):
        w = toks[k].w
        if w in AGE_WORDS:
            break  # «المدرب البالغ من العمر 52 عاما»: an aside on his age, not his title
        if w in INSTITUTION_HEADS and not w.startswith("ال") and genitive_used:
            break  # «جمعية حماية المستهلك هيئة…»: a definite genitive closed the name; a new phrase
        prev = toks[k - 1].w
        if w in TITLE_HEADS and not w.startswith("ال") and prev in TITLE_HEADS and prev.startswith("ال"):
            break  # «والتقى الوزير مديرة المدرسة»: a definite head takes no construct; the object starts
        if (w in TITLE_HEADS or w in INSTITUTION_HEADS) and not (w.startswith("ال") and w not in TITLE_HEADS):
            # رئيس اتحاد البلديات، الرئيس الفرنسي الجنرال…; a definite institution (البنك) is an object.
            k += 1
            genitive_used = False
        elif w.startswith("وال") and (genitive_used or toks[k - 1].w.startswith(("ال", "لل"))):
            k += 1  # للشؤون الخارجية والسياسة الأمنية، وزير الري والموارد المائية
        elif w in TITLE_LINKS or (w.startswith("لل") and len(w) > 4):
            k += 1
            genitive_used = genitive_used or w.startswith("لل")  # الأمين العام للأمم المتحدة | الدول
        elif (
            w.startswith("ل")
            and (w[1:] in INSTITUTION_HEADS or w[1:] in TITLE_HEADS)
            and k + 1 < len(toks)
            and toks[k + 1].w.startswith("ال")
        ):
            k += 2  # المدير السابق لهيئة الموانئ، المدرب الفرنسي لنادي الشعلة
            genitive_used = True
        elif (
            _li_noun(w)
            and k + 1 < len(toks)
            and toks[k + 1].w.startswith("ال")
            and _clean(s.gap(k + 1), False)
        ):
            k += 2  # مدرب المنتخب الوطني لكرة القدم، المنظمة الإقليمية لمراقبة التصحر
            genitive_used = True
        elif (
            w == "في"
            and k + 1 < len(toks)
            and toks[k + 1].w in INSTITUTION_HEADS
            and toks[k + 1].w.startswith("ال")
        ):
            k += 2  # عضو لجنة الشفافية في المجلس، الممثلة السامية … في المفوضية الإقليمية
            genitive_used = True
        elif w == "في" and k + 1 < len(toks) and toks[k + 1].w in _HERE:
            k += 2
        elif w == "في" and k + 1 < len(toks) and (toks[k + 1].w in PLACES or toks[k + 1].w in _STATE_WORDS):
            k += 3 if toks[k + 1].w in _STATE_WORDS and k + 2 < len(toks) else 2
        elif w.startswith("ال") and (w not in _NOT_NAME or (w in INSTITUTION_HEADS and not genitive_used)):
            if _is_adj(w) or not genitive_used:
                genitive_used = genitive_used or not _is_adj(w)
                k += 1
            else:
                break
        else:
            break
    return k


def _li_noun(w: str) -> bool:
    """ل + a noun that continues a name (لمراقبة، لإدارة، لحوض، لشؤون), not an addressee or channel
    (لوسائل الإعلام، لوكالة الأنباء, handled as objects)."""
    if w in _LI_NOUNS:
        return True
    rest = w[1:]
    # ل-nouns are masdars and nouns (لمراقبة، لحوض); a word in ى/ا is a woman's name (ليلى، لينا، لمى).
    return (
        w.startswith("ل")
        and not w.startswith("لل")
        and len(w) >= 4
        and not w.endswith(("ي", "ا"))
        and rest not in STOP
        and rest not in CHANNEL_WORDS
        and rest not in _AUDIENCE
    )


def _portfolio(s: Sent, k: int) -> int:
    """After an indefinite title head, a portfolio noun and the state it belongs to: «وزير خارجية
    فالدوريا»، «رئيس وزراء مرسانيا» (the state is a proper noun, so it has no ال)."""
    toks = s.toks
    if k >= len(toks) or toks[k].w not in _PORTFOLIOS or not _clean(s.gap(k), False):
        return k
    k += 1
    if k < len(toks) and _clean(s.gap(k), False) and not toks[k].w.startswith("ال"):
        w = toks[k].w
        if w in PLACES or (w not in _NOT_NAME and w not in VERBS and len(w) >= 3 and w[:1] not in "لب"):
            k += 1
    return k


def _construct(s: Sent, k: int) -> int:
    """After an indefinite head, skip up to two construct nouns before a definite word.

    خبير أمن المعلومات، مديرة برنامج التحصين، رئيس بعثة صندوق النقد: the head's complement.
    """
    toks = s.toks
    for n in (1, 2):
        end = k + n
        if end < len(toks) and all(_clean(s.gap(x), False) for x in range(k, end + 1)):
            words = [toks[x].w for x in range(k, end)]
            if toks[end].w.startswith("ال") and not any(w.startswith("ال") or w in STOP for w in words):
                return end
    return k


def is_name_word(w: str, first: bool, surnames: frozenset[str]) -> bool:
    """Tell whether a folded word can be part of a person's name."""
    if len(w) < 2 or not w.isalpha() or w in _NOT_NAME or w in VERBS or w in PLACES or w in INSTITUTIONS:
        return False
    if w in surnames:
        return True
    if w in COMPOUND_ENDS:
        return not first  # عبد الله، ضياء الدين، عبد الرحمن
    if w[:1] in "لب" and w[1:] in _NOT_NAME:
        return False  # a prepositional phrase (لنادي، بالوزارة), never a name
    if w.startswith(("لل", "بال", "وال")) or (
        w.startswith(("فال", "كال")) and (not first or w[1:] in _NOT_NAME or w[2:] in _NOT_NAME)
    ):
        # للصحفيين، والحكومة، فالوزارة; but a name may begin with فال/كال (فالدوريا، كالدونيا).
        return False
    if not first and len(w) >= 5 and w.endswith("اء") and not w.startswith("ال"):
        return False  # broken/sound plurals after a name are its object (سامي ناصر رؤساء البلديات)
    if w.startswith("ال"):
        # A definite word after a first name is a family name (العطار، الحسيني) unless it looks like a
        # common noun: ta marbuta (الحكومة), dual/plural endings (الطرفين، المواطنون، الدول).
        # Short words keep their ending (الزين، الحسين): a dual/plural needs a longer stem.
        return not first and not w.endswith("ه") and not (len(w) >= 7 and w.endswith(_NOUN_ENDINGS[1:]))
    # Later words ending in ه are mostly pronoun-suffixed nouns (ترحيبه، نظيره).
    return first or not w.endswith("ه")


def name_end(s: Sent, j: int, surnames: frozenset[str], limit: int = 4, bi: bool = False) -> int:
    """End of a name starting at token j (j if none).

    With ``bi`` (the verb takes a بـ complement: طالب، تعهد، اتهم…), a later word starting with ب
    ends the name: «وطالب خالد عمران بفتح تحقيق».
    """
    toks = s.toks
    k = j
    while k < len(toks) and k - j < limit:
        if k > j and not _name_gap(s.gap(k)):
            break
        w = toks[k].w
        if bi and k > j and w.startswith("ب") and len(w) >= 4 and not _later_bi(s, k) and not s.recurs(k):
            break
        linked = (
            k + 1 < len(toks) and _name_gap(s.gap(k + 1)) and is_name_word(toks[k + 1].w, False, surnames)
        )
        if w == "عبد" and k + 1 < len(toks) and _name_gap(s.gap(k + 1)) and toks[k + 1].w.startswith("ال"):
            linked = True  # عبد الأحد، عبد الرحمن: a divine name completes عبد whatever it is
        if w in _PATRONYMS and k + 1 < len(toks) and _name_gap(s.gap(k + 1)) and toks[k + 1].w.isalpha():
            linked = toks[k + 1].w not in COMPLEMENTIZERS and toks[k + 1].w not in VERBS  # هالة بن علي
        if (
            w in _NAME_LINKS
            and linked
            and (k > j or w in _NAME_OPENERS)
            and (w not in _SOFT_LINKS or toks[k - 1].w in _NAME_LINKS)
        ):
            k += 2  # دي لا فوينتي، عبد الله، أم أحمد: the particle and the word it joins
            limit += 1
            continue
        if k > j and not _later_name_word(s, k, surnames):
            break
        if not (k > j and _tail_name(s, k)) and not is_name_word(w, k == j, surnames):
            break
        k += 1
        if w.startswith("ال") and "-" not in s.gap(k) and w not in COMPOUND_ENDS:
            break  # a family name (الحسيني، عمر البشير) ends the name: what follows is the object
    while k > j and toks[k - 1].w in _NAME_OPENERS:
        k -= 1  # «… عبد» cut off: a name never ends on أبو، أم، عبد، آل
    return k


def _later_name_word(s: Sent, k: int, surnames: frozenset[str]) -> bool:
    """A later word ل + a word the article also writes bare is the addressee, not the name:
    «جونز لبي بي سي»، «فقيه لرويترز … وكالة رويترز» (but لوكوانتر: no bare «وكوانتر»); و + a name
    followed by more name is a second person."""
    toks = s.toks
    w = toks[k].w
    hyphen = "-" in s.gap(k)  # جان-لوك: one name
    clitic = w.startswith("ل") and len(w) >= 3 and s.counts.get(w[1:], 0) >= 1
    # «كريستينا أبو الغار وأنجيلا نيوبى»: و + a name of its own is a second person, not a surname.
    pair = (
        w.startswith("و")
        and len(w) >= 4
        and k + 1 < len(toks)
        and _name_gap(s.gap(k + 1))
        and is_name_word(toks[k + 1].w, False, surnames)
    )
    return hyphen or not (clitic or pair) or w in surnames


def _tail_name(s: Sent, k: int) -> bool:
    """A later word ending in ة/ه that is a family name, not a pronoun-suffixed noun: ta marbuta in the
    original (بوزيدة، حمادة), or a ه-word the article repeats (فقيه، طعمه)."""
    w = s.toks[k].w
    if not w.endswith("ه") or w.startswith("ال") or w in _NOT_NAME or w in VERBS or len(w) < 3:
        return False
    t = s.toks[k]
    return s.orig(t.fs, t.fe).endswith("ة") or s.recurs(k)


def _bi_here(s: Sent, k: int, surnames: frozenset[str]) -> bool:
    """Token k is the verb's بـ complement, not a name that begins with ب (بسام): no later بـ word
    follows it (in «بسام الخطيب الحكومة بإخفاء…» the later one is the complement)."""
    w = s.toks[k].w
    later = any(t.w == "ب" or (t.w.startswith("ب") and len(t.w) > 3) for t in s.toks[k + 1 : k + 4])
    return w.startswith("ب") and len(w) > 3 and w not in surnames and not s.recurs(k) and not later


def _later_bi(s: Sent, k: int) -> bool:
    # «خليل بركات الحكومة بـ«…»: a later بـ is the complement, so بركات is still the name.
    return any(t.w == "ب" or t.w.startswith("بال") for t in s.toks[k + 1 : k + 4])


def owner_of(s: Sent, i: int, j: int) -> str | None:
    """An institution named inside tokens i..j-1 (للكرملين → الكرملين), as displayed."""
    for k in range(i, j):
        w = s.toks[k].w
        if w in INSTITUTION_ALIASES:
            return INSTITUTION_ALIASES[w]
        for cand in (w, _strip_li(w)):
            if k + 1 < j and f"{cand} {s.toks[k + 1].w}" in INSTITUTIONS:
                return INSTITUTIONS[f"{cand} {s.toks[k + 1].w}"]
            if cand in INSTITUTIONS:
                return INSTITUTIONS[cand]
    return None


def parse_np(
    s: Sent, j: int, surnames: frozenset[str], last_statement: tuple[str, str] | None, bi: bool = False
) -> NP | None:
    """Read a subject noun phrase starting at token j.

    Args:
        s: The sentence.
        j: Index of the first token.
        surnames: Folded surnames known from the article (so الحسيني can start a name).
        last_statement: (owner, via) of the statement the article last named, for a bare البيان.
        bi: The verb takes a بـ complement (see `name_end`).

    Returns:
        The phrase (with its token start, original-text span and grammatical gender), or None when no
        subject starts here.
    """
    if j >= len(s.toks):
        return None
    np = _parse(s, j, surnames, last_statement, bi)
    if np is None or np.end <= j:
        return None
    np.start = j
    np.span = s.folded.span_to_original(s.toks[j].fs, s.toks[np.end - 1].fe)
    if np.fem is None:
        np.fem = _gender(s.toks[j].w, np.type)
    return np


#: Titles used for women and men alike (د. = الدكتور/الدكتورة، عضو البرلمان).
_NEUTRAL_TITLES = _folded("د عضو العضو")
#: Kin words with a possessive pronoun that are masculine although they end in ه (ابنه "his son").
_KIN_MASC = _folded("ابنه نجله شقيقه والده زوجها نجلها شقيقها والدها ابنها")


def fem_title(w: str) -> bool:
    """A title head's gender: feminine when it ends in ة (folded ه: وزيرة), also before a possessive
    pronoun (ابنته، جارتها); not ابنه، زوجها، والده."""
    for suffix in ("هما", "ها", "هم", "ه"):
        if w.endswith(suffix) and w[: -len(suffix)].endswith("ت") and len(w) - len(suffix) >= 3:
            return True  # ة before a pronoun is written ت
    return w.endswith("ه") and w not in _KIN_MASC


def _chain_gender(s: Sent, j: int, k: int) -> bool | None:
    """The gender of a title chain in tokens j..k-1: of a second, definite title in apposition when
    there is one (عضو لجنة «الشفافية» … النائبة هدى الراشد → feminine), else of its head (نائبة محافظ
    البنك → feminine: محافظ is the genitive)."""
    for t in range(k - 1, j, -1):
        w = s.toks[t].w
        if w in TITLE_HEADS and w.startswith("ال") and w not in _NEUTRAL_TITLES:
            return fem_title(w)
    w = s.toks[j].w
    return fem_title(w) if w in TITLE_HEADS and w not in _NEUTRAL_TITLES else None


def _gender(head: str, kind: str) -> bool | None:
    """Grammatical gender of a phrase from its head word (folded: ة is ه)."""
    if kind == "location":
        return None  # countries and cities are feminine in MSA but news writes both
    if head in _FEM_HEADS:
        return True  # broken plurals of things agree in the feminine (مصادر، تقارير، أرقام)
    if head in STATEMENT_WORDS:
        return head.endswith(("ه", "ات"))  # بيان، تقرير / دراسة، تقديرات
    if kind == "person":
        # A person's title carries the gender (وزيرة، المتحدثة); a bare name does not, nor د. or عضو.
        return fem_title(head) if head in TITLE_HEADS and head not in _NEUTRAL_TITLES else None
    if head in INSTITUTIONS and " " not in INSTITUTIONS[head]:
        return None  # الكرملين، الإليزيه: names, not nouns
    return _strip_li(head).endswith(("ه", "ات"))  # الشركة / السلطات، الجماعات (plurals of things)


def _parse(
    s: Sent, j: int, surnames: frozenset[str], last_statement: tuple[str, str] | None, bi: bool
) -> NP | None:
    toks = s.toks
    w = toks[j].w
    if w in STATEMENT_WORDS:
        return _statement(s, j, surnames, last_statement)
    quoted = _quoted_name(s, j)
    if quoted is not None:  # حزب «الغد»، تنظيم «جبهة الخلاص» المسلح، جماعة «…»
        return NP(quoted[0], "organization", _adjectives(s, quoted[1]), fem=w.endswith("ه"))
    if (w in SOURCE_HEADS and _source_follows(s, j)) or (w in TITLE_HEADS and _describes(s, j)):
        return _source(s, j)  # مسؤول حكومي رفيع، زعيم قبلي، نائب في كتلة «التجديد»
    if w in SPOKES_HEADS:
        return _spokesperson(s, j, surnames)
    if w in TITLE_HEADS:
        return titled(s, j, surnames, bi)
    inst = _institution(s, j)
    if inst is not None:
        return inst
    if w in SOURCE_HEADS:
        return _source(s, j)
    pair = f"{w} {toks[j + 1].w}" if j + 1 < len(toks) and _clean(s.gap(j + 1), False) else ""
    if pair in PLACES:
        return NP(s.words(j, j + 2), "location", j + 2)  # الولايات المتحدة، قطاع غزة
    if w in PLACES and pair not in INSTITUTIONS:
        return NP(s.words(j, j + 1), "location", j + 1)
    n = name_end(s, j, surnames, bi=bi)
    if n == j + 1 and w.endswith("ون") and len(w) >= 5 and w not in surnames:
        return _source(s, j)  # «مزارعون في قرية التلال»: a sound plural describes people, it names none
    if n > j:
        return NP(s.words(j, n), "person", n)
    return None


def _adjectives(s: Sent, k: int) -> int:
    """Past the adjectives after a name in guillemets (تنظيم «جبهة الخلاص» المسلح)."""
    while k < len(s.toks) and _clean(s.gap(k), False) and _is_adj(s.toks[k].w):
        k += 1
    return k


def _describes(s: Sent, j: int) -> bool:
    """An indefinite title head with a description instead of a name: «زعيم قبلي»، «وزير سابق»،
    «نائب في كتلة…», an anonymous source. Nouns in -ية after the head are genitives (رئيس بلدية)."""
    toks = s.toks
    if toks[j].w.startswith("ال") or j + 1 >= len(toks) or not _clean(s.gap(j + 1), False):
        return False
    nxt = toks[j + 1].w
    if nxt in _SOURCE_WORDS or nxt in {"في", "من"}:
        return True
    nouns = INSTITUTION_HEADS | _PORTFOLIOS | _STATE_WORDS | TITLE_HEADS
    t = toks[j + 1]
    maqsura = s.orig(t.fs, t.fe).endswith("ى")  # سلمى، ليلى، هدى: a name, not a nisba in ي (folded alike)
    return _is_nisba(nxt) and not maqsura and not nxt.startswith("ال") and nxt not in nouns


def _spokesperson(s: Sent, j: int, surnames: frozenset[str]) -> NP:
    """المتحدث باسم الخارجية: the institution speaks through him; a named spokesman speaks himself."""
    toks = s.toks
    k = _chain(s, j, TITLE_HEADS | INSTITUTION_HEADS)
    k = _past_quoted(s, k)  # المتحدث باسم ائتلاف «قوى التغيير»
    n = name_end(s, k, surnames) if k < len(toks) and _clean(s.gap(k), False) else k
    fem = fem_title(toks[j].w)
    if n > k:  # a named spokesman speaks himself: he is the speaker, not his institution
        return NP(s.words(k, n), "person", n, title=s.words(j, k), fem=fem)
    ext = _title_to_name(s, k, surnames, False)
    if ext is not None:
        return NP(s.words(ext[1], ext[2]), "person", ext[2], title=s.words_closed(j, ext[0]), fem=fem)
    named = s.words_closed(j + 2, k) if k > j + 2 and toks[j + 1].w == "باسم" else None
    owner = named or owner_of(s, j, k)  # المتحدث باسم الحكومة الألمانية: the whole name, not الحكومة
    return NP(owner or s.words(j, n), "organization" if owner else "person", n, via=s.words_closed(j, n))


def titled(s: Sent, j: int, surnames: frozenset[str], bi: bool) -> NP:
    """A title chain and the name after it (رئيس الأركان الفرنسي الجنرال فرنسوا لوكوانتر), or in
    apposition after a comma (وزير الخارجية الايراني، جواد ظريف،); the bare title when no name follows."""
    toks = s.toks
    if toks[j].w == "د" and j + 1 < len(toks) and s.gap(j + 1).strip() == ".":
        n = name_end(s, j + 1, surnames, bi=bi)  # «د. أميرة حنا»: the abbreviation of الدكتور / الدكتورة
        if n > j + 1:
            return NP(s.words(j + 1, n), "person", n, title=s.words(j, j + 1))
    k = _chain(s, j, TITLE_HEADS | INSTITUTION_HEADS)
    n = name_end(s, k, surnames, bi=bi) if k < len(toks) and _clean(s.gap(k), False) else k
    if n == k + 1 and toks[k].w not in surnames and not s.recurs(k) and not _closes(s, n):
        n = k  # «ونقل وزير الدفاع تحيات القائد»: one unrepeated word running on into a phrase is an object
    if bi and n > k and _bi_here(s, k, surnames):
        n = k  # «واتهمه الوزير بنشر أخبار كاذبة»: the بـ complement, not a name
    last = toks[k - 1].w
    if n > k and last in INSTITUTION_HEADS and not last.startswith("ال") and k - 1 > j:
        # «مدير مستشفى ابن سينا»، «مدير شركة سامسونج»: an indefinite institution in construct takes the
        # name as its genitive; the title has no person's name.
        return NP(s.words(j, n), "person", n, title=s.words(j, n), fem=_chain_gender(s, j, k))
    if n > k:
        return NP(s.words(k, n), "person", n, title=s.words(j, k), fem=_chain_gender(s, j, k))
    ext = _title_to_name(s, k, surnames, bi)
    if ext is not None:
        t_end, a, b = ext
        return NP(s.words(a, b), "person", b, title=s.words_closed(j, t_end), fem=_chain_gender(s, j, t_end))
    return NP(s.words(j, k), "person", k, title=s.words(j, k), fem=_chain_gender(s, j, k))


#: Nouns after في/إلى/لدى that tell where or how someone spoke, not part of the title (في مؤتمر صحفي).
_ADJUNCTS = (
    CHANNEL_WORDS
    | STATEMENT_WORDS
    | _folded(
        "مؤتمر كلمة مقابلة تصريح تصريحات حديث لقاء اتصال جلسة ختام أعقاب اجتماع زيارة رد إطار سياق رسالة "
        "تغريدة منشور ندوة حفل افتتاح أثناء"
    )
)
_PREPOSITIONS = _folded("في لدى إلى على")
#: «البالغ من العمر …»: the participle that opens an aside on a person's age.
AGE_WORDS = _folded("البالغ البالغة")
#: Members of parliament are named for what they represent: النائب عن حزب التقدم، النائبة عن الإقليم.
_DEPUTIES = _folded("النائب النائبة نائب نائبة")
#: Words that may follow a speaker's name before the reported words: قد، the complement's
#: preposition, a time word (العلوي أمس، أن).
_CLOSERS = _folded(
    "قد وقد إلى على من عن أمس اليوم غدا صباح مساء الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت"
)


def _title_to_name(s: Sent, k: int, surnames: frozenset[str], bi: bool) -> tuple[int, int, int] | None:
    """Follow a title chain past what the strict chain stops at — a name in guillemets (رئيس كتلة
    «التجديد» البرلمانية النائب…), ل-phrases, في/إلى/لدى phrases (المبعوث … إلى منطقة البحيرات) — to a
    name of two words or more (or a known surname), directly or in apposition after a comma.

    Returns:
        (end of the title, start of the name, end of the name), or None when no name is reached: then
        the strict chain stands.
    """
    toks = s.toks
    for _ in range(24):
        if k >= len(toks):
            return None
        if s.quote_at(k) == "«":
            m = _past_quoted(s, k)
            if m == k:
                return None
            k = m
            continue
        if s.quote_at(k) is None and not _clean(s.gap(k), False):
            if s.gap(k).strip() != ",":
                return None
            app = _apposition(s, k, surnames, bi)
            return (k, *app) if app is not None else None
        step = _title_step(s, k)
        if step:
            k += step
            continue
        if _bi_here(s, k, surnames) if bi else False:
            return None  # «واتهمه الوزير بنشر أخبار كاذبة»: the بـ complement starts here
        n = name_end(s, k, surnames, bi=bi)
        if _closes(s, n) and (n - k >= 2 or (n - k == 1 and toks[k].w in surnames)):
            return k, k, n
        if bi and n - k >= 2 and _object_then_bi(s, n):
            return k, k, n  # «… النائب مازن عوض الحكومة بالكشف عن…»: the name, then the object and بـ
        if _construct_noun(s, k):
            k += 1  # «المشرف على معهد بحوث الطاقة …»، «بمدينة الملك عبد العزيز للعلوم …»: more title
            continue
        return None  # «أكد الوزير على ضرورة تعزيز التعاون بين…»: words, not a name, run on
    return None


def _object_then_bi(s: Sent, n: int) -> bool:
    """Token n is a definite noun and a بـ complement follows it (الحكومة بالكشف، الوزارة بـ«…»)."""
    toks = s.toks
    if n + 1 >= len(toks) or not _clean(s.gap(n), False) or not toks[n].w.startswith("ال"):
        return False
    nxt = toks[n + 1].w
    return _clean(s.gap(n + 1).replace('"', " "), False) and (
        nxt == "ب" or (nxt.startswith("ب") and len(nxt) > 3)
    )


def _construct_noun(s: Sent, k: int) -> bool:
    """An indefinite noun in construct with the definite word after it (بحوث الطاقة، عبد العزيز)."""
    toks = s.toks
    w = toks[k].w
    if w.startswith("ال") or w in STOP or w in VERBS or k + 1 >= len(toks) or not _clean(s.gap(k + 1), False):
        return False
    return toks[k + 1].w.startswith("ال") and toks[k + 1].w not in STOP


def _title_step(s: Sent, k: int) -> int:
    """How many tokens at k belong to a title chain (0: none)."""
    toks = s.toks
    w = toks[k].w
    nxt = toks[k + 1].w if k + 1 < len(toks) and _clean(s.gap(k + 1), False) else ""
    prev = toks[k - 1].w if k > 0 else ""
    if w in TITLE_HEADS and not w.startswith("ال") and prev in TITLE_HEADS and prev.startswith("ال"):
        return 0  # «الوزير مديرة المدرسة»: see `_chain`
    if w in TITLE_HEADS or w in INSTITUTION_HEADS or w in TITLE_LINKS or w in _PORTFOLIOS:
        return 1
    if w in _PREPOSITIONS or (w == "عن" and prev in _DEPUTIES):
        return 2 if nxt and nxt not in STOP and nxt not in _ADJUNCTS else 0  # النائب عن حزب التقدم
    if w.startswith("ال") and w not in STOP and w not in COMPLEMENTIZERS:
        return 1
    if w.startswith(("وال", "لل")) and len(w) > 4 and w[1:] not in STOP:
        return 1
    if w.startswith("ل") and (_strip_li(w) in INSTITUTION_HEADS or _strip_li(w) in TITLE_HEADS):
        return 1  # لحزب «الغد الوطني»
    if w.startswith("بال") and w[1:] in INSTITUTION_HEADS:
        return 1  # مدير التدريب والتطوير بالغرفة بدر الحليبي
    return 1 if _li_noun(w) and nxt.startswith("ال") else 0


def _closes(s: Sent, n: int) -> bool:
    """What follows token n-1 ends a speaker phrase: punctuation, the end, a complementizer, قد, a time
    word, the preposition or بـ that opens the reported words (جارتها أوستيريا إنها…، فولكوف من أن…),
    or the addressee (شحادة للصحفيين، فقيه لـ«الصباح»، … لوكالة الأنباء)."""
    if n >= len(s.toks):
        return True
    if not _clean(s.gap(n), False):
        return s.gap(n).strip() in {",", ":", ".", '"'}  # …، … إن / … ستورك «…»
    w = s.toks[n].w
    rest = "ال" + w[2:] if w.startswith("لل") else w[1:]  # للصحفيين → الصحفيين، لوكالة → وكالة
    addressee = w == "ل" or (w[:1] == "ل" and (rest in CHANNEL_WORDS or rest in _AUDIENCE))
    return w in COMPLEMENTIZERS or w in _CLOSERS or (w.startswith("ب") and len(w) > 3) or addressee


def _apposition(s: Sent, k: int, surnames: frozenset[str], bi: bool) -> tuple[int, int] | None:
    """A name in apposition starting at token k, right after a comma: «، موسى كانتي، إن»،
    «، الدكتور نادر السعدي، من أن»، «، إيلينا فوستر إن». The name must end the apposition."""
    toks = s.toks
    m = _chain(s, k, TITLE_HEADS) if toks[k].w in TITLE_HEADS else k
    if m > k and m < len(toks) and not _clean(s.gap(m), False):
        np = titled(s, k, surnames, bi)  # «، المشرف العام على الإعلام والتوعية الدكتور خالد …»
        if np.name == np.title:
            return None
        m = np.end - len(np.name.split())
    if m >= len(toks):
        return None
    n = name_end(s, m, surnames, bi=bi)
    if n - m < 2 and not (n - m == 1 and toks[m].w in surnames):
        return None
    if n < len(toks):
        g = s.gap(n).strip()
        closed = g in {",", ":"} or (g == "" and toks[n].w in COMPLEMENTIZERS | {"قد", "وقد"})
        if not closed:
            return None
    return m, n


def _past_quoted(s: Sent, k: int) -> int:
    """After an institution head, past the name in guillemets that opens at token k (k if none)."""
    if k == 0 or k >= len(s.toks) or s.quote_at(k) != "«":
        return k
    heads = INSTITUTION_HEADS | _QUOTED_NAME_HEADS
    w = s.toks[k - 1].w
    titled = w in TITLE_HEADS  # مدرب «النجوم» البرازيلي: a club's name, short; a longer one is a quotation
    if w not in heads and _strip_li(w) not in heads and not titled:  # كتلة «…»، لحزب «…»، لجنة «…»
        return k
    for m in range(k + 1, min(len(s.toks), k + (3 if titled else 6)) + 1):
        if '"' in s.gap(m):
            return m
    return k


def _quoted_name(s: Sent, j: int) -> tuple[str, int] | None:
    """منظمة «سكن للجميع»، صحيفة «المساء»: the name in guillemets after the head, and the end token."""
    toks = s.toks
    if _strip_li(toks[j].w) not in _QUOTED_NAME_HEADS or j + 1 >= len(toks) or s.gap(j + 1).strip() != '"':
        return None
    for m in range(j + 2, min(len(toks), j + 7) + 1):
        if '"' in s.gap(m):
            return s.words(j + 1, m), m
    return None


def _source_follows(s: Sent, j: int) -> bool:
    """An anonymous-source head followed by its qualifier (مسؤول حكومي رفيع، مسؤول في الوزارة)."""
    toks = s.toks
    if j + 1 >= len(toks) or not _clean(s.gap(j + 1), False):
        return j + 1 >= len(toks) or toks[j].w not in TITLE_HEADS
    nxt = toks[j + 1].w
    return nxt in _SOURCE_WORDS or nxt in {"في", "من"} or _is_nisba(nxt) or toks[j].w not in TITLE_HEADS


def _is_nisba(w: str) -> bool:
    # An indefinite nisba adjective (حكومي، دبلوماسية، أمنيون).
    return len(w) >= 3 and w not in STOP and w.endswith(("ي", "يه", "يون", "يين", "يان"))


def _institution(s: Sent, j: int) -> NP | None:
    toks = s.toks
    w = toks[j].w
    if j + 1 < len(toks) and f"{w} {toks[j + 1].w}" in INSTITUTIONS:
        k = j + 2
    elif w in INSTITUTIONS:
        k = j + 1
    elif w in INSTITUTION_HEADS:
        k = _chain(s, j, INSTITUTION_HEADS)
        if k == j + 1 and not w.startswith("ال"):
            if not _proper_after(s, k):
                return None  # a bare indefinite head (وزارة، لجنة) names nothing
            k += 1  # حركة كفاية، حركة فتح: the head and the name the article repeats
    else:
        return None
    while k < len(toks) and _clean(s.gap(k), False) and _is_adj(toks[k].w):
        k += 1
    return NP(s.words(j, k), "organization", k)


def _proper_after(s: Sent, k: int) -> bool:
    """Token k is a proper name completing an indefinite institution head: a word without ال, not a
    common particle, title or verb, that the article repeats (حركة كفاية … وأعلنت حركة كفاية)."""
    if k >= len(s.toks) or not _clean(s.gap(k), False):
        return False
    w = s.toks[k].w
    return not w.startswith("ال") and w not in _NOT_NAME and w not in VERBS and len(w) >= 3 and s.recurs(k)


def _source(s: Sent, j: int) -> NP:
    """مصدر في البنك المركزي، مسؤول حكومي رفيع، شاهد عيان من سكان الحي، شقيق أحد المصابين."""
    toks = s.toks
    k = j + 1
    genitives = 0
    while k < len(toks) and _clean(s.gap(k), False):
        w = toks[k].w
        if _is_adj(w) or w in _SOURCE_WORDS or (_is_nisba(w) and not toks[k - 1].w.startswith("ال")):
            k += 1  # an indefinite adjective never follows a definite noun (بعض الناشطين … رواية)
        elif w.startswith("ال") and w not in _NOT_NAME and genitives < 2 and not _is_adj(toks[k - 1].w):
            k += 1  # idafa: شقيق أحد المصابين، سكان الحي
            genitives += 1
        else:
            break
    if k + 1 < len(toks) and toks[k - 1].w in _SOURCE_ADJ_PREP and toks[k].w in {"علي", "من"}:
        k = _complement_np(s, k + 1)  # مصدر مطلع على الصفقة، … على سير المفاوضات
    elif k == j + 1 and k + 2 < len(toks) and _participle_of(s, k):
        k = max(_complement_np(s, k + 2), k)  # جماعة مدافعة عن حقوق الإنسان، مصدر قريب من الحكومة
    elif k + 1 < len(toks) and toks[k].w in {"في", "من"} and _clean(s.gap(k), False):
        inner = _quoted_name(s, k + 1) or _institution_end(s, k + 1)
        if inner is not None:
            k = inner[1]
        elif (
            toks[k + 1].w not in STOP | COMPLEMENTIZERS
            and k + 2 < len(toks)
            and toks[k + 2].w.startswith("ال")
        ):
            k += 3  # من سكان الحي، كثير من سكان القرى
        elif toks[k + 1].w.startswith("ال") and toks[k + 1].w not in STOP and toks[j].w in _QUANTIFIERS:
            k += 2  # كثير من السكان
    return NP(s.words_closed(j, k), "source", k)


def _participle_of(s: Sent, k: int) -> bool:
    """Token k is an indefinite adjective or participle that takes عن/من/على right after it (مدافعة عن،
    قريب من), in a source description."""
    toks = s.toks
    w = toks[k].w
    return (
        _clean(s.gap(k), False)
        and _clean(s.gap(k + 1), False)
        and not w.startswith(("ال", "ب", "ل", "و"))
        and w not in _NOT_NAME
        and w not in VERBS
        and toks[k + 1].w in {"عن", "من", "علي"}
        and _complement_np(s, k + 2) > k + 1
    )


def _complement_np(s: Sent, k: int) -> int:
    """End of the short definite phrase at token k that completes a source adjective (الصفقة، سير
    المفاوضات، الملف النووي); k - 1 (the preposition stays out) when none is there."""
    toks = s.toks
    if k >= len(toks) or not _clean(s.gap(k), False):
        return k - 1
    w = toks[k].w
    if not w.startswith("ال") and k + 1 < len(toks) and toks[k + 1].w.startswith("ال") and w not in STOP:
        k += 1  # سير المفاوضات
    elif not w.startswith("ال") or w in STOP:
        return k - 1
    k += 1
    while k < len(toks) and _clean(s.gap(k), False) and _is_adj(toks[k].w):
        k += 1
    return k


def _institution_end(s: Sent, j: int) -> tuple[str, int] | None:
    inst = _institution(s, j)
    return (inst.name, inst.end) if inst is not None else None


def _statement(s: Sent, j: int, surnames: frozenset[str], last: tuple[str, str] | None) -> NP:
    """A statement: its owner is the speaker, the statement is the channel."""
    toks = s.toks
    k = j + 1
    while (
        k < len(toks) and (toks[k].w in _STATEMENT_FILLERS or _is_adj(toks[k].w)) and _clean(s.gap(k), False)
    ):
        k += 1  # بيان صادر عن، التقرير الفصلي للبنك المركزي
    end = k
    owner: str | None = None
    if k < len(toks) and _clean(s.gap(k), False):
        w = toks[k].w
        inst = _institution(s, k) if w not in INSTITUTION_ALIASES else None
        if w in INSTITUTION_ALIASES:
            owner, end = INSTITUTION_ALIASES[w], k + 1
        elif inst is not None:
            owner, end = owner_of(s, k, inst.end) or inst.name, inst.end  # تقديرات الأمم المتحدة
        else:
            end = max(_chain(s, k, TITLE_HEADS | INSTITUTION_HEADS), k)
            if end == k and w.startswith("ل"):
                end = _chain_li(s, k)
            quoted = _quoted_name(s, k) if end > k else None
            if quoted is not None and quoted[1] == end:
                owner = quoted[0]  # تقرير لمنظمة «سكن للجميع»: the organization's own name
            elif end > k:
                owner = owner_of(s, k, end) or _display_li(s, k, end)
    if owner is None:
        if toks[j].w == "البيان" and last is not None:
            return NP(last[0], "organization", j + 1, via=last[1])
        return NP(s.words(j, j + 1), "organization", j + 1, via=s.words(j, j + 1))
    return NP(owner, "organization", end, via=s.words_closed(j, end))


def _chain_li(s: Sent, k: int) -> int:
    # بيان لوزارة الخارجية، بيان لمكتب منظمة الصحة العالمية: the owner is written with a ل prefix.
    w = _strip_li(s.toks[k].w)
    if w in INSTITUTION_HEADS or w in INSTITUTIONS or w in TITLE_HEADS:
        quoted = _quoted_name(s, k)
        if quoted is not None:
            return quoted[1]
        end = k + 1
        while end < len(s.toks) and _clean(s.gap(end), False):
            nxt = s.toks[end].w
            if nxt.startswith("ال") and nxt not in STOP:
                end += 1
            elif nxt in INSTITUTION_HEADS and not nxt.startswith("ال") and end + 1 < len(s.toks):
                end += 1  # مكتب منظمة …: a construct chain
            else:
                break
        return end
    return k


def _display_li(s: Sent, i: int, j: int) -> str:
    text = s.words(i, j)
    w = s.toks[i].w
    if w in INSTITUTION_HEADS or w in TITLE_HEADS or w in INSTITUTIONS:
        return text  # لجنة السياسة النقدية: the ل belongs to the word
    if w.startswith("لل") and len(w) > 4:
        return "ال" + text[2:]
    if w.startswith("ل") and _strip_li(w) != w:
        return text[1:]
    return text
