"""Many articles: bounded concurrency with an adaptive 429 gate, resumable lossless JSONL results,
the response cache, and OpenAI's Batch API (`toolkit.batch.openai_batch`).

    >>> from toolkit import summarize_many
    >>> report = summarize_many("articles/", output="results.jsonl", concurrency=16, model="gpt-4.1-mini")
"""

from toolkit.batch.inputs import BatchItem, count_items, iter_items
from toolkit.batch.limiter import AdaptiveLimiter, GatedTransport
from toolkit.batch.progress import BatchStats
from toolkit.batch.results import Outcome, ResultsFile, iter_results, latest_outcomes, outstanding_failures
from toolkit.batch.runner import BatchReport, asummarize_many, summarize_many

__all__ = [
    "AdaptiveLimiter",
    "BatchItem",
    "BatchReport",
    "BatchStats",
    "GatedTransport",
    "Outcome",
    "ResultsFile",
    "asummarize_many",
    "count_items",
    "iter_items",
    "iter_results",
    "latest_outcomes",
    "outstanding_failures",
    "summarize_many",
]
