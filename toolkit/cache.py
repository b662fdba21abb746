"""On-disk response cache: never pay twice for the same call.

One sqlite3 file (stdlib, WAL mode, so several processes can read and write at once) holding final
Briefings — post-grounding, post-merge — keyed by everything that decides the answer:

* the engine's identity: engine name, model, endpoint host, instructor mode, prompt version,
  max_tokens, temperature and re-ask budget (read from the engine, see `engine_fingerprint`);
* the article: sha256 of its exact text (no normalization: offsets index those exact characters);
* call parameters: chunk size and anything else the caller passes to `request_key`.

Errors are never cached. A briefing read back is marked `meta.cached = true`; its `meta.cost_usd`
still says what producing it cost the first time. Location: `$KHULASA_CACHE_DIR`, else
`~/.cache/khulasa`; the file is `responses.sqlite3` in it, created 0600 in a 0700 folder (it holds
article text).

Damage never stops a run: a row that fails to load is deleted and reported as that item's
`CacheError` (the next try calls the model); a database that is corrupt as a whole ("file is not a
database", "database disk image is malformed") is set aside as `responses.sqlite3.corrupt-<time>`
with one warning on stderr, and a new one is started.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from toolkit.errors import CacheError, ConfigurationError
from toolkit.schema import SCHEMA_VERSION, Briefing

CACHE_FORMAT = 1
"""Bumped when the stored value or key layout changes; old entries then simply miss."""

_FILE_NAME = "responses.sqlite3"
_PARTS = ("", "-wal", "-shm")
"""Suffixes of the database file and its WAL-mode companions (kept, moved and chmod-ed together)."""
_COMPUTED_META = ("n_attempts", "prompt_tokens", "completion_tokens", "total_tokens")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    model TEXT,
    endpoint TEXT,
    prompt_version TEXT,
    article_sha256 TEXT NOT NULL,
    created REAL NOT NULL,
    briefing TEXT NOT NULL
)
"""


def default_cache_dir() -> Path:
    """`$KHULASA_CACHE_DIR`, else `~/.cache/khulasa`."""
    env = os.environ.get("KHULASA_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "khulasa"


def engine_fingerprint(engine: Any) -> dict[str, Any]:
    """What about an engine changes its answers: name, model, endpoint, mode, prompt version, limits.

    Engines expose these as `name`, `config.<field>` and `prompts.version` (the OpenAI-compatible
    engine does); missing ones are recorded as null, so two engines that differ only in something
    invisible here would share entries — engines should expose what matters on `config`.

    Args:
        engine: Any `toolkit.engines.base.Engine`.

    Returns:
        A JSON-able dict.
    """
    config = getattr(engine, "config", None)
    fields = ("model", "base_url_host", "mode", "max_tokens", "temperature", "max_reasks", "extra_body")
    out: dict[str, Any] = {"engine": getattr(engine, "name", type(engine).__name__)}
    for name in fields:
        value = getattr(config, name, None) if config is not None else None
        plain = value is None or isinstance(value, str | int | float | bool | dict)
        out[name] = value if plain else repr(value)
    if out["model"] is None:
        out["model"] = getattr(engine, "model", None) or getattr(engine, "model_path", None)
        out["model"] = None if out["model"] is None else str(out["model"])
    prompts = getattr(engine, "prompts", None)
    out["prompt_version"] = getattr(prompts, "version", None)
    return out


def article_sha256(article: str) -> str:
    """sha256 of the article's exact UTF-8 bytes."""
    return hashlib.sha256(article.encode("utf-8")).hexdigest()


def request_key(engine: Any, article: str, **params: Any) -> str:
    """The cache key of summarizing `article` with `engine` and `params`.

    Args:
        engine: The engine that would answer.
        article: The exact article text.
        **params: Call parameters that change the answer (e.g. chunk_chars); JSON-able.

    Returns:
        A hex sha256.
    """
    payload = {
        "format": CACHE_FORMAT,
        # A briefing stored under another schema version would not load: make it a miss instead.
        "schema_version": SCHEMA_VERSION,
        "engine": engine_fingerprint(engine),
        "article_sha256": article_sha256(article),
        "params": params,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode("utf-8")).hexdigest()


def _is_corrupt(exc: sqlite3.Error) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged (not merely locked or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return "malformed" in str(exc) or "not a database" in str(exc)


@dataclass(frozen=True)
class CacheStats:
    """What `khulasa cache stats` prints.

    Attributes:
        path: The sqlite file.
        entries: Number of cached briefings.
        size_bytes: Size of the database files on disk (main file + WAL).
        by_model: Entries per (engine, model).
    """

    path: Path
    entries: int
    size_bytes: int
    by_model: dict[str, int]


class ResponseCache:
    """A sqlite-backed cache of final Briefings, safe for concurrent writers (WAL).

    Use one instance per thread or event loop; it serializes its own calls with a lock.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        """Open (creating if needed) the cache in `directory` (default: `default_cache_dir()`).

        A database that is corrupt as a whole is set aside (renamed, one warning) and a new one is
        started.

        Raises:
            ConfigurationError: The directory cannot be created or the database opened.
        """
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / _FILE_NAME
        self.set_aside: list[Path] = []
        self._lock = threading.Lock()
        try:
            if not self.directory.exists():
                self.directory.mkdir(parents=True, mode=0o700, exist_ok=True)
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                raise self._open_error(exc) from exc
            self._set_aside_and_reopen()
        except (OSError, sqlite3.Error) as exc:
            raise self._open_error(exc) from exc

    def _open_error(self, exc: BaseException) -> ConfigurationError:
        return ConfigurationError(
            f"cannot open the response cache at {self.path}: {exc}",
            hint="set KHULASA_CACHE_DIR to a writable directory, or pass --no-cache",
        )

    def _connect(self) -> sqlite3.Connection:
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
        for suffix in _PARTS:  # 0600: the cache holds article text
            try:
                st = Path(f"{self.path}{suffix}").stat()
            except FileNotFoundError:
                continue
            if st.st_mode & 0o077 and st.st_uid == os.getuid():
                os.chmod(f"{self.path}{suffix}", 0o600)
        db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives a process kill; only an OS crash can lose the
            # last few entries, which costs a re-run of those calls, never a wrong answer.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside_and_reopen(self) -> None:
        """Rename a corrupt database out of the way (one warning) and start a new one."""
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        aside = self.directory / f"{_FILE_NAME}.corrupt-{stamp}-{os.getpid()}"
        try:
            for suffix in _PARTS:
                part = Path(f"{self.path}{suffix}")
                if part.exists():
                    part.replace(Path(f"{aside}{suffix}"))
            self._db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            raise self._open_error(exc) from exc
        self.set_aside.append(aside)
        print(
            f"khulasa: the response cache {self.path} was corrupt; set it aside as {aside.name} and "
            "started a new one (earlier answers will be asked again; `khulasa cache clear` removes it)",
            file=sys.stderr,
        )

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A query hit a corrupt page: set the whole database aside (caller holds the lock)."""
        if not _is_corrupt(exc):
            raise exc
        self._db.close()
        self._set_aside_and_reopen()

    def get(self, key: str) -> Briefing | None:
        """The cached briefing for `key` (marked `meta.cached = true`), or None.

        Raises:
            CacheError: The row exists but does not load (damaged, or written by a foreign tool);
                it has been deleted, so the next try calls the model.
        """
        with self._lock:
            try:
                row = self._db.execute("SELECT briefing FROM responses WHERE key = ?", (key,)).fetchone()
            except sqlite3.DatabaseError as exc:
                self._recover(exc)
                return None
        if row is None:
            return None
        try:
            data = json.loads(row[0])
            for name in _COMPUTED_META:  # computed on output, rejected on input (extra="forbid")
                data["meta"].pop(name, None)
            data["meta"]["cached"] = True
            return Briefing.model_validate(data)
        except (ValueError, TypeError, KeyError, RecursionError, ValidationError) as exc:
            self.delete(key)
            what = type(exc).__name__
            raise CacheError(
                f"the cached answer for this article does not load ({what}); it was removed from the cache",
                hint="re-run with --retry-failed to ask the model again (or --no-cache)",
            ) from None

    def delete(self, key: str) -> None:
        """Remove one entry (a damaged row)."""
        with self._lock:
            try:
                self._db.execute("DELETE FROM responses WHERE key = ?", (key,))
            except sqlite3.DatabaseError as exc:
                self._recover(exc)

    def put(self, key: str, briefing: Briefing, *, engine: Any = None, article: str | None = None) -> None:
        """Store a final briefing. Never call it with an error: errors are not cached.

        Args:
            key: From `request_key`.
            briefing: The final (grounded, merged) briefing.
            engine: The engine, for the stats columns.
            article: The article, for the stats columns.

        Raises:
            sqlite3.Error: The database cannot be written (e.g. a full disk).
        """
        fp = engine_fingerprint(engine) if engine is not None else {}
        stored = briefing.model_copy(update={"meta": briefing.meta.model_copy(update={"cached": False})})
        row = (
            key,
            str(fp.get("engine") or briefing.meta.engine),
            fp.get("model") or briefing.meta.model,
            fp.get("base_url_host") or briefing.meta.base_url_host,
            fp.get("prompt_version") or briefing.meta.prompt_version,
            article_sha256(article) if article is not None else "",
            time.time(),
            stored.model_dump_json(),
        )
        with self._lock:
            try:
                self._db.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            except sqlite3.DatabaseError as exc:
                self._recover(exc)

    def stats(self) -> CacheStats:
        """Entries, size on disk and entries per model."""
        with self._lock:
            entries = int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])
            rows = self._db.execute(
                "SELECT engine, COALESCE(model, '-'), COUNT(*) FROM responses GROUP BY 1, 2 ORDER BY 3 DESC"
            ).fetchall()
        size = sum(p.stat().st_size for p in self.directory.glob(_FILE_NAME + "*") if p.is_file())
        return CacheStats(self.path, entries, size, {f"{e}/{m}": int(n) for e, m, n in rows})

    def clear(self) -> int:
        """Delete every entry, and every corrupt database set aside earlier; returns the entries."""
        with self._lock:
            try:
                n = int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])
                self._db.execute("DELETE FROM responses")
                self._db.execute("VACUUM")
            except sqlite3.DatabaseError as exc:
                self._recover(exc)
                n = 0
            for aside in self.directory.glob(f"{_FILE_NAME}.corrupt-*"):
                aside.unlink(missing_ok=True)
        return n

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
