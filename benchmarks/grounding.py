"""Benchmark folding, sentence splitting and grounding on the seed article and a 10k-word article.

Run: ``python benchmarks/grounding.py`` from the repository root. Prints one row per case with the
median of several runs (milliseconds) and how many quotes were found exact / fuzzy / not at all.
The synthetic article is built deterministically (fixed seed) from the sentences below.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.arabic import fold, split_sentences
from toolkit.grounding import Grounder

ROOT = Path(__file__).resolve().parents[1]
SEED_PATHS = [
    ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt",
    Path("/work/shared/seed-article/eastern-ghouta-macron-putin.txt"),
]

SUBJECTS = [
    "الرئيس الفرنسي",
    "وزير الخارجية الروسي",
    "المتحدث باسم الحكومة",
    "رئيس الوزراء العراقي",
    "الأمين العام للأمم المتحدة",
    "مصدر دبلوماسي في القاهرة",
    "قائد الجيش اللبناني",
    "وزيرة الاقتصاد الأردنية",
    "رئيس البنك المركزي",
    "المبعوث الأممي إلى اليمن",
]
VERBS = ["أكد", "أعلن", "أوضح", "نفى", "حذر من", "رحب بـ", "دعا إلى", "أشار إلى", "شدد على", "كشف عن"]
OBJECTS = [
    "أهمية استئناف المفاوضات السياسية",
    "ضرورة وقف إطلاق النار فوراً",
    "خطة لإعادة إعمار المناطق المتضررة",
    "ارتفاع معدل التضخم إلى ٧٫٥ في المئة",
    "توقيع اتفاق تجاري جديد مع الاتحاد الأوروبي",
    "إرسال مساعدات إنسانية إلى المدنيين",
    "تأجيل الانتخابات البرلمانية حتى إشعار آخر",
    "تشكيل لجنة تحقيق مستقلة في الحادث",
    "زيادة الإنفاق على التعليم والصحة",
    "عودة اللاجئين إلى قراهم قبل نهاية العام",
]
PLACES = ["في باريس", "في موسكو", "في بغداد", "في عمّان", "في بيروت", "في جنيف", "في الرياض", "في تونس"]
TIMES = ["أمس", "اليوم الأربعاء", "مساء الثلثاء", "في عام ٢٠١٨", "خلال الأسبوع الماضي", "صباح الأحد"]
QUOTED = [
    "«لن نسمح بتكرار ما حدث. سنعمل مع شركائنا»",
    "«الوضع الإنساني كارثي ويحتاج إلى تحرك عاجل»",
    "«نحن مستعدون للحوار من دون شروط مسبقة»",
]
FABRICATED = [
    "وقال ماكرون إن فرنسا ستنسحب من سورية فوراً",
    "وأعلن البنك الدولي إفلاس الحكومة بشكل كامل",
    "ورفض الرئيس الأميركي أي حوار مع الصين حول التجارة",
    "وتوقع المحللون انهيار العملة المحلية خلال أيام",
    "وقررت الحكومة إغلاق جميع المدارس حتى إشعار آخر",
]


def synthetic_article(words: int = 10_000, seed: int = 13) -> str:
    """Build a deterministic Arabic news-like article of about ``words`` words.

    Args:
        words: Target word count.
        seed: Random seed.

    Returns:
        The article, in paragraphs of a few sentences.
    """
    rng = random.Random(seed)
    sentences: list[str] = []
    count = 0
    while count < words:
        parts = [rng.choice(pool) for pool in (VERBS, SUBJECTS, PLACES, TIMES, OBJECTS)]
        s = "و" + " ".join(parts)
        if rng.random() < 0.2:
            s += f"، وقال: {rng.choice(QUOTED)}"
        s += "."
        sentences.append(s)
        count += len(s.split())
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs)


def _diacritize(text: str, rng: random.Random) -> str:
    marks = "\u064e\u064f\u0650\u0651\u0652\u064b"
    return "".join(c + (rng.choice(marks) if c.isalpha() and rng.random() < 0.4 else "") for c in text)


def make_quotes(article: str, n: int = 50, seed: int = 7) -> list[str]:
    """Quotes against ``article``: exact, spelling-altered, one-typo (fuzzy) and fabricated.

    Args:
        article: The article to quote from.
        n: Number of quotes (about 40% exact, 30% altered, 20% typo, 10% fabricated).
        seed: Random seed.

    Returns:
        The quotes.
    """
    rng = random.Random(seed)
    sentences = [s.text for s in split_sentences(article) if len(s.text.split()) >= 8]
    quotes: list[str] = []
    for i in range(n):
        words = rng.choice(sentences).split()
        k = rng.randint(5, min(12, len(words)))
        start = rng.randint(0, len(words) - k)
        q = " ".join(words[start : start + k])
        kind = i % 10
        if kind < 4:
            quotes.append(q)
        elif kind < 6:
            quotes.append(_diacritize(q, rng).replace("ا", "أ", 1))
        elif kind < 7:
            quotes.append(
                "«" + q.replace("ل", "لـ").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + "»"
            )
        elif kind < 9:
            cut = rng.randint(len(q) // 3, 2 * len(q) // 3)
            quotes.append(q[:cut] + q[cut + 1 :])  # one character dropped
        else:
            quotes.append(FABRICATED[i // 10 % len(FABRICATED)])
    return quotes


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench(name: str, article: str, quotes: list[str], runs: int = 15) -> dict[str, object]:
    """Time fold, segment and grounding of all quotes (fresh Grounder each run).

    Args:
        name: Case name for the table.
        article: The article.
        quotes: Quotes to ground.
        runs: Repetitions; the median is reported.

    Returns:
        One table row.
    """
    sentences = split_sentences(article)

    def ground_all() -> list[object]:
        g = Grounder(article, sentences)
        return [g.find(q) for q in quotes]

    def total() -> list[object]:
        g = Grounder(article)
        return [g.find(q) for q in quotes]

    spans = Grounder(article).find
    methods = [getattr(spans(q), "method", "none") for q in quotes]
    # "ground" includes the Grounder's own fold of the article; "total" is the end-to-end time.
    return {
        "case": name,
        "words": len(article.split()),
        "quotes": len(quotes),
        "fold ms": _median_ms(lambda: fold(article), runs),
        "segment ms": _median_ms(lambda: split_sentences(article), runs),
        "ground ms": _median_ms(ground_all, runs),
        "total ms": _median_ms(total, runs),
        "exact": methods.count("exact"),
        "fuzzy": methods.count("fuzzy"),
        "none": methods.count("none"),
    }


def main() -> None:
    """Print the benchmark table."""
    rows = []
    seed_path = next((p for p in SEED_PATHS if p.exists()), None)
    if seed_path is not None:
        seed = seed_path.read_text(encoding="utf-8")
        rows.append(bench("seed article", seed, make_quotes(seed)))
    big = synthetic_article()
    rows.append(bench("synthetic 10k", big, make_quotes(big)))
    headers = list(rows[0])
    print(" | ".join(f"{h:>13}" if i else f"{h:<14}" for i, h in enumerate(headers)))
    print("-" * (16 * len(headers)))
    for row in rows:
        cells = []
        for i, h in enumerate(headers):
            v = row[h]
            cell = f"{v:.2f}" if isinstance(v, float) else str(v)
            cells.append(f"{cell:>13}" if i else f"{cell:<14}")
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
