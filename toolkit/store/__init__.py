"""The claim store: grounded claims across articles, on SQLite (default) or PostgreSQL.

    >>> from toolkit.store import ClaimStore
    >>> with ClaimStore.open(None) as store:          # $KHULASA_STORE, else the user data dir
    ...     store.add_results("results.jsonl", articles="articles/")
    ...     for row in store.claims(speaker="ماكرون").items:
    ...         print(row.published, row.speaker, row.evidence.text)

Nothing heavy is imported here: sqlite3 and psycopg load when a store is opened.
"""

from toolkit.store._db import default_path, redact
from toolkit.store.models import (
    AddResult,
    ArticleInfo,
    ClaimPage,
    ClaimRow,
    ConflictPair,
    IngestProblem,
    IngestReport,
    SpeakerAlias,
    SpeakerDetail,
    SpeakerSummary,
    StoredArticle,
    TimelineRow,
)
from toolkit.store.store import ClaimStore

__all__ = [
    "AddResult",
    "ArticleInfo",
    "ClaimPage",
    "ClaimRow",
    "ClaimStore",
    "ConflictPair",
    "IngestProblem",
    "IngestReport",
    "SpeakerAlias",
    "SpeakerDetail",
    "SpeakerSummary",
    "StoredArticle",
    "TimelineRow",
    "default_path",
    "redact",
]
