"""The two backends behind one small interface: SQLite (standard library) and PostgreSQL (psycopg 3).

Why no SQLAlchemy: the queries are plain SQL that both dialects accept (`ON CONFLICT`, row values,
`RETURNING`); the one real difference, full-text search, is exactly what SQLAlchemy Core does not
abstract (FTS5 vs tsvector), and the parameter style is a one-line translation. One code path
without a 3 MB dependency on the CLI's start-up path.

SQL is written with `?` placeholders; the PostgreSQL connection rewrites them to `%s`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from toolkit.errors import ConfigurationError

Dialect = Literal["sqlite", "postgresql"]

BUSY_TIMEOUT_S = 60.0
"""How long a SQLite writer waits for another writer's transaction before giving up."""

WAL_CHECKPOINT_PAGES = 10_000
"""SQLite WAL pages (4 KiB each) between automatic checkpoints (SQLite's default is 1,000)."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


class Connection(Protocol):
    """What the store needs from a database connection."""

    dialect: Dialect
    label: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns a cursor (fetchone/fetchall/iteration)."""

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction: commit on success, roll back on error (one writer at a time)."""

    def close(self) -> None:
        """Close the connection."""


@dataclass(frozen=True)
class StoreURL:
    """A parsed store URL.

    Attributes:
        dialect: sqlite or postgresql.
        target: The SQLite file path, or the PostgreSQL conninfo URL (password included).
        label: The URL as it may be printed: the password replaced by ***.
    """

    dialect: Dialect
    target: str
    label: str


def redact(url: str) -> str:
    """The URL with any password replaced by ``***`` (safe to print or log)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable store URL>"
    if not parts.password:  # none, or empty (postgres:@host): nothing to hide
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def default_path() -> Path:
    """The default SQLite file: ``<user data dir>/khulasa/store.sqlite3`` (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("khulasa", appauthor=False)) / "store.sqlite3"


def parse_url(url: str | os.PathLike[str] | None) -> StoreURL:
    """Read a store URL: ``sqlite:///path``, ``postgresql://...``, a bare file path, or None.

    None means ``$KHULASA_STORE``, then the default SQLite file (`default_path`).

    Raises:
        ConfigurationError: The URL's scheme is not sqlite or postgresql.
    """
    if url is None:
        url = os.environ.get("KHULASA_STORE") or None
    if url is None:
        default = default_path()
        return StoreURL("sqlite", str(default), f"sqlite:///{default}")
    text = os.fspath(url)
    if text.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        target = "postgresql://" + text.split("://", 1)[1]
        return StoreURL("postgresql", target, redact(target))
    if text.startswith("sqlite:"):
        rest = text[len("sqlite:") :]
        # sqlite:///relative/or/abs -> strip the authority part like SQLAlchemy does
        path = unquote(
            rest[3:] if rest.startswith("///") else rest.lstrip("/") if rest.startswith("//") else rest
        )
        if not path:
            raise ConfigurationError(
                f"no file in store URL {text!r}", hint="use sqlite:///path/to/store.sqlite3"
            )
        return StoreURL("sqlite", path, f"sqlite:///{path}")
    if "://" in text:
        raise ConfigurationError(
            f"unknown store URL scheme in {redact(text)!r}",
            hint="use sqlite:///path/store.sqlite3 or postgresql://user:pass@host/db",
        )
    return StoreURL("sqlite", text, f"sqlite:///{text}")


# --- SQLite ------------------------------------------------------------------------------------


class SQLiteConnection:
    """SQLite in WAL mode, autocommit reads, `BEGIN IMMEDIATE` writes that wait for each other."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: str) -> None:
        import sqlite3

        self.label = f"sqlite:///{path}"
        self.path = path
        _check_sqlite_file(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so two writers queue on the
            # database lock (busy timeout) instead of failing when one upgrades a read to a write.
            self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if path != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoint, never corrupt
            # Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: an article's commit writes
            # ~140 pages, so the default would fsync every few articles; pages rewritten between
            # checkpoints (index roots, the newest leaves) then reach the database file only once.
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise not_a_store(path, str(exc)) from exc
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement."""
        return self._conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows."""
        self._conn.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT (re-entrant: an inner block joins the outer transaction)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _check_sqlite_file(path: str) -> None:
    """Refuse a file that is not SQLite before sqlite3 gets a chance to misread it."""
    p = Path(path)
    if path == ":memory:" or not p.exists():
        return
    if p.is_dir():
        raise ConfigurationError(
            f"store {path} is a folder, not a SQLite file",
            hint="pass a file path: sqlite:///DIR/store.sqlite3",
        )
    with open(p, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise not_a_store(path, "it is not a SQLite database")


def not_a_store(path: str, why: str) -> ConfigurationError:
    return ConfigurationError(
        f"store {path} cannot be opened: {why.rstrip('.')}",
        hint="pass another --store file (or move this one away); a khulasa store is made on first use",
    )


# --- PostgreSQL --------------------------------------------------------------------------------


class PostgresConnection:
    """psycopg 3, one connection; autocommit reads, explicit transactions for writes."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: StoreURL, *, connect_timeout: float = 10.0) -> None:
        try:
            import psycopg
        except ImportError as exc:  # the optional extra is not installed
            raise ConfigurationError(
                "PostgreSQL stores need psycopg 3", hint="pip install 'khulasa[postgres]'"
            ) from exc
        self.label = url.label
        try:
            self._conn = psycopg.connect(
                url.target, autocommit=True, connect_timeout=max(1, int(connect_timeout))
            )
        except psycopg.Error as exc:
            reason = _scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, url)
            raise ConfigurationError(
                f"cannot connect to the PostgreSQL store {url.label}: {reason}",
                hint="check that the server is running and the URL (host, port, user, database) is right",
            ) from None  # the original exception text may hold the conninfo: do not chain it
        self._psycopg = psycopg

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (`?` placeholders)."""
        return self._conn.execute(_pg(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows (pipelined by psycopg)."""
        with self._conn.cursor() as cur:
            cur.executemany(_pg(sql), rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (psycopg nests inner blocks as savepoints)."""
        with self._conn.transaction():
            yield

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _scrub(text: str, url: StoreURL) -> str:
    password = urlsplit(url.target).password
    if password:
        text = text.replace(password, "***").replace(unquote(password), "***")
    return text


def connect(url: StoreURL) -> Connection:
    """Open a connection for a parsed store URL.

    Raises:
        ConfigurationError: The file is not a store, or the server cannot be reached.
    """
    if url.dialect == "sqlite":
        return SQLiteConnection(url.target)
    return PostgresConnection(url)
