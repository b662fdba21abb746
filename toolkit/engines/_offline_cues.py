"""Lexicons of the offline engine: reporting verbs, titles, institutions, places, stop words.

Every entry is written in ordinary Arabic spelling and folded at import with `toolkit.arabic.fold_text`
(the same folding the engine applies to the article), so hamza, alef, ya and ta-marbuta variants
match without being listed. Lookups are single-token dictionary hits, which keeps the engine fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.arabic import fold_text
from toolkit.schema import ClaimKind

# Complement introducers a reporting verb accepts (see `_offline_claims._complement`).
AN = "an"  # أن / إن / بأن / أنه ... (a complement clause)
COLON = "colon"  # قال: «...»
QUOTE = "quote"  # قال «...» (a quotation right after the verb or its subject)
ILA = "ila"  # أشار إلى أن / دعا إلى
ALA = "ala"  # حض على / شدد على
MIN = "min"  # حذر من
AN_PREP = "an_prep"  # كشف عن / أعرب عن
BI = "bi"  # طالب بـ / تعهد بـ
ANY = "any"  # a direct object: نفى الخبر، اتهم الحكومة

_SAY = frozenset({AN, COLON, QUOTE})


@dataclass(frozen=True)
class Verb:
    """A reporting verb form.

    Attributes:
        lemma: The past-tense 3rd person masculine form, folded (for tests and debugging).
        kind: The claim kind the verb signals.
        intro: Complement introducers the verb accepts; without one, the verb is not reporting speech.
        participle: An active participle or masdar (مشيراً، مؤكدةً، بالإشارة): it has no subject of its
            own and takes the speaker of the clause it hangs on.
        inner_only: Only counts inside another speaker's reported complement (أبرز، تحدث، عبّر):
            on its own it is narration, not speech.
        clitic: The form carries an object pronoun (واتهمها، وطالبه): a بـ complement right after it
            leaves the subject a pronoun too.
    """

    lemma: str
    kind: ClaimKind
    intro: frozenset[str]
    participle: bool = False
    inner_only: bool = False
    clitic: bool = False


# (kind, introducers, finite forms, participles). Forms are as written; و/ف prefixes are added below.
# Deliberately absent: يعد (يُعدّ "is considered"), تبين ("it turned out"), present يذكر (يُذكر أن, the
# journalist's "it is worth noting"), and زاد/تابع/ختم without a colon or quotation ("increased",
# "followed", "concluded").
_VERBS: list[tuple[ClaimKind, frozenset[str], str, str]] = [
    ("statement", _SAY, "قال قالت قالوا قالا يقول تقول يقولون", "قائلا قائلة قائلين"),
    ("statement", _SAY, "أضاف أضافت أضافوا أضافا يضيف تضيف يضيفون", "مضيفا مضيفة"),
    ("statement", _SAY | {ALA}, "أكد أكدت أكدوا أكدا يؤكد تؤكد يؤكدون", "مؤكدا مؤكدة"),
    ("statement", _SAY, "أوضح أوضحت أوضحوا يوضح توضح", "موضحا موضحة"),
    ("statement", _SAY | {ILA}, "أشار أشارت أشاروا يشير تشير", "مشيرا مشيرة"),
    ("report", _SAY | {ILA}, "أفاد أفادت أفادوا يفيد تفيد", "مفيدا"),
    ("assessment", _SAY, "اعتبر اعتبرت اعتبروا يعتبر تعتبر يعتبرون", "معتبرا معتبرة"),
    ("assessment", frozenset({AN}), "رأى رأت رأوا يرى ترى يرون", ""),
    ("denial", _SAY | {ANY}, "نفى نفت نفوا ينفي تنفي", "نافيا نافية"),
    ("denial", _SAY | {ANY}, "كذب كذبت", ""),
    ("warning", _SAY | {MIN}, "حذر حذرت حذروا يحذر تحذر", "محذرا محذرة"),
    ("call", _SAY | {ILA, BI}, "دعا دعت دعوا يدعو تدعو", "داعيا داعية"),
    ("call", frozenset({ALA, AN}), "حض حضت يحض تحض حث حثت يحث تحث", "حاثا"),
    ("call", _SAY | {BI}, "طالب طالبت طالبوا يطالب تطالب يطالبون", "مطالبا مطالبة"),
    ("report", _SAY | {AN_PREP, ANY}, "أعلن أعلنت أعلنوا يعلن تعلن", "معلنا معلنة"),
    ("report", frozenset({AN}), "أبلغ أبلغت أبلغوا", "مبلغا"),
    # ردّ على X بأن…: a rebuttal; the speaker is the subject, never the one rebutted (after على).
    ("denial", frozenset({AN, COLON, QUOTE}), "رد ردت ردوا", "ردا"),
    ("report", frozenset({AN, AN_PREP}), "كشف كشفت يكشف تكشف", "كاشفا كاشفة"),
    ("statement", frozenset({AN}), "زعم زعمت زعموا يزعم تزعم", "زاعما"),
    ("statement", _SAY | {ALA}, "شدد شددت شددوا يشدد تشدد", "مشددا مشددة"),
    ("statement", frozenset({ILA, AN}), "لفت لفتت يلفت تلفت", "لافتا لافتة"),
    ("statement", frozenset({COLON, QUOTE, AN}), "تابع تابعت ختم ختمت", ""),
    ("statement", frozenset({COLON, QUOTE}), "زاد زادت", ""),
    ("accusation", _SAY | {ANY}, "اتهم اتهمت اتهموا يتهم تتهم", "متهما متهمة"),
    ("warning", _SAY | {ANY, BI}, "هدد هددت هددوا يهدد تهدد", "مهددا مهددة"),
    ("promise", _SAY | {BI}, "وعد وعدت", "واعدا"),
    ("promise", _SAY | {BI}, "تعهد تعهدت تعهدوا يتعهد تتعهد", "متعهدا متعهدة"),
    ("denial", _SAY | {ANY}, "رفض رفضت رفضوا يرفض ترفض", "رافضا رافضة"),
    ("statement", frozenset({ILA, BI, AN}), "نوه نوهت ينوه", "منوها"),
    ("statement", _SAY | {BI}, "صرح صرحت يصرح", "مصرحا"),
    ("statement", frozenset({AN}), "بين بينت يبين", "مبينا مبينة"),
    ("statement", frozenset({AN}), "ذكر ذكرت ذكروا", "ذاكرا"),
    ("statement", frozenset({AN, BI}), "أقر أقرت", "مقرا"),
    ("assessment", frozenset({AN}), "توقع توقعت يتوقع تتوقع رجح رجحت يرجح ترجح", "متوقعا متوقعة مرجحا مرجحة"),
    ("statement", frozenset({AN_PREP}), "أعرب أعربت يعرب تعرب", "معربا معربة"),
    # نقل X عن Y أن…: Y is the speaker, X (an outlet) the channel; see `_offline_claims._relayed`.
    ("report", frozenset({AN, COLON, QUOTE}), "نقل نقلت", "ناقلا ناقلة"),
]

# Speech verbs that only count inside a statement's reported complement («أبرز ضرورة…»، تحدث بوتين عن…).
_INNER: list[tuple[ClaimKind, frozenset[str], str]] = [
    ("call", frozenset({ANY}), "أبرز أبرزت"),
    ("statement", frozenset({AN_PREP}), "عبر عبرت"),
    ("report", frozenset({AN_PREP}), "تحدث تحدثت"),
]

# Masdar cues that hang on the statement or speaker before them (اكتفى بيان … بالإشارة إلى أن).
_MASDAR: list[tuple[ClaimKind, str]] = [("statement", "بالإشارة"), ("statement", "بالقول")]


_TRANSITIVE = frozenset({"accusation", "call", "warning", "promise"})


def _build_verbs() -> dict[str, Verb]:
    table: dict[str, Verb] = {}

    def add(form: str, verb: Verb) -> None:
        folded = fold_text(form)
        for prefix in ("", "و", "ف"):
            table.setdefault(prefix + folded, verb)

    for kind, intro, finite, participles in _VERBS:
        lemma = fold_text(finite.split()[0])
        for form in finite.split():
            add(form, Verb(lemma, kind, intro))
            if kind in _TRANSITIVE and not form.endswith(("وا", "ون")):
                for clitic in ("ه", "ها", "هم"):  # واتهمه بـ…، وطالبها بـ…: the object is a pronoun
                    add(
                        form.rstrip("ا") + ("ا" if form.endswith("ا") else "") + clitic,
                        Verb(lemma, kind, intro, clitic=True),
                    )
        for form in participles.split():
            add(form, Verb(lemma, kind, intro, participle=True))
    for kind, intro, forms in _INNER:
        for form in forms.split():
            add(form, Verb(fold_text(forms.split()[0]), kind, intro, inner_only=True))
    for kind, form in _MASDAR:
        add(form, Verb(fold_text(form), kind, frozenset({ILA, AN}), participle=True))
    return table


VERBS: dict[str, Verb] = _build_verbs()
"""Folded word form (with optional و/ف prefix) → reporting verb."""


def _folded_set(words: str) -> frozenset[str]:
    return frozenset(fold_text(w) for w in words.split())


#: Complementizers that open a reported clause (أنّ/إنّ/أن folded together to ان).
COMPLEMENTIZERS = _folded_set(
    "أن إن أنه إنه أنها إنها أنهم إنهم أنهما أننا إننا أنني إنني بأن بأنه بأنها بأنهم"
)

#: Clause openers a subject-before-verb (SVO) search stops at.
CLAUSE_OPENERS = COMPLEMENTIZERS | _folded_set(
    "فإن وإن لأن كما ثم حيث بينما فيما لكن ولكن وقد قد إذ أما وأما "
    # A conjunction carrying the subject pronoun (لكنه أقر بأن…): the subject is the one before.
    "لكنه لكنها لكنهم ولكنه ولكنها ولكنهم"
)

#: Auxiliaries between a clause opener and an SVO subject (وكانت الرئاسة الفرنسية أكدت).
AUXILIARIES = _folded_set("كان كانت وكان وكانت كانوا وكانوا قد وقد لقد ولقد")

#: Heads of a person's title. A title is a head plus its genitive/adjective chain (رئيس الأركان الفرنسي).
TITLE_HEADS = _folded_set(
    "رئيس رئيسة الرئيس الرئيسة وزير وزيرة الوزير الوزيرة نائب نائبة النائب النائبة محافظ محافظة "
    "المحافظ المحافظة الجنرال العميد اللواء العقيد المشير الفريق الأدميرال السفير السفيرة سفير سفيرة "
    "المتحدث المتحدثة الناطق الناطقة متحدث ناطق المستشار المستشارة مستشار مستشارة الأمين أمين مدير "
    "مديرة المدير المديرة الخبير الخبيرة خبير المحلل المحللة الملك الأمير الشيخ قائد القائد زعيم الزعيم "
    "عضو العضو المبعوث مبعوث المبعوثة المندوب مندوب رئيسا الدكتور الدكتورة د المهندس النائبان "
    "المسؤول مسؤول المسؤولة مفوض المفوض المفوضة عميد عمدة رئيسي ممثل ممثلة الممثل الممثلة مدرب المدرب "
    "وزيرا المندوبة مندوبة المدعي مدعي المدعية المحامي المحامية محامي محامية القاضي القاضية قاضي "
    "المقدم الرائد النقيب الملازم المواطن المواطنة مواطن مواطنة الدكتورة الأستاذ الأستاذة المديرة "
    "رئيسة العالمة الباحث الباحثة مدير المشرف مشرف "
    # Professions and kin that stand before a name like a title (اختصاصية العلاج الطبيعي الدكتورة هند،
    # ابنته ريما): with no name after them they are the speaker's description.
    "اختصاصي اختصاصية الاختصاصي الاختصاصية أخصائي أخصائية طبيب طبيبة الطبيب الطبيبة أستاذ أستاذة "
    "المهندسة الكاتب الكاتبة الصحفي الصحفية الروائي وكيل الوكيل وكيلة المنسق المنسقة منسق منسقة "
    "ابنه ابنته نجله نجلها زوجته زوجها شقيقه شقيقته شقيقها والده والدته والدها "
    "متحدثا ناطقا متحدثة ناطقة رجل سيدة "
    # Heads of common news titles and professions (نقيب المحامين، كبير المفاوضين، حاكم الولاية، ممرضة في
    # العيادة، مزارع من القرية).
    "نقيب حاكم الحاكم كبير ممرض الممرض مزارع المزارع تاجر التاجر سائق السائق معلم المعلم "
    "مدربه مدربها محاميه محاميها "
    # A possessed noun before a name in apposition (جارتها أوستيريا، حليفها الأميركي، نظيره الروسي …).
    "جارتها جارها جارتيها حليفتها حليفها حليفه نظيره نظيرته نظيرتها نظيرها"
)


#: Feminine titles that are also common women's names: never read as a title (د. أميرة حنا).
_NAMES_TOO = _folded_set("أميرة شيخة ملكة")


def _with_feminine(words: frozenset[str]) -> frozenset[str]:
    # قائد → قائدة، زعيم → زعيمة: every masculine title also heads a woman's title (folded ة is ه).
    fem = {w + "ه" for w in words if len(w) >= 3 and not w.endswith(("ه", "ا", "ي"))}
    return words | (fem - _NAMES_TOO)


TITLE_HEADS = _with_feminine(TITLE_HEADS)

#: Spokespeople: the claim is the institution's, reported through them.
SPOKES_HEADS = _folded_set("المتحدث المتحدثة الناطق الناطقة متحدث ناطق متحدثا ناطقا متحدثة ناطقة")

#: Heads of an institution's name (وزارة الخارجية، اتحاد الغرف التجارية، لجنة السياسة النقدية).
INSTITUTION_HEADS = _folded_set(
    "وزارة الوزارة الحكومة حكومة الرئاسة رئاسة الجيش جيش مجلس المجلس اتحاد الاتحاد لجنة اللجنة "
    "هيئة الهيئة منظمة المنظمة حركة الحركة حزب الحزب الشرطة شرطة البنك بنك المكتب مكتب الديوان ديوان "
    "مصلحة دائرة جامعة الجامعة محكمة المحكمة النيابة القيادة قيادة البرلمان برلمان الخارجية الداخلية "
    "الدفاع صندوق الصندوق وكالة الوكالة شركة الشركة مؤسسة المؤسسة مركز المركز البلدية بلدية نقابة النقابة "
    "جمعية الجمعية التحالف تحالف السفارة سفارة القوات مديرية المديرية كتلة الكتلة مرصد المرصد "
    "نادي النادي مفوضية المفوضية ائتلاف الائتلاف جبهة الجبهة تيار التيار مستشفى المستشفى غرفة الغرفة "
    "مصرف المصرف سلطة السلطة السلطات سلطات إدارة الإدارة صحيفة الصحيفة قناة القناة مجلة المجلة "
    "التلفزيون تلفزيون الإذاعة إذاعة التلفزة تنظيم التنظيم جماعة الجماعة الأكاديمية أكاديمية "
    "المعهد معهد البرنامج برنامج جهاز الجهاز"
)

#: Anonymous sources (مصدر في الوزارة، مسؤول أميركي): kept with their qualifier as the speaker.
SOURCE_HEADS = _folded_set(
    "مصدر مصادر المصدر مسؤول مسؤولون مسؤولين شهود مراقبون محللون خبراء شاهد ناشطون ناشطين ناشط "
    "سكان شقيق شقيقة والد والدة زوج زوجة أحد إحدى أقارب عائلة "
    # Indefinite descriptions that speak like sources (جماعة حقوقية، تقارير إعلامية، قيادي في الحزب،
    # جنرال متقاعد) and quantified groups (كثير من السكان، بعض الناشطين).
    "جماعة جماعات تقارير أنباء قيادي قياديون قياديين جنرال دبلوماسي دبلوماسيون دبلوماسيين "
    "كثير كثيرون عدد بعض معظم غالبية"
)

#: Statements and other channels of reported speech.
STATEMENT_WORDS = _folded_set(
    "بيان البيان بيانا ببيان وبيان بيانات تقرير التقرير إحصاءات أرقام دراسة الدراسة وثيقة الوثيقة تقديرات"
)
CHANNEL_WORDS = _folded_set(
    "بيان البيان تقرير التقرير وكالة وكالة صحيفة الصحيفة موقع قناة تلفزيون التلفزيون إذاعة مصادر مصدر "
    "وثيقة الوثيقة رسالة تصريح تصريحات مقابلة حديث مؤتمر"
)

#: Source phrases: وفق/وفقاً لـ/بحسب/حسب/نقلاً عن/طبقاً لـ.
SOURCE_WORDS = _folded_set("وفق ووفق وفقا ووفقا بحسب وبحسب حسب وحسب نقلا ونقلا طبقا وطبقا")

#: Words that may follow a title head inside a title without starting with ال.
TITLE_LINKS = _folded_set("باسم عام العام للأمم الأعلى الأول")

#: Words that never belong to a name: particles, prepositions, time words, pronoun-suffixed objects.
STOP = _folded_set(
    "في من إلى على عن مع بعد قبل خلال عند حول ضد منذ حتى أمس اليوم غدا أيضا كذلك ثم لكن بل أو أم "
    "إن أن لا لم لن ما ماذا هذا هذه ذلك تلك الذي التي الذين هو هي هم نحن أنا هما وهو وهي إذا لو كل "
    "بعض غير أي نظيره نظيرته نظيريه نظراءه نظيرها نظيرهم حكومته حكومتها بلاده بلادها له لها لهم به بها "
    "عليه عليها فيه فيها منه منها عنه عنها إليه إليها بان بأن إنه أنه الذي صباح مساء يوم الأحد "
    "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت هاتفيا هاتفي أنباء رسميا مجددا بدوره بدورها جهته جهتها "
    "الأسبوع الشهر العام السنة الماضي المقبل الحالي الجاري وذلك بلا شك عبر لدى "
    "عدم طلب الكشف ونظيره اسمه اسمها وحكومته الطرفين الجانبين الجانب الطرف "
    "أمام خلف وراء تجاه نحو إزاء قرب بين دون ضمن فوق تحت أيضا مرة لكنه لكنها لكنهم ولكنه ولكنها"
)

#: Institutions (folded → display form as commonly written). Precision over recall.
_MULTI_INSTITUTIONS = [
    "البيت الأبيض",
    "الأمم المتحدة",
    "مجلس الأمن",
    "الاتحاد الأوروبي",
    "حلف الناتو",
    "حلف شمال الأطلسي",
    "الجامعة العربية",
    "جامعة الدول العربية",
    "صندوق النقد الدولي",
    "البنك الدولي",
    "البنك المركزي",
    "منظمة الصحة العالمية",
    "الصليب الأحمر",
    "الرئاسة الفرنسية",
    "الرئاسة الروسية",
    "الرئاسة المصرية",
    "تنظيم داعش",
    "حزب الله",
    "الجيش الإسرائيلي",
    "الجيش السوري",
    "مجلس الوزراء",
    "مجلس النواب",
]
_SINGLE_INSTITUTIONS = ["الكرملين", "الإليزيه", "البنتاغون", "البرلمان", "أوبك", "داعش", "حماس", "الحكومة"]
INSTITUTIONS = {fold_text(n): n for n in _MULTI_INSTITUTIONS + _SINGLE_INSTITUTIONS}

#: Institutions that a statement or spokesperson speaks for (بيان للإليزيه → الإليزيه).
INSTITUTION_ALIASES: dict[str, str] = {fold_text("للإليزيه"): "الإليزيه", fold_text("للكرملين"): "الكرملين"}

#: Countries and cities (folded → display). Precision over recall: only unambiguous names.
PLACES: dict[str, str] = {
    fold_text(n): n
    for n in [
        "سورية",
        "سوريا",
        "روسيا",
        "فرنسا",
        "إيران",
        "تركيا",
        "العراق",
        "لبنان",
        "الأردن",
        "مصر",
        "السعودية",
        "الإمارات",
        "قطر",
        "الكويت",
        "البحرين",
        "عمان",
        "اليمن",
        "ليبيا",
        "تونس",
        "الجزائر",
        "المغرب",
        "السودان",
        "فلسطين",
        "إسرائيل",
        "أميركا",
        "أمريكا",
        "الولايات",
        "المتحدة",
        "بريطانيا",
        "ألمانيا",
        "إيطاليا",
        "إسبانيا",
        "الصين",
        "اليابان",
        "الهند",
        "باكستان",
        "أفغانستان",
        "أوكرانيا",
        "موسكو",
        "باريس",
        "واشنطن",
        "لندن",
        "برلين",
        "أنقرة",
        "طهران",
        "دمشق",
        "بيروت",
        "بغداد",
        "القاهرة",
        "الرياض",
        "الدوحة",
        "عمّان",
        "الكويت",
        "أبوظبي",
        "دبي",
        "غزة",
        "القدس",
        "حلب",
        "إدلب",
        "الغوطة",
        "الموصل",
        "بنغازي",
        "طرابلس",
        "الخرطوم",
        "صنعاء",
        "عدن",
        "الغوطة",
        "الشرقية",
        "كييف",
        "بكين",
        "جنيف",
        "نيويورك",
    ]
}
_MULTI_PLACES = ["الولايات المتحدة", "الغوطة الشرقية", "الضفة الغربية", "قطاع غزة"]
PLACES.update({fold_text(n): n for n in _MULTI_PLACES})
PLACES.pop(fold_text("الولايات"), None)
PLACES.pop(fold_text("المتحدة"), None)
PLACES.pop(fold_text("الشرقية"), None)

#: Content-word cues that turn a neutral verb's claim into a warning or a call.
WARNING_PHRASES = tuple(
    fold_text(p)
    for p in (
        "لن تتساهل",
        "لن نتساهل",
        "لن يتساهل",
        "لن يتردد",
        "لن نتردد",
        "لن تتردد",
        "رد حازم",
        "ردا حازما",
        "عواقب",
        "سيدفع الثمن",
        "ستدفع الثمن",
        "لن نسمح",
        "لن تسمح",
        "لن يسمح",
    )
)
CALL_PHRASES = tuple(fold_text(p) for p in ("ضرورة", "أبرز ضرورة", "يجب", "ينبغي"))

#: Conditional particles. إن is handled separately (it folds together with أنّ/إنّ).
CONDITIONAL_WORDS = _folded_set("إذا وإذا فإذا لو ولو")
NOT_CONDITIONAL_AFTER_IDHA = _folded_set("ما عما")  # ما إذا = "whether"
#: Words after which "في حال" / "بأي حال" is "in any case", not a condition.
ANY_CASE = _folded_set("أي كل")
#: Words that, right after a bare إن, make it conditional (إن لم، إن كان، إن ثبت...). إنّ before a
#: noun is the emphatic complementizer, so anything else is not conditional.
CONDITIONAL_IN_NEXT = _folded_set(
    "لم كان كانت كانوا تم ثبت تأكد استمر استمرت عاد عادت حدث وقع لزم اقتضت اقتضى أرادت أراد شاء قررت "
    "قرر واصل واصلت فشل فشلت رفض رفضت أقدم أقدمت تعرض تعرضت"
)

#: Arabic stop words for sentence centrality (folded). Small on purpose.
SUMMARY_STOP = _folded_set(
    "في من إلى على عن مع أن إن التي الذي الذين هذا هذه ذلك تلك كان كانت قد لم لن لا ما وقد وكان "
    "وكانت أو ثم كما بعد قبل خلال حول بين عند منذ حتى أيضا كل بعض غير هو هي هم و ف ب ل ك وفي "
    "وأن وإن بأن أنه إنه أنها إنها وهو وهي فيما بينما حيث إذ إذا لو قال وقال قالت وقالت أضاف وأضاف"
)
