"""Sentence segmentation of hard-wrapped articles (issue 10): line breaks inside sentences are spaces."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.arabic import is_hard_wrapped, split_sentences

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "ar-news-human-summaries.jsonl"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*/article.txt"))]
_TERMINATED = re.compile(r"[.!?؟…][»”\")\]']*$")

# Written for these tests: a title, wrapped paragraphs, a quotation wrapped across lines, a heading.
TITLE = "الحكومة تعلن خطة لدعم المزارعين"
BODY = [
    "أعلنت وزارة الزراعة أمس خطة جديدة لدعم صغار المزارعين في المحافظات الجنوبية "
    "بقيمة 40 مليون دينار، تشمل قروضاً ميسرة وبذوراً محسنة. وقال وزير الزراعة سامر "
    "الخطيب في مؤتمر صحفي إن «الخطة ستغطي أكثر من عشرة آلاف مزارع خلال العامين المقبلين، "
    "وستبدأ في الربيع». وأضاف أن الوزارة ستنشر قوائم المستفيدين على موقعها الإلكتروني.",
    "من جهته رحب رئيس اتحاد المزارعين بالخطة، لكنه طالب بزيادة المخصصات المرصودة "
    "لمشاريع الري الحديثة في المناطق التي تعاني من شح المياه منذ سنوات.",
]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _wrap(paragraphs: list[str], width: int, *, title: str | None = TITLE, blank: bool = False) -> str:
    sep = "\n\n" if blank else "\n"
    wrapped = sep.join(
        textwrap.fill(p, width, break_on_hyphens=False, break_long_words=False) for p in paragraphs
    )
    return f"{title}\n{wrapped}" if title else wrapped


def _offsets_hold(text: str) -> None:
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text and s.text == s.text.strip()


def test_wrapped_article_segments_into_whole_sentences() -> None:
    text = _wrap(BODY, 72)
    assert is_hard_wrapped(text)
    sentences = [_norm(s.text) for s in split_sentences(text)]
    assert sentences == [
        TITLE,
        _norm(BODY[0].split(". ")[0]) + ".",
        "وقال وزير الزراعة سامر الخطيب في مؤتمر صحفي إن «الخطة ستغطي أكثر من عشرة آلاف مزارع "
        "خلال العامين المقبلين، وستبدأ في الربيع».",
        "وأضاف أن الوزارة ستنشر قوائم المستفيدين على موقعها الإلكتروني.",
        _norm(BODY[1]),
    ]
    _offsets_hold(text)


def test_line_breaks_inside_a_sentence_stay_in_the_text() -> None:
    # Offsets index the untouched text: the sentence's text keeps its line breaks.
    text = _wrap(BODY, 60)
    second = split_sentences(text)[1]
    assert "\n" in second.text and text[second.start : second.end] == second.text


def test_paragraph_break_ends_a_sentence_without_terminator() -> None:
    body = [BODY[0], "وتبدأ المرحلة الأولى من الخطة في الأول من آذار المقبل في ثلاث محافظات جنوبية", BODY[1]]
    text = _wrap(body, 70, blank=True)
    assert is_hard_wrapped(text)
    sentences = [_norm(s.text) for s in split_sentences(text)]
    assert _norm(body[1]) in sentences  # not glued to the next paragraph
    assert _norm(BODY[1]) in sentences


def test_heading_after_a_sentence_stays_its_own_sentence() -> None:
    heading = "مشاريع الري"
    text = _wrap([BODY[0]], 70) + "\n" + heading + "\n" + textwrap.fill(BODY[1], 70)
    sentences = [_norm(s.text) for s in split_sentences(text)]
    assert heading in sentences and _norm(BODY[1]) in sentences


def test_short_line_ending_with_colon_introduces_what_follows() -> None:
    quote = "«لن نرفع أسعار الأعلاف هذا العام مهما ارتفعت تكاليف الاستيراد من الخارج»."
    text = (
        _wrap([BODY[0]], 70)
        + "\nوقال الوزير:\n"
        + textwrap.fill(quote, 70)
        + "\n"
        + textwrap.fill(BODY[1], 70)
    )
    sentences = [_norm(s.text) for s in split_sentences(text)]
    assert "وقال الوزير: " + _norm(quote) in sentences


def test_long_first_line_is_not_a_title() -> None:
    # A first line as long as the others is the start of the first sentence, wrapped.
    text = _wrap(BODY, 70, title=None)
    assert _norm(split_sentences(text)[0].text) == _norm(BODY[0].split(". ")[0]) + "."


@pytest.mark.parametrize("text", SEED_TEXTS, ids=lambda t: t[:20])
def test_ordinary_articles_are_not_hard_wrapped(text: str) -> None:
    # One paragraph per line: every line break still ends a sentence.
    assert not is_hard_wrapped(text)


def test_lines_that_end_sentences_are_not_wrapping() -> None:
    lines = [
        "قال الوزير إن الحكومة ستدعم المزارعين هذا العام بخطة جديدة.",
        "وأضاف أن الخطة تشمل قروضاً ميسرة للمزارعين في الجنوب والشمال.",
        "وأكد أن التنفيذ سيبدأ في الربيع المقبل بعد إقرار الموازنة.",
        "مشاريع الري",
    ]
    text = "\n".join(lines)
    assert not is_hard_wrapped(text)
    assert [s.text for s in split_sentences(text)] == lines


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SEED_TEXTS), st.integers(55, 95), st.booleans())
def test_property_wrapping_does_not_change_the_sentences(text: str, width: int, blank: bool) -> None:
    # Hard-wrapping an article (paragraph by paragraph, at any usual width) gives the same sentences
    # as the unwrapped article, up to whitespace.
    paragraphs = [p for p in text.split("\n") if p.strip()]
    wrapped = ("\n\n" if blank else "\n").join(
        textwrap.fill(p, width, break_on_hyphens=False, break_long_words=False) for p in paragraphs
    )
    expected = [_norm(s.text) for s in split_sentences(text)]
    if not is_hard_wrapped(wrapped):  # a short article may not wrap onto enough lines
        assert sum(len(textwrap.wrap(p, width)) for p in paragraphs) < 6
        return
    assert [_norm(s.text) for s in split_sentences(wrapped)] == expected
    _offsets_hold(wrapped)


# --- the hard-wrapped EASC articles (read from ../shared, never copied) ----------------------------


def _easc() -> list[str]:
    if not EXTERNAL.exists():
        pytest.skip(f"{EXTERNAL} is not there")
    rows = [json.loads(line) for line in EXTERNAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["article_ar"] for r in rows if r["id"].startswith("easc")]


def test_easc_articles_segment_into_whole_sentences() -> None:
    articles = _easc()
    assert len(articles) == 30
    wrapped = [a for a in articles if is_hard_wrapped(a)]
    assert len(wrapped) >= 24  # the others have one paragraph per line
    sentences = [s for a in wrapped for s in split_sentences(a)]
    ended = sum(1 for s in sentences if _TERMINATED.search(s.text))
    assert ended / len(sentences) >= 0.9, (ended, len(sentences))
    for a in articles:
        _offsets_hold(a)


def test_offline_key_points_on_easc_end_a_sentence() -> None:
    from toolkit import summarize

    points = [kp.text_ar for a in _easc() for kp in summarize(a, model="offline").key_points]
    ended = sum(1 for p in points if _TERMINATED.search(p.strip()))
    assert ended / len(points) >= 0.9, (ended, len(points))
