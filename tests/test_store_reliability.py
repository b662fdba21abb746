"""Reliability rows: kill -9 mid-ingest, two SQLite writers, a corrupt or foreign file, a server down."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.errors import ConfigurationError
from toolkit.store import ClaimStore

HERE = Path(__file__).parent
ROOT = HERE.parent


def _writer(url: str, prefix: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    return subprocess.Popen(
        [sys.executable, str(HERE / "store_writer.py"), url, prefix, str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def _whole_articles(url: str) -> dict[str, int]:
    with ClaimStore.open(url) as store:
        out = {}
        for info in store.articles(limit=100000):
            article = store.article(info.article_id)
            assert article is not None
            out[info.source_id] = len(store.claims(article_id=info.article_id, limit=1000).items)
            # no half-article: every claim of the stored briefing is there
            assert out[info.source_id] == len(article.briefing.claims)
        return out


def test_kill_9_during_ingest_keeps_every_committed_article_whole(store_url: str) -> None:
    proc = _writer(store_url, "k", 100000)
    committed: dict[str, int] = {}
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while len(committed) < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        _, sid, n = line.split()
        committed[sid] = int(n)
    proc.send_signal(signal.SIGKILL)  # mid-transaction, most likely: it writes without pause
    proc.wait(timeout=30)
    for line in proc.stdout.read().splitlines():  # what it printed before dying, still in the pipe
        _, sid, n = line.split()
        committed[sid] = int(n)
    assert len(committed) >= 25, proc.stderr.read() if proc.stderr else ""
    stored = _whole_articles(store_url)
    assert {sid: stored.get(sid) for sid in committed} == committed
    assert len(stored) - len(committed) <= 1  # at most one committed whose line was not yet printed
    with ClaimStore.open(store_url) as store:  # and the store still takes writes
        assert store.stats()["articles"] == len(stored)


def test_two_sqlite_writers_wait_for_each_other(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    procs = [_writer(url, p, 40) for p in ("a", "b")]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
        assert out.count("committed") == 40
    stored = _whole_articles(url)
    assert len(stored) == 80


def test_a_file_that_is_not_sqlite_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.sqlite3"
    bad.write_bytes(b"these are my notes, not a database\n" * 20)
    with pytest.raises(
        ConfigurationError, match=f"store {bad} cannot be opened: it is not a SQLite database"
    ):
        ClaimStore.open(str(bad))
    assert main(["store", "info", "--store", str(bad)]) == 3
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: store {bad} cannot be opened") and err[1].startswith("hint: ")
    assert bad.read_bytes().startswith(b"these are my notes")  # untouched


def test_a_corrupt_sqlite_file_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with ClaimStore.open(str(path)) as store:
        assert store.stats()["articles"] == 0
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the magic header, smash the first page
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.write_bytes(bytes(data))
    with pytest.raises(ConfigurationError, match=f"store {path} cannot be opened"):
        ClaimStore.open(str(path))


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER)")
    with pytest.raises(ConfigurationError, match=r"is a database but not a khulasa store \(tables: users\)"):
        ClaimStore.open(f"sqlite:///{path}")


def test_postgres_down_is_a_configuration_error_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "s3cret-Pa55"
    for url in (
        f"postgresql://analyst:{secret}@/claims?host={tmp_path}",  # no server on this socket dir
        f"postgresql://analyst:{secret}@127.0.0.1:9/claims",  # nothing listens on port 9
    ):
        with pytest.raises(ConfigurationError) as info:
            ClaimStore.open(url)
        assert secret not in str(info.value) and "cannot connect to the PostgreSQL store" in str(info.value)
        assert "analyst:***@" in info.value.message
        assert main(["store", "who", "x", "--store", url]) == 3
        captured = capsys.readouterr()
        assert secret not in captured.err + captured.out
        assert captured.err.startswith("error: cannot connect to the PostgreSQL store")


def test_a_store_from_a_newer_release_is_refused(store_url: str) -> None:
    with ClaimStore.open(store_url) as store:
        store._conn.execute("INSERT INTO khulasa_schema (version, applied_at) VALUES (99, 'later')")
    with pytest.raises(ConfigurationError, match="has schema version 99"):
        ClaimStore.open(store_url)
