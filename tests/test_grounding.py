"""Tests for toolkit.grounding: exact, variant, ellipsis and fuzzy quotes; fabricated quotes; properties."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from toolkit._evidence import count_words, negations
from toolkit.arabic import REMOVED, TASHKEEL, fold, split_sentences
from toolkit.grounding import FUZZY_THRESHOLD, MIN_FUZZY_CHARS, MIN_WORDS, Grounder, Span, clean_quote, ground

SEED = Path("/work/shared/seed-article/eastern-ghouta-macron-putin.txt")
if not SEED.exists():  # the project copies the seed into seeds/ as well
    SEED = Path(__file__).resolve().parents[1] / "seeds" / "eastern-ghouta-macron-putin" / "article.txt"
ARTICLE = SEED.read_text(encoding="utf-8")
GROUNDER = Grounder(ARTICLE)

#: Every innermost «…» quotation of the seed article with its true offsets (inside the marks).
QUOTATIONS = [(m.group(1), m.start(1), m.end(1)) for m in re.finditer("«([^«»]+)»", ARTICLE)]

MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
TATWEEL = "\u0640"
EDGE = set(" \"'.,:…;‘’`")


def _found(quote: str) -> Span:
    span = GROUNDER.find(quote)
    assert span is not None, quote
    return span


# --- exact ------------------------------------------------------------------------------------------


def test_seed_has_quotations() -> None:
    assert len(QUOTATIONS) >= 12


@pytest.mark.parametrize(("quote", "start", "end"), QUOTATIONS)
def test_every_seed_quotation_is_found_at_its_offsets(quote: str, start: int, end: int) -> None:
    if len(quote.split()) < MIN_WORDS:  # «تأكد استخدام»: too short to be evidence
        assert GROUNDER.locate(quote).rule == "evidence_too_short"
        return
    # Quote marks the article has around the quotation are kept when the quote has them too; a full
    # stop the article does not have there is not.
    for variant, (s, e) in (
        (quote, (start, end)),
        (f"  {quote}.  ", (start, end)),
        (f"«{quote}»", (start - 1, end + 1)),
        (f'"{quote}"', (start - 1, end + 1)),
        (f"“{quote}”", (start - 1, end + 1)),
    ):
        span = _found(variant)
        assert (span.start, span.end) == (s, e)
        assert span.method == "exact" and span.score == 100.0
        assert span.sentence_ids == tuple(s.id for s in GROUNDER.sentences if s.start < end and start < s.end)
        assert len(span.sentence_ids) == 1


def test_sentence_ids_for_span_across_sentences() -> None:
    quote = "في سورية. ووفق بيان للإليزيه"
    span = _found(quote)
    assert span.sentence_ids == (1, 2)


def test_first_occurrence_wins() -> None:
    span = _found("في الغوطة الشرقية")
    assert span.start == ARTICLE.index("في الغوطة الشرقية")


def test_ground_convenience() -> None:
    span = ground(ARTICLE, "إذا «تأكد استخدام» أسلحة")
    assert span is not None and ARTICLE[span.start : span.end] == "إذا «تأكد استخدام» أسلحة"
    assert ground(ARTICLE, "تأكد استخدام") is None  # two words are not evidence
    assert ground(ARTICLE, "") is None
    assert ground(ARTICLE, " «» ") is None


def test_given_sentences_are_used() -> None:
    sentences = split_sentences(ARTICLE)
    g = Grounder(ARTICLE, sentences)
    assert g.sentences is sentences
    assert g.find("وزاد") == GROUNDER.find("وزاد")


# --- spelling variants ------------------------------------------------------------------------------


def _add_diacritics(text: str, rng: random.Random) -> str:
    return "".join(c + (rng.choice(MARKS) if c.isalpha() and rng.random() < 0.5 else "") for c in text)


VARIANTS = [
    pytest.param(lambda q: "".join(c for c in q if c not in TASHKEEL), id="diacritics-removed"),
    pytest.param(lambda q: _add_diacritics(q, random.Random(7)), id="diacritics-added"),
    pytest.param(lambda q: q.replace("ل", "لـ"), id="tatweel-added"),
    pytest.param(lambda q: q.replace("أ", "ا").replace("إ", "ا"), id="hamza-dropped"),
    pytest.param(lambda q: q.replace("ا", "أ"), id="hamza-added"),
    pytest.param(lambda q: q.replace("ي ", "ى ").replace("ة", "ه"), id="yeh-and-ta-marbuta"),
    pytest.param(lambda q: q.replace(" ", "  ").replace("،", " ،"), id="spacing"),
    pytest.param(lambda q: "\u200f" + q + "\u200e", id="bidi-marks"),
]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("quote", "start", "end"), QUOTATIONS)
def test_spelling_variants_map_to_true_span(variant: object, quote: str, start: int, end: int) -> None:
    assert callable(variant)
    altered = variant(quote)
    if len(quote.split()) < MIN_WORDS:
        assert GROUNDER.locate(altered).rule == "evidence_too_short"
        return
    span = GROUNDER.find(altered)
    if fold(altered).text.strip(" \"'.,:…;") == fold(quote).text:
        assert span is not None and (span.start, span.end) == (start, end)
        assert span.method == "exact"
    else:  # e.g. the spacing variant put a space before a comma: fuzzy, still the same words
        assert span is not None and ARTICLE[span.start : span.end].startswith(quote.split()[0])


def test_digits_switch_scripts() -> None:
    article = "وقال إن 1500 شخص غادروا المدينة في عام ٢٠١٨ بعد المعارك."
    g = Grounder(article)
    span = g.find("إن ١٥٠٠ شخص")
    assert span is not None and article[span.start : span.end] == "إن 1500 شخص"
    span = g.find("في عام 2018")
    assert span is not None and article[span.start : span.end] == "في عام ٢٠١٨"


def test_span_keeps_diacritics_of_last_letter_and_skips_bidi() -> None:
    article = "قالَ \u200fالرئيسُ الفرنسيُّ\u200f إنَّ الوضعَ خطير."
    g = Grounder(article, min_words=2)
    span = g.find("الرئيس الفرنسي")
    assert span is not None
    assert article[span.start : span.end] == "الرئيسُ الفرنسيُّ"


def test_presentation_forms_in_article() -> None:
    article = "قال ﻻ بد من الحل"
    span = Grounder(article).find("لا بد من")
    assert span is not None and article[span.start : span.end] == "ﻻ بد من"


# --- ellipsis ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", ["...", "…", " ... ", " … "])
def test_ellipsis_joins_parts_in_adjacent_sentences(sep: str) -> None:
    quote = f"«استمر تبادل الآراء{sep}وأطلع الرئيس الروسي نظيره الفرنسي»"
    span = _found(quote)
    text = ARTICLE[span.start : span.end]
    assert text.startswith(
        "«استمر تبادل الآراء"
    )  # the article has the quote's opening mark and text.endswith("وأطلع الرئيس الروسي نظيره الفرنسي")
    assert span.method == "exact"


def test_ellipsis_within_one_sentence() -> None:
    span = _found("حض روسيا على ممارسة تأثيرها … على النظام السوري")
    assert ARTICLE[span.start : span.end] == "حض روسيا على ممارسة تأثيرها في شكل كلي على النظام السوري"


def test_ellipsis_parts_out_of_order_or_far_apart_are_rejected() -> None:
    assert GROUNDER.find("على النظام السوري ... حض روسيا على ممارسة") is None
    # First part in sentence 0, second in sentence 12: not adjacent.
    assert GROUNDER.find("ناقش الرئيسان الفرنسي ... وسلامة أراضيها") is None


# --- fuzzy ------------------------------------------------------------------------------------------


def test_fuzzy_small_edit_is_found_and_snapped_to_words() -> None:
    quote = "وحض ماكرون نظيره الروسي على وضع نهايه التصعيد العسكري في سوريا"
    span = _found(quote)
    assert span.method == "fuzzy" and FUZZY_THRESHOLD <= span.score < 100.0
    assert ARTICLE[span.start : span.end] == "وحض ماكرون نظيره الروسي على وضع نهاية للتصعيد العسكري في سورية"
    assert span.sentence_ids == (1,)


def test_fuzzy_dropped_short_word() -> None:
    quote = "أبرز ضرورة وضع نهاية للتصعيد العسكري الذي حدث الشهور الأخيرة"  # "في" dropped
    span = _found(quote)
    assert span.method == "fuzzy"
    assert ARTICLE[span.start : span.end] == "أبرز ضرورة وضع نهاية للتصعيد العسكري الذي حدث في الشهور الأخيرة"


def test_one_dropped_long_word_is_one_word_edit() -> None:
    # 8 of 63 characters missing scores under the threshold by characters, but it is one whole word:
    # the span is the article's full words, "العسكري" included.
    quote = "أبرز ضرورة وضع نهاية للتصعيد الذي حدث في الشهور الأخيرة"  # "العسكري" dropped
    assert 80.0 < GROUNDER.best_score(quote) < FUZZY_THRESHOLD
    span = _found(quote)
    assert ARTICLE[span.start : span.end] == "أبرز ضرورة وضع نهاية للتصعيد العسكري الذي حدث في الشهور الأخيرة"
    assert span.method == "fuzzy"
    # Two long words gone is a paraphrase.
    assert GROUNDER.find("أبرز ضرورة وضع نهاية الذي حدث في الشهور الأخيرة") is None


@pytest.mark.parametrize(
    "quote",
    [
        "وقال ماكرون إن فرنسا ستنسحب من سورية فوراً",
        "وأكد بوتين أن روسيا ستنسحب من الغوطة الشرقية",
        "ماكرون رفض التصعيد العسكري في سورية وطالب بانسحاب روسيا",
        "أعلن الكرملين أن القمة الثلاثية فشلت في أنقرة",
        "وحض بوتين نظيره الفرنسي على وقف الضربات في سورية",
        "استخدام نفوذها في إنهاء الحرب في أوكرانيا واستئناف المفاوضات",
        "The quick brown fox jumps over the lazy dog",
    ],
)
def test_fabricated_quotes_are_rejected(quote: str) -> None:
    assert GROUNDER.find(quote) is None
    assert GROUNDER.best_score(quote) < FUZZY_THRESHOLD


def test_short_quotes_must_match_exactly() -> None:
    g = Grounder(ARTICLE, min_words=2)
    assert len(clean_quote("ماكرون دعا")) < MIN_FUZZY_CHARS
    assert g.find("ماكرون دعا") is not None  # in the article: exact
    assert g.find("ماكرون دعى") is None  # one letter off, too short for fuzzy
    assert g.best_score("ماكرون دعى") > FUZZY_THRESHOLD - 20  # but it is scored


def test_best_score() -> None:
    assert GROUNDER.best_score("تأكد استخدام") == 100.0
    fuzzy = "وحض ماكرون نظيره الروسي على وضع نهايه التصعيد العسكري في سوريا"
    span = _found(fuzzy)
    assert GROUNDER.best_score(fuzzy) == span.score
    fabricated = "وقال ماكرون إن فرنسا ستنسحب من سورية فوراً"
    assert 0.0 < GROUNDER.best_score(fabricated) < FUZZY_THRESHOLD
    assert GROUNDER.best_score("") == 0.0
    assert GROUNDER.best_score("zzzz qqqq") < 50.0  # no shared words: scored against the whole article


def test_quote_longer_than_article() -> None:
    g = Grounder("قصير جداً")
    assert g.find("قصير جداً وهذا نص طويل لا يوجد في المقال") is None


# --- properties -------------------------------------------------------------------------------------

LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآٱؤئىة"


@st.composite
def _words(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["word", "word", "word", "digits"]))
    if kind == "digits":
        return draw(st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩", min_size=1, max_size=4))
    chars = []
    for letter in draw(st.text(alphabet=LETTERS, min_size=1, max_size=7)):
        chars.append(letter)
        chars.append(draw(st.sampled_from(["", "", "", TATWEEL, *MARKS, MARKS[0] + MARKS[6]])))
    prefix = draw(st.sampled_from(["", "", "", "\u200f", "«"]))
    suffix = draw(st.sampled_from(["", "", "", "", "،", ".", "»", "؟"]))
    return prefix + "".join(chars) + suffix


@st.composite
def _articles(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return ARTICLE
    words = draw(st.lists(_words(), min_size=3, max_size=40))
    seps = draw(st.lists(st.sampled_from([" ", " ", " ", "  ", "\n", " \u200f "]), min_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps, strict=False)).strip()


def _visible(c: str) -> bool:
    return c not in REMOVED and not c.isspace()


def _true_span(article: str, a: int, b: int) -> tuple[int, int]:
    """The tight span of article[a:b]: first to last visible character, plus the last one's harakat.

    Edge punctuation counts as visible: the quote has it and the article has it there.
    """
    start = next(i for i in range(a, b) if _visible(article[i]))
    end = next(i for i in range(b - 1, a - 1, -1) if _visible(article[i])) + 1
    while end < b and (article[end] in TASHKEEL or article[end] == TATWEEL):  # the last letter's
        end += 1
    return start, end


def _whole_words(text: str, fs: int, fe: int) -> bool:
    return not (fs and text[fs - 1].isalnum() and text[fs].isalnum()) and not (
        fe < len(text) and text[fe - 1].isalnum() and text[fe].isalnum()
    )


def _alter(quote: str, rng: random.Random) -> str:
    """Randomly drop diacritics/tatweel and add diacritics/tatweel after letters."""
    out = []
    for c in quote:
        if (c in TASHKEEL or c == TATWEEL) and rng.random() < 0.5:
            continue
        out.append(c)
        if c.isalpha() and rng.random() < 0.3:
            out.append(rng.choice([*MARKS, TATWEEL]))
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(_articles(), st.data(), st.randoms(use_true_random=False))
def test_property_any_substring_is_found(article: str, data: st.DataObject, rng: random.Random) -> None:
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", article)]
    assume(len(tokens) >= 3)
    i = data.draw(st.integers(0, len(tokens) - 3))
    j = data.draw(st.integers(i + 2, min(len(tokens) - 1, i + 12)))
    a, b = tokens[i][0], tokens[j][1]
    quote = _alter(article[a:b], rng)
    fq = clean_quote(quote)
    assume(count_words(fq) >= MIN_WORDS)
    assert fq == clean_quote(article[a:b])  # the alteration is invisible after folding

    span = Grounder(article).find(quote)

    assert span is not None
    assert span.method == "exact"
    assert clean_quote(article[span.start : span.end]) == fq
    folded_article = fold(article).text
    first = folded_article.find(fq)
    if folded_article.find(fq, first + 1) < 0 and _whole_words(
        folded_article, first, first + len(fq)
    ):  # unique occurrence: exactly the true offsets
        assert (span.start, span.end) == _true_span(article, a, b)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_property_seed_sentence_with_one_typo_is_found_fuzzily(data: st.DataObject) -> None:
    sentence = data.draw(st.sampled_from(GROUNDER.sentences))
    text = sentence.text.strip("«».")
    assume(len(text) >= 40)
    k = data.draw(st.integers(1, len(text) - 2))
    quote = text[:k] + text[k + 1 :]  # drop one character
    if negations(fold(quote).text).total() != negations(fold(text).text).total():  # broke «غير», «لا»
        assert GROUNDER.locate(quote).rule == "meaning_changed"
        return
    span = GROUNDER.find(quote)
    assert span is not None
    assert set(span.sentence_ids) <= {sentence.id - 1, sentence.id, sentence.id + 1}
    assert sentence.id in span.sentence_ids


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sorted(set(re.findall(r"\w+", ARTICLE)))), min_size=6, max_size=12))
def test_property_bag_of_article_words_is_not_grounded(words: list[str]) -> None:
    # Article words in random order are not evidence; a real 6+ word run of the article would be.
    quote = " ".join(words)
    assume(fold(quote).text not in fold(ARTICLE).text)
    span = GROUNDER.find(quote)
    assert span is None or (span.method == "fuzzy" and span.score >= FUZZY_THRESHOLD)
    if span is not None:  # only possible when the random words happen to be near-contiguous text
        assert GROUNDER.best_score(quote) >= FUZZY_THRESHOLD


def test_near_picks_the_repeated_occurrence_closest_to_the_hint() -> None:
    from toolkit.grounding import Grounder

    article = "قال الوزير «نرفض هذا القرار». ثم عاد الوزير وقال مرة أخرى «نرفض هذا القرار» أمام البرلمان."
    second = article.rindex("نرفض هذا القرار")
    g = Grounder(article)
    assert g.find("نرفض هذا القرار").start == article.index("نرفض هذا القرار")  # default: first
    assert g.find("نرفض هذا القرار", near=second).start == second
    assert g.find("نرفض هذا القرار", near=second - 3).start == second
    assert g.find("نرفض هذا القرار", near=5).start == article.index("نرفض هذا القرار")
    assert g.find("نقبل هذا القرار تماما", near=second) is None  # a hint never makes a quote match
