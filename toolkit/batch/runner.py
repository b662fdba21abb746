"""`asummarize_many`: many articles through one endpoint, saturated, resumable and lossless.

Shape of a run (one event loop, no threads except the file writer's write + fsync):

    input (streamed) -> producer -> bounded queue (2 x concurrency) -> N workers -> outcome queue
                                                                                  -> ONE writer
                                                                                     (JSONL + fsync)

* The results file is opened, locked and checked before the first call (`ResultsFile.open`): a
  second process on the same output, a folder that is a file, a read-only file or a full disk stop
  the run before anything is spent.
* Workers check the response cache first (a hit costs nothing and is marked `meta.cached`), then
  ask the budget for permission, then call `asummarize`. Every HTTP request of every worker passes
  through one shared `AdaptiveLimiter` (429 → everyone pauses, concurrency halves, then recovers).
* Only the writer touches the results file, so lines never interleave; an outcome counts as done
  only once its line is on disk. Killed at any moment, a re-run skips every id with a whole line
  and runs the rest: each id ends up exactly once (newest line wins after `retry_failed`). When a
  write fails (full disk, read-only, I/O error) nothing new starts, calls in flight are cancelled,
  and `OutputError` says what to fix; the re-run resumes.
* `max_cost` is a hard budget (`toolkit.batch.budget`): each item's worst case is reserved before
  it starts and settled on the billed usage; nothing starts that could take the total over it.
* Anything wrong with one item — unreadable input, a damaged cache row, a pathological answer — is
  that item's recorded failure (type, message, hint), and the run goes on.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.batch.budget import CURRENT_HOLD, Budget, Hold, item_worst_case, make_budget
from toolkit.batch.inputs import BatchItem, count_items, iter_items
from toolkit.batch.limiter import AdaptiveLimiter, GatedTransport
from toolkit.batch.progress import BatchStats, Progress
from toolkit.batch.results import Outcome, ResultsFile
from toolkit.cache import ResponseCache
from toolkit.engines.base import Engine
from toolkit.errors import (
    ConfigurationError,
    LLMError,
    OutputError,
    OutputValidationError,
    ToolkitError,
    redact,
)
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
        stopped: Why scheduling stopped early (budget, write failure), or None when every item was
            attempted.
        not_started: Items taken from the input but left for a re-run because scheduling stopped.
        throttles: 429 answers seen.
        min_concurrency: The lowest concurrency the adaptive gate went down to.
        budget: The budget ledger, when `max_cost` was set.
        cleared: Failures cleared because their ids are no longer in the input (`retry_failed`).
        gone: Outstanding failures whose ids are no longer in the input (not cleared).
        lost_in_flight: Calls cancelled, or answers not written, when a write failed.
    """

    output: Path | None
    stats: BatchStats
    outcomes: list[Outcome] = field(default_factory=list)
    stopped: str | None = None
    not_started: int = 0
    throttles: int = 0
    min_concurrency: int | None = None
    budget: Budget | None = None
    cleared: int = 0
    gone: int = 0
    lost_in_flight: int = 0

    @property
    def left_undone(self) -> int | None:
        """Items of the input neither finished in this run nor done before (None: total unknown)."""
        s = self.stats
        return s.total - s.skipped - s.duplicates - s.finished if s.total is not None else None

    def summary(self) -> str:
        """A few human lines for the end of a run."""
        s = self.stats
        earlier = s.outstanding_failed - s.failed
        lines = [
            f"{s.done} ok ({s.cached} from cache), {s.outstanding_failed} failed"
            + (f" ({earlier} in earlier runs)" if earlier > 0 else "")
            + f", {s.skipped} already done"
            + (f", {s.duplicates} duplicate ids ignored" if s.duplicates else "")
            + f"; {s.tokens:,} tokens, ${s.cost_usd:.4f}"
        ]
        if self.throttles:
            lines.append(
                f"endpoint throttled {self.throttles} time(s); concurrency lowered to {self.min_concurrency}"
            )
        left = self.left_undone
        if self.budget is not None:
            lines.append(self.budget.summary(left if self.stopped else None))
        if self.cleared:
            lines.append(f"cleared {self.cleared} failure(s) whose ids are no longer in the input")
        if self.gone:
            lines.append(
                f"{self.gone} failed id(s) are no longer in the input; --retry-failed clears them"
            )
        if self.stopped:
            n = f"{left} item(s)" if left is not None else "the remaining items"
            lines.append(
                f"stopped: {self.stopped}; {s.finished} finished, {n} not started (re-run to continue)"
            )
        if self.output is not None:
            lines.append(f"results: {self.output}")
        return "\n".join(lines)


def _to_item(obj: ItemLike) -> BatchItem:
    if isinstance(obj, BatchItem):
        return obj
    if isinstance(obj, tuple):
        return BatchItem(str(obj[0]), obj[1])
    return BatchItem(str(obj["id"]), obj.get("text"))


def _items(
    items: Iterable[ItemLike] | str | Path, text_field: str | None
) -> tuple[Iterator[BatchItem], int | None]:
    if isinstance(items, str | Path):
        return iter_items(items, text_field=text_field), count_items(items)
    total = len(items) if isinstance(items, Sized) else None
    return (_to_item(o) for o in items), total


def _open_cache(cache: ResponseCache | bool | str | Path | None) -> tuple[ResponseCache | None, bool]:
    if cache is None or cache is False:
        return None, False
    if isinstance(cache, ResponseCache):
        return cache, False
    return ResponseCache(None if cache is True else cache), True


_RECURSION_HINT = (
    "the answer holds JSON nested deeper than can be parsed (a broken or hostile endpoint); "
    "re-run with --retry-failed to ask again, and check the server if it repeats"
)


def _failure(item_id: str, exc: BaseException) -> Outcome:
    """The recorded failure of one item: type, message (credentials redacted) and what to do."""
    if isinstance(exc, ToolkitError):
        return Outcome(item_id, error_type=type(exc).__name__, error_message=exc.message, error_hint=exc.hint)
    if isinstance(exc, RecursionError):
        return Outcome(
            item_id,
            error_type="RecursionError",
            error_message="the model's answer is nested too deeply to parse (maximum recursion depth)",
            error_hint=_RECURSION_HINT,
        )
    message = redact(str(exc) or repr(exc))[:2000]
    return Outcome(
        item_id,
        error_type=type(exc).__name__,
        error_message=message,
        error_hint="unexpected: re-run with --retry-failed; if it repeats, report it with this message",
    )


def _failed_call_cost(engine: Engine, exc: BaseException) -> tuple[float | None, bool]:
    """What a failed item's attempts cost (OutputValidationError: tokens were spent; others: 0),
    and whether an answer came without usage."""
    if not isinstance(exc, OutputValidationError):
        return 0.0, False
    from toolkit.engines.pricing import cost_usd

    model = getattr(getattr(engine, "config", None), "model", None)
    usage = [AttemptUsage.model_validate(u) for u in getattr(exc, "usage", None) or []]
    return (cost_usd(model, usage) if model else None), _zero_usage(usage)


def _zero_usage(attempts: Iterable[AttemptUsage]) -> bool:
    """An answered attempt that reported no tokens: the endpoint does not meter its usage."""
    return any(a.outcome != "transport_error" and not a.prompt_tokens + a.completion_tokens for a in attempts)


@dataclass
class _Run:
    engine: Engine
    cache: ResponseCache | None
    results: ResultsFile | None
    stats: BatchStats
    progress: Progress
    budget: Budget | None
    limiter: AdaptiveLimiter | None
    skip: set[str]
    failed_before: set[str]
    retry_failed: bool
    concurrency: int
    chunk_chars: int | None
    max_chars: int
    on_outcome: Callable[[Outcome], None] | None
    outcomes: list[Outcome] = field(default_factory=list)
    not_started: int = 0
    stopped: str | None = None
    write_error: OutputError | None = None
    in_flight: int = 0
    lost_in_flight: int = 0
    input_ids: set[str] = field(default_factory=set)
    input_complete: bool = False
    cleared: int = 0
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _cache_warned: bool = False

    def __post_init__(self) -> None:
        self.outstanding = set(self.failed_before)
        self.stats.outstanding_failed = len(self.outstanding)

    @property
    def halted(self) -> str | None:
        """Why nothing new may start (write failure, budget), or None."""
        if self.results is not None and self.results.broken is not None and not self.stopped:
            return f"writing the results failed ({self.results.broken.message})"
        return self.stopped or (self.budget.stopped if self.budget is not None else None)

    def key(self, text: str) -> str:
        return cache_key(self.engine, text, chunk_chars=self.chunk_chars)

    async def process(self, item: BatchItem) -> Outcome | None:
        if item.text is None:
            return _failure(item.id, item.error or ToolkitError("unreadable item"))
        try:
            key = self.key(item.text) if self.cache is not None else None
            hit = self.cache.get(key) if self.cache is not None and key is not None else None
        except Exception as exc:  # a damaged cache row (removed by the cache) is this item's failure
            return _failure(item.id, exc)
        if hit is not None:
            return Outcome(item.id, briefing=hit.model_copy(update={"source_id": item.id}))
        hold = None
        if self.budget is not None:
            worst = item_worst_case(self.budget, self.engine, item.text, self.chunk_chars)
            hold = await self.budget.admit(worst)
            if hold is None:
                return None
        self.in_flight += 1
        token = CURRENT_HOLD.set(hold)
        try:
            return await self._call(item, key, hold)
        finally:
            CURRENT_HOLD.reset(token)
            self.in_flight -= 1

    async def _call(self, item: BatchItem, key: str | None, hold: Hold | None) -> Outcome | None:
        assert item.text is not None
        try:
            briefing = await asummarize(
                item.text,
                engine=self.engine,
                source_id=item.id,
                chunk_chars=self.chunk_chars,
                max_chars=self.max_chars,
            )
        except Exception as exc:  # every failure is recorded with its reason; the batch goes on
            if hold is not None:
                cost, zero = _failed_call_cost(self.engine, exc)
                hold.budget.release(hold, fallback_cost=cost, zero_usage=zero)
                if hold.refused and isinstance(exc, LLMError):
                    return None  # an attempt the budget could not cover: left undone, not failed
            return _failure(item.id, exc)
        except BaseException:  # cancelled (a write failed): give the reservation back
            if hold is not None:
                hold.budget.release(hold)
            raise
        if hold is not None:
            meta = briefing.meta
            hold.budget.release(hold, fallback_cost=meta.cost_usd, zero_usage=_zero_usage(meta.attempts))
        self._cache_put(key, briefing, item.text)
        return Outcome(item.id, briefing=briefing)

    def _cache_put(self, key: str | None, briefing: Briefing, text: str) -> None:
        if self.cache is None or key is None:
            return
        try:
            self.cache.put(key, briefing, engine=self.engine, article=text)
        except (sqlite3.Error, OSError) as exc:  # a full disk under the cache must not lose the answer
            if not self._cache_warned:
                self._cache_warned = True
                print(f"khulasa batch: cannot write the response cache ({exc}); going on without it",
                      file=sys.stderr)
            self.cache = None

    async def produce(self, items: Iterator[BatchItem], queue: asyncio.Queue[BatchItem | None]) -> None:
        seen = self.input_ids
        for item in items:
            if self.halted:
                break
            if item.id in seen:
                self.stats.duplicates += 1
                print(
                    f"khulasa batch: duplicate id {item.id!r} in the input; only the first is run",
                    file=sys.stderr,
                )
                continue
            seen.add(item.id)
            if item.id in self.skip:
                self.stats.skipped += 1
                continue
            await queue.put(item)
        else:
            self.input_complete = True
        for _ in range(self.concurrency):
            await queue.put(None)

    async def work(self, queue: asyncio.Queue[BatchItem | None], out: asyncio.Queue[Outcome | None]) -> None:
        while (item := await queue.get()) is not None:
            outcome = None if self.halted else await self.process(item)
            if outcome is not None and self.results is not None and self.results.broken is not None:
                self.lost_in_flight += 1  # answered after the write failed: cannot be written
            elif outcome is None:
                self.not_started += 1
            else:
                await out.put(outcome)

    def clear_gone(self) -> list[Outcome]:
        """Cleared-failure lines for failed ids no longer in the input (`retry_failed`, whole input read)."""
        if not (self.retry_failed and self.input_complete and not self.halted):
            return []
        gone = sorted(self.failed_before - self.input_ids)
        return [
            Outcome(
                i,
                error_type="Cleared",
                error_message="no longer in the input; its failure was cleared by --retry-failed",
                cleared=True,
            )
            for i in gone
        ]

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
                try:
                    await asyncio.to_thread(self.results.append, batch)
                except OutputError as exc:
                    self._write_failed(exc, len(batch) + out.qsize())
                    return
            else:
                self.outcomes.extend(batch)
            for outcome in batch:
                self._count(outcome)
            self.progress.update(self.limiter.allowed if self.limiter else None)

    def _write_failed(self, exc: OutputError, unwritten: int) -> None:
        """Stop spending: nothing new starts, calls in flight are cancelled (the re-run resumes)."""
        self.write_error = exc
        self.stopped = f"writing the results failed ({exc.message})"
        if self.budget is not None:
            self.budget.stop(self.stopped)
        self.lost_in_flight += unwritten + self.in_flight
        for task in self.tasks:
            task.cancel()

    def _count(self, outcome: Outcome) -> None:
        s = self.stats
        if outcome.cleared:
            self.cleared += 1
            self.outstanding.discard(outcome.id)
        elif outcome.briefing is None:
            s.failed += 1
            self.outstanding.add(outcome.id)
        else:
            s.done += 1
            self.outstanding.discard(outcome.id)
            meta = outcome.briefing.meta
            if meta.cached:
                s.cached += 1
            else:
                s.tokens += meta.total_tokens
                s.cost_usd += meta.cost_usd or 0.0
        s.outstanding_failed = len(self.outstanding)
        if self.on_outcome is not None and not outcome.cleared:
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
    output: str | Path | ResultsFile | None = None,
    concurrency: int = 8,
    model: str | None = None,
    base_url: str | None = None,
    engine: Engine | None = None,
    cache: ResponseCache | bool | str | Path | None = True,
    retry_failed: bool = False,
    max_cost: float | None = None,
    allow_unmetered: bool = False,
    text_field: str | None = None,
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
        output: The results JSONL (a path, or a `ResultsFile`). Ids already in it are skipped
            (failed ones too, unless `retry_failed`). None keeps outcomes in memory
            (`BatchReport.outcomes`). Locked for the run: a second process on the same file gets
            `OutputError` at once.
        concurrency: Most requests in flight at once (the adaptive gate may lower it on 429s).
        model: As for `summarize`.
        base_url: As for `summarize`.
        engine: A ready engine; then the adaptive 429 gate and the per-attempt budget accounting
            only apply if its HTTP client was built with a `GatedTransport`.
        cache: True (default: `$KHULASA_CACHE_DIR` or ~/.cache/khulasa), a directory, a
            `ResponseCache`, or False/None to bypass.
        retry_failed: Run again the ids whose newest line is a failure; failures of ids no longer
            in the input are cleared (once the whole input was read).
        max_cost: A hard budget in USD for this run (see `toolkit.batch.budget`).
        allow_unmetered: Under a budget, go on when the endpoint answers without token usage
            (each such answer is charged at its worst case); by default that stops the run.
        text_field: The JSONL field holding the text (default: text, article, article_ar, content).
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
        ConfigurationError: The model configuration is incomplete, or `max_cost` cannot be enforced
            (unknown price).
        OutputError: The results cannot be written: before the first call (locked by another
            process, a folder that is a file, read-only, full disk) or mid-run (then nothing new
            started, calls in flight were cancelled, and `exc.report` is the report so far).
    """
    if concurrency < 1:
        raise ConfigurationError(
            f"concurrency must be at least 1, got {concurrency}", hint="pass --concurrency 8"
        )
    stream, total = _items(items, text_field)
    limiter = client = None
    if engine is None:
        engine, limiter, client = _gated_engine(model, base_url, concurrency, transport, options)
    results = ResultsFile(output) if isinstance(output, str | Path) else output
    the_cache = None
    owned = False
    try:
        budget = make_budget(max_cost, engine, allow_unmetered=allow_unmetered)
        state = results.open() if results is not None else None
        the_cache, owned = _open_cache(cache)
        show = progress if progress is not None else output is not None
        run = _new_run(engine, the_cache, results, state, budget, limiter, retry_failed, concurrency, total,
                       chunk_chars, max_chars, on_outcome, show)
        if limiter is not None:  # a failed write closes the gate at once, even to retries in flight
            limiter.halt = lambda: run.results is not None and run.results.broken is not None
        await _drive(run, stream)
    finally:
        if results is not None:
            results.close()
        if owned and the_cache is not None:
            the_cache.close()
        if client is not None:
            await client.aclose()
    report = BatchReport(
        output=results.path if results is not None else None,
        stats=run.stats,
        outcomes=run.outcomes,
        stopped=run.halted,
        not_started=run.not_started,
        throttles=limiter.throttles if limiter else 0,
        min_concurrency=int(limiter.min_seen) if limiter and limiter.throttles else None,
        budget=budget,
        cleared=run.cleared,
        gone=len(run.failed_before - run.input_ids) if run.input_complete and not run.cleared else 0,
        lost_in_flight=run.lost_in_flight,
    )
    if run.write_error is not None:
        error = run.write_error
        error.report = report  # type: ignore[attr-defined]
        raise error
    return report


def _new_run(
    engine: Engine,
    cache: ResponseCache | None,
    results: ResultsFile | None,
    state: Any,
    budget: Budget | None,
    limiter: AdaptiveLimiter | None,
    retry_failed: bool,
    concurrency: int,
    total: int | None,
    chunk_chars: int | None,
    max_chars: int,
    on_outcome: Callable[[Outcome], None] | None,
    show: bool,
) -> _Run:
    failed = set() if state is None else set(state.failed)
    skip = set() if state is None else (state.ok if retry_failed else state.ok | state.failed)
    stats = BatchStats(total=total)
    return _Run(
        engine,
        cache,
        results,
        stats,
        Progress(stats, enabled=show),
        budget,
        limiter,
        skip,
        failed,
        retry_failed,
        concurrency,
        chunk_chars,
        max_chars,
        on_outcome,
    )


async def _drive(run: _Run, stream: Iterator[BatchItem]) -> None:
    queue: asyncio.Queue[BatchItem | None] = asyncio.Queue(maxsize=2 * run.concurrency)
    out: asyncio.Queue[Outcome | None] = asyncio.Queue()
    run.progress.start()
    writer = asyncio.create_task(run.write(out))
    run.tasks = [asyncio.create_task(run.produce(stream, queue))]
    run.tasks += [asyncio.create_task(run.work(queue, out)) for _ in range(run.concurrency)]
    try:
        done, pending = await asyncio.wait(run.tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in pending:  # one task failed (a bug, an unreadable input): stop the others
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        if run.write_error is None:
            for outcome in run.clear_gone():
                out.put_nowait(outcome)
            await out.put(None)
            await writer
    finally:
        writer.cancel()
        await asyncio.gather(writer, return_exceptions=True)
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
