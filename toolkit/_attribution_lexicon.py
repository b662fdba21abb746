"""Word lists of `toolkit.attribution`: reporting cues, titles, institution heads, number words.

Written in ordinary Arabic spelling and folded at import (`toolkit.arabic.fold_text`), so hamza,
alef, ya and ta-marbuta variants match without being listed. Every lookup is one token (or a short
token sequence for source phrases), so the lists stay cheap for any engine's claims.
"""

from __future__ import annotations

from toolkit.arabic import fold_text


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold_text(w) for w in words.split())


def _with_conjunctions(words: frozenset[str]) -> frozenset[str]:
    # و "and" and ف "so" attach to the next word: وأضاف، فأكد، وقائلاً.
    return words | {p + w for w in words for p in ("و", "ف")}


# Finite forms (past and present, masculine, feminine, plural) of verbs that report speech.
# Left out on purpose because the bare form is far more often something else: بين ("between"),
# عبر ("via"), رد/ورد ("reply"/"came"; only the feminine ردت/وردّت is listed), يعد ("is
# considered"), ذكر alone ("male", "mention").
_FINITE = """
قال قالت قالوا قالا يقول تقول يقولون أضاف أضافت أضافوا يضيف تضيف أكد أكدت أكدوا أكدا يؤكد تؤكد يؤكدون
أوضح أوضحت أوضحوا يوضح توضح أشار أشارت أشاروا يشير تشير أفاد أفادت أفادوا يفيد تفيد اعتبر اعتبرت اعتبروا
يعتبر تعتبر رأى رأت رأوا يرى ترى نفى نفت نفوا ينفي تنفي كذبت حذر حذرت حذروا يحذر تحذر دعا دعت دعوا يدعو
تدعو حض حضت يحض تحض حث حثت يحث تحث طالب طالبت طالبوا يطالب تطالب يطالبون أعلن أعلنت أعلنوا يعلن تعلن
كشف كشفت يكشف تكشف زعم زعمت زعموا يزعم تزعم شدد شددت شددوا يشدد تشدد لفت لفتت يلفت تلفت تابع تابعت ختم
ختمت زاد زادت استطرد استطردت استدرك استدركت اتهم اتهمت اتهموا يتهم تتهم هدد هددت هددوا يهدد تهدد وعد
وعدت تعهد تعهدت تعهدوا يتعهد تتعهد رفض رفضت رفضوا يرفض ترفض نوه نوهت ينوه صرح صرحت يصرح بينت ذكرت ذكروا
أقر أقرت توقع توقعت يتوقع تتوقع رجح رجحت يرجح ترجح أعرب أعربت يعرب تعرب نقل نقلت أبلغ أبلغت نبه نبهت
ناشد ناشدت اقترح اقترحت اعترف اعترفت أبرز أبرزت تحدث تحدثت عبرت وصف وصفت علق علقت كتب كتبت غرد غردت
أبدى أبدت أوصى أوصت طمأن طمأنت جدد جددت حمل حملت أنكر أنكرت انتقد انتقدت ينتقد تنتقد ردت
"""

# Participles and masdars: no subject of their own, they hang on the speaker of the clause before.
_PARTICIPLES = """
قائلا قائلة مضيفا مضيفة مؤكدا مؤكدة موضحا موضحة مشيرا مشيرة مفيدا مفيدة معتبرا معتبرة نافيا نافية
محذرا محذرة داعيا داعية حاثا حاثة مطالبا مطالبة معلنا معلنة كاشفا كاشفة زاعما مشددا مشددة لافتا لافتة
متهما متهمة مهددا مهددة واعدا متعهدا متعهدة رافضا رافضة منوها منوهة مصرحا مبينا مبينة ذاكرا متوقعا
متوقعة مرجحا مرجحة معربا معربة مبديا مبدية معترفا معترفة مستدركا ناقلا ناقلة مطمئنا واصفا واصفة
معلقا معلقة مطالبين مؤكدين مشيرين محذرين داعين قائلين معتبرين رافضين متهمين معربين
بالإشارة بالقول قوله قولها قولهم بقوله بقولها
"""

#: Reporting-verb forms (with optional و/ف), folded. ذكر only with its conjunction (وذكر بيان…): bare,
#: it is as often the noun "mention" or "male"; يذكر أن is the journalist's aside.
VERBS: frozenset[str] = _with_conjunctions(_folded(_FINITE)) | _folded("وذكر فذكر")

#: Participle and masdar cues (with optional و/ف), folded.
PARTICIPLES: frozenset[str] = _with_conjunctions(_folded(_PARTICIPLES))

#: One-word source phrases: ووفق بيان، بحسب مصدر، حسبما أفاد.
SOURCE_WORDS: frozenset[str] = _with_conjunctions(_folded("وفق وفقا بحسب حسب حسبما طبقا"))

#: Two-word source phrases, as folded word pairs: نقلاً عن، على لسان.
SOURCE_PAIRS: frozenset[tuple[str, str]] = frozenset(
    (fold_text(a), fold_text(b))
    for a, b in [("نقلا", "عن"), ("ونقلا", "عن"), ("على", "لسان"), ("وعلى", "لسان")]
)

#: Title words stripped from the front of a name (رئيس الأركان الفرنسي الجنرال فرنسوا لوكوانتر).
TITLES: frozenset[str] = _folded(
    """
    رئيس رئيسة الرئيس الرئيسة وزير وزيرة الوزير الوزيرة نائب نائبة النائب النائبة محافظ المحافظ الجنرال
    العميد اللواء العقيد المشير الفريق السفير السفيرة المتحدث المتحدثة الناطق الناطقة متحدث ناطق المستشار
    المستشارة الأمين أمين مدير مديرة المدير المديرة الخبير الخبيرة المحلل الملك الأمير الشيخ القائد قائد
    زعيم الزعيم المبعوث مبعوث المندوب الدكتور الدكتورة د المهندس المسؤول مسؤول المفوض عميد عمدة ممثل ممثلة
    مدرب المدرب السيد السيدة الأستاذ الأستاذة القاضي القاضية المحامي المحامية العام الأول الأركان الخارجية
    الداخلية الدفاع المالية الصحة باسم عن
    محافظة المحافظة وزيرة الممثل الممثلة المبعوثة المندوبة الناطقة الأمينة النائبة الدبلوماسي الدبلوماسية
    الخبيرة محامي محامية المدعي الحاكم حاكم الإعلامي الإعلامية الصحفي الصحفية المديرة قائدة رئيسة
    """
)

#: Heads of institution names: their last word alone never names them (وزارة الصحة ≠ الصحة).
INSTITUTION_HEADS: frozenset[str] = _folded(
    """
    وزارة الوزارة هيئة الهيئة مجلس المجلس مكتب المكتب بنك البنك شركة الشركة منظمة المنظمة جامعة الجامعة
    حكومة الحكومة لجنة اللجنة وكالة الوكالة محكمة المحكمة اتحاد الاتحاد جمعية الجمعية حزب الحزب مؤسسة
    المؤسسة صندوق الصندوق مصدر مصادر المصدر المصادر بيان البيان رئاسة الرئاسة نقابة النقابة سلطة السلطة
    دائرة الدائرة مديرية المديرية قيادة القيادة جيش الجيش مركز المركز برنامج البرنامج إدارة الإدارة
    بلدية البلدية نادي النادي منتخب المنتخب غرفة الغرفة كتلة الكتلة حملة الحملة رابطة الرابطة حركة الحركة
    جبهة الجبهة تحالف التحالف ائتلاف الائتلاف مجموعة المجموعة جماعة الجماعة قوات القوات صحيفة الصحيفة
    قناة القناة موقع الموقع مستشفى المستشفى معهد المعهد منتدى المنتدى بعثة البعثة ديوان الديوان
    """
)

#: Answers meaning "the article does not say who said it" (an unresolved speaker), folded.
UNKNOWN_SPEAKERS: frozenset[str] = frozenset(
    fold_text(w).casefold()
    for w in [
        "",
        "غير معروف",
        "غير معروفة",
        "مجهول",
        "غير محدد",
        "غير مذكور",
        "unknown",
        "not stated",
        "unresolved",
        "none",
        "null",
        "n/a",
    ]
)

#: Words after a number that multiply it: 400 ألف = 400,000.
MULTIPLIERS: dict[str, float] = {
    **dict.fromkeys(("الف", "الاف", "thousand"), 1e3),
    **dict.fromkeys(("مليون", "ملايين", "million", "millions"), 1e6),
    **dict.fromkeys(("مليار", "مليارات", "billion", "billions", "bn"), 1e9),
}
