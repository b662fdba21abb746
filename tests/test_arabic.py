"""Tests for toolkit.arabic: folding rules, the offset map, sentence splitting, script detection."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.arabic import (
    _TABLE_DISPLAY,
    _TABLE_MATCH,
    REMOVED,
    TASHKEEL,
    Folded,
    _fold_slow,
    arabic_ratio,
    fold,
    fold_text,
    has_arabic,
    is_arabic,
    normalize_digits,
    split_sentences,
)

SEED = Path("/work/shared/seed-article/eastern-ghouta-macron-putin.txt")
if not SEED.exists():  # the project copies the seed into seeds/ as well
    SEED = Path(__file__).resolve().parents[1] / "seeds" / "eastern-ghouta-macron-putin" / "article.txt"
ARTICLE = SEED.read_text(encoding="utf-8")

# Alphabet for generated text: letters (incl. hamza/alef variants, ة ى), diacritics, tatweel,
# digits in three scripts, punctuation, quotes, whitespace, invisible marks.
LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآٱؤئىة"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
ALPHABET = (
    LETTERS + MARKS + "\u0640" + "0123456789٠١٢٣٤٥٦٧٨٩۰۴" + '.،؛؟!…«»“”"() \n\t\u200f\u200e\u200b\ufeff'
)
PRESENTATION = "ﻻﻷﺃﺎﺑﷲﷺﹰﹱﹲﻼ"


# --- folding rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("مُحَمَّدٌ", "محمد"),  # harakat, shadda, tanwin
        ("سْ", "س"),  # sukun
        ("هٰذا", "هذا"),  # superscript alef
        ("الرَّحِيمِۚ", "الرحيم"),  # Quranic pause mark
        ("كبيـــر", "كبير"),  # tatweel
        ("أ\u200fب\u200bج\u202bد\u2067ه\u061cو\ufeff", "ابجدهو"),  # bidi & zero-width
        ("أإآٱٲٳ", "اااااا"),  # alef variants
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("مؤتمر", "موتمر"),  # waw with hamza
        ("رئيس", "رييس"),  # yeh with hamza
        ("سورية", "سوريه"),  # ta marbuta (for matching)
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("،؛؟٪", ",;?%"),
        ("«»“”„″", '""""""'),
        ("a \t\n\u00a0 b", "a b"),  # whitespace runs
        ("a \u200f b", "a b"),  # a removed mark inside a whitespace run does not split it
        ("ﻻ", "لا"),  # lam-alef ligature (presentation form B)
        ("ﻷ", "لا"),  # lam-alef with hamza: NFKC then alef folding
        ("ﷲ", "الله"),  # presentation form A
        ("بﹰ", "ب"),  # isolated tanwin form is a diacritic, not a space
    ],
)
def test_fold_rules(raw: str, folded: str) -> None:
    assert fold(raw).text == folded
    assert fold_text(raw) == folded


def test_ta_marbuta_kept_for_display() -> None:
    assert fold("سورية", for_matching=False).text == "سورية"
    assert fold("أحمدُ في المدرسة", for_matching=False).text == "احمد في المدرسة"


def test_decomposed_hamza_folds_like_precomposed() -> None:
    assert fold("ا\u0654").text == fold("أ").text
    assert fold("ي\u0654").text == fold("ئ").text


def test_normalize_digits_only_touches_digits() -> None:
    assert normalize_digits("عام ٢٠١٨ و۱۳۹۷ «أ»") == "عام 2018 و1397 «أ»"


def test_offsets_map_simple() -> None:
    f = fold("أَهْلاً  بِكُم")
    assert f.text == "اهلا بكم"
    assert f.offsets == (0, 2, 4, 5, 7, 9, 11, 13, 14)
    assert f.offsets[-1] == len("أَهْلاً  بِكُم")


def test_offsets_for_ligature_share_one_original_index() -> None:
    f = fold("ﻻ بد")
    assert f.text == "لا بد"
    assert f.offsets == (0, 0, 1, 2, 3, 4)
    assert f.span_to_original(1, 2) == (0, 1)


def test_span_to_original_is_tight() -> None:
    raw = "\u200fقالَ  الرَّئِيسُ\u200f  ـكلمة"
    f = fold(raw)
    assert f.text == "قال الرييس كلمه"
    start, end = f.span_to_original(4, 10)  # "الرييس"
    # Starts on the letter, ends after the damma of the last letter, excludes the bidi mark.
    assert raw[start:end] == "الرَّئِيسُ"
    start, end = f.span_to_original(0, 3)
    assert raw[start:end] == "قالَ"
    start, end = f.span_to_original(11, 15)  # tatweel before the word is not included
    assert raw[start:end] == "كلمة"
    assert f.span_to_original(3, 3) == (f.offsets[3], f.offsets[3])


def test_span_to_original_rejects_bad_spans() -> None:
    f = fold("abc")
    with pytest.raises(ValueError):
        f.span_to_original(2, 1)
    with pytest.raises(ValueError):
        f.span_to_original(0, 4)


def test_span_to_original_stops_at_tatweel_before_marks() -> None:
    raw = "بـَ ت"
    f = fold(raw)
    assert f.text == "ب ت"
    assert f.span_to_original(0, 1) == (0, 1)


def _check_offsets(raw: str, f: Folded, for_matching: bool = True) -> None:
    assert len(f.offsets) == len(f.text) + 1
    assert f.offsets[-1] == len(raw)
    assert list(f.offsets) == sorted(f.offsets)
    for i, ch in enumerate(f.text):
        src = raw[f.offsets[i]]
        assert src not in REMOVED
        assert ch in fold(src, for_matching=for_matching).text or (ch == " " and src.isspace())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80), st.booleans())
def test_fast_fold_equals_reference(raw: str, for_matching: bool) -> None:
    fast = fold(raw, for_matching=for_matching)
    slow = _fold_slow(raw, _TABLE_MATCH if for_matching else _TABLE_DISPLAY)
    assert (fast.text, fast.offsets) == (slow.text, slow.offsets)
    _check_offsets(raw, fast, for_matching)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + PRESENTATION + "  ", max_size=80))
def test_fold_text_equals_the_text_of_fold(raw: str) -> None:
    # fold_text skips the offset map; the text must be the same character for character
    assert fold_text(raw) == fold(raw).text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET + PRESENTATION, max_size=60))
def test_offset_map_invariants_with_presentation_forms(raw: str) -> None:
    _check_offsets(raw, fold(raw))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.data())
def test_span_round_trip(raw: str, data: st.DataObject) -> None:
    f = fold(raw)
    if not f.text:
        return
    fs = data.draw(st.integers(0, len(f.text) - 1))
    fe = data.draw(st.integers(fs + 1, len(f.text)))
    start, end = f.span_to_original(fs, fe)
    assert fold(raw[start:end]).text == f.text[fs:fe]
    assert raw[start] not in REMOVED
    # Anything after the last kept letter is a diacritic of that letter.
    last = f.offsets[fe - 1]
    assert all(c in TASHKEEL for c in raw[last + 1 : end])


# --- script detection -------------------------------------------------------------------------------


def test_script_detection() -> None:
    assert arabic_ratio("") == 0.0
    assert arabic_ratio("123 !") == 0.0
    assert arabic_ratio("سلام") == 1.0
    assert arabic_ratio("ab سلام") == pytest.approx(4 / 6)
    assert arabic_ratio("مُحَمَّد") == 1.0  # diacritics are not letters
    assert is_arabic(ARTICLE)
    assert not is_arabic("Macron and Putin")
    assert not is_arabic("")
    assert is_arabic("abc سلام", threshold=0.5)
    assert not is_arabic("abcdef سلم", threshold=0.5)
    assert has_arabic("Macron ماكرون")
    assert not has_arabic("Macron ٣")  # a digit is not a letter
    assert has_arabic("ﻻ")  # presentation forms are Arabic script


# --- sentence splitting -----------------------------------------------------------------------------


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_seed_article_sentences() -> None:
    sentences = split_sentences(ARTICLE)
    assert len(sentences) == 13
    for i, s in enumerate(sentences):
        assert s.id == i
        assert ARTICLE[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    assert sentences[0].text.startswith("ناقش الرئيسان") and sentences[0].text.endswith("على معظمها.")
    # The stray « in «لن تتساهلا «على صعيد must not swallow the rest of the article.
    assert sentences[6].text.startswith("وكانت الرئاسة") and sentences[6].text.endswith("الأميركيين».")
    assert sentences[7].text.startswith("وأوضح رئيس الأركان")
    # A full stop inside «…» does not split the Kremlin quotation.
    assert "السورية. وأطلع" in sentences[12].text
    assert sentences[12].text.endswith("أراضيها».")
    # Every non-space character belongs to a sentence.
    assert sum(len(s.text.replace(" ", "")) for s in sentences) == len(ARTICLE.replace(" ", ""))


def test_full_stop_inside_guillemets() -> None:
    text = "وقال الوزير: «انتهى الأمر. لا عودة إلى الوراء». ثم غادر القاعة."
    assert _texts(text) == ["وقال الوزير: «انتهى الأمر. لا عودة إلى الوراء».", "ثم غادر القاعة."]


def test_quote_closing_after_terminator_ends_sentence() -> None:
    assert _texts("«انتهى الأمر.» وأضاف أنه سيعود.") == ["«انتهى الأمر.»", "وأضاف أنه سيعود."]
    assert _texts("قال “انتهى. حقاً!” ثم صمت.") == ["قال “انتهى. حقاً!”", "ثم صمت."]


def test_no_split_inside_parentheses_or_straight_quotes() -> None:
    assert _texts("قال (وهو يبتسم. ثم ضحك) إنه سيعود. وانتهى") == [
        "قال (وهو يبتسم. ثم ضحك) إنه سيعود.",
        "وانتهى",
    ]
    assert _texts('قال "لن نعود. أبداً" ثم خرج. وانتهى') == ['قال "لن نعود. أبداً" ثم خرج.', "وانتهى"]


def test_terminators() -> None:
    assert _texts("هل انتهى؟ نعم! ربما… لا۔ نعم") == ["هل انتهى؟", "نعم!", "ربما…", "لا۔", "نعم"]
    assert _texts("ماذا؟! لا أعرف...") == ["ماذا؟!", "لا أعرف..."]


def test_abbreviations_and_decimals() -> None:
    text = "قال د. أحمد إن النمو بلغ 3.5 في المئة و٣٫٥ أيضاً. وأضاف أ. محمد أن عام 2018 م. كان صعباً. انتهى"
    assert _texts(text) == [
        "قال د. أحمد إن النمو بلغ 3.5 في المئة و٣٫٥ أيضاً.",
        "وأضاف أ. محمد أن عام 2018 م. كان صعباً.",
        "انتهى",
    ]
    assert _texts("بني عام 300 ق.م. في المدينة. وزارها U.S. officials later. Dr. Smith came.") == [
        "بني عام 300 ق.م. في المدينة.",
        "وزارها U.S. officials later.",
        "Dr. Smith came.",
    ]


def test_newlines_split_and_reset_quotes() -> None:
    text = "العنوان\n\nقال «بلا إغلاق. جملة ثانية.\nسطر «آخر». نهاية"
    assert _texts(text) == ["العنوان", "قال «بلا إغلاق.", "جملة ثانية.", "سطر «آخر».", "نهاية"]


def test_stray_opening_quote_does_not_swallow_article() -> None:
    body = " ".join(f"هذه الجملة رقم {i} في المقال." for i in range(40))
    sentences = split_sentences("قال «كلام بلا إغلاق. " + body)
    assert len(sentences) == 41
    # Even with a stray closer far away, a quote longer than MAX_QUOTE_CHARS is not honoured.
    sentences = split_sentences("قال «كلام. " + body + " نهاية» هنا.")
    assert len(sentences) >= 40


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []
    assert _texts("  جملة واحدة  ") == ["جملة واحدة"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET + "abc", max_size=200))
def test_sentences_cover_text(raw: str) -> None:
    sentences = split_sentences(raw)
    pos = 0
    for i, s in enumerate(sentences):
        assert s.id == i
        assert s.start >= pos and s.end > s.start
        assert raw[s.start : s.end] == s.text == s.text.strip()
        assert raw[pos : s.start].strip() == ""  # nothing but whitespace between sentences
        pos = s.end
    assert raw[pos:].strip() == ""
