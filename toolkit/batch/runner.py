"""`asummarize_many`: many articles through one endpoint, saturated, resumable and lossless.

Shape of a run (one event loop, no threads except the file writer's fsync):

    input (streamed) -> producer -> bounded queue (2 x concurrency) -> N workers -> outcome queue
                                                                                  -> ONE writer
                                                                                     (JSONL + fsync)

* Workers check the response cache first (a hit costs nothing and is marked `meta.cached`), then
  ask the budget for permission, then call `asummarize`. Every HTTP request of every worker passes
  through one shared `AdaptiveLimiter` (429 → everyone pauses, concurrency halves, then recovers).
* Only the writer touches the results file, so lines never interleave; an outcome counts as done
  only once its line is on disk. Killed at any moment, a re-run skips every id with a whole line
  and runs the rest: each id ends up exactly once (newest line wins after `retry_failed`).
* `max_cost`: before each paid call, spent + (in flight + 1) x mean cost must stay within budget;
  otherwise scheduling stops, calls in flight finish and are written, the rest are left for a
  re-run. Until the first paid call has finished only one paid call is in flight (no mean yet).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.batch.inputs import BatchItem, count_items, iter_items
from toolkit.batch.limiter import AdaptiveLimiter, GatedTransport
from toolkit.batch.progress import BatchStats, Progress
from toolkit.batch.results import Outcome, ResultsFile
from toolkit.cache import ResponseCache
from toolkit.engines.base import Engine
from toolkit.errors import ConfigurationError, OutputValidationError, ToolkitError
from toolkit.pipeline import MAX_CHARS, EngineOptions, asummarize, cache_key, resolve_engine
from toolkit.schema import AttemptUsage, Briefing

ItemLike = BatchItem | tuple[str, str] | Mapping[str, Any]


@dataclass
class BatchReport:
    """How a batch run went.

    Attributes:
        output: The results file, or None (then `outcomes` holds every outcome).
        stats: Counts, tokens and cost of this run.
        outcomes: The outcomes, in completion order, when there is no results file.
        stopped: Why scheduling stopped early (budget), or None when every item was attempted.
        not_started: Items left for a re-run because scheduling stopped.
        throttles: 429 answers seen.
        min_concurrency: The lowest concurrency the adaptive gate went down to.
    """

    output: Path | None
    stats: BatchStats
    outcomes: list[Outcome] = field(default_factory=list)
    stopped: str | None = None
    not_started: int = 0
    throttles: int = 0
    min_concurrency: int | None = None

    def summary(self) -> str:
        """A few human lines for the end of a run."""
        s = self.stats
        lines = [
            f"{s.done} ok ({s.cached} from cache), {s.failed} failed, {s.skipped} already done"
            + (f", {s.duplicates} duplicate ids ignored" if s.duplicates else "")
            + f"; {s.tokens:,} tokens, ${s.cost_usd:.4f}"
        ]
        if self.throttles:
            lines.append(
                f"endpoint throttled {self.throttles} time(s); concurrency lowered to {self.min_concurrency}"
            )
        if self.stopped:
            left = s.total - s.skipped - s.duplicates - s.finished if s.total is not None else None
            n = f"{left} item(s)" if left is not None else "the remaining items"
            lines.append(
                f"stopped: {self.stopped}; {s.finished} finished, {n} not started (re-run to continue)"
            )
        if self.output is not None:
            lines.append(f"results: {self.output}")
        return "\n".join(lines)


class _Budget:
    """Stops scheduling before `max_cost` would be exceeded, from the running mean cost per call."""

    def __init__(self, max_cost: float | None) -> None:
        self.max_cost = max_cost
        self.spent = 0.0
        self.paid = 0
        self.in_flight = 0
        self.stopped: str | None = None
        self._cond = asyncio.Condition()

    @property
    def mean(self) -> float | None:
        return self.spent / self.paid if self.paid else None

    async def admit(self) -> bool:
        if self.max_cost is None:
            return True
        async with self._cond:
            while True:
                if self.stopped:
                    return False
                mean = self.mean
                if mean is None and self.in_flight > 0:
                    await self._cond.wait()  # no estimate yet: one paid call at a time
                    continue
                if self.spent + (self.in_flight + 1) * (mean or 0.0) > self.max_cost:
                    self.stopped = (
                        f"--max-cost ${self.max_cost:.4f} reached: spent ${self.spent:.4f}, "
                        f"next article estimated at ${mean or 0.0:.4f}"
                    )
                    self._cond.notify_all()
                    return False
                self.in_flight += 1
                return True

    async def settle(self, cost: float | None, *, paid: bool, unknown_price: bool = False) -> None:
        if self.max_cost is None:
            return
        async with self._cond:
            self.in_flight -= 1
            if paid:
                self.spent += cost or 0.0
                self.paid += 1
            if unknown_price and not self.stopped:
                self.stopped = (
                    "--max-cost cannot be enforced: the model's price is unknown (set KHULASA_PRICE)"
                )
            self._cond.notify_all()


def _to_item(obj: ItemLike) -> BatchItem:
    if isinstance(obj, BatchItem):
        return obj
    if isinstance(obj, tuple):
        return BatchItem(str(obj[0]), obj[1])
    return BatchItem(str(obj["id"]), obj.get("text"))


def _items(items: Iterable[ItemLike] | str | Path) -> tuple[Iterator[BatchItem], int | None]:
    if isinstance(items, str | Path):
        return iter_items(items), count_items(items)
    total = len(items) if isinstance(items, Sized) else None
    return (_to_item(o) for o in items), total


def _open_cache(cache: ResponseCache | bool | str | Path | None) -> tuple[ResponseCache | None, bool]:
    if cache is None or cache is False:
        return None, False
    if isinstance(cache, ResponseCache):
        return cache, False
    return ResponseCache(None if cache is True else cache), True


def _failure(item_id: str, exc: BaseException) -> Outcome:
    message = exc.message if isinstance(exc, ToolkitError) else (str(exc) or repr(exc))
    return Outcome(item_id, error_type=type(exc).__name__, error_message=message)


def _failed_call_cost(engine: Engine, exc: BaseException) -> float | None:
    """What an OutputValidationError's attempts cost (tokens were spent); other failures: 0."""
    if not isinstance(exc, OutputValidationError):
        return 0.0
    from toolkit.engines.pricing import cost_usd

    model = getattr(getattr(engine, "config", None), "model", None)
    usage = [AttemptUsage.model_validate(u) for u in getattr(exc, "usage", None) or []]
    return cost_usd(model, usage) if model else None


@dataclass
class _Run:
    engine: Engine
    cache: ResponseCache | None
    results: ResultsFile | None
    stats: BatchStats
    progress: Progress
    budget: _Budget
    limiter: AdaptiveLimiter | None
    skip: set[str]
    concurrency: int
    chunk_chars: int | None
    max_chars: int
    on_outcome: Callable[[Outcome], None] | None
    outcomes: list[Outcome] = field(default_factory=list)
    not_started: int = 0

    def key(self, text: str) -> str:
        return cache_key(self.engine, text, chunk_chars=self.chunk_chars)

    async def process(self, item: BatchItem) -> Outcome | None:
        if item.text is None:
            return _failure(item.id, item.error or ToolkitError("unreadable item"))
        key = self.key(item.text) if self.cache is not None else None
        if self.cache is not None and key is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return Outcome(item.id, briefing=hit.model_copy(update={"source_id": item.id}))
        if not await self.budget.admit():
            return None
        try:
            briefing = await asummarize(
                item.text,
                engine=self.engine,
                source_id=item.id,
                chunk_chars=self.chunk_chars,
                max_chars=self.max_chars,
            )
        except Exception as exc:  # every failure is recorded with its reason; the batch goes on
            cost = _failed_call_cost(self.engine, exc)
            await self.budget.settle(cost, paid=cost is not None and cost > 0)
            return _failure(item.id, exc)
        await self._settle(briefing)
        if self.cache is not None and key is not None:
            self.cache.put(key, briefing, engine=self.engine, article=item.text)
        return Outcome(item.id, briefing=briefing)

    async def _settle(self, briefing: Briefing) -> None:
        meta = briefing.meta
        unknown = meta.cost_usd is None and meta.total_tokens > 0
        await self.budget.settle(meta.cost_usd, paid=True, unknown_price=unknown)

    async def produce(self, items: Iterator[BatchItem], queue: asyncio.Queue[BatchItem | None]) -> None:
        seen: set[str] = set()
        for item in items:
            if self.budget.stopped:
                break
            if item.id in self.skip:
                self.stats.skipped += 1
                continue
            if item.id in seen:
                self.stats.duplicates += 1
                print(
                    f"khulasa batch: duplicate id {item.id!r} in the input; only the first is run",
                    file=sys.stderr,
                )
                continue
            seen.add(item.id)
            await queue.put(item)
        for _ in range(self.concurrency):
            await queue.put(None)

    async def work(self, queue: asyncio.Queue[BatchItem | None], out: asyncio.Queue[Outcome | None]) -> None:
        while (item := await queue.get()) is not None:
            outcome = None if self.budget.stopped else await self.process(item)
            if outcome is None:
                self.not_started += 1
            else:
                await out.put(outcome)

    async def write(self, out: asyncio.Queue[Outcome | None]) -> None:
        finished = False
        while not finished:
            batch: list[Outcome] = []
            first = await out.get()
            if first is None:
                break
            batch.append(first)
            while not out.empty():  # group commit: everything ready goes in one write + fsync
                nxt = out.get_nowait()
                if nxt is None:
                    finished = True
                    break
                batch.append(nxt)
            if self.results is not None:
                await asyncio.to_thread(self.results.append, batch)
            else:
                self.outcomes.extend(batch)
            for outcome in batch:
                self._count(outcome)
            self.progress.update(self.limiter.allowed if self.limiter else None)

    def _count(self, outcome: Outcome) -> None:
        s = self.stats
        if outcome.briefing is None:
            s.failed += 1
        else:
            s.done += 1
            meta = outcome.briefing.meta
            if meta.cached:
                s.cached += 1
            else:
                s.tokens += meta.total_tokens
                s.cost_usd += meta.cost_usd or 0.0
        if self.on_outcome is not None:
            self.on_outcome(outcome)


def _gated_engine(
    model: str | None, base_url: str | None, concurrency: int, transport: Any, options: dict[str, Any]
) -> tuple[Engine, AdaptiveLimiter, Any]:
    import httpx2

    from toolkit.engines.openai_compat import TransportPolicy

    policy = transport or (
        TransportPolicy(timeout=options["timeout"]) if options.get("timeout") else TransportPolicy()
    )
    limiter = AdaptiveLimiter(concurrency, initial_pause=policy.initial_wait, max_pause=policy.max_wait)
    client = httpx2.AsyncClient(transport=GatedTransport(limiter), timeout=policy.timeout)
    engine = resolve_engine(
        model, base_url, EngineOptions(async_http_client=client, transport=policy, **options)
    )
    return engine, limiter, client


async def asummarize_many(
    items: Iterable[ItemLike] | str | Path,
    *,
    output: str | Path | None = None,
    concurrency: int = 8,
    model: str | None = None,
    base_url: str | None = None,
    engine: Engine | None = None,
    cache: ResponseCache | bool | str | Path | None = True,
    retry_failed: bool = False,
    max_cost: float | None = None,
    chunk_chars: int | None = None,
    max_chars: int = MAX_CHARS,
    progress: bool | None = None,
    transport: Any = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    **options: Any,
) -> BatchReport:
    """Summarize many articles concurrently; resumable and lossless with an `output` file.

    Args:
        items: A folder of `.txt` files or a JSONL path (streamed), or an iterable of `BatchItem`,
            `(id, text)` tuples or `{"id", "text"}` dicts.
        output: The results JSONL. Ids already in it are skipped (failed ones too, unless
            `retry_failed`). None keeps outcomes in memory (`BatchReport.outcomes`).
        concurrency: Most requests in flight at once (the adaptive gate may lower it on 429s).
        model: As for `summarize`.
        base_url: As for `summarize`.
        engine: A ready engine; then the adaptive 429 gate only applies if its HTTP client was built
            with a `GatedTransport`.
        cache: True (default: `$KHULASA_CACHE_DIR` or ~/.cache/khulasa), a directory, a
            `ResponseCache`, or False/None to bypass.
        retry_failed: Run again the ids whose newest line is a failure.
        max_cost: Budget in USD for this run; scheduling stops before it would be exceeded.
        chunk_chars: Long-article chunk budget (see `summarize`).
        max_chars: Size limit of one article.
        progress: Show progress on stderr (default: yes when there is an output file).
        transport: A `TransportPolicy` for HTTP retries (tests pass short ones).
        on_outcome: Called with each outcome once it is written.
        **options: Other `EngineOptions` fields (api_key, mode, max_reasks, max_tokens, timeout).

    Returns:
        The report (counts, cost, why it stopped early if it did).

    Raises:
        InputError: The input or the results file cannot be read.
        ConfigurationError: The model configuration is incomplete.
    """
    if concurrency < 1:
        raise ConfigurationError(
            f"concurrency must be at least 1, got {concurrency}", hint="pass --concurrency 8"
        )
    stream, total = _items(items)
    results = ResultsFile(output) if output is not None else None
    state = results.load() if results is not None else None
    skip = set() if state is None else (state.ok if retry_failed else state.ok | state.failed)
    limiter = client = None
    if engine is None:
        engine, limiter, client = _gated_engine(model, base_url, concurrency, transport, options)
    the_cache, owned = _open_cache(cache)
    stats = BatchStats(total=total)
    show = progress if progress is not None else output is not None
    run = _Run(
        engine,
        the_cache,
        results,
        stats,
        Progress(stats, enabled=show),
        _Budget(max_cost),
        limiter,
        skip,
        concurrency,
        chunk_chars,
        max_chars,
        on_outcome,
    )
    try:
        await _drive(run, stream)
    finally:
        if results is not None:
            results.close()
        if owned and the_cache is not None:
            the_cache.close()
        if client is not None:
            await client.aclose()
    return BatchReport(
        output=Path(output) if output is not None else None,
        stats=stats,
        outcomes=run.outcomes,
        stopped=run.budget.stopped,
        not_started=run.not_started,
        throttles=limiter.throttles if limiter else 0,
        min_concurrency=int(limiter.min_seen) if limiter and limiter.throttles else None,
    )


async def _drive(run: _Run, stream: Iterator[BatchItem]) -> None:
    queue: asyncio.Queue[BatchItem | None] = asyncio.Queue(maxsize=2 * run.concurrency)
    out: asyncio.Queue[Outcome | None] = asyncio.Queue()
    run.progress.start()
    writer = asyncio.create_task(run.write(out))
    try:
        workers = [asyncio.create_task(run.work(queue, out)) for _ in range(run.concurrency)]
        await asyncio.gather(run.produce(stream, queue), *workers)
        await out.put(None)
        await writer
    finally:
        writer.cancel()
        run.progress.stop()


def summarize_many(items: Iterable[ItemLike] | str | Path, **kwargs: Any) -> BatchReport:
    """Blocking twin of `asummarize_many` (same arguments).

    Raises:
        ConfigurationError: Called from inside a running event loop (use `await asummarize_many`).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(asummarize_many(items, **kwargs))
    raise ConfigurationError(
        "summarize_many() was called inside a running event loop",
        hint="use `await asummarize_many(...)` there",
    )
