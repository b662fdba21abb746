"""Deterministic synthetic Arabic articles for batch tests and benchmarks.

The sentences below were WRITTEN for these tests (they are not from any outlet); articles are drawn
from them with a seeded RNG, and each carries its number so that no two articles are identical.
"""

from __future__ import annotations

import random

SENTENCES: tuple[str, ...] = (
    "أعلنت وزارة الصحة اليوم عن إطلاق حملة وطنية للتطعيم تشمل جميع المحافظات.",
    "وقال وزير الصحة في مؤتمر صحفي «إن الحملة ستستمر ثلاثة أسابيع وتستهدف مليوني طفل».",
    "وأكد المتحدث باسم الوزارة أن اللقاحات وصلت إلى المراكز الصحية في موعدها.",
    "وشهدت الأسواق المحلية ارتفاعاً في أسعار الخضار بسبب موجة الحر التي تضرب المنطقة.",
    "وقال رئيس غرفة التجارة «إن الأسعار ستعود إلى مستواها الطبيعي خلال أسبوعين».",
    "وأفادت الأرصاد الجوية بأن درجات الحرارة ستنخفض تدريجياً ابتداء من الأسبوع المقبل.",
    "ونفى مسؤول في وزارة المالية وجود أي نية لرفع الضرائب على السلع الأساسية.",
    "وحذر خبراء اقتصاديون من أن التضخم قد يتجاوز التوقعات إذا استمرت الأسعار في الارتفاع.",
    "ودعا البرلمان الحكومة إلى تقديم خطة واضحة لدعم الأسر ذات الدخل المحدود.",
    "وقالت رئيسة لجنة الموازنة «إن اللجنة ستعقد جلسة استماع للوزراء الأسبوع المقبل».",
    "وتعهدت الحكومة بزيادة مخصصات الدعم في موازنة العام المقبل.",
    "واعتبر محللون أن هذه الخطوة تأتي استجابة لضغوط الشارع.",
    "وفي سياق آخر، افتتح محافظ العاصمة مستشفى جديداً بسعة مئتي سرير.",
    "وقال المحافظ في كلمته «إن المستشفى سيخدم أكثر من نصف مليون نسمة في الأحياء الجنوبية».",
    "وأشار مدير المستشفى إلى أن الطاقم الطبي يضم مئة وخمسين طبيباً وممرضاً.",
    "وعلى صعيد التعليم، أعلنت الوزارة نتائج الامتحانات العامة بنسبة نجاح بلغت اثنين وثمانين بالمئة.",
    "وقال وزير التربية «إن النتائج تعكس تحسناً ملحوظاً مقارنة بالعام الماضي».",
    "واتهمت نقابة المعلمين الوزارة بتأخير صرف المستحقات المالية للمعلمين.",
    "وردت الوزارة بأن المستحقات ستصرف قبل نهاية الشهر الجاري.",
    "ويأتي ذلك في وقت تشهد فيه البلاد نقاشاً واسعاً حول إصلاح المنظومة التعليمية.",
)


def article(number: int, sentences: int = 8, *, extra: str = "") -> str:
    """Article `number`: `sentences` sentences drawn with a seeded RNG, plus its own numbered line."""
    rng = random.Random(number)
    body = [rng.choice(SENTENCES) for _ in range(sentences)]
    body.insert(1, f"وذكر التقرير رقم {number} أن المعطيات جمعت من مصادر رسمية.")
    if extra:
        body.append(extra)
    return " ".join(body)


def long_article(words: int = 20_000) -> str:
    """A deterministic article of about `words` words, in paragraphs of five sentences."""
    rng = random.Random(20_000)
    out: list[str] = []
    count, n = 0, 0
    while count < words:
        sentence = rng.choice(SENTENCES) if n % 7 else f"وفي الفقرة {n} من التقرير، عرض الكاتب تفاصيل إضافية."
        out.append(sentence + ("\n" if n % 5 == 4 else " "))
        count += len(sentence.split())
        n += 1
    return "".join(out).strip()
