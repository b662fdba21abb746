"""The offline summary against the lead of the article at equal length (ROUGE-2, EASC), and headlines.

Reads the 30 EASC and 10 XL-Sum articles from ``../shared/data/external/`` (not in the repository).
For each EASC article: the offline engine's ``summary_ar``, and the article's first words cut to the
same word count ("the lead at equal length"); both are scored with ROUGE-2 F1 against the human
reference (`toolkit.evals.text.rouge_scores`, folded tokens). Prints the means, how many articles
each wins, the summary and reference lengths, and the longest headline over all 40 articles.

Run: ``python benchmarks/offline_summary.py``
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from toolkit import summarize
from toolkit.evals.text import rouge_scores

DATA = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "external"
    / "ar-news-human-summaries.jsonl"
)


def main() -> int:
    if not DATA.is_file():
        print(f"{DATA} not found (../shared/ is not beside this checkout)", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    ours, lead, lens, refs, heads = [], [], [], [], []
    wins = 0
    for row in rows:
        b = summarize(row["article_ar"], model="offline")
        heads.append(len(b.headline_ar.split()))
        if not row["id"].startswith("easc"):
            continue
        n = len(b.summary_ar.split())
        cut = " ".join(row["article_ar"].split()[:n])
        r_ours = rouge_scores(b.summary_ar, row["summary_ar"])["rouge2"]
        r_lead = rouge_scores(cut, row["summary_ar"])["rouge2"]
        ours.append(r_ours)
        lead.append(r_lead)
        wins += r_ours >= r_lead
        lens.append(n)
        refs.append(len(row["summary_ar"].split()))
    print("| what | value |")
    print("|---|---|")
    print(f"| EASC articles | {len(ours)} |")
    print(f"| ROUGE-2 F1, offline summary | {statistics.mean(ours):.4f} |")
    print(f"| ROUGE-2 F1, lead at equal length | {statistics.mean(lead):.4f} |")
    print(f"| difference (points) | {100 * (statistics.mean(ours) - statistics.mean(lead)):+.2f} |")
    print(f"| articles where the summary >= the lead | {wins} / {len(ours)} |")
    print(f"| summary words: mean / min / max | {statistics.mean(lens):.0f} / {min(lens)} / {max(lens)} |")
    print(f"| reference words: mean | {statistics.mean(refs):.0f} |")
    print(
        f"| headline words over all {len(heads)} articles: max / mean "
        f"| {max(heads)} / {statistics.mean(heads):.1f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
