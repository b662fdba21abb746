"""`ClaimStore`: grounded claims across articles, on SQLite or PostgreSQL, one API for both.

    >>> from toolkit.store import ClaimStore
    >>> with ClaimStore.open("sqlite:///claims.sqlite3") as store:
    ...     store.add_results("results.jsonl", articles="articles/")
    ...     page = store.claims(speaker="ماكرون", about="سوريا")

Every write is one transaction per article (SQLite: `BEGIN IMMEDIATE`, so two writers queue on the
busy timeout instead of failing); a kill at any moment leaves whole articles only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from toolkit.errors import InputError
from toolkit.schema import CLAIM_KINDS, Attribution, Briefing, Claim, TextSpan
from toolkit.store import conflicts as cf
from toolkit.store._db import Connection, StoreURL, connect, not_a_store, parse_url
from toolkit.store.migrations import migrate
from toolkit.store.models import (
    AddResult,
    ArticleInfo,
    ClaimPage,
    ClaimRow,
    ConflictPair,
    IngestReport,
    SpeakerAlias,
    SpeakerDetail,
    SpeakerSummary,
    StoredArticle,
    TimelineRow,
)
from toolkit.store.speakers import SpeakerFiler, en_key
from toolkit.store.text import name_key, query_groups, terms_of, tokens

UNDATED = "9999-12-31"
_FTS_IN = "c.id IN (SELECT rowid FROM claim_fts WHERE claim_fts MATCH ?)"
_FEW_MATCHES = 2000
"""Sort key of an article without a date: after every dated one."""

_CLAIM_COLUMNS = (
    "c.id, c.article_id, a.source_id, a.title, a.published, a.url, c.claim_id, c.speaker_id, s.name, "
    "c.speaker_ar, c.speaker_en, c.role, c.speaker_rule, c.kind, c.claim_ar, c.claim_en, c.conditional, "
    "c.condition, c.attributed_via, c.ev_start, c.ev_end, c.ev_text, c.method, c.mention_start, "
    "c.mention_end, c.mention_text, c.cue_start, c.cue_end, c.cue_text, c.attribution, c.sort_key"
)
_CLAIM_FROM = (
    "FROM claims c JOIN articles a ON a.article_id = c.article_id "
    "LEFT JOIN speakers s ON s.speaker_id = c.speaker_id"
)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id_for(source_id: str, text_sha256: str) -> str:
    """The store's article id: stable across re-ingests and backends."""
    return hashlib.sha256(f"{source_id}\0{text_sha256}".encode()).hexdigest()[:16]


def normalize_date(value: str | date | datetime | None) -> str | None:
    """An ISO 8601 date or date-time string, or None.

    Raises:
        InputError: The value is not an ISO date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"date {text!r} is not an ISO date", hint="use YYYY-MM-DD (or an ISO date-time)"
        ) from None
    return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()


def _span(start: int | None, end: int | None, text: str | None) -> TextSpan | None:
    if start is None or end is None or text is None:
        return None
    return TextSpan(start=start, end=end, text=text)


def _row(r: Sequence[Any]) -> ClaimRow:
    return ClaimRow(
        id=int(r[0]),
        article_id=r[1],
        source_id=r[2],
        title=r[3],
        published=r[4],
        url=r[5],
        claim_id=r[6],
        speaker_id=r[7],
        speaker=r[8],
        speaker_as_written=r[9],
        speaker_en=r[10],
        role=r[11],
        speaker_rule=r[12],
        kind=r[13],
        claim_ar=r[14],
        claim_en=r[15],
        conditional=bool(r[16]),
        condition=r[17],
        attributed_via=r[18],
        evidence=TextSpan(start=r[19], end=r[20], text=r[21]),
        method=r[22],
        mention=_span(r[23], r[24], r[25]),
        cue=_span(r[26], r[27], r[28]),
        attribution=Attribution.model_validate_json(r[29]) if r[29] else None,
    )


def _check_offsets(briefing: Briefing, text: str, source_id: str) -> None:
    for claim in briefing.claims:
        spans = [("evidence", claim.evidence.start, claim.evidence.end, claim.evidence.quote_ar)]
        if claim.cue is not None:
            spans.append(("cue", claim.cue.start, claim.cue.end, claim.cue.text))
        if claim.speaker.mention is not None:
            m = claim.speaker.mention
            spans.append(("speaker mention", m.start, m.end, m.text))
        for what, start, end, quote in spans:
            if text[start:end] != quote:
                raise InputError(
                    f"briefing of {source_id!r} does not fit its article: claim {claim.id}'s {what} "
                    f"is not text[{start}:{end}]",
                    hint="pair each briefing with the exact article text it was made from (--articles)",
                )


class ClaimStore:
    """Claims across articles. Open with `ClaimStore.open(url)`; use as a context manager."""

    def __init__(self, conn: Connection, url: StoreURL) -> None:
        """Wrap an open, migrated connection (use `open`)."""
        self._conn = conn
        self.url = url
        # The rule inputs of recently written claims: candidates are the newest claims, so a small
        # bounded cache spares re-reading them (memory stays flat). Emptied when speakers change.
        self._facts = cf.FactsCache()

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | os.PathLike[str] | None = None) -> ClaimStore:
        """Open (and create or migrate) a store.

        Args:
            url: ``sqlite:///path``, a file path, ``postgresql://user:pass@host/db``, or None for
                ``$KHULASA_STORE``, then the default file in the user data directory.

        Returns:
            The open store.

        Raises:
            ConfigurationError: The file is not a khulasa store, the server is down, or the store
                is newer than this release (the message never holds a password).
        """
        parsed = parse_url(url)
        conn = connect(parsed)
        try:
            migrate(conn)
        except BaseException as exc:
            conn.close()
            if parsed.dialect == "sqlite" and type(exc).__module__ == "sqlite3":
                # damage sqlite3 only notices when it reads a page: still one line naming the file
                raise not_a_store(parsed.target, str(exc)) from exc
            raise
        return cls(conn, parsed)

    @property
    def label(self) -> str:
        """The store URL as it may be printed (no password)."""
        return self.url.label

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._conn.dialect

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> ClaimStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------------

    def add_briefing(
        self,
        briefing: Briefing,
        article_text: str,
        *,
        source_id: str | None = None,
        title: str | None = None,
        published: str | date | datetime | None = None,
        url: str | None = None,
    ) -> AddResult:
        """Add one article's briefing, in one transaction (idempotent; a newer briefing replaces).

        Args:
            briefing: The briefing made from `article_text`.
            article_text: The exact text its offsets index.
            source_id: The article's id (default: ``briefing.source_id``).
            title: Title, when known.
            published: Publication date (ISO string, date or datetime), when known.
            url: Where it was published, when known.

        Returns:
            What happened: added, replaced or unchanged.

        Raises:
            InputError: No source id, a bad date, or offsets that do not index this text.
        """
        sid = source_id or briefing.source_id
        if not sid:
            raise InputError("the briefing has no source id", hint="pass source_id= (or --source-id)")
        _check_offsets(briefing, article_text, sid)
        when = normalize_date(published)
        text_sha = _sha(article_text)
        blob = briefing.model_dump_json()
        content_sha = _sha(json.dumps([blob, title, when, url], ensure_ascii=False))
        article_id = article_id_for(sid, text_sha)
        with self._conn.transaction():
            row = self._conn.execute(
                "SELECT briefing_sha256 FROM articles WHERE article_id = ?", (article_id,)
            ).fetchone()
            if row is not None and row[0] == content_sha:
                return AddResult(
                    article_id=article_id, source_id=sid, status="unchanged", claims=len(briefing.claims)
                )
            if row is not None:
                self._conn.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
                self._facts.clear()
            self._conn.execute(
                "INSERT INTO articles (article_id, source_id, text_sha256, briefing_sha256, title, "
                "published, url, text, briefing, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    sid,
                    text_sha,
                    content_sha,
                    title,
                    when,
                    url,
                    article_text,
                    blob,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            self._insert_claims(article_id, briefing, when)
        status = "replaced" if row is not None else "added"
        return AddResult(article_id=article_id, source_id=sid, status=status, claims=len(briefing.claims))

    def _insert_claims(self, article_id: str, briefing: Briefing, when: str | None) -> None:
        filings = SpeakerFiler(self._conn).file_article([c.speaker for c in briefing.claims])
        entities = _ArticleEntities(briefing)
        sort_key = when or UNDATED
        new: list[cf.ClaimFacts] = []
        facts_rows: list[tuple[int, str, str, str, str]] = []
        for position, (claim, filing) in enumerate(zip(briefing.claims, filings, strict=True)):
            evidence = tokens(claim.evidence.quote_ar)  # folded once, for the terms and the rules
            terms = entities.terms(claim, evidence)
            words = cf.content_stems(evidence)
            row_id = self._insert_claim(article_id, position, claim, filing, when, sort_key, terms, words)
            names = entities.topics(set(terms))
            counts = tuple(dict.fromkeys(cf.quantities_in(evidence)))
            new.append(cf.ClaimFacts(
                row_id, article_id, filing.speaker_id, claim.kind, sort_key, words, counts,
                frozenset(k for k, _ in names), names,
            ))  # fmt: skip
            facts_rows += [(row_id, "topic", k, name, claim.kind) for k, name in names]
            facts_rows += [(row_id, "qty", noun, value, claim.kind) for noun, value in counts]
        if facts_rows:
            self._conn.executemany(
                "INSERT INTO facts (claim_id, type, key, value, kind) VALUES (?, ?, ?, ?, ?)", facts_rows
            )
        self._pair(new)

    def _insert_claim(
        self,
        article_id: str,
        position: int,
        claim: Claim,
        filing: Any,
        when: str | None,
        sort_key: str,
        terms: list[str],
        words: frozenset[str],
    ) -> int:
        s, m, cue = claim.speaker, claim.speaker.mention, claim.cue
        pg = self._conn.dialect == "postgresql"
        row = self._conn.execute(
            "INSERT INTO claims (article_id, position, claim_id, speaker_id, speaker_key, speaker_rule, "
            "speaker_ar, speaker_en, role, kind, claim_ar, claim_en, conditional, condition, attributed_via, "
            "ev_start, ev_end, ev_text, method, mention_start, mention_end, mention_text, cue_start, "
            "cue_end, cue_text, attribution, published, sort_key, words"
            + (", fts) VALUES (" if pg else ") VALUES (")
            + ", ".join("?" * 29)
            + (", array_to_tsvector(?::text[])) RETURNING id" if pg else ") RETURNING id"),
            (
                article_id, position, claim.id, filing.speaker_id, filing.key, filing.rule,
                s.name_ar, s.name_en, s.role, claim.kind, claim.claim_ar, claim.claim_en,
                int(claim.conditional), claim.condition, claim.attributed_via,
                claim.evidence.start, claim.evidence.end, claim.evidence.quote_ar, claim.evidence.method,
                m.start if m else None, m.end if m else None, m.text if m else None,
                cue.start if cue else None, cue.end if cue else None, cue.text if cue else None,
                claim.attribution.model_dump_json() if claim.attribution else None,
                when, sort_key, " ".join(sorted(words)), *([terms] if pg else []),
            ),
        ).fetchone()  # fmt: skip
        if not pg:  # the FTS5 row shares the claim's id (deleted with it by a trigger)
            self._conn.execute(
                "INSERT INTO claim_fts (rowid, terms) VALUES (?, ?)", (int(row[0]), " ".join(terms))
            )
        return int(row[0])

    def _pair(self, new: list[cf.ClaimFacts]) -> None:
        for claim in new:
            self._facts.put(claim)
        wanted = [cf.candidates(self._conn, claim) for claim in new]
        ids = {i for by_rule in wanted for group in by_rule.values() for i in group}
        stored = self._facts.get_many(ids)
        missing = sorted(ids - stored.keys())
        for facts in cf.load_facts(self._conn, missing):
            stored[facts.id] = facts
            self._facts.put(facts)
        pairs = cf.find_pairs(new, stored, wanted)
        if pairs:
            self._conn.executemany(
                "INSERT INTO conflicts (rule, a, b, reason, topic) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (rule, a, b) DO NOTHING",
                [(p.rule, p.a, p.b, p.reason, " | ".join(p.topic)) for p in pairs],
            )

    def add_results(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        articles: str | os.PathLike[str] | None = None,
        published: str | date | None = None,
    ) -> IngestReport:
        """Add batch results JSONL, briefing JSON files, or folders of them.

        A results line needs its article text: from the line itself (``text``), else from
        `articles` (the folder or JSONL given to `khulasa batch`), else — for a briefing JSON — a
        sibling ``<stem>.txt`` or ``article.txt``. Bad lines are reported and skipped; the rest go in.

        Args:
            paths: Files or folders.
            articles: Where to read article texts (and their title/date/url) by id.
            published: A date for articles that have none.

        Returns:
            Counts and problems.
        """
        from toolkit.store.ingest import ingest_paths

        return ingest_paths(self, paths, articles=articles, published=published)

    # --- corrections ---------------------------------------------------------------------------

    def _one_speaker(self, name: str) -> str:
        ids = self.find_speakers(name)
        if len(ids) != 1:
            found = "no speaker" if not ids else f"{len(ids)} speakers ({', '.join(ids)})"
            raise InputError(
                f"{name!r} names {found}", hint="pass a speaker id from `khulasa store speakers`"
            )
        return ids[0]

    def merge(self, a: str, b: str) -> SpeakerDetail:
        """File everything of `b` under speaker `a`, for good (re-ingest keeps it).

        Args:
            a: The speaker to keep (id or unambiguous name).
            b: Another speaker's id, or a name (e.g. an ambiguous surname left unfiled): its claims
                and every future claim with that name go to `a`.

        Returns:
            Speaker `a` after the merge.

        Raises:
            InputError: `a` is unknown or ambiguous, or `b` is `a`.
        """
        target = self._one_speaker(a)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._conn.transaction():
            is_id = self._conn.execute("SELECT 1 FROM speakers WHERE speaker_id = ?", (b,)).fetchone()
            if is_id and b == target:
                raise InputError(f"cannot merge {b} into itself", hint="pass two different speakers")
            if is_id:
                keys = self._conn.execute(
                    "SELECT kind, key FROM speaker_keys WHERE speaker_id = ?", (b,)
                ).fetchall()
                self._conn.execute("UPDATE speaker_keys SET speaker_id = ? WHERE speaker_id = ?", (target, b))
                self._conn.execute("UPDATE corrections SET speaker_id = ? WHERE speaker_id = ?", (target, b))
                self._conn.execute(
                    "UPDATE claims SET speaker_id = ?, speaker_rule = 'correction' WHERE speaker_id = ?",
                    (target, b),
                )
                self._conn.execute("DELETE FROM speakers WHERE speaker_id = ?", (b,))
                pins = [(f"{kind}:{key}", target, "merge", now) for kind, key in keys]
            else:
                key = name_key(b)
                if not key:
                    raise InputError(f"{b!r} is not a name", hint="pass a speaker id or a name")
                self._conn.execute(
                    "INSERT INTO speaker_keys (kind, key, speaker_id, surname) VALUES ('ar', ?, ?, NULL) "
                    "ON CONFLICT (kind, key) DO UPDATE SET speaker_id = excluded.speaker_id",
                    (key, target),
                )
                self._conn.execute(
                    "UPDATE claims SET speaker_id = ?, speaker_rule = 'correction' WHERE speaker_key = ?",
                    (target, key),
                )
                pins = [(f"ar:{key}", target, "merge", now)]
            self._pin(pins)
            self._repair([target])
        detail = self.speaker(target)
        assert detail is not None
        return detail

    def split(self, speaker: str, aliases: Sequence[str]) -> SpeakerDetail:
        """Move the claims filed under some names of a speaker to a new speaker, for good.

        Args:
            speaker: The speaker (id or unambiguous name) that wrongly holds two people.
            aliases: The names (as written, any form with the same key) that are the other person.

        Returns:
            The new speaker.

        Raises:
            InputError: Unknown speaker, or none of the names is filed under it.
        """
        from toolkit.store.speakers import speaker_id_for

        source = self._one_speaker(speaker)
        keys = list(dict.fromkeys(k for k in (name_key(a) for a in aliases) if k)) or [""]
        marks = ",".join("?" * len(keys))
        held = self._conn.execute(
            f"SELECT speaker_ar FROM claims WHERE speaker_id = ? AND speaker_key IN ({marks}) LIMIT 1",
            [source, *keys],
        ).fetchone()
        if held is None:
            raise InputError(
                f"none of {', '.join(aliases)} is filed under {source}",
                hint="pass names listed for it by `khulasa store speakers`",
            )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        new_id = speaker_id_for(keys[0])
        n = 1
        while self._conn.execute("SELECT 1 FROM speakers WHERE speaker_id = ?", (new_id,)).fetchone():
            n += 1
            new_id = speaker_id_for(f"{keys[0]}#{n}")
        with self._conn.transaction():
            self._conn.execute(
                "INSERT INTO speakers (speaker_id, name, name_en, created_at) VALUES (?, ?, NULL, ?)",
                (new_id, held[0], now),
            )
            for key in keys:
                self._conn.execute(
                    "INSERT INTO speaker_keys (kind, key, speaker_id, surname) VALUES ('ar', ?, ?, ?) "
                    "ON CONFLICT (kind, key) DO UPDATE SET speaker_id = excluded.speaker_id",
                    (key, new_id, key.rsplit(" ", 1)[-1] if " " in key else None),
                )
            self._conn.execute(
                f"UPDATE claims SET speaker_id = ?, speaker_rule = 'correction' WHERE speaker_id = ? "
                f"AND speaker_key IN ({marks})",
                [new_id, source, *keys],
            )
            self._pin([(f"ar:{k}", new_id, "split", now) for k in keys])
            self._repair([source, new_id])
        detail = self.speaker(new_id)
        assert detail is not None
        return detail

    def _pin(self, pins: list[tuple[str, str, str, str]]) -> None:
        self._conn.executemany(
            "INSERT INTO corrections (key, speaker_id, action, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET speaker_id = excluded.speaker_id, action = excluded.action, "
            "created_at = excluded.created_at",
            pins,
        )

    def _repair(self, speaker_ids: Sequence[str]) -> None:
        """Recompute the conflict pairs of these speakers' claims (the stance rule depends on them)."""
        self._facts.clear()
        marks = ",".join("?" * len(speaker_ids))
        ids = [
            int(r[0])
            for r in self._conn.execute(
                f"SELECT id FROM claims WHERE speaker_id IN ({marks})", list(speaker_ids)
            ).fetchall()
        ]
        if not ids:
            return
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            cmarks = ",".join("?" * len(part))
            self._conn.execute(
                f"DELETE FROM conflicts WHERE rule = 'stance' AND (a IN ({cmarks}) OR b IN ({cmarks}))",
                part + part,
            )
            self._pair(cf.load_facts(self._conn, part))

    # --- reading -------------------------------------------------------------------------------

    def article(self, article_id: str) -> StoredArticle | None:
        """One article with its text and briefing, or None."""
        row = self._conn.execute(
            "SELECT article_id, source_id, title, published, url, text_sha256, added_at, text, briefing "
            "FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return StoredArticle(
            article_id=row[0],
            source_id=row[1],
            title=row[2],
            published=row[3],
            url=row[4],
            text_sha256=row[5],
            added_at=row[6],
            text=row[7],
            briefing=Briefing.model_validate_json(row[8]),
        )

    def articles(self, limit: int = 100, offset: int = 0) -> list[ArticleInfo]:
        """Articles' metadata, newest first (by date, then by when they were added)."""
        rows = self._conn.execute(
            "SELECT article_id, source_id, title, published, url, text_sha256, added_at FROM articles "
            "ORDER BY COALESCE(published, '') DESC, added_at DESC, article_id LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [
            ArticleInfo(
                article_id=r[0],
                source_id=r[1],
                title=r[2],
                published=r[3],
                url=r[4],
                text_sha256=r[5],
                added_at=r[6],
            )
            for r in rows
        ]

    def find_speakers(self, name: str) -> list[str]:
        """Store speaker ids a name refers to: an id, a known name or English name, else a surname.

        A one-word name that is the surname of several speakers returns all of them (a query shows
        them side by side; nothing is merged).
        """
        if self._conn.execute("SELECT 1 FROM speakers WHERE speaker_id = ?", (name,)).fetchone():
            return [name]
        key, english = name_key(name), en_key(name)
        ids: list[str] = []
        for kind, k in (("ar", key), ("en", english), ("en", key)):
            if k:
                row = self._conn.execute(
                    "SELECT speaker_id FROM speaker_keys WHERE kind = ? AND key = ?", (kind, k)
                ).fetchone()
                if row:
                    ids.append(str(row[0]))
        if not ids and key and " " not in key:
            rows = self._conn.execute(
                "SELECT DISTINCT speaker_id FROM speaker_keys "
                "WHERE surname = ? OR (kind = 'en' AND key LIKE ?) "
                "ORDER BY speaker_id",
                (key, f"% {key}"),
            ).fetchall()
            ids = [str(r[0]) for r in rows]
        return list(dict.fromkeys(ids))

    def claims(
        self,
        speaker: str | None = None,
        about: str | None = None,
        kind: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        limit: int = 50,
        cursor: str | None = None,
        *,
        article_id: str | None = None,
    ) -> ClaimPage:
        """Claims in time order (oldest first), filtered, one page at a time.

        Args:
            speaker: A speaker id or name (see `find_speakers`); an unknown name gives no claims.
            about: Folded full-text search over evidence, claim text and the entities it names.
            kind: A claim kind (statement, denial, ...).
            since: Earliest article date (inclusive); undated articles are then left out.
            until: Latest article date (inclusive).
            limit: Page size (1-1000).
            cursor: `next_cursor` of the previous page.
            article_id: Only this article's claims.

        Returns:
            The page and the next cursor.
        """
        where, params = self._filters(speaker, about, kind, since, until, article_id)
        if where is None:
            return ClaimPage()
        if cursor:
            where.append("(c.sort_key > ? OR (c.sort_key = ? AND c.id > ?))")
            key, last = _read_cursor(cursor)
            params += [key, key, last]
        limit = max(1, min(int(limit), 1000))
        source: str | None = _CLAIM_FROM
        if about and not speaker and self._conn.dialect == "sqlite":
            source = self._sqlite_search_plan(where, params)
        if source is None:
            return ClaimPage()
        sql = (
            f"SELECT {_CLAIM_COLUMNS} {source} WHERE {' AND '.join(where) or 'TRUE'} "
            f"ORDER BY c.sort_key, c.id LIMIT ?"
        )
        rows = self._conn.execute(sql, [*params, limit + 1]).fetchall()
        items = [_row(r) for r in rows[:limit]]
        more = len(rows) > limit
        return ClaimPage(
            items=items, next_cursor=f"{rows[limit - 1][30]}|{rows[limit - 1][0]}" if more else None
        )

    def _sqlite_search_plan(self, where: list[str], params: list[Any]) -> str | None:
        """Pick the join order SQLite cannot: by how many claims the search matches.

        Few matches: read them from FTS5 and sort them (cost ~ matches). Many: walk the time index
        and keep the matching rows (stops after one page). SQLite's planner has no statistics on
        an FTS5 match, so left alone it sometimes walks every claim for a word that matches none.
        None when nothing matches.
        """
        at = where.index(_FTS_IN)
        match = params[sum(w.count("?") for w in where[:at])]
        few = self._conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM claim_fts WHERE claim_fts MATCH ? "
            f"LIMIT {_FEW_MATCHES + 1})",
            (match,),
        ).fetchone()[0]
        if few == 0:
            return None
        if few > _FEW_MATCHES:
            return _CLAIM_FROM.replace("FROM claims c ", "FROM claims c INDEXED BY claims_time ", 1)
        where[at] = "f.terms MATCH ?"
        return _CLAIM_FROM.replace(
            "FROM claims c ", "FROM claim_fts f CROSS JOIN claims c ON c.id = f.rowid ", 1
        )

    def _filters(
        self,
        speaker: str | None,
        about: str | None,
        kind: str | None,
        since: str | date | None,
        until: str | date | None,
        article_id: str | None,
    ) -> tuple[list[str] | None, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if speaker:
            ids = self.find_speakers(speaker)
            if not ids:
                return None, []
            where.append(f"c.speaker_id IN ({','.join('?' * len(ids))})")
            params += ids
        if about:
            clause = self._search_clause(about)
            if clause is None:
                return None, []
            where.append(clause[0])
            params.append(clause[1])
        if kind:
            if kind not in CLAIM_KINDS:
                raise InputError(f"unknown claim kind {kind!r}", hint=f"use one of: {', '.join(CLAIM_KINDS)}")
            where.append("c.kind = ?")
            params.append(kind)
        if since:
            where.append("c.sort_key >= ?")
            params.append(normalize_date(since))
        if until:
            where.append("c.sort_key <= ? AND c.sort_key < ?")
            until_text = normalize_date(until) or ""
            params += [until_text + ("T\uffff" if len(until_text) == 10 else ""), UNDATED]
        if article_id:
            where.append("c.article_id = ?")
            params.append(article_id)
        return where, params

    def _search_clause(self, about: str) -> tuple[str, str] | None:
        groups = query_groups(about)
        if not groups:
            return None
        if self._conn.dialect == "sqlite":
            match = " AND ".join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)
            return _FTS_IN, match
        query = " & ".join("(" + " | ".join(f"'{t}'" for t in g) + ")" for g in groups)
        return "c.fts @@ ?::tsquery", query

    def speakers(self, limit: int | None = None) -> list[SpeakerSummary]:
        """Every store speaker with claims, most claims first, with counts and aliases."""
        rows = self._conn.execute(
            "SELECT s.speaker_id, s.name, s.name_en, COUNT(c.id), COUNT(DISTINCT c.article_id), "
            "MIN(c.published), MAX(c.published) FROM speakers s JOIN claims c ON c.speaker_id = s.speaker_id "
            "GROUP BY s.speaker_id, s.name, s.name_en ORDER BY COUNT(c.id) DESC, s.speaker_id"
            + (f" LIMIT {int(limit)}" if limit else "")
        ).fetchall()
        aliases = self._aliases([r[0] for r in rows])
        return [
            SpeakerSummary(
                speaker_id=r[0],
                name=r[1],
                name_en=r[2],
                claims=r[3],
                articles=r[4],
                first=r[5],
                last=r[6],
                aliases=list(dict.fromkeys(a.alias for a in aliases.get(r[0], []) if a.kind != "role")),
            )
            for r in rows
        ]

    def _aliases(self, speaker_ids: Sequence[str]) -> dict[str, list[SpeakerAlias]]:
        out: dict[str, list[SpeakerAlias]] = {}
        if not speaker_ids:
            return out
        marks = ",".join("?" * len(speaker_ids))
        for column, kind in (("speaker_ar", "ar"), ("speaker_en", "en"), ("role", "role")):
            rows = self._conn.execute(
                f"SELECT speaker_id, {column}, COUNT(*) FROM claims WHERE speaker_id IN ({marks}) "
                f"AND {column} IS NOT NULL AND {column} <> '' GROUP BY speaker_id, {column} "
                f"ORDER BY speaker_id, COUNT(*) DESC, {column}",
                list(speaker_ids),
            ).fetchall()
            for sid, alias, n in rows:
                key = name_key(alias) if kind == "ar" else en_key(alias) if kind == "en" else alias.casefold()
                out.setdefault(sid, []).append(SpeakerAlias(alias=alias, key=key, kind=kind, claims=n))
        return out

    def speaker(self, speaker_id: str) -> SpeakerDetail | None:
        """One speaker with every alias, role, kind count and pinned correction, or None."""
        row = self._conn.execute(
            "SELECT s.speaker_id, s.name, s.name_en, COUNT(c.id), COUNT(DISTINCT c.article_id), "
            "MIN(c.published), MAX(c.published) FROM speakers s "
            "LEFT JOIN claims c ON c.speaker_id = s.speaker_id "
            "WHERE s.speaker_id = ? GROUP BY s.speaker_id, s.name, s.name_en",
            (speaker_id,),
        ).fetchone()
        if row is None:
            return None
        alias_rows = self._aliases([speaker_id]).get(speaker_id, [])
        kinds = self._conn.execute(
            "SELECT kind, COUNT(*) FROM claims WHERE speaker_id = ? GROUP BY kind "
            "ORDER BY COUNT(*) DESC, kind",
            (speaker_id,),
        ).fetchall()
        pinned = self._conn.execute(
            "SELECT key FROM corrections WHERE speaker_id = ? ORDER BY key", (speaker_id,)
        ).fetchall()
        return SpeakerDetail(
            speaker_id=row[0],
            name=row[1],
            name_en=row[2],
            claims=row[3],
            articles=row[4],
            first=row[5],
            last=row[6],
            aliases=list(dict.fromkeys(a.alias for a in alias_rows if a.kind != "role")),
            alias_rows=alias_rows,
            roles=[a.alias for a in alias_rows if a.kind == "role"],
            kinds={k: n for k, n in kinds},
            corrections=[p[0] for p in pinned],
        )

    def timeline(self, name: str) -> list[TimelineRow]:
        """A speaker's claims per ISO week and kind (undated articles under 'undated')."""
        ids = self.find_speakers(name)
        if not ids:
            return []
        rows = self._conn.execute(
            f"SELECT published, kind, COUNT(*) FROM claims WHERE speaker_id IN ({','.join('?' * len(ids))}) "
            "GROUP BY published, kind",
            ids,
        ).fetchall()
        counts: dict[tuple[str, str], int] = {}
        for published, kind, n in rows:
            week = "undated"
            if published:
                year, wk, _ = datetime.fromisoformat(published).isocalendar()
                week = f"{year}-W{wk:02d}"
            counts[(week, kind)] = counts.get((week, kind), 0) + n
        return [TimelineRow(week=w, kind=k, claims=n) for (w, k), n in sorted(counts.items())]

    def conflicts(
        self, speaker: str | None = None, *, rule: str | None = None, limit: int = 50
    ) -> list[ConflictPair]:
        """Conflict candidates, newest first (see `toolkit.store.conflicts` for the rules).

        Args:
            speaker: Only pairs where either claim is this speaker's (id or name).
            rule: Only this rule (quantity, denial, stance).
            limit: Most pairs returned.

        Returns:
            The pairs, each with both claims.
        """
        if rule and rule not in cf.RULES:
            raise InputError(f"unknown conflict rule {rule!r}", hint=f"use one of: {', '.join(cf.RULES)}")
        cols = "k.rule, k.a, k.b, k.reason, k.topic"
        order = " ORDER BY {p}b DESC, {p}a DESC, {p}rule DESC LIMIT " + str(max(1, int(limit)))
        by_rule = " AND k.rule = ?" if rule else ""
        if speaker:
            ids = self.find_speakers(speaker)
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            # one index join per side (the speaker's claims -> pairs), not a scan of every pair
            sql = " UNION ".join(
                f"SELECT {cols} FROM claims x JOIN conflicts k ON k.{side} = x.id "
                f"WHERE x.speaker_id IN ({marks}){by_rule}"
                for side in ("a", "b")
            )
            params: list[Any] = [*ids, *([rule] if rule else []), *ids, *([rule] if rule else [])]
            rows = self._conn.execute(f"SELECT * FROM ({sql}) u" + order.format(p=""), params).fetchall()
        else:
            where = " WHERE k.rule = ?" if rule else ""
            rows = self._conn.execute(
                f"SELECT {cols} FROM conflicts k{where}" + order.format(p="k."),
                [rule] if rule else [],
            ).fetchall()
        claims = self._claims_by_id({int(r[1]) for r in rows} | {int(r[2]) for r in rows})
        return [
            ConflictPair(
                rule=r[0],
                a=claims[int(r[1])],
                b=claims[int(r[2])],
                reason=r[3],
                topic=[t for t in r[4].split(" | ") if t],
            )
            for r in rows
        ]

    def _claims_by_id(self, ids: set[int]) -> dict[int, ClaimRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._conn.execute(
            f"SELECT {_CLAIM_COLUMNS} {_CLAIM_FROM} WHERE c.id IN ({marks})", sorted(ids)
        )
        return {int(r[0]): _row(r) for r in rows.fetchall()}

    def optimize(self) -> None:
        """Refresh the query planner's statistics (SQLite `PRAGMA optimize`, PostgreSQL `ANALYZE`).

        Called after large ingests; PostgreSQL's autovacuum also does it on its own schedule.
        """
        if self._conn.dialect == "sqlite":
            self._conn.execute("PRAGMA optimize")
        else:
            self._conn.execute("ANALYZE")

    def stats(self) -> dict[str, int]:
        """Counts of articles, claims, speakers and conflict pairs."""
        out = {}
        for table in ("articles", "claims", "speakers", "conflicts"):
            out[table] = int(self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        return out


def _read_cursor(cursor: str) -> tuple[str, int]:
    key, _, last = cursor.rpartition("|")
    try:
        return key, int(last)
    except ValueError:
        raise InputError(f"bad cursor {cursor!r}", hint="pass the next_cursor of the previous page") from None


class _ArticleEntities:
    """One briefing's entities, keyed once per article for every claim's terms and topics."""

    def __init__(self, briefing: Briefing) -> None:
        # folded key -> (its words, the name as written), the first entity of each key
        self.by_key: dict[str, tuple[frozenset[str], str]] = {}
        # every entity in order: (its key's words, its other names), indexed when a claim names it
        self.others: list[tuple[frozenset[str], list[str]]] = []
        for entity in briefing.entities:
            key = name_key(entity.name_ar)
            if not key:
                continue
            words = frozenset(key.split())
            self.by_key.setdefault(key, (words, entity.name_ar))
            self.others.append((words, [t for t in (entity.name_en, *entity.aliases) if t]))

    def terms(self, claim: Claim, evidence: list[str]) -> list[str]:
        """The claim's index terms: evidence, claim texts, and the other names of entities it names."""
        own = [evidence, tokens(claim.claim_ar)]
        mentioned = set(terms_of(own))
        lists = [*own, tokens(claim.claim_en) if claim.claim_en else []]
        for words, names in self.others:
            if words <= mentioned:
                lists += [tokens(name) for name in names]
        return terms_of(lists)

    def topics(self, terms: set[str]) -> tuple[tuple[str, str], ...]:
        """(key, name) of the entities a claim names (every word of the name is among its terms)."""
        return tuple(sorted((k, name) for k, (words, name) in self.by_key.items() if words <= terms))
