"""Grounding accuracy on LLM-like edits of real quotes, and grounding speed on a 10k-word article.

Run: ``python benchmarks/grounding.py`` from the repository root (``--json`` for machine-readable
rows, ``--per-source`` for one table per article source).

Accuracy. From each article, excerpts of 4-14 consecutive words inside one sentence are taken
(deterministically, fixed seed; an excerpt whose folded text occurs twice in its article is skipped, so
its true span is unambiguous) and edited the way a model copies quotes:

- ``verbatim``: the excerpt as it is, edge punctuation included (a trailing «،» or «».» is part of it);
- spelling variants, which folding should absorb: ``hamza`` (أ/إ/آ ↔ ا), ``ya`` (final ي → ى),
  ``ta-marbuta`` (ة → ه), ``tashkeel`` (harakat added, or removed), ``digits`` (the other digit
  script), ``quote-marks`` (the excerpt wrapped in « » or “ ” that the article does not have there,
  or its « » written as "), ``tatweel``;
- one-word edits: ``word-dropped``, ``word-changed`` (another word of the article), ``word-added``,
  ``typo`` (a letter dropped, doubled or swapped), ``clitic-dropped`` (وقال → قال at the start);
- adversarial quotes that must never ground: ``negated`` (a negation inserted or removed),
  ``number-changed``, ``foreign`` (an excerpt of another article, or a fabricated sentence),
  ``trivial`` (one or two words, a fragment starting inside a word, a one-word ellipsis part).

For each kind the table gives the share accepted and the share whose span equals the excerpt's true
span exactly (``exact-offset``). Seeds are the project's test set; the external articles (EASC,
XL-Sum; read from ``../shared/``, never copied) are reported separately (``--per-source``).

Speed. 50 quotes (exact, spelling-altered, one-typo, fabricated) against a synthetic 10,000-word
article with one `Grounder` (built inside the timed region, article fold included), median and fastest
of 15 runs; also fold and sentence segmentation alone, and the seed article.

The case generator uses only its own tokenisation (not toolkit's segmentation), so the same cases can
be run against an older toolkit (`--baseline-note` labels such a run).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.arabic import fold, split_sentences  # noqa: E402
from toolkit.grounding import Grounder  # noqa: E402

EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "ar-news-human-summaries.jsonl"

# --- the synthetic 10k-word article (speed) --------------------------------------------------------

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


MARKS = "\u064e\u064f\u0650\u0651\u0652\u064b"


def _diacritize(text: str, rng: random.Random, rate: float = 0.4) -> str:
    return "".join(c + (rng.choice(MARKS) if c.isalpha() and rng.random() < rate else "") for c in text)


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


def _times_ms(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(_times_ms(fn, runs))


def bench_speed(name: str, article: str, quotes: list[str], runs: int = 15) -> dict[str, object]:
    """Time fold, segmentation and grounding of all quotes with one Grounder per run.

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
        g = Grounder(article, sentences)  # the Grounder's own fold of the article is included
        return [g.find(q) for q in quotes]

    found = ground_all()
    ground = _times_ms(ground_all, runs)
    return {
        "case": name,
        "words": len(article.split()),
        "quotes": len(quotes),
        "fold ms": _median_ms(lambda: fold(article), runs),
        "segment ms": _median_ms(lambda: split_sentences(article), runs),
        "ground ms": statistics.median(ground),
        # On a shared machine the median carries other jobs' load; the fastest run is the code's cost.
        "ground min ms": min(ground),
        "found": sum(1 for s in found if s is not None),
    }


# --- accuracy cases ---------------------------------------------------------------------------------

GROUPS = {
    "verbatim": ["verbatim"],
    "spelling": ["hamza", "ya", "ta-marbuta", "tashkeel", "digits", "quote-marks", "tatweel"],
    "one-word": ["word-dropped", "word-changed", "word-added", "typo", "clitic-dropped"],
    "adversarial": ["negated", "number-changed", "foreign", "trivial"],
}
ADVERSARIAL = set(GROUPS["adversarial"])
PER_ARTICLE = {  # cases per kind per article (the seeds: 12 articles; external: 40)
    "seeds": 2,
    "external": 1,
}
_TOKEN_RE = re.compile(r"\S+")
_TERMINAL_RE = re.compile(r"[.!?؟…]+[»”\")]*$")
_NEGATION_WORDS = ("لا", "لم", "لن", "ليس", "غير", "عدم", "بدون", "ما", "دون")
_NUMBER_STEMS = ("واحد", "اثن", "ثلاث", "اربع", "خمس", "ست", "سبع", "ثمان", "تسع", "عشر", "مئ", "مائ", "الف")
_INSERTED = ["قد", "أيضاً", "جداً", "كذلك", "فعلاً", "حالياً"]
_HAS_DIGIT = re.compile(r"[0-9٠-٩]")


@dataclass(frozen=True)
class Case:
    """One quote to ground and its true span (None for adversarial quotes)."""

    source: str
    article_id: str
    kind: str
    quote: str
    truth: tuple[int, int] | None


@dataclass(frozen=True)
class _Excerpt:
    start: int
    end: int
    tokens: list[tuple[int, int]]  # (start, end) of each whitespace token


class _Article:
    def __init__(self, source: str, article_id: str, text: str) -> None:
        self.source, self.id, self.text = source, article_id, text
        self.folded = fold(text).text
        self.tokens = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        # Runs of tokens inside one sentence: a token ending in a terminator or a blank line ends a
        # run (a single line break does not: hard-wrapped articles break lines inside sentences).
        self.runs: list[list[tuple[int, int]]] = []
        run: list[tuple[int, int]] = []
        for i, (a, b) in enumerate(self.tokens):
            run.append((a, b))
            nxt = self.tokens[i + 1][0] if i + 1 < len(self.tokens) else len(text)
            if _TERMINAL_RE.search(text[a:b]) or text.count("\n", b, nxt) >= 2:
                self.runs.append(run)
                run = []
        if run:
            self.runs.append(run)

    def has_words(self, quote: str) -> bool:
        """The quote occurs in the article as whole words (so grounding it there is right)."""
        fq = re.escape(fold(quote).text.strip())
        return re.search(rf"(?<!\w){fq}(?!\w)", self.folded) is not None

    def unique(self, quote: str) -> bool:
        fq = fold(quote).text.strip()
        first = self.folded.find(fq)
        return first >= 0 and self.folded.find(fq, first + 1) < 0

    def excerpt(self, rng: random.Random, lo: int = 4, hi: int = 14) -> _Excerpt | None:
        runs = [r for r in self.runs if len(r) >= lo + 1]
        for _ in range(30):
            if not runs:
                return None
            run = rng.choice(runs)
            k = rng.randint(lo, min(hi, len(run)))
            i = rng.randint(0, len(run) - k)
            toks = run[i : i + k]
            ex = _Excerpt(toks[0][0], toks[-1][1], toks)
            edge_words = (self.text[a:b] for a, b in (toks[0], toks[-1]))
            visible_edges = all(any(c.isalnum() for c in fold(w).text) for w in edge_words)
            if visible_edges and self.unique(self.text[ex.start : ex.end]):
                return ex
        return None

    def words(self, ex: _Excerpt) -> list[str]:
        return [self.text[a:b] for a, b in ex.tokens]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _is_plain(word: str) -> bool:
    """An Arabic word without punctuation, digits, negation or number (safe for a one-word edit)."""
    bare = fold(word).text.removeprefix("و")
    number = any(bare.startswith(stem) for stem in _NUMBER_STEMS)
    return word.isalpha() and len(word) >= 2 and word not in _NEGATION_WORDS and not number


def _interior(words: list[str], rng: random.Random) -> int | None:
    idx = [i for i in range(1, len(words) - 1) if _is_plain(words[i])]
    return rng.choice(idx) if idx else None


def _spelling(kind: str, art: _Article, ex: _Excerpt, rng: random.Random) -> str | None:
    q = _flat(art.text[ex.start : ex.end])
    if kind == "hamza":
        out = re.sub("[أإآ]", "ا", q) if re.search("[أإآ]", q) else re.sub(r"(?<!\S)ا", "أ", q, count=1)
    elif kind == "ya":
        out = re.sub(r"ي(?=\s|$)", "ى", q)
    elif kind == "ta-marbuta":
        out = q.replace("ة", "ه")
    elif kind == "tashkeel":
        stripped = "".join(c for c in q if c not in MARKS + "\u064c\u064d\u0670")
        out = stripped if stripped != q else _diacritize(q, rng)
    elif kind == "digits":
        if not _HAS_DIGIT.search(q):
            return None
        out = q.translate(str.maketrans("0123456789٠١٢٣٤٥٦٧٨٩", "٠١٢٣٤٥٦٧٨٩0123456789"))
    elif kind == "quote-marks":
        if "«" in q or "»" in q:
            out = q.replace("«", '"').replace("»", '"')
        else:
            before = art.text[ex.start - 1] if ex.start else " "
            after = art.text[ex.end] if ex.end < len(art.text) else " "
            if before in "«“\"'(" or after in "»”\"')" or not q[-1].isalnum():
                return None  # the article has marks there: that would be the article's punctuation
            out = rng.choice(["«{}»", "“{}”", '"{}"']).format(q)
    elif kind == "tatweel":
        out = q.replace("ل", "لـ", 2)
    else:
        raise ValueError(kind)
    return out if out != q else None


def _one_word(kind: str, art: _Article, ex: _Excerpt, rng: random.Random, vocab: list[str]) -> str | None:
    words = art.words(ex)
    if kind == "clitic-dropped":
        first = words[0]
        if not (first[:1] in ("و", "ف") and len(first) >= 5 and first[1:].isalpha()):
            return None
        quote = " ".join([first[1:], *words[1:]])
        return None if art.has_words(quote) else quote
    i = _interior(words, rng)
    if i is None:
        return None
    if kind == "word-dropped":
        out = words[:i] + words[i + 1 :]
    elif kind == "word-changed":
        out = [*words[:i], rng.choice([v for v in vocab if v != words[i]]), *words[i + 1 :]]
    elif kind == "word-added":
        out = [*words[:i], rng.choice(_INSERTED), *words[i:]]
    elif kind == "typo":
        w = words[i]
        j = rng.randrange(len(w))
        op = rng.choice(["drop", "double", "swap"])
        if op == "drop" and len(w) > 3:
            w = w[:j] + w[j + 1 :]
        elif op == "swap" and j + 1 < len(w):
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        else:
            w = w[: j + 1] + w[j] + w[j + 1 :]
        out = [*words[:i], w, *words[i + 1 :]]
    else:
        raise ValueError(kind)
    quote = " ".join(out)
    return None if art.has_words(quote) else quote


def _adversarial(kind: str, art: _Article, rng: random.Random, others: list[_Article]) -> str | None:
    ex = art.excerpt(rng, lo=5)
    if ex is None:
        return None
    words = art.words(ex)
    if kind == "negated":
        negs = [i for i, w in enumerate(words) if w in _NEGATION_WORDS[:8]]
        if negs and rng.random() < 0.5:
            i = rng.choice(negs)
            out = words[:i] + words[i + 1 :]
        else:
            i = _interior(words, rng)
            if i is None:
                return None
            out = [*words[:i], rng.choice(["لا", "لم", "لن", "غير", "ليس", "عدم"]), *words[i:]]
    elif kind == "number-changed":
        nums = [i for i, w in enumerate(words) if _HAS_DIGIT.search(w)]
        if not nums:
            return None
        i = rng.choice(nums)
        out = list(words)
        bump = rng.randint(1, 8)
        out[i] = re.sub("[0-9٠-٩]", lambda m: str((int(m.group()) + bump) % 10), words[i], count=1)
    elif kind == "foreign":
        if rng.random() < 0.3:
            out = [rng.choice(FABRICATED)]
        else:
            other = rng.choice(others)
            oex = other.excerpt(rng, lo=6)
            if oex is None:
                return None
            out = other.words(oex)
    elif kind == "trivial":
        choice = rng.choice(["one", "two", "fragment", "ellipsis"])
        if choice == "one":
            out = [words[1]]
        elif choice == "two":
            out = words[1:3]
        elif choice == "fragment":
            first = next((i for i, w in enumerate(words[:-2]) if w.isalpha() and len(w) >= 5), None)
            if first is None:
                return None
            out = [words[first][2:], *words[first + 1 : first + 3]]
        else:
            out = [words[0], "...", *words[2:5]]
    else:
        raise ValueError(kind)
    quote = " ".join(out)
    return quote if fold(quote).text.strip() not in art.folded else None


def build_cases(articles: list[_Article], per_kind: int, seed: int = 10) -> list[Case]:
    """Generate ``per_kind`` cases of every kind from each article (skipping kinds that do not apply).

    Args:
        articles: The articles of one source.
        per_kind: Cases per kind per article.
        seed: Random seed.

    Returns:
        The cases.
    """
    rng = random.Random(seed)
    cases: list[Case] = []
    for art in articles:
        others = [a for a in articles if a is not art]
        vocab = sorted({w for w in re.findall(r"\w+", art.text) if w.isalpha() and len(w) >= 3})
        for group, kinds in GROUPS.items():
            for kind in kinds:
                for _ in range(per_kind):
                    cases.extend(_one_case(group, kind, art, rng, others, vocab))
    return cases


def _one_case(
    group: str, kind: str, art: _Article, rng: random.Random, others: list[_Article], vocab: list[str]
) -> Iterator[Case]:
    for _ in range(8):  # a few tries to find an excerpt the edit applies to
        if group == "adversarial":
            quote = _adversarial(kind, art, rng, others)
            if quote is not None:
                yield Case(art.source, art.id, kind, quote, None)
                return
            continue
        ex = art.excerpt(rng)
        if ex is None:
            return
        if group == "verbatim":
            quote: str | None = _flat(art.text[ex.start : ex.end])  # a model writes no line breaks
        elif group == "spelling":
            quote = _spelling(kind, art, ex, rng)
        else:
            quote = _one_word(kind, art, ex, rng, vocab)
        if quote is not None:
            yield Case(art.source, art.id, kind, quote, (ex.start, ex.end))
            return


def load_articles() -> dict[str, list[_Article]]:
    """The seed articles (test set) and, when ``../shared`` is there, the external articles."""
    sources: dict[str, list[_Article]] = {"seeds": []}
    for path in sorted((ROOT / "seeds").glob("*/article.txt")):
        sources["seeds"].append(_Article("seeds", path.parent.name, path.read_text(encoding="utf-8")))
    if EXTERNAL.exists():
        lines = EXTERNAL.read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        sources["external"] = [_Article("external", r["id"], r["article_ar"]) for r in rows]
    return sources


def score(cases: list[Case], articles: dict[str, _Article]) -> dict[str, dict[str, float]]:
    """Ground every case with one Grounder per article; per kind: n, accepted, exact-offset.

    Args:
        cases: The cases.
        articles: Article by id.

    Returns:
        kind -> {"n", "accepted", "exact"} (shares in [0, 1]).
    """
    grounders: dict[str, Grounder] = {}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        g = grounders.setdefault(case.article_id, Grounder(articles[case.article_id].text))
        span = g.find(case.quote)
        row = tally[case.kind]
        row[0] += 1
        row[1] += span is not None
        row[2] += span is not None and case.truth == (span.start, span.end)
    return {k: {"n": n, "accepted": a / n, "exact": e / n} for k, (n, a, e) in tally.items()}


def _group_rows(result: dict[str, dict[str, float]]) -> list[tuple[str, int, float, float]]:
    rows = []
    for group, kinds in GROUPS.items():
        present = [k for k in kinds if k in result]
        for kind in present:
            r = result[kind]
            rows.append((f"  {kind}", int(r["n"]), r["accepted"], r["exact"]))
        n = sum(int(result[k]["n"]) for k in present)
        if n:
            acc = sum(result[k]["accepted"] * result[k]["n"] for k in present) / n
            ex = sum(result[k]["exact"] * result[k]["n"] for k in present) / n
            rows.append((f"{group} (all)", n, acc, ex))
    return rows


def _print_accuracy(title: str, result: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"| {'kind':<18} | {'n':>4} | {'accepted':>8} | {'exact-offset':>12} |")
    print(f"|{'-' * 20}|{'-' * 6}|{'-' * 10}|{'-' * 14}|")
    for name, n, acc, ex in _group_rows(result):
        print(f"| {name:<18} | {n:>4} | {acc:>8.1%} | {ex:>12.1%} |")


def _print_speed(rows: list[dict[str, object]]) -> None:
    headers = list(rows[0])
    print("\n| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")


def main(argv: list[str] | None = None) -> None:
    """Print the accuracy tables and the speed table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.add_argument("--per-source", action="store_true", help="a table per source (seeds, external)")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing runs")
    args = parser.parse_args(argv)

    sources = load_articles()
    by_id = {a.id: a for arts in sources.values() for a in arts}
    results: dict[str, dict[str, dict[str, float]]] = {}
    all_cases: list[Case] = []
    for name, arts in sources.items():
        cases = build_cases(arts, PER_ARTICLE[name])
        all_cases.extend(cases)
        results[name] = score(cases, by_id)
    results["all"] = score(all_cases, by_id)
    speed: list[dict[str, object]] = []
    if not args.no_speed:
        seed = (ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt").read_text(encoding="utf-8")
        speed.append(bench_speed("seed article", seed, make_quotes(seed)))
        big = synthetic_article()
        speed.append(bench_speed("synthetic 10k", big, make_quotes(big)))
    if args.json:
        print(json.dumps({"accuracy": results, "speed": speed}, ensure_ascii=False, indent=1))
        return
    names = list(sources) if args.per_source else []
    for name in [*names, "all"]:
        n = sum(int(r["n"]) for r in results[name].values())
        label = {"seeds": "seeds (test set)", "external": "external articles (EASC + XL-Sum)"}
        _print_accuracy(f"{label.get(name, 'all sources')}: {n} cases", results[name])
    if speed:
        _print_speed(speed)


if __name__ == "__main__":
    main()
