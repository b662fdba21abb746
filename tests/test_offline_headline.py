"""The offline headline: the main clause of the lead sentence, at most 20 words, never cut mid-phrase.

Sentences are written for these tests (the kinds come from the dev set and the external articles,
where cutting after the 19th word split names and numbers from what they belong to).
"""

from __future__ import annotations

import pytest

from toolkit.engines._offline_summary import HEADLINE_WORDS, main_clause

CASES = [
    # A circumstance after the main clause: cut before بعد, not inside «نحو ثلاثة …».
    (
        "قضت محكمة الاستئناف أمس بسجن الرئيس السابق لشركة المياه الوطنية كريم الحداد خمس سنوات بعد إدانته"
        " باختلاس نحو ثلاثة ملايين دينار من أموال الشركة بين عامي 2019 و2022.",
        "قضت محكمة الاستئناف أمس بسجن الرئيس السابق لشركة المياه الوطنية كريم الحداد خمس سنوات",
    ),
    # A quotation that closes within the limit ends the headline with it.
    (
        "قالت مديرة برنامج الغذاء في المنطقة الشمالية هدى المصري إن المخزون الحالي «لا يكفي إلا لأسبوعين»"
        " في ظل تدفق آلاف النازحين الجدد من القرى الحدودية كل يوم.",
        "قالت مديرة برنامج الغذاء في المنطقة الشمالية هدى المصري إن المخزون الحالي «لا يكفي إلا لأسبوعين»",
    ),
    # Never inside a name (بن … بن) or after a preposition: the last phrase opener before the limit.
    (
        "أعلن مصدر رسمي أن وزير الدولة للشؤون الخارجية الشيخ سالم بن راشد بن حمد آل سعيد وصل أمس إلى"
        " العاصمة في زيارة تستمر ثلاثة أيام يلتقي خلالها كبار المسؤولين.",
        "أعلن مصدر رسمي أن وزير الدولة للشؤون الخارجية الشيخ سالم بن راشد بن حمد آل سعيد وصل أمس إلى"
        " العاصمة",
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_main_clause_is_cut_at_a_phrase_boundary(sentence: str, expected: str) -> None:
    head = main_clause(sentence)
    assert head == expected
    assert len(head.split()) <= HEADLINE_WORDS and "…" not in head


def test_a_dateline_is_not_part_of_the_headline() -> None:
    sentence = "بيروت - (وكالات) - أعلنت وزارة الصحة اللبنانية تسجيل عشر إصابات جديدة بالحصبة في منطقة البقاع."
    assert main_clause(sentence) == "أعلنت وزارة الصحة اللبنانية تسجيل عشر إصابات جديدة بالحصبة في منطقة البقاع"
    # A hyphenated name has no space after its hyphen: nothing is taken for a dateline.
    sentence = "قال جان-بيار دوبون إن المفاوضات مستمرة رغم الخلافات العميقة بين الطرفين."
    assert main_clause(sentence).startswith("قال جان-بيار دوبون")


def test_an_unbalanced_quotation_is_never_left_open() -> None:
    sentence = (
        "وصف رئيس الاتحاد المحلي للنقابات المستقلة نبيل عطية الاتفاق بأنه «خطوة أولى في طريق طويل لا نعرف"
        " نهايته بعد، ولا نملك فيه إلا الصبر» داعيا إلى استمرار الحوار."
    )
    head = main_clause(sentence)
    assert head.count("«") == head.count("»")
    assert len(head.split()) <= HEADLINE_WORDS
