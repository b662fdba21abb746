"""A store made by an older release opens in this one: the committed v1 fixture, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from store_data import TALKS_1, C, briefing, week

from toolkit.store import ClaimStore
from toolkit.store._db import connect, parse_url
from toolkit.store.migrations import LATEST, current_version, migrate

FIXTURE = Path(__file__).parent / "fixtures" / "store-v1.json"


def _load_v1(url: str) -> None:
    """Build a schema-v1 store holding the fixture's rows, as release v1 left it."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    conn = connect(parse_url(url))
    try:
        assert migrate(conn, target=1) == 1
        with conn.transaction():
            for table, body in data["tables"].items():
                cols = body["columns"]
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                if body["rows"]:
                    conn.executemany(sql, [tuple(r) for r in body["rows"]])
            for claim_id, terms in data["fts"].items():
                if conn.dialect == "sqlite":
                    conn.execute("INSERT INTO claim_fts (rowid, terms) VALUES (?, ?)", (int(claim_id), terms))
                else:
                    conn.execute(
                        "UPDATE claims SET fts = array_to_tsvector(?::text[]) WHERE id = ?",
                        (terms.split(), int(claim_id)),
                    )
            if conn.dialect == "postgresql":  # explicit ids: move the identity past them, as v1 had
                conn.execute(
                    "SELECT setval(pg_get_serial_sequence('claims', 'id'), (SELECT MAX(id) FROM claims))"
                )
    finally:
        conn.close()


def test_a_v1_store_opens_migrates_and_answers(store_url: str) -> None:
    _load_v1(store_url)
    with ClaimStore.open(store_url) as store:
        assert current_version(store._conn) == LATEST
        assert store.stats() == {"articles": 3, "claims": 9, "speakers": 3, "conflicts": 3}
        sami = store.find_speakers("سامي العبدالله")
        assert len(sami) == 1 and store.speaker(sami[0]).claims == 5  # type: ignore[union-attr]
        assert len(store.claims(about="الأزمة").items) == 2
        assert {p.rule for p in store.conflicts()} == {"quantity", "denial", "stance"}
        # the correction made under v1 still files the bare surname, and new rows get new ids
        text = TALKS_1 + "\nوقال العبدالله إن الوفد سيعود."
        b = briefing(text, "talks-9", [C("العبدالله", "statement", "الوفد سيعود")])
        added = store.add_briefing(b, text, source_id="talks-9", published="2026-04-01")
        row = store.claims(article_id=added.article_id).items[0]
        assert (row.speaker_id, row.speaker_rule) == (sami[0], "correction") and row.id > 9


def test_migrating_twice_is_a_no_op(store_url: str) -> None:
    ClaimStore.open(store_url).close()
    with ClaimStore.open(store_url) as store:
        rows = store._conn.execute("SELECT version FROM khulasa_schema ORDER BY version").fetchall()
        assert [r[0] for r in rows] == list(range(1, LATEST + 1))


def test_v3_pairs_move_to_the_v4_table_and_stay_deduplicated(store_url: str) -> None:
    # v4 rebuilds the pairs into one b-tree keyed (b, a, rule) and swaps the facts index
    parsed = parse_url(store_url)
    conn = connect(parsed)
    assert migrate(conn, target=3) == 3
    old = ClaimStore(conn, parsed)  # this release's writer on a v3 schema (its tables are a subset)
    for sid, day, text, b in week():
        old.add_briefing(b, text, source_id=sid, published=day)
    before = [p.model_dump() for p in old.conflicts(limit=100)]
    old.close()
    assert len(before) >= 3
    with ClaimStore.open(store_url) as store:
        assert current_version(store._conn) == LATEST
        assert [p.model_dump() for p in store.conflicts(limit=100)] == before
        speaker = store.find_speakers("سامي العبدالله")
        store._repair(speaker)  # re-pairs the speaker's claims: existing pairs are not doubled
        assert [p.model_dump() for p in store.conflicts(limit=100)] == before
        assert store.stats()["conflicts"] == len(before)
