"""The evidence rules of toolkit.grounding: each rejection is typed and says what to do (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from toolkit._evidence import negations, numbers
from toolkit.arabic import TASHKEEL, fold
from toolkit.drafts import BriefingDraft, ClaimDraft, DraftContext
from toolkit.engines.base import EngineResult
from toolkit.grounding import FUZZY_THRESHOLD, MIN_WORDS, Grounder, Located
from toolkit.pipeline import assemble

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
GHOUTA = (SEEDS / "eastern-ghouta-macron-putin" / "article.txt").read_text(encoding="utf-8")
BANK = (SEEDS / "central-bank-rate-hold" / "article.txt").read_text(encoding="utf-8")
G = Grounder(GHOUTA)


def _rejected(located: Located, rule: str) -> str:
    assert located.span is None and located.rule == rule, located
    return located.message


# --- evidence_too_short -----------------------------------------------------------------------------


@pytest.mark.parametrize("quote", ["في", "«في»", "وقال", "الرئيس الفرنسي", "امي", " ، ", ""])
def test_trivial_evidence_is_too_short(quote: str) -> None:
    message = _rejected(G.locate(quote), "evidence_too_short")
    assert f"at least {MIN_WORDS} consecutive words" in message
    assert G.find(quote) is None


def test_minimum_is_configurable() -> None:
    assert Grounder(GHOUTA, min_words=2).find("الرئيس الفرنسي") is not None
    assert Grounder(GHOUTA, min_words=5).locate("وحض ماكرون نظيره").rule == "evidence_too_short"


def test_one_word_ellipsis_part_is_too_short() -> None:
    message = _rejected(G.locate("وحض ... نظيره الروسي على وضع نهاية"), "evidence_too_short")
    assert "«وحض»" in message and "ellipsis" in message
    assert G.find("وحض ماكرون ... نظيره الروسي على وضع نهاية") is not None


def test_message_is_an_instruction_naming_the_quote() -> None:
    message = G.locate("في").message
    assert message.startswith("The evidence «في» is only 1 word;")
    assert "or remove this claim" in message


# --- not_on_word_boundaries -------------------------------------------------------------------------


def test_fragment_inside_a_word_never_grounds() -> None:
    g = Grounder(GHOUTA, min_words=1)
    # «امي» occurs only inside النظامية and الرامية: the three letters from inside a word.
    message = _rejected(g.locate("امي"), "not_on_word_boundaries")
    assert "only inside longer words" in message
    # A bare «ال» occurs hundreds of times, always as part of a word.
    _rejected(g.locate("ال"), "not_on_word_boundaries")


def test_multiword_quote_cut_inside_words_is_rejected() -> None:
    # "ظامية على معظمها" is the end of «القوات النظامية على معظمها» starting mid-word.
    _rejected(G.locate("ظامية على معظمها"), "not_on_word_boundaries")
    # Cut at the end: «نهاية» shortened to «نها».
    _rejected(G.locate("نظيره الروسي على وضع نها"), "not_on_word_boundaries")


def test_a_later_whole_word_occurrence_is_found() -> None:
    article = "قال الوزير إن المستشارين اجتمعوا أمس. وقال إن الشارين اجتمعوا أمس في القصر."
    span = Grounder(article).find("الشارين اجتمعوا أمس")
    assert span is not None and span.start == article.index(" الشارين") + 1 and span.method == "exact"


def test_a_dropped_clitic_widens_to_the_whole_word() -> None:
    # حض is in وحض; و is a clitic, so the evidence is the whole word (as a fuzzy match).
    span = G.find("حض ماكرون نظيره")
    assert span is not None and GHOUTA[span.start : span.end] == "وحض ماكرون نظيره"
    assert span.method == "fuzzy" and span.score < 100.0


def test_fuzzy_match_starting_inside_a_word_is_rejected() -> None:
    quote = "امية على معظمها. وحض ماكرون نظيره الروسي"  # tail of النظامية, then real words
    assert G.best_score(quote) >= FUZZY_THRESHOLD
    _rejected(G.locate(quote), "not_on_word_boundaries")


# --- meaning_changed --------------------------------------------------------------------------------


def test_inserted_negation_is_rejected_whatever_the_score() -> None:
    # The case: «لم» inserted into a real sentence was accepted as fuzzy.
    quote = "ولم يحض ماكرون نظيره الروسي على وضع نهاية للتصعيد العسكري في سورية"
    assert G.best_score(quote) >= FUZZY_THRESHOLD
    message = _rejected(G.locate(quote), "meaning_changed")
    assert "adds the negation «لم»" in message


def test_dropped_negation_is_rejected() -> None:
    quote = "وكانت الرئاسة الفرنسية أكدت أن باريس وواشنطن «تتساهلا «على صعيد «الإفلات من العقاب»"
    message = _rejected(G.locate(quote), "meaning_changed")
    assert "drops the negation «لن»" in message


@pytest.mark.parametrize(
    ("article_words", "quote"),
    [
        ("تحدث بوتين عن العملية غير المسبوقة من حيث الحجم", "تحدث بوتين عن العملية المسبوقة من حيث الحجم"),
        ("وأكد أن الحكومة لا تنوي رفع الأسعار هذا العام", "وأكد أن الحكومة تنوي رفع الأسعار هذا العام"),
        ("وأكد أن الحكومة تنوي رفع الأسعار هذا العام", "وأكد أن الحكومة لن تنوي رفع الأسعار هذا العام"),
        ("وأوضح أن المفاوضات ليست متعثرة حتى الآن", "وأوضح أن المفاوضات متعثرة حتى الآن"),
        ("وشدد على عدم التدخل في شؤون الدول المجاورة", "وشدد على التدخل في شؤون الدول المجاورة"),
        ("وقال إن الاتفاق سيوقع بدون شروط مسبقة من الطرفين", "وقال إن الاتفاق سيوقع شروط مسبقة من الطرفين"),
        (
            "وقال الوزير إن الحكومة ما وافقت على الخطة الجديدة",
            "وقال الوزير إن الحكومة وافقت على الخطة الجديدة",
        ),
    ],
)
def test_polarity_words(article_words: str, quote: str) -> None:
    _rejected(Grounder(f"في المؤتمر الصحفي. {article_words}. ثم غادر.").locate(quote), "meaning_changed")


def test_still_phrases_are_not_negations() -> None:
    # لا يزال / ما زال both mean "still": swapping one for the other is not a change of polarity.
    assert negations(fold("لا يزال الوضع صعبا").text).total() == 0
    assert negations(fold("ما زال الحوار ممكنا").text).total() == 0
    assert negations(fold("ولا سيما في الشمال").text).total() == 0
    article = "وقال المتحدث إن الحوار ما زال ممكنا بين الطرفين رغم الخلافات."
    span = Grounder(article).find("إن الحوار لا يزال ممكنا بين الطرفين رغم الخلافات")
    assert span is not None and span.method == "fuzzy"


def test_ellipsis_leaving_out_a_negation_is_rejected() -> None:
    article = "وقال الوزير إن الحكومة لن تسمح بتكرار ما حدث في الجنوب."
    message = _rejected(Grounder(article).locate("إن الحكومة ... تسمح بتكرار ما حدث"), "meaning_changed")
    assert "leaves out the negation «لن»" in message


# --- numbers_changed --------------------------------------------------------------------------------


def test_changed_number_is_rejected() -> None:
    g = Grounder(BANK)
    quote = "الإبقاء على سعر الفائدة الرئيسي دون تغيير عند ٧٫٥٪ للمرة الثالثة على التوالي"
    assert g.best_score(quote) >= FUZZY_THRESHOLD
    message = _rejected(g.locate(quote), "numbers_changed")
    assert "«7.5»" in message and "«7.25»" in message
    # The same number in another digit script is the same number.
    assert g.find(quote.replace("٧٫٥", "7.25")) is not None


def test_number_words_and_separators() -> None:
    assert numbers(fold("قتل ثلاثة أشخاص و1,500 جريح").text) == numbers(fold("قتل ٣ أشخاص و1500 جريح").text)
    article = "وأعلنت الوزارة أن ثلاثة آلاف شخص غادروا المدينة خلال الأسبوع."
    _rejected(Grounder(article).locate("أن أربعة آلاف شخص غادروا المدينة خلال الأسبوع"), "numbers_changed")


# --- ungrounded -------------------------------------------------------------------------------------


def test_foreign_quote_keeps_best_similarity() -> None:
    message = _rejected(G.locate("وقال ماكرون إن فرنسا ستنسحب من سورية فوراً"), "ungrounded")
    assert "best similarity" in message and f"< {FUZZY_THRESHOLD:.0f}" in message


def test_found_quote_has_no_rule() -> None:
    located = G.locate("وحض ماكرون نظيره الروسي")
    assert located.ok and located.rule is None and located.span is not None
    assert GHOUTA[located.span.start : located.span.end] == "وحض ماكرون نظيره الروسي"


# --- where the rules show: the re-ask and meta.dropped_claims ---------------------------------------


def _claim(quote: str) -> dict[str, object]:
    return {"speaker_ar": "إيمانويل ماكرون", "kind": "call", "claim_ar": "دعا ماكرون", "quote_ar": quote}


@pytest.mark.parametrize(
    ("quote", "rule"),
    [
        ("في", "evidence_too_short"),
        ("ظامية على معظمها", "not_on_word_boundaries"),
        ("ولم يحض ماكرون نظيره الروسي على وضع نهاية للتصعيد العسكري في سورية", "meaning_changed"),
        ("وقال ماكرون إن فرنسا ستنسحب من سورية فوراً", "ungrounded"),
    ],
)
def test_reask_message_names_the_rule(quote: str, rule: str) -> None:
    with pytest.raises(ValidationError) as err:
        ClaimDraft.model_validate(_claim(quote), context={"draft": DraftContext(grounder=G)})
    (error,) = err.value.errors()
    assert error["type"] == f"evidence_{rule}"
    assert error["msg"] == G.locate(quote).message


def test_pipeline_records_the_rule_and_the_message() -> None:
    quotes = ["في", "وحض ماكرون نظيره الروسي على وضع نهاية للتصعيد العسكري في سورية", "ظامية على معظمها"]
    lenient = {"draft": DraftContext(grounder=G, strict_grounding=False, require_english=False)}
    raw = {
        "headline_ar": "ماكرون وبوتين",
        "summary_ar": "ناقش الرئيسان الوضع.",
        "claims": [_claim(q) for q in quotes],
    }
    result = EngineResult(draft=BriefingDraft.model_validate(raw, context=lenient))
    briefing = assemble(result, G, engine_name="test", started=0.0)
    assert [c.evidence.quote_ar for c in briefing.claims] == [quotes[1]]
    assert [(d.quote_ar, d.rule) for d in briefing.meta.dropped_claims] == [
        ("في", "evidence_too_short"),
        ("ظامية على معظمها", "not_on_word_boundaries"),
    ]
    assert briefing.meta.dropped_claims[0].reason == G.locate("في").message


# --- property: an accepted span never starts or ends inside a word ---------------------------------

ARTICLES = [GHOUTA, BANK] + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*/article.txt"))[:4]]
GROUNDERS = {id(a): Grounder(a, min_words=1) for a in ARTICLES}


def _wordish(c: str) -> bool:
    return c.isalnum() or c in TASHKEEL


def _on_word_boundaries(article: str, start: int, end: int) -> bool:
    starts_clean = start == 0 or not (_wordish(article[start - 1]) and _wordish(article[start]))
    ends_clean = end == len(article) or not (_wordish(article[end - 1]) and _wordish(article[end]))
    return starts_clean and ends_clean


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_property_accepted_spans_start_and_end_on_word_boundaries(data: st.DataObject) -> None:
    article = data.draw(st.sampled_from(ARTICLES))
    # Any slice of the article, cut anywhere (mostly inside words), then maybe edited.
    a = data.draw(st.integers(0, len(article) - 2))
    b = data.draw(st.integers(a + 1, min(len(article), a + 120)))
    quote = article[a:b]
    edit = data.draw(st.sampled_from(["none", "drop", "double", "wrap"]))
    if edit != "none" and len(quote) > 2:
        k = data.draw(st.integers(0, len(quote) - 1))
        quote = {
            "drop": quote[:k] + quote[k + 1 :],
            "double": quote[: k + 1] + quote[k:],
            "wrap": f"«{quote}»",
        }[edit]
    span = GROUNDERS[id(article)].find(quote)
    if span is not None:
        assert _on_word_boundaries(article, span.start, span.end), (quote, article[span.start : span.end])
        assert span.start < span.end
