"""Speakers across articles: which store speaker a claim is filed under, by rules you can explain.

Rules, tried in order for each speaker a briefing names (the rule is kept on every claim row):

1. **unresolved** — the briefing itself says the speaker is unresolved, or gives no name: filed under
   no speaker.
2. **correction** — a person pinned this name to a speaker (`khulasa store merge` / `split`); this
   wins over every rule below and survives re-ingest.
3. **same-name** — the name's key (Arabic folding, titles such as الرئيس/وزيرة and one nisba after
   them dropped, ال dropped from each word) is a known key: «الرئيس الفرنسي إيمانويل ماكرون» and
   «إيمانويل ماكرون» are one speaker.
4. **english-name** — the same full English name (two words or more, case-folded): transliteration
   variants of one Arabic name meet here.
5. **surname-in-article** — a one-word name that is the last word of exactly one speaker named in
   full in the *same* article («ماكرون» after «إيمانويل ماكرون»).
6. **ambiguous-surname** — a one-word name that is the last word of two full names in the article,
   or of any full-name speaker already in the store: it stays unfiled rather than guessed, because
   a minister and an MP can share a surname (ليلى الحسيني / سامر الحسيني).
7. **new-speaker** — otherwise a new store speaker is made for the name.

Never used: fuzzy or skeleton matching of Arabic names (they merge ليلى الحسيني with ليلى الحسن),
roles (people change jobs, and two ministers share a title). Order matters once: a one-word name seen
before any full name with that surname becomes its own speaker; `store merge` fixes that for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from toolkit.schema import Speaker
from toolkit.store._db import Connection
from toolkit.store.models import SpeakerRule
from toolkit.store.text import TITLES_EN, name_tokens, tokens


@dataclass(frozen=True)
class Filing:
    """Where one claim's speaker is filed.

    Attributes:
        speaker_id: The store speaker, or None.
        rule: Which rule decided it.
        key: The name key (kept on the claim so corrections can re-file it later).
    """

    speaker_id: str | None
    rule: SpeakerRule
    key: str


def en_key(name_en: str | None) -> str:
    """A full English name as a key: folded words without titles; '' when fewer than two words."""
    words = [w for w in tokens(name_en or "") if w not in TITLES_EN]
    return " ".join(words) if len(words) >= 2 else ""


def speaker_name(speaker: Speaker) -> str:
    """The Arabic name a speaker is keyed by: its name, else its mention's text."""
    return speaker.name_ar or (speaker.mention.text if speaker.mention else "")


def speaker_id_for(key: str) -> str:
    """A stable id for a new speaker (the same name gives the same id on every backend)."""
    return "sp_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SpeakerFiler:
    """Files the speakers of one article at a time, inside the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        """Bind to a connection (the store's)."""
        self.conn = conn

    def file_article(self, speakers: list[Speaker]) -> list[Filing]:
        """File each speaker of an article's claims (one `Filing` per input, same order).

        Args:
            speakers: The claims' speakers, in claim order.

        Returns:
            The filings.
        """
        full: dict[str, set[str]] = {}  # surname -> set of full keys named in this article
        for s in speakers:
            toks = name_tokens(speaker_name(s))
            if s.resolution == "resolved" and len(toks) >= 2:
                full.setdefault(toks[-1], set()).add(" ".join(toks))
        done: dict[tuple[str, str, str], Filing] = {}
        out = []
        for s in speakers:
            memo = (s.resolution, speaker_name(s), s.name_en or "")
            if memo not in done:
                done[memo] = self._file(s, full)
            out.append(done[memo])
        return out

    def _file(self, s: Speaker, full: dict[str, set[str]]) -> Filing:
        key = " ".join(name_tokens(speaker_name(s)))
        if s.resolution == "unresolved" or not key:
            return Filing(None, "unresolved", key)
        english = en_key(s.name_en)
        pinned = self._correction(key, english)
        if pinned:
            return Filing(pinned, "correction", key)
        found = self._lookup("ar", key)
        if found:
            self._learn(found, english, s)
            return Filing(found, "same-name", key)
        found = self._lookup("en", english) if english else None
        if found:
            self._learn(found, english, s, ar_key=key)
            return Filing(found, "english-name", key)
        if " " not in key:
            return self._one_word(key, english, s, full)
        return Filing(self._new(key, english, s), "new-speaker", key)

    def _one_word(self, key: str, english: str, s: Speaker, full: dict[str, set[str]]) -> Filing:
        in_article = full.get(key, set())
        if len(in_article) == 1:
            (full_key,) = in_article
            target = self._correction(full_key, "") or self._lookup("ar", full_key)
            if target:
                return Filing(target, "surname-in-article", key)
        if in_article or self._surname_taken(key):
            return Filing(None, "ambiguous-surname", key)
        return Filing(self._new(key, english, s), "new-speaker", key)

    def _correction(self, key: str, english: str) -> str | None:
        for k in (f"ar:{key}", f"en:{english}" if english else None):
            if k:
                row = self.conn.execute("SELECT speaker_id FROM corrections WHERE key = ?", (k,)).fetchone()
                if row:
                    return str(row[0])
        return None

    def _lookup(self, kind: str, key: str) -> str | None:
        row = self.conn.execute(
            "SELECT speaker_id FROM speaker_keys WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return str(row[0]) if row else None

    def _surname_taken(self, word: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM speaker_keys WHERE surname = ? LIMIT 1", (word,)).fetchone()
        return row is not None

    def _add_key(self, kind: str, key: str, speaker_id: str) -> None:
        surname = key.rsplit(" ", 1)[-1] if kind == "ar" and " " in key else None
        self.conn.execute(
            "INSERT INTO speaker_keys (kind, key, speaker_id, surname) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (kind, key) DO NOTHING",
            (kind, key, speaker_id, surname),
        )

    def _learn(self, speaker_id: str, english: str, s: Speaker, ar_key: str | None = None) -> None:
        if ar_key:
            self._add_key("ar", ar_key, speaker_id)
        if english:
            self._add_key("en", english, speaker_id)

    def _new(self, key: str, english: str, s: Speaker) -> str:
        speaker_id = speaker_id_for(key)
        n = 1
        while self.conn.execute("SELECT 1 FROM speakers WHERE speaker_id = ?", (speaker_id,)).fetchone():
            n += 1  # an id taken by a split-off speaker: stay deterministic, add a counter
            speaker_id = speaker_id_for(f"{key}#{n}")
        self.conn.execute(
            "INSERT INTO speakers (speaker_id, name, name_en, created_at) VALUES (?, ?, ?, ?)",
            (speaker_id, speaker_name(s), s.name_en, _now()),
        )
        self._add_key("ar", key, speaker_id)
        if english:
            self._add_key("en", english, speaker_id)
        return speaker_id
