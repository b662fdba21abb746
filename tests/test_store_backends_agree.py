"""Same input, same answers: SQLite and PostgreSQL give identical who/about/conflicts/speakers rows."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from store_data import week

from toolkit import summarize
from toolkit.schema import Briefing
from toolkit.store import ClaimStore

SEEDS = Path(__file__).parent.parent / "seeds"


@lru_cache(maxsize=1)
def _seed_briefings() -> list[tuple[str, str, Briefing]]:
    out = []
    for seed in sorted(p for p in SEEDS.iterdir() if (p / "article.txt").is_file()):
        text = (seed / "article.txt").read_text(encoding="utf-8")
        out.append((seed.name, text, summarize(text, model="offline", source_id=seed.name)))
    return out


def _fill(url: str) -> ClaimStore:
    store = ClaimStore.open(url)
    for i, (sid, text, b) in enumerate(_seed_briefings()):
        store.add_briefing(b, text, source_id=sid, published=f"2026-01-{i + 1:02d}")
    for sid, day, text, b in week():
        store.add_briefing(b, text, source_id=sid, published=day)
    return store


def _answers(store: ClaimStore) -> dict[str, object]:
    out: dict[str, object] = {"speakers": [s.model_dump() for s in store.speakers()]}
    for name in ("ماكرون", "الحسيني", "سامي العبدالله", "Sami Al-Abdullah"):
        out[f"who {name}"] = store.claims(speaker=name, limit=1000).model_dump()
    for term in ("الأزمة", "سورية", "البلديات", "المحادثات البحيرة", "2,500"):
        out[f"about {term}"] = store.claims(about=term, limit=1000).model_dump()
    out["conflicts"] = [p.model_dump() for p in store.conflicts(limit=1000)]
    out["timeline"] = [t.model_dump() for t in store.timeline("سامي العبدالله")]
    return out


def test_sqlite_and_postgresql_give_the_same_answers(both_urls: tuple[str, str]) -> None:
    sqlite_url, pg_url = both_urls
    with _fill(sqlite_url) as a, _fill(pg_url) as b:
        left, right = _answers(a), _answers(b)
    for key in left:
        assert left[key] == right[key], key
    assert left["who ماكرون"]["items"]  # type: ignore[index]
    assert left["about الأزمة"]["items"] and left["conflicts"]  # type: ignore[index]
