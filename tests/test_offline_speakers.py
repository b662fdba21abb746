"""The offline engine on structures that gave wrong speakers: each test holds the sentence that broke.

Sentences come from the development set (seeds/dev, written for this project) or are written here;
the external-article test reads ../shared/ and skips only when it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from offline_helpers import drafts as _drafts
from offline_helpers import speakers as _speakers

from toolkit import summarize

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "ar-news-human-summaries.jsonl"


def test_head_noun_keeps_its_adjectives() -> None:
    text = "من جهته، قال مسؤول حكومي رفيع، طلب عدم نشر اسمه، إن الوزارة تدرس خفض الرسوم الجمركية."
    assert _speakers(text) == [("مسؤول حكومي رفيع", False)]
    text = "قالت مصادر دبلوماسية مطلعة إن مفاوضات الهدنة وصلت إلى طريق مسدود."
    assert _speakers(text) == [("مصادر دبلوماسية مطلعة", False)]


def test_hyphenated_name_and_the_object_after_it() -> None:
    text = (
        "نفى المدرب الفرنسي لنادي الشعلة جان-لوك مارتان وجود أي خلاف مع إدارة النادي. "
        "وقال مارتان إن الفريق سيعود إلى الانتصارات قريبا."
    )
    assert _speakers(text) == [("جان-لوك مارتان", False), ("جان-لوك مارتان", False)]


def test_name_particles() -> None:
    text = "وقال مدرب المنتخب كارلوس دي لا فوينتي إن اللاعبين عانوا من ضغط كبير. وأضاف دي لا فوينتي أن المجموعة شابة جدا."
    assert [s for s, _ in _speakers(text)] == ["كارلوس دي لا فوينتي", "كارلوس دي لا فوينتي"]


def test_named_spokesman_is_the_speaker() -> None:
    text = "قال المتحدث باسم وزارة الصحة الدكتور عمر الشامي إن عدد الإصابات ارتفع إلى 312 إصابة."
    [claim] = _drafts(text)
    assert (claim.speaker_ar, claim.attributed_via) == ("عمر الشامي", None)
    assert claim.mention_hint is not None
    assert text[slice(*claim.mention_hint)] == "المتحدث باسم وزارة الصحة الدكتور عمر الشامي"
    assert claim.cue_hint is not None and text[slice(*claim.cue_hint)] == "قال"


def test_rebuttal_is_the_rebutters() -> None:
    text = (
        "حمّل وزير البيئة طارق يونس البلدية مسؤولية تراكم النفايات. "
        "وردت رئيسة البلدية ميساء قاسم على الوزير بأن المشكلة سببها إغلاق المكب الرئيسي."
    )
    assert _speakers(text) == [("ميساء قاسم", False)]


def test_feminine_follow_up_skips_the_masculine_speaker() -> None:
    text = (
        "وقالت وزيرة الخارجية دينا الحسن إن بلادها مستعدة لفتح المعبر. "
        "وقال نظيرها نيكوس أندرياديس إن حكومته تحتاج إلى ضمانات مكتوبة. "
        "وأضافت أن اللجان الفنية ستجتمع الأسبوع المقبل."
    )
    assert [s for s, _ in _speakers(text)][-1] == "دينا الحسن"


def test_object_after_a_call_verb_right_after_a_woman_spoke_is_unresolved() -> None:
    text = (
        "وردت رئيسة البلدية ميساء قاسم على الوزير بأن المشكلة سببها إغلاق المكب الرئيسي. "
        "وطالبت الوزارة بتخصيص موقع بديل خلال أسبوع."
    )
    assert _speakers(text)[-1] == ("الوزارة", True)


def test_unreadable_subject_before_qad_is_unresolved_not_the_last_speaker() -> None:
    text = (
        "ردت الشركة الوطنية على تقرير نشرته الصحيفة، مؤكدة أنها لن تستغني عن أي موظف. "
        "وكانت الجهة الناشرة قد ذكرت أن الشركة تنوي تسريح نحو 600 عامل."
    )
    assert _speakers(text)[-1][1] is True


def test_no_evidence_under_three_words() -> None:
    text = "وكان نتنياهو قد ذكر، في خطاب امام الجمعية العامة، اسم الشارع، مطالبا المحققين الدوليين بتفتيشه."
    assert all(len(c.quote_ar.split()) >= 3 for c in _drafts(text))


def test_balanced_quote_marks() -> None:
    text = "وقال الوزير سمير داود إن الحكومة «لن تتراجع عن خطتها الإصلاحية» مهما كانت الضغوط."
    for c in _drafts(text):
        assert c.quote_ar.count("«") == c.quote_ar.count("»")


@pytest.mark.skipif(not EXTERNAL.exists(), reason="../shared/data/external is not beside the checkout")
def test_xlsum_line06_netanyahu_is_not_the_iaea_nor_iran() -> None:
    rows = [json.loads(line) for line in EXTERNAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    [row] = [r for r in rows if r["id"].endswith("line06")]
    drafts = _drafts(row["article_ar"])
    by_quote = {c.quote_ar[:25]: (c.speaker_ar, c.unresolved) for c in drafts}
    iaea = "الوكالة الدولية للطاقة الذرية"
    wrong = [(q, s) for q, (s, u) in by_quote.items() if s == iaea and not u and "طهران حافظت" not in q]
    assert wrong == []  # only «طهران حافظت علي التزاماتها…» is the IAEA's
    accused = [c for c in drafts if c.quote_ar.startswith("بالضلوع") or "الضلوع" in c.quote_ar[:12]]
    assert all(c.speaker_ar != "ايران" for c in accused)  # «واتهم ايران بالضلوع…»: Iran is the accused
    assert all(len(c.quote_ar.split()) >= 3 for c in drafts)  # not «بتفتيشه»


@pytest.mark.skipif(not EXTERNAL.exists(), reason="../shared/data/external is not beside the checkout")
def test_external_articles_have_no_short_evidence_and_short_headlines() -> None:
    for line in EXTERNAL.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        b = summarize(row["article_ar"], model="offline")
        assert len(b.headline_ar.split()) <= 20, row["id"]
        assert all(len(c.evidence.quote_ar.split()) >= 3 for c in b.claims), row["id"]


def test_a_noun_after_a_source_word_is_not_a_source() -> None:
    text = "ويجب حل الصراع وفقا لقرارات الأمم المتحدة ومبادرة السلام العربية في أسرع وقت ممكن."
    assert _drafts(text) == []


# --- second pass: kinds found on the external articles and written into new dev articles ----------


def _one(text: str) -> tuple[str, bool]:
    [speaker] = _speakers(text)
    return speaker


def test_apposition_after_a_comma_with_a_long_title_chain() -> None:
    text = "وقال المبعوث الخاص للاتحاد الإفريقي إلى منطقة البحيرات، موسى كانتي، إن الإعلان خطوة أولى لا تكفي."
    assert _one(text) == ("موسى كانتي", False)
    text = "وقالت الممثلة السامية لشؤون التنمية في المفوضية الإقليمية، إيلينا فوستر إن التمويل يبلغ 300 مليون دولار."
    assert _one(text) == ("إيلينا فوستر", False)  # no closing comma: the complementizer ends it
    text = "وحذر الخبير في قانون الأنهار الدولية، الدكتور نادر السعدي، من أن غياب آلية ملزمة قد يعيد الخلاف."
    assert _one(text) == ("نادر السعدي", False)
    text = "من جانبه، قال وزير الري والموارد المائية، في مؤتمر صحفي، إن حكومته ستلتزم بكل بند."
    assert _one(text) == ("وزير الري والموارد المائية", False)  # a parenthetical, not a name


def test_a_quoted_name_inside_a_title_chain() -> None:
    text = "وقال رئيس كتلة «التجديد» البرلمانية النائب سامر عيسى إن كتلته لن تصوت على القانون."
    assert _one(text) == ("سامر عيسى", False)
    text = "وأكدت عضو لجنة «الشفافية» في المجلس النائبة هدى الراشد أن اللجنة تلقت أربعين اعتراضا."
    assert _one(text) == ("هدى الراشد", False)  # the title next to the name gives the gender
    text = "أما المتحدث باسم ائتلاف «قوى التغيير» فقال إن الائتلاف سيقدم تعديلات على ثلاث مواد."
    assert _one(text) == ("ائتلاف «قوى التغيير»", False)  # an unnamed spokesman: the coalition speaks


def test_institution_names_continued_by_a_li_phrase() -> None:
    text = "حذرت المنظمة الإقليمية لمراقبة التصحر من أن ربع الأراضي الزراعية قد يتحول إلى أراض قاحلة."
    assert _one(text) == ("المنظمة الإقليمية لمراقبة التصحر", False)
    text = "وقالت الهيئة الوطنية لإدارة المياه الجوفية إن الضخ الجائر يهدد الخزان الجوفي."
    assert _one(text) == ("الهيئة الوطنية لإدارة المياه الجوفية", False)
    text = "وأعلنت الوزارة لوسائل الإعلام أن الامتحانات ستجري في موعدها المحدد."
    assert _one(text) == ("الوزارة", False)  # an addressee, not part of the name


def test_fictional_countries_and_their_ministers() -> None:
    text = (
        "وأعلنت فالدوريا، مساء السبت، أنها استدعت سفيرها لدى مرسانيا للتشاور. "
        "وقال وزير خارجية فالدوريا، ماركو ديلان، إن بلاده لن تقبل بسياسة الأمر الواقع. "
        "وحذر رئيس وزراء مرسانيا إدريس فولكوف من أن بلاده سترد بالمثل. "
        "ونفت مرسانيا أن تكون قد أغلقت المعبر لأسباب سياسية."
    )
    assert _speakers(text) == [
        ("فالدوريا", False),
        ("ماركو ديلان", False),
        ("إدريس فولكوف", False),
        ("مرسانيا", False),
    ]


def test_pronoun_hand_off_to_a_titled_person_named_as_an_object() -> None:
    text = (
        "والتقى الوزير مديرة المدرسة سعاد النجار التي رافقته في جولته. "
        "وأوضحت أن المدرسة استقبلت هذا العام 1200 طالبة وطالب. "
        "وحضر اللقاء رئيس بلدية الحي مروان خليل. وقال إن البلدية ستتكفل بصيانة المدرسة."
    )
    assert _speakers(text) == [("سعاد النجار", False), ("مروان خليل", False)]


def test_indefinite_descriptions_are_whole_sources_not_fragments() -> None:
    cases = {
        "قالت جماعة حقوقية محلية إن ستة مدنيين قتلوا في الاشتباكات.": "جماعة حقوقية محلية",
        "وقال زعيم قبلي في المنطقة إن العشائر لن تسمح بتحويل القرى إلى ساحة حرب.": "زعيم قبلي",
        "وأعلن تنظيم «جبهة الخلاص» المسلح أنه شن الهجوم على المركز.": "جبهة الخلاص",
        "وقال قيادي في حزب الوحدة الحاكم إن الحكومة ستلاحق المهاجمين.": "قيادي في حزب الوحدة الحاكم",
        "ويرى كثير من سكان القرى أن الحل يبدأ بالإفراج عن المعتقلين.": "كثير من سكان القرى",
        "وأفادت تقارير إعلامية بأن المسلحين سيطروا على مركز الشرطة لساعات.": "تقارير إعلامية",
        "ويرفض بعض الناشطين الحقوقيين رواية الحكومة عن المعارك الأخيرة.": "بعض الناشطين الحقوقيين",
    }
    for text, speaker in cases.items():
        assert _one(text) == (speaker, False), text


def test_a_name_ends_before_the_outlet_it_spoke_to() -> None:
    text = (
        "وقال الباحث سامي جونز لبي بي سي إن المسبار سيصل في الموعد المحدد. "
        "وكان جونز يعمل في برنامج بي بي سي العلمي قبل سنوات طويلة."
    )
    assert _speakers(text) == [("سامي جونز", False)]
    text = "وقال مدير الميناء عادل فقيه لـ«الصباح» إن الخسائر تجاوزت مليوني دولار. وأضاف فقيه أن الإدارة مستعدة للتفاوض."
    assert _speakers(text) == [("عادل فقيه", False), ("عادل فقيه", False)]  # a surname in ه is kept


def test_surname_with_ta_marbuta() -> None:
    text = "في المقابل، قالت المدعية العامة سلوى بوزيدة إن الأدلة قاطعة ولا تترك مجالا للشك."
    assert _one(text) == ("سلوى بوزيدة", False)


def test_a_verb_after_an_is_not_a_speaker() -> None:
    text = "إن أفضل ما يمكنك فعله هو أن تحاولي توقع الأوقات الصعبة وتنظمي جدولك مبكرا قبل الامتحان."
    assert _drafts(text) == []


def test_the_subject_inside_the_complement_is_not_the_speaker() -> None:
    text = (
        "وانتقدت الحكومة المركزية المشروع بشدة. "
        "ويطالب مشروع القرار بأن تنهي الحكومة المركزية الحصار المفروض على المدن خلال ثلاثين يوما."
    )
    assert _speakers(text) == [("مشروع القرار", False)]


def test_relayed_speech_and_carried_greetings() -> None:
    text = "ونقلت وكالة الأنباء الرسمية عن مصدر أمني كبير أن قوات الحدود رصدت تحركات قرب المعبر."
    assert _one(text) == ("مصدر أمني كبير", False)  # ونقلت agrees with the agency, not the source
    text = (
        "ونقل وزير الدفاع تحيات القائد العام إلى الجنود المرابطين على الجبهة، "
        "معربا عن أمله في عودة الأهالي قريبا إلى بيوتهم."
    )
    assert _one(text) == ("وزير الدفاع", False)


def test_an_aside_between_subject_and_verb_and_a_topic_with_amma() -> None:
    text = "وكان المرصد الوطني لحقوق الإنسان، ومقره جنيف، قد قال إن عشرات العائلات ما زالت محاصرة."
    assert _one(text) == ("المرصد الوطني لحقوق الإنسان", False)
    text = "أما رئيس وفد المراقبين الدوليين، الذي وصل قبل يومين، فأكد أن المراقبين سيرفعون تقريرهم قريبا."
    assert _one(text) == ("رئيس وفد المراقبين الدوليين", False)


def test_words_before_a_wa_verb_are_not_its_subject() -> None:
    text = "مواضيع قد تهمك نهاية وقال التلفزيون الرسمي إن الجيش استعاد السيطرة على البلدة الحدودية."
    assert _one(text) == ("التلفزيون الرسمي", False)


def test_two_cues_of_one_quotation_give_one_claim() -> None:
    text = "لكن تؤكد الخبيرة أنجيلا موريس قائلة: «من المهم أن نتذكر أن الألعاب ليست كلها سيئة»."
    assert _speakers(text) == [("أنجيلا موريس", False)]


def test_a_verb_in_a_relative_clause_does_not_take_the_last_speaker() -> None:
    text = (
        "وقالت المحكمة الدولية إنها ستنظر في القضية. "
        "ثم فرضت عقوبات جديدة في العام التالي بسبب ما قالت إنه تواطؤ في أعمال العنف."
    )
    assert _speakers(text)[-1][1] is True


def test_a_club_name_in_guillemets_after_a_title() -> None:
    text = "وقال مدرب «النجوم» البرازيلي ماركوس سيلفا إن لاعبيه قدموا أفضل مبارياتهم في الوقت المناسب."
    assert _one(text) == ("ماركوس سيلفا", False)


def test_feminine_titles_and_deputies() -> None:
    text = (
        "وقالت قائدة المنتخب الوطني للسيدات رنا عبد الرحيم، التي حضرت المباراة، إن نجاح الدوري يشجع الفتيات."
    )
    assert _one(text) == ("رنا عبد الرحيم", False)
    text = "وأوضحت نائبة محافظ البنك المركزي لشؤون الرقابة ليلى منصور أن القروض المتعثرة تراجعت إلى 4%."
    assert _one(text) == ("ليلى منصور", False)  # محافظ is the genitive: the chain is a woman's title


def test_possessed_noun_and_patronym_before_a_name() -> None:
    text = "وأعلنت كالدونيا أنها طلبت مساعدة عاجلة، فيما قالت جارتها أوستيريا إنها سترسل شحنة من الأدوية."
    assert _speakers(text)[-1] == ("أوستيريا", False)
    text = "وقالت رئيسة جمعية المزارعين هالة بن علي إن السيول أتلفت نحو ثلاثة آلاف دونم من القمح."
    assert _one(text) == ("هالة بن علي", False)  # علي after بن is a name, not the preposition على


def test_a_subject_after_the_object_introduces_the_next_speaker() -> None:
    text = (
        "ورد المحافظ على النقابة بأن المشروع أقر في موازنة هذا العام. "
        "ورافق الجولة مدير الأرصاد الجوية في الإقليم سامي الحلو. "
        "وتوقع أن تشهد المنطقة أمطارا غزيرة مطلع الأسبوع المقبل."
    )
    assert _speakers(text)[-1] == ("سامي الحلو", False)


def test_a_bi_complement_right_after_the_verb_is_not_the_speaker() -> None:
    text = (
        "وانتقد المصمم سامي خوري هجرة المصممين العرب إلى أوروبا. "
        "وطالب بتأسيس أسبوع عربي للموضة بمواصفات عالمية يقدم الإبداع المحلي."
    )
    assert all(not speaker.startswith("بتأسيس") for speaker, _ in _speakers(text))


def test_an_unreadable_subject_is_not_replaced_by_the_last_speaker() -> None:
    text = (
        "وقال المهندس محمد السالم إن المصنع سيفتتح في الربيع. "
        "وانقسم الضباط إلى فريقين، الأول يرى أن التصعيد يضر بالجميع."
    )
    assert _speakers(text)[-1] == ("الأول", True)
    text = "وقال الناطق إن الحملة انطلقت. ويشير الإعلان إلى وثيقة ينبغي الرجوع إليها لإبداء الرأي."
    assert _speakers(text)[-1] == ("الإعلان", False)  # أشار takes no object: the noun is its subject


def test_a_long_title_chain_reaches_the_name() -> None:
    text = (
        "وقال المشرف على معهد بحوث الطاقة والباحث الرئيس في مشروع الطاقة الشمسية بمدينة الملك عبد العزيز "
        "للعلوم والتقنية الدكتور نايف بن محمد العبادي، إن المدينة تنفذ حاليا مشروعا بحثيا."
    )
    assert _one(text) == ("نايف بن محمد العبادي", False)


def test_the_abbreviated_doctor_and_a_name_that_is_also_a_title() -> None:
    text = "توضح د. أميرة حنا الطبيبة النفسية أننا لا يجب أن ننسى حاجة الأطفال إلى اللعب مع الآخرين."
    assert _one(text) == ("أميرة حنا", False)


def test_an_elative_is_not_the_verb_abraza() -> None:
    text = (
        "وقال التقرير إن العديد من المعتقلين كانوا مساعدين لأحد أبرز قيادات التنظيم في المنطقة، "
        "وإن بعضهم سلم إلى بلده."
    )
    assert {s for s, _ in _speakers(text)} == {"التقرير"}


def test_a_verb_form_after_a_preposition_is_a_masdar() -> None:
    text = (
        'واحتل الملف مكانا بارزا في الإعلان الختامي. وتعبر فقرة ثانية عن "رفض الاحتلال الأجنبي بكل أشكاله".'
    )
    assert _drafts(text) == []
