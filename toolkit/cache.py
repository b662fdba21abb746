"""On-disk response cache: never pay twice for the same call.

One sqlite3 file (stdlib, WAL mode, so several processes can read and write at once) holding final
Briefings — post-grounding, post-merge — keyed by everything that decides the answer:

* the engine's identity: engine name, model, endpoint host, instructor mode, prompt version,
  max_tokens, temperature and re-ask budget (read from the engine, see `engine_fingerprint`);
* the article: sha256 of its exact text (no normalization: offsets index those exact characters);
* call parameters: chunk size and anything else the caller passes to `request_key`.

Errors are never cached. A briefing read back is marked `meta.cached = true`; its `meta.cost_usd`
still says what producing it cost the first time. Location: `$KHULASA_CACHE_DIR`, else
`~/.cache/khulasa`; the file is `responses.sqlite3` in it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigurationError
from toolkit.schema import Briefing

CACHE_FORMAT = 1
"""Bumped when the stored value or key layout changes; old entries then simply miss."""

_FILE_NAME = "responses.sqlite3"
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
        "engine": engine_fingerprint(engine),
        "article_sha256": article_sha256(article),
        "params": params,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode("utf-8")).hexdigest()


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

        Raises:
            ConfigurationError: The directory cannot be created or the database opened.
        """
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.path = self.directory / _FILE_NAME
        self._lock = threading.Lock()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives a process kill; only an OS crash can lose the
            # last few entries, which costs a re-run of those calls, never a wrong answer.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigurationError(
                f"cannot open the response cache at {self.path}: {exc}",
                hint="set KHULASA_CACHE_DIR to a writable directory, or pass --no-cache",
            ) from exc

    def get(self, key: str) -> Briefing | None:
        """The cached briefing for `key` (marked `meta.cached = true`), or None."""
        with self._lock:
            row = self._db.execute("SELECT briefing FROM responses WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        for name in _COMPUTED_META:  # computed on output, rejected on input (extra="forbid")
            data["meta"].pop(name, None)
        data["meta"]["cached"] = True
        return Briefing.model_validate(data)

    def put(self, key: str, briefing: Briefing, *, engine: Any = None, article: str | None = None) -> None:
        """Store a final briefing. Never call it with an error: errors are not cached.

        Args:
            key: From `request_key`.
            briefing: The final (grounded, merged) briefing.
            engine: The engine, for the stats columns.
            article: The article, for the stats columns.
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
            self._db.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)

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
        """Delete every entry; returns how many there were."""
        with self._lock:
            n = int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])
            self._db.execute("DELETE FROM responses")
            self._db.execute("VACUUM")
        return n

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
