"""A khulasa server over a claim store filled with the 12 seed articles and the store's three dated
example articles (docs/examples/store/articles.jsonl, written for the project), by the offline engine.

The briefings are the offline engine's real output, posted through the API itself. The seeds carry no
publication dates, so each gets an ASSIGNED date, one week apart in folder order (2024-01-01,
2024-01-08, ...): enough for a timeline to have weeks, not a fact about the articles. The examples
keep their own dates (March 2026), and one speaker, سامر الخطيب, speaks in two of them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from servers.khulasa_http import LiveServer

from toolkit.serve import EngineSettings, ServeSettings, create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EXAMPLES = SEEDS.parent / "docs" / "examples" / "store" / "articles.jsonl"
FIRST_DAY = dt.date(2024, 1, 1)


def seed_articles() -> list[tuple[str, str, str]]:
    """(id, text, assigned date) of every seed, in folder order."""
    folders = sorted(p.parent for p in SEEDS.glob("*/article.txt"))
    return [
        (f.name, (f / "article.txt").read_text(encoding="utf-8"), (FIRST_DAY + dt.timedelta(weeks=i)).isoformat())
        for i, f in enumerate(folders)
    ]


def example_articles() -> list[tuple[str, str, str]]:
    """(id, text, date) of the store's example articles."""
    rows = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["id"], r["text"], r["date"]) for r in rows]


@contextmanager
def seeded_server(store_dir: Path, **settings: Any) -> Iterator[LiveServer]:
    """Start the server (offline engine, SQLite store in `store_dir`) and post every seed to it."""
    url = f"sqlite:///{store_dir / 'store.sqlite3'}"
    app = create_app(ServeSettings(engine=EngineSettings(model="offline"), store_url=url, **settings))
    headers = {"Authorization": f"Bearer {settings['token']}"} if settings.get("token") else {}
    with LiveServer(app) as srv:
        for sid, text, date in seed_articles() + example_articles():
            r = srv.call("POST", "/v1/briefings", {"id": sid, "text": text, "date": date}, headers=headers)
            assert r.status == 200, r.text
        yield srv
