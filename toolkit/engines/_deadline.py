"""A total deadline per HTTP attempt, not only a per-read timeout.

httpx's timeouts bound each network operation: a server that trickles its answer one byte a second
never trips a 3-second read timeout, and one answer can take minutes. Here every attempt gets one
deadline (`TransportPolicy.timeout` seconds from its start) that covers connecting, sending, the
headers and the whole body:

* async: the attempt runs under `asyncio.timeout` (cancelling the request; any client works). A
  gate that queues requests (the batch's `GatedTransport`) holds them inside `queued()`: the clock
  stops while a request waits behind others and starts afresh when it is let through;
* sync: our own httpx client's network streams clamp every read, write and connect to the time
  left and fail once it is gone (a `ContextVar` carries the deadline of the attempt in progress).
  An `http_client` injected by the caller keeps its own timeouts.

Either way the attempt fails as `openai.APITimeoutError`, which the transport retry policy retries
like any other timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
import time
from collections.abc import Awaitable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

import httpcore2
import httpx2
import openai

T = TypeVar("T")

_DEADLINE: ContextVar[float | None] = ContextVar("khulasa_http_deadline", default=None)
_ASYNC_DEADLINE: ContextVar[tuple[asyncio.Timeout, float] | None] = ContextVar(
    "khulasa_async_http_deadline", default=None
)


async def within(call: Awaitable[T], seconds: float, url: str) -> T:
    """Await one HTTP attempt for at most `seconds` in total.

    Raises:
        openai.APITimeoutError: The deadline passed (the request was cancelled).
    """
    try:
        async with asyncio.timeout(seconds) as timer:
            token = _ASYNC_DEADLINE.set((timer, seconds))
            try:
                return await call
            finally:
                _ASYNC_DEADLINE.reset(token)
    except TimeoutError as exc:
        raise openai.APITimeoutError(request=httpx2.Request("POST", url)) from exc


@contextlib.contextmanager
def queued() -> Iterator[None]:
    """Stop the attempt's clock while it waits in a queue; it gets its whole deadline after."""
    entry = _ASYNC_DEADLINE.get()
    if entry is None:
        yield
        return
    timer, seconds = entry
    with contextlib.suppress(RuntimeError):  # already expiring: the cancellation goes on as it is
        timer.reschedule(None)
    try:
        yield
    finally:
        with contextlib.suppress(RuntimeError):
            timer.reschedule(asyncio.get_running_loop().time() + seconds)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """The sync attempt inside this block must finish within `seconds` (see `sync_http_client`)."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the attempt's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _left(timeout, httpcore2.ConnectTimeout))
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        left = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, left, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        left = _left(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def sync_http_client() -> httpx2.Client | None:
    """openai's default sync client, with network streams that honour `deadline`.

    Returns:
        The client, or None — a proxy is configured in the environment, or this httpx version hides
        its connection pool elsewhere (tests/test_fault_matrix.py catches that on an upgrade) — and
        then the per-read timeout alone applies.
    """
    if any(k.lower() in ("http_proxy", "https_proxy", "all_proxy") for k in os.environ):
        return None  # an explicit transport would disable httpx's proxy settings from the environment
    transport = httpx2.HTTPTransport(limits=openai.DEFAULT_CONNECTION_LIMITS)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:
        return None
    pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
    return openai.DefaultHttpxClient(transport=transport)
