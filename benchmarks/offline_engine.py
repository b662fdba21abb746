"""Speed and memory of the offline engine over the seeds and the 40 external articles.

Run from the repository root:

    python benchmarks/offline_engine.py [--repeat 5]

Prints, per corpus: articles, words, claims, articles/second, ms per article, ms per 1,000 words
(engine only, and the whole `summarize()` call including segmentation and grounding), and peak
Python memory of one pass (tracemalloc). Single process, one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.arabic import split_sentences
from toolkit.engines.base import EngineRequest
from toolkit.engines.offline import OfflineEngine
from toolkit.grounding import Grounder
from toolkit.pipeline import summarize

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "ar-news-human-summaries.jsonl"


def _corpora() -> dict[str, list[str]]:
    corpora = {
        "seeds": [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*/article.txt"))]
    }
    if EXTERNAL.exists():
        rows = [
            json.loads(line) for line in EXTERNAL.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        corpora["external"] = [r["article_ar"] for r in rows]
    return corpora


def _engine_pass(articles: list[str], engine: OfflineEngine) -> tuple[float, int]:
    requests = []
    for text in articles:
        sentences = split_sentences(text)
        requests.append(EngineRequest(text, sentences, Grounder(text, sentences)))
    claims = 0
    t0 = time.perf_counter()
    for req in requests:
        claims += len(engine.run(req).draft.claims)
    return time.perf_counter() - t0, claims


def _pipeline_pass(articles: list[str], engine: OfflineEngine) -> float:
    t0 = time.perf_counter()
    for text in articles:
        summarize(text, engine=engine)
    return time.perf_counter() - t0


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes per corpus; the best is reported")
    args = parser.parse_args()
    engine = OfflineEngine()
    header = (
        f"{'corpus':<10} {'articles':>8} {'words':>7} {'claims':>6} {'art/s':>8} {'ms/art':>7} "
        f"{'ms/1k w (engine)':>16} {'ms/1k w (summarize)':>19} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, articles in _corpora().items():
        words = sum(len(a.split()) for a in articles)
        _engine_pass(articles, engine)  # warm-up (regexes, lazy imports)
        best_engine, claims = min(_engine_pass(articles, engine) for _ in range(args.repeat))
        best_pipe = min(_pipeline_pass(articles, engine) for _ in range(args.repeat))
        tracemalloc.start()
        _pipeline_pass(articles, engine)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"{name:<10} {len(articles):>8} {words:>7} {claims:>6} {len(articles) / best_engine:>8.0f} "
            f"{1000 * best_engine / len(articles):>7.2f} {1e6 * best_engine / words:>16.2f} "
            f"{1e6 * best_pipe / words:>19.2f} {peak / 2**20:>9.2f}"
        )


if __name__ == "__main__":
    main()
