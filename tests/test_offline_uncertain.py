"""The offline engine, third pass: when its own parse is uncertain it says "unresolved"; a few general
lexicon gaps filled. Each test holds the sentence that broke, from the dev articles written for this
pass (seeds/dev/, held-out check #2) or written here in new wording; none comes from the test seeds.
"""

from __future__ import annotations

from offline_helpers import drafts as _drafts
from offline_helpers import speakers as _speakers


def test_a_title_whose_name_was_not_read_is_unresolved() -> None:
    # fintech-ipo-ceo-hyphenated-interview: the ل-phrase and the apposition after the title were not
    # read, so «المديرة التنفيذية» was given as the speaker.
    text = (
        "قالت المديرة التنفيذية لشركة «نجمة» للتقنية المالية، الأمريكية-اللبنانية كارين أوكونور-حداد، "
        "إن الشركة ستطرح أسهمها للاكتتاب العام في بورصة المدينة قبل نهاية العام."
    )
    assert _speakers(text) == [("المديرة التنفيذية", True)]
    # renewables-conference-long-title-chains: an apposition with a nationality after a long chain.
    text = (
        "وقال الأمين العام المساعد لمنظمة الدول المصدرة للطاقة للشؤون الاقتصادية، البرازيلي ريكاردو "
        "سانتوس-أراوجو، إن الاستثمارات العالمية في الطاقة النظيفة «تجاوزت للمرة الأولى الاستثمارات»."
    )
    [(_, unresolved)] = _speakers(text)
    assert unresolved


def test_a_possessed_title_before_a_foreign_name_is_unresolved_not_the_title() -> None:
    # athletics-doping-ban-federation-statements: «مدربها الإيطالي» was the speaker, the name dropped.
    text = (
        "وقال مدربها الإيطالي جوزيبي لا روزا إنه «مصدوم» من القرار، مؤكدا أن فريقه سيلجأ إلى محكمة "
        "التحكيم الرياضي."
    )
    assert [u for _, u in _speakers(text)] == [True, True]


def test_a_second_title_before_the_reported_words_means_the_chain_was_rejected() -> None:
    # Written here: a quoted bloc name, then the MP's title and name, then the verb's object and بـ.
    text = "وطالب رئيس كتلة «النهضة» البرلمانية النائب مازن عوض الحكومة بالكشف عن تفاصيل القرض."
    assert _speakers(text) == [("مازن عوض", False)]
    # The same with an accusation (اتهم X Y بـ): no quotation is read from the party's name.
    text = "واتهم رئيس حزب «الأمل» الديمقراطي المحامي سليم قرداحي الوزارة بإخفاء الأرقام الحقيقية."
    assert _speakers(text) == [("سليم قرداحي", False)]
    # A title whose «name» is the accusation's بـ complement (journalist-trial-rsf-lawyer-judge).
    text = "واتهم ممثل النيابة الصحفي بـ«نشر أخبار كاذبة من شأنها تكدير السلم العام»."
    assert [u for _, u in _speakers(text)] == [True]
    text = "واتهمه الوزير بنشر أخبار كاذبة من شأنها تكدير السلم العام."
    assert _speakers(text) == [("الوزير", False)]
    text = "وطالب الوزير بسام الخطيب الحكومة بإعلان الأرقام الحقيقية."  # بسام is a name: a later بـ follows
    assert _speakers(text) == [("بسام الخطيب", False)]


def test_what_a_deputy_stands_for_and_her_participle() -> None:
    # hardwrapped-coastal-floods-relief-agencies: «النائبة» took the participle's claim.
    text = (
        "واتهمت النائبة عن الإقليم سلمى العبيدي الحكومة بالتأخر في إرسال المساعدات، مؤكدة أن السكان "
        "«تُركوا لمصيرهم»."
    )
    assert set(_speakers(text)) == {("سلمى العبيدي", False)}  # the name, then the object and بـ
    text = "وقالت النائبة عن الإقليم سلمى إن السكان «تُركوا لمصيرهم» في القرى الجبلية."
    assert [u for _, u in _speakers(text)] == [True]
    # parliament-health-insurance-women-mps: النائب عن + a party, then the name.
    text = "ورد النائب عن حزب التقدم خالد الزين على الوزيرة بأن أرقام الموازنة «لا تكفي لتغطية نصف المستفيدين»."
    assert _speakers(text) == [("خالد الزين", False)]


def test_common_titles_head_a_chain() -> None:
    # teachers-strike-minister-union-rebuttal and renewables-conference-long-title-chains: «نقيب»,
    # «كبير» were read as one-word names.
    text = "وقال نقيب المعلمين يوسف الحوراني إن الإضراب سيستمر «حتى تحقيق آخر مطلب»."
    assert _speakers(text) == [("يوسف الحوراني", False)]
    text = (
        "وتوقع كبير الاقتصاديين في بنك الاستثمار الإقليمي الدكتور هشام عز الدين أن تنخفض كلفة الألواح "
        "الشمسية بنسبة 20 في المئة خلال ثلاث سنوات."
    )
    assert _speakers(text) == [("هشام عز الدين", False)]
    # athletics-doping-ban-federation-statements: حاكم is a title; the description stays whole.
    text = "وقال حاكم مقاطعة الوادي المتصدع، التي تنتمي إليها العداءة، إن القرار «ضربة قاسية لرياضة البلاد»."
    assert _speakers(text) == [("حاكم مقاطعة الوادي المتصدع", False)]


def test_a_hospital_named_after_a_person_and_a_parenthesis_in_a_title() -> None:
    # hardwrapped-doctors-strike-maghrebi-dialect and locust-swarms-fao-representative (check #3).
    text = "وقال مدير مستشفى ابن سينا إن قسم الطوارئ وحده يعمل بطاقم كامل."
    assert _speakers(text) == [("مدير مستشفى ابن سينا", False)]
    text = (
        "حذرت ممثلة منظمة الأغذية والزراعة (فاو) في البلاد رنا الأيوبي من أن أسراب الجراد «قد تلتهم ثلث "
        "محصول القمح» في المحافظات الجنوبية."
    )
    assert [u for _, u in _speakers(text)] == [True]


def test_kin_titles_plural_descriptions_and_names_in_alif_maqsura() -> None:
    # journalist-trial-rsf-lawyer-judge: «زوجته سلمى» (سلمى read as a nisba in ي); locust-swarms-…:
    # «مزارعون» cut from its place.
    text = "وقالت زوجته سلمى حداد للصحفيين أمام المحكمة إن أطفالها «لم يروا والدهم منذ أربعة أشهر»."
    assert _speakers(text) == [("سلمى حداد", False)]
    text = "وقال مزارعون في قرية التلال إن الجراد «أكل الزرع كله بليلة وحدة، وما ضل إلنا شي»."
    assert _speakers(text) == [("مزارعون في قرية التلال", False)]


def test_a_womans_name_in_la_is_no_li_phrase() -> None:
    # teachers-strike-minister-union-rebuttal: «ليلى» was read as ل + noun, so the whole chain and
    # name were shown as the speaker.
    text = "وقالت وزيرة التربية والتعليم ليلى المصري إن مطالب النقابة «تفوق قدرة الموازنة بكثير»."
    assert _speakers(text) == [("ليلى المصري", False)]


def test_descriptions_of_sources_stay_whole() -> None:
    # fintech-ipo-ceo-hyphenated-interview, heatwave-camps-who-director-levantine and the external
    # articles (قالت جماعة مدافعة عن حقوق الإنسان): the complement of the description was cut.
    cases = {
        "وقال مصدر مطلع على الصفقة إن صندوقا سياديا خليجيا يتفاوض لشراء حصة 10 في المئة.": "مصدر مطلع على الصفقة",
        "وقالت ممرضة في العيادة الميدانية، فضلت عدم ذكر اسمها، إن العيادة تستقبل يوميا أكثر من مئتي مريض.": (
            "ممرضة في العيادة الميدانية"
        ),
        "قالت جماعة مدافعة عن حقوق الإنسان ، إن الولايات المتحدة أرسلت سرا عشرات المعتقلين.": (
            "جماعة مدافعة عن حقوق الإنسان"
        ),
    }
    for text, speaker in cases.items():
        assert _speakers(text) == [(speaker, False)], text


def test_the_statement_and_the_source_refer_back() -> None:
    # fuel-prices-joint-statement-unions: «وأوضح البيان» gave البيان after «في بيان مشترك».
    text = (
        "أعلنت وزارة الطاقة، في بيان مشترك اليوم الاثنين، رفع أسعار الوقود بنسبة 12 في المئة اعتبارا من "
        "الشهر المقبل. وأوضح البيان أن الزيادة «ضرورية لتقليص عجز الموازنة» وأنها لن تشمل غاز الطهي."
    )
    assert _speakers(text) == [("وزارة الطاقة", False), ("وزارة الطاقة", False)]
    # market-blast-security-sources-gulf-dialect: «وأضاف المصدر» gave المصدر.
    text = (
        "قال مصدر أمني إن انفجارا بعبوة ناسفة وقع صباح اليوم السبت في سوق شعبي وسط المدينة. وأضاف "
        "المصدر، الذي طلب عدم نشر اسمه، أن العبوة «كانت مخبأة داخل عربة خضار»."
    )
    assert _speakers(text) == [("مصدر أمني", False), ("مصدر أمني", False)]


def test_a_document_with_no_issuer_is_no_speaker() -> None:
    # Written here: with no issuer named, the document itself was given as the speaker.
    text = "وبحسب إحصاءات حديثة، فإن عدد العاطلين عن العمل ارتفع إلى مليون شخص."
    assert [u for _, u in _speakers(text)] == [True]
    text = "ونشر الموقع خبرا عن الحادث. وقال التقرير إن الشرطة اعتقلت ثلاثة أشخاص في الحي."
    assert _speakers(text)[-1][1] is True
    # The issuer named by أصدر (external articles: «وأصدرت منظمة … تقريرا … وقال التقرير»).
    text = (
        "وأصدرت منظمة مراقبة حقوق الإنسان تقريرا يقع في 53 صفحة. وقال التقرير إن مصر كانت الدولة الأولى "
        "في استقبال المعتقلين."
    )
    assert _speakers(text) == [("منظمة مراقبة حقوق الإنسان", False)]
    text = "وقال التقرير السنوي الذي أصدرته اللجنة الوطنية لحقوق الإنسان إن الشكاوى ارتفعت إلى 149 شكوى."
    assert _speakers(text) == [("اللجنة الوطنية لحقوق الإنسان", False)]


def test_the_relayed_saying_is_no_name() -> None:
    # fintech-ipo-ceo-hyphenated-interview: «قوله» was read as a named spokesman.
    text = (
        "ونقلت وكالة «رويترز» عن متحدث باسم هيئة الأوراق المالية قوله إن الهيئة «لم تتلق أي طلب رسمي بعد»."
    )
    [claim] = _drafts(text)
    assert claim.speaker_ar != "قوله"
    assert claim.speaker_ar == "هيئة الأوراق المالية" or claim.unresolved


def test_an_unread_definite_subject_before_an_adjunct() -> None:
    # heatwave-camps-who-director-levantine: the Red Crescent's claim went to the man quoted before.
    text = (
        "من جهته، قال مدير المخيم أبو خليل إن السكان «بيعيشوا تحت الشوادر من سنتين». وأعلن الهلال "
        "الأحمر في بيان أنه سيفتح ثلاث نقاط طبية جديدة قبل نهاية الأسبوع."
    )
    assert _speakers(text)[-1] == ("الهلال الأحمر", False)


def test_a_bare_title_is_the_one_person_named_with_it() -> None:
    # hardwrapped-football-coach-egyptian-dialect: «وأضاف المدرب البالغ من العمر 52 عاما».
    text = (
        "أعلن النادي التعاقد مع المدرب البرتغالي جواو-بيدرو ألفيش لقيادة الفريق. وقال ألفيش إن هدفه "
        "«المنافسة على اللقب من الموسم الأول». وأضاف المدرب البالغ من العمر 52 عاما أنه شاهد «كل "
        "مباريات الفريق في الدور الأول»."
    )
    assert _speakers(text)[-2:] == [("جواو-بيدرو ألفيش", False), ("جواو-بيدرو ألفيش", False)]
    # Two coaches named: the bare title could be either.
    text = (
        "وقال مدرب النجوم سامي عيد إن فريقه جاهز للمباراة. وقال مدرب الشعلة فادي حنا إن لاعبيه "
        "متعبون جدا. وقال المدرب إن الملعب لم يكن جاهزا للمباراة."
    )
    assert _speakers(text)[-1][1] is True


def test_a_coordinated_subject_is_not_carried_to_a_singular_follow_up() -> None:
    # Written here: two bodies call together; «وأكد» cannot be both of them.
    text = (
        "ودعا مجلس الأمن وإدارة الإغاثة الدولية إلى فتح الممرات الإنسانية فورا. "
        "وأكد أن الوضع خطير للغاية في المدينة."
    )
    assert _speakers(text)[-1][1] is True


def test_adverbs_and_masdars_after_the_subject_do_not_make_it_doubtful() -> None:
    # External articles: «واكدت الوكالة … اكثر من مرة ان»، «أكدت السعودية حرصها على ضرورة …».
    text = "وأكدت الوكالة الدولية للطاقة الذرية أكثر من مرة أن طهران حافظت على التزاماتها بموجب الاتفاق."
    assert _speakers(text) == [("الوكالة الدولية للطاقة الذرية", False)]
    text = "أكدت السعودية حرصها على ضرورة تعزيز الإصلاحات في هيكل النظام المالي الدولي."
    assert _speakers(text) == [("السعودية", False)]


# Fourth pass: held-out check #4 (seeds/dev/, scored before these rules were written). Each sentence is
# from one of those articles; the engine gave a confident wrong speaker for each.


def test_a_bi_complement_read_as_the_name_is_unresolved() -> None:
    # constitutional-court-ruling-judge-lawyer-rebuttal: «بتنفيذ الحكم» was given as the lawyer's name (now the
    # candidate is the title phrase that swallowed the object, and unresolved).
    text = "ورحب المحامي عمر الدباغ بالقرار. وطالب المحامي النيابة العامة بتنفيذ الحكم فورا."
    assert _speakers(text)[-1] == ("المحامي النيابة العامة", True)
    # A name that opens with ب stays a name when a later بـ word is the complement.
    text = "وطالب النائب بسام الخطيب الحكومة بكشف أرقام العجز أمام البرلمان."
    assert _speakers(text) == [("بسام الخطيب", False)]
    # A bare title before a بـ complement is no name: «بوقف إطلاق النار» was given as the speaker.
    text = "وطالب الأمين العام بوقف إطلاق النار فورا ودون شروط مسبقة."
    assert _speakers(text) == [("الأمين العام", False)]


def test_a_definite_title_followed_by_its_object_is_unresolved() -> None:
    # A definite title cannot govern the definite noun after it: «النيابة العامة» is the object.
    text = "وطالب المحامي النيابة العامة بالإفراج عن موكله فورا ودون كفالة."
    assert _speakers(text) == [("المحامي النيابة العامة", True)]
    # A title and its adjective stay one phrase.
    text = "وطالب الرئيس الفرنسي بفتح تحقيق مستقل في الحادث خلال أسبوع."
    assert _speakers(text) == [("الرئيس الفرنسي", False)]


def test_a_description_before_a_title_and_name_is_unresolved() -> None:
    # film-festival-director-actress-critics-typos: the description was read as a name, the actress
    # named after it was not.
    text = "وقالت بطلة الفيلم الممثلة سلوى عيسى إنها تدربت ستة أشهر على لهجة أهل الجبل."
    assert _speakers(text) == [("بطلة الفيلم", True)]


def test_a_one_word_name_before_a_name_in_guillemets_is_unresolved() -> None:
    # film-festival-director-actress-critics-typos: the title chain stopped at «مهرجان»; the festival's
    # name in guillemets and the director's name followed.
    text = "وقال مدير مهرجان «الساحل» خالد منصور ان الدورة تضم 64 فيلما من 23 دولة."
    assert _speakers(text) == [("مهرجان", True)]


def test_a_phrase_that_ends_on_a_construct_head_is_unresolved() -> None:
    # missing-teacher-husband-kin-titles (written after check #4 for this kind): the kin title stopped
    # before its genitive, and the husband's name in apposition was not read.
    text = "وقال زوج المعلمة المفقودة، أحمد سليمان، إن الشرطة «لم تتصل به منذ صباح الأحد»."
    assert _speakers(text) == [("زوج", True)]
    # A definite time word after a source is no genitive.
    text = "وقال مسؤول في وزارة الداخلية إن التحقيق ما زال في بدايته ولم يتهم أحدا."
    assert _speakers(text) == [("مسؤول في وزارة الداخلية", False)]


# After held-out check #5 (seeds/dev/, scored before these two rules; the rules are in-sample for it).


def test_a_one_word_name_governing_a_genitive_chain_is_unresolved() -> None:
    # budget-vote-speaker-opposition-mp-rebuttal: «مقرر», a title the lexicon lacks, was read as a name.
    text = (
        "وقال مقرر لجنة المالية، النائب وليد عبد الرحمن، إن اللجنة خفضت النفقات الجارية بنسبة أربعة في "
        "المئة."
    )
    assert _speakers(text) == [("مقرر", True)]
    # A surname the article repeats is a name, and its object may follow (ودعا الشامي أولياء الأمور).
    text = (
        "قال الوزير سامي الشامي إن الحملة بدأت في كل المحافظات. "
        "ودعا الشامي أولياء الأمور إلى تطعيم أطفالهم في المراكز الصحية."
    )
    assert _speakers(text) == [("سامي الشامي", False), ("سامي الشامي", False)]


def test_an_unnamed_spokesperson_before_a_parenthesis_is_unresolved() -> None:
    # refugee-camp-winter-unhcr-sudanese-dialect: the spokeswoman's name came after the parenthesis and
    # a comma; her agency was given as the speaker.
    text = (
        "وقالت المتحدثة باسم المفوضية السامية للأمم المتحدة لشؤون اللاجئين (مفوضية اللاجئين) في البلاد، "
        "جمانة الحسن، إن المفوضية وزعت ألفي بطانية خلال يومين."
    )
    assert _speakers(text) == [("المفوضية السامية للأمم المتحدة لشؤون اللاجئين", True)]
