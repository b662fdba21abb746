"""One shared, adaptive gate in front of the endpoint: AIMD concurrency plus a shared pause on 429.

Every HTTP request of a batch (first attempts, transport retries, merge calls of long articles)
passes through `GatedTransport`, an httpx transport wrapper, which holds one slot of the
`AdaptiveLimiter` for the request's whole exchange. When the endpoint answers 429:

* every worker pauses until the `Retry-After` (or an exponential back-off when there is none) has
  passed: new requests wait at the gate, so the endpoint sees silence, not a retry storm;
* the allowed concurrency is halved (multiplicative decrease) — once per "window": a 429 for a
  request sent before the last cut does not cut again, so a burst of 64 simultaneous 429s halves
  once, not 64 times;
* then it recovers: +1 per success up to the last good level (slow start), +1/limit per success
  above it (additive increase), up to the configured concurrency.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2

from toolkit.engines._deadline import queued


class GateClosed(httpx2.TransportError):
    """The batch stopped (a results write failed): no request leaves any more."""


@dataclass(frozen=True)
class Ticket:
    """A held slot: the limiter's epoch when it was granted (tells stale 429s from fresh ones)."""

    epoch: int


class AdaptiveLimiter:
    """AIMD concurrency limit with a shared pause; single event loop, no locks needed.

    Attributes:
        max_limit: The configured concurrency (the ceiling).
        limit: The current allowed concurrency (float: additive increase is fractional).
        in_flight: Slots held now.
        throttles: 429s seen.
        cuts: Times the limit was halved.
    """

    def __init__(self, max_limit: int, *, initial_pause: float = 1.0, max_pause: float = 60.0) -> None:
        """Create a gate for `max_limit` concurrent requests.

        Args:
            max_limit: The ceiling of concurrent requests.
            initial_pause: Pause after a 429 without Retry-After; doubles while 429s continue.
            max_pause: Cap on any pause, Retry-After included.
        """
        self.max_limit = max(1, max_limit)
        self.limit = float(self.max_limit)
        self.ssthresh = float(self.max_limit)
        self.in_flight = 0
        self.paused_until = 0.0
        self.throttles = 0
        self.cuts = 0
        self.min_seen = float(self.max_limit)
        self._initial_pause = initial_pause
        self._max_pause = max_pause
        self._streak = 0
        self._epoch = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self.halt: Callable[[], bool] | None = None  # when it returns True, nothing more is let through

    @property
    def allowed(self) -> int:
        """The whole number of requests allowed in flight now."""
        return max(1, int(self.limit))

    async def acquire(self) -> Ticket:
        """Wait for the pause to pass and a slot to be free, then take it.

        Raises:
            GateClosed: The run stopped (`halt`): the request must not be sent.
        """
        while True:
            if self.halt is not None and self.halt():
                raise GateClosed("khulasa: the batch stopped; this request was not sent")
            delay = self.paused_until - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            if self.in_flight < self.allowed:
                self.in_flight += 1
                return Ticket(self._epoch)
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if not waiter.done():
                    waiter.cancel()
                if waiter in self._waiters:
                    self._waiters.remove(waiter)

    def release(self) -> None:
        """Give a slot back and wake whoever may now go."""
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        free = self.allowed - self.in_flight
        while free > 0 and self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    def on_success(self) -> None:
        """A non-429 answer: grow the limit (slow start below ssthresh, additive above)."""
        self._streak = 0
        if self.limit < self.ssthresh:
            self.limit = min(self.ssthresh, self.limit + 1.0)
        else:
            self.limit = min(float(self.max_limit), self.limit + 1.0 / self.limit)
        self._wake()

    def on_throttle(self, ticket: Ticket, retry_after: float | None) -> float:
        """A 429: pause everyone and, once per window, halve the limit.

        Args:
            ticket: The slot the throttled request held.
            retry_after: The server's Retry-After in seconds, if any.

        Returns:
            The pause applied, in seconds.
        """
        self.throttles += 1
        self._streak += 1
        pause = self._initial_pause * 2 ** (self._streak - 1) if retry_after is None else retry_after
        pause = min(max(pause, 0.0), self._max_pause)
        self.paused_until = max(self.paused_until, time.monotonic() + pause)
        if ticket.epoch == self._epoch:  # sent after the last cut: fresh news of overload
            self._epoch += 1
            self.cuts += 1
            self.ssthresh = max(1.0, self.limit / 2)
            self.limit = self.ssthresh
            self.min_seen = min(self.min_seen, self.limit)
        return pause


@dataclass
class _Account:
    """One HTTP attempt's entry in the budget ledger (only when the item runs under a budget)."""

    hold: Any
    worst: float
    admitted: bool

    @classmethod
    def start(cls, request: httpx2.Request) -> _Account | None:
        from toolkit.batch.budget import CURRENT_HOLD, attempt_worst_case

        hold = CURRENT_HOLD.get()
        if hold is None:
            return None
        try:
            body = request.content
        except httpx2.RequestNotRead:
            body = b""
        worst = attempt_worst_case(hold.budget, body)
        return cls(hold, worst, hold.budget.begin_attempt(hold, worst))

    def refusal(self, request: httpx2.Request) -> httpx2.Response:
        budget = self.hold.budget
        message = (
            f"khulasa --max-cost: not sent; this attempt could cost up to ${self.worst:.4f} and "
            f"${max(0.0, budget.max_cost - budget.spent - budget.reserved):.4f} of the budget is free"
        )
        body = {"error": {"message": message, "type": "khulasa_budget"}}
        return httpx2.Response(402, json=body, request=request)

    def lost(self, *, sent: bool) -> None:
        # Sent: it may have been billed (`lost` charges its worst case); never sent: it cost nothing.
        self.hold.budget.end_attempt(self.hold, self.worst, 0.0, lost=sent)

    def answered(self, status: int, raw: bytes) -> None:
        from toolkit.batch.budget import billed_cost

        budget = self.hold.budget
        billed = billed_cost(budget, raw) if status == 200 else 0.0  # an error status is not billed
        budget.end_attempt(self.hold, self.worst, billed)


def retry_after_seconds(headers: Any) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date); None when absent or unreadable."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, float(parsed.timestamp()) - time.time())


class GatedTransport(httpx2.AsyncBaseTransport):
    """An httpx transport that sends every request through an `AdaptiveLimiter`."""

    def __init__(self, limiter: AdaptiveLimiter, inner: httpx2.AsyncBaseTransport | None = None) -> None:
        """Wrap `inner` (default: a pooled HTTP transport sized to the limiter's ceiling)."""
        self.limiter = limiter
        size = limiter.max_limit + 8
        self._inner = inner or httpx2.AsyncHTTPTransport(
            limits=httpx2.Limits(max_connections=size, max_keepalive_connections=size)
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Hold a slot for the whole exchange (body read included), report 429s and successes.

        Under a budget (`toolkit.batch.budget`), the attempt's worst case is drawn before it is
        sent — or it is not sent, and a local 402 answer says why — and settled on its usage.
        """
        with queued():  # the attempt's total deadline counts from when it leaves the queue
            ticket = await self.limiter.acquire()
        try:
            account = _Account.start(request)
            if account is not None and not account.admitted:
                return account.refusal(request)
            try:
                response = await self._inner.handle_async_request(request)
                try:
                    raw = b"".join([part async for part in response.aiter_raw()])
                finally:
                    await response.aclose()
            except BaseException as exc:  # cancelled, timed out, reset: it may have been billed
                if account is not None:
                    account.lost(sent=not isinstance(exc, httpx2.ConnectError | httpx2.PoolTimeout))
                raise
            if account is not None:
                account.answered(response.status_code, raw)
        finally:
            self.limiter.release()
        if response.status_code == 429:
            self.limiter.on_throttle(ticket, retry_after_seconds(response.headers))
        elif response.status_code < 500:  # a 5xx says nothing about our rate: neither grow nor cut
            self.limiter.on_success()
        return httpx2.Response(
            response.status_code, headers=response.headers, content=raw, extensions=response.extensions
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._inner.aclose()
