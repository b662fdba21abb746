"""The claim store behind the server: one connection per worker thread, calls off the event loop.

A `sqlite3` connection belongs to the thread that opened it, and every store call is blocking I/O,
so calls run in a small thread pool where each thread opens its own `ClaimStore` on first use.
SQLite's WAL lets those threads read at once while one writes (writers queue on the busy timeout);
PostgreSQL gets one connection per thread. The store is opened once when the server starts, so a
bad URL, a foreign file or a server that is down stops `khulasa serve` with one line, not the first
request.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from toolkit.store import ClaimStore

T = TypeVar("T")

STORE_THREADS = 4
"""Worker threads (and connections) for store calls."""


class StorePool:
    """Run `fn(store, ...)` in a worker thread that owns its own open store."""

    def __init__(self, url: str | None, threads: int = STORE_THREADS) -> None:
        """Open the store once (creating or migrating it), then keep the URL for the workers.

        Args:
            url: Store URL; None = KHULASA_STORE, then the default SQLite file.
            threads: Worker threads.

        Raises:
            ConfigurationError: The store cannot be opened (the message never holds a password).
        """
        with ClaimStore.open(url) as store:
            self.label, self.backend = store.label, store.dialect
        self._url = url
        self._local = threading.local()
        self._opened: list[ClaimStore] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="khulasa-store")

    def _store(self) -> ClaimStore:
        store: ClaimStore | None = getattr(self._local, "store", None)
        if store is None:
            store = ClaimStore.open(self._url)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    async def run(self, fn: Callable[[ClaimStore], T]) -> T:
        """Call `fn` with this thread's store, without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(self._store()))

    def close(self) -> None:
        """Stop the workers, then close every connection they opened."""
        self._pool.shutdown(wait=True)
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            # sqlite3 refuses a close from another thread; its connection is closed by the GC then.
            with contextlib.suppress(Exception):
                store.close()
