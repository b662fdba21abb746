"""What the endpoints share: the engine (resolved once), the gate that bounds concurrent briefings, the
deadline, and the claim store.

Model calls are async (`asummarize`), so slow endpoints never block the server; at most
`--concurrency` briefings are made at once and the others wait their turn, the wait counting
towards `--request-timeout`. The offline engine is CPU work, so it runs in a worker thread: a long
article does not stall the event loop (and every other request) while it is read.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from toolkit.engines.base import Engine
from toolkit.pipeline import EngineOptions, asummarize, resolve_engine, summarize
from toolkit.schema import Briefing
from toolkit.serve.errors import DeadlineExceeded
from toolkit.serve.models import BriefingRequest
from toolkit.serve.settings import EngineSettings, ServeSettings
from toolkit.serve.stores import StorePool
from toolkit.store import AddResult

log = logging.getLogger("khulasa.serve")

_THREADED_ENGINES = frozenset({"offline"})
"""Engines whose work is CPU in this process (`arun` would run inline on the event loop)."""


def build_engine(settings: EngineSettings) -> Engine:
    """Resolve the engine once for the server's lifetime (one client, one loaded model).

    Args:
        settings: The engine options given to `khulasa serve`.

    Returns:
        The engine.

    Raises:
        ConfigurationError: The model configuration is incomplete.
    """
    options = EngineOptions(
        mode=settings.mode,
        max_reasks=settings.max_reasks,
        max_tokens=settings.max_tokens,
        timeout=settings.timeout,
    )
    return resolve_engine(settings.model, settings.base_url, options)


@dataclass
class Service:
    """The state behind the endpoints.

    Attributes:
        settings: What the server was started with.
        engine: The engine every briefing is made with.
        gate: Bounds concurrent briefings to `settings.concurrency`.
        store: The claim store (one connection per worker thread).
        in_flight: Briefings being made or waiting right now.
    """

    settings: ServeSettings
    engine: Engine
    store: StorePool
    gate: asyncio.Semaphore = field(init=False)
    in_flight: int = 0

    def __post_init__(self) -> None:
        self.gate = asyncio.Semaphore(self.settings.concurrency)

    @property
    def store_backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.store.backend

    async def add(self, request: BriefingRequest) -> tuple[Briefing, AddResult | None]:
        """Make the briefing of a posted article and file it in the store.

        Args:
            request: The posted article.

        Returns:
            The briefing, and what the store did — None when the store failed (the briefing, already
            made and maybe paid for, is still returned; the failure is logged).
        """
        briefing = await self.briefing(request.text, request.id)
        try:
            added = await self.store.run(
                lambda s: s.add_briefing(
                    briefing,
                    request.text,
                    source_id=request.id,
                    title=request.title,
                    published=request.date,
                    url=request.url,
                )
            )
        except Exception:
            log.exception("the briefing of %s was made but could not be stored", request.id)
            return briefing, None
        return briefing, added

    async def briefing(self, text: str, source_id: str) -> Briefing:
        """Summarize one article under the concurrency gate and the deadline.

        Args:
            text: The article, untouched.
            source_id: The caller's id.

        Returns:
            The grounded briefing.

        Raises:
            InputError, LLMError, OutputValidationError: From the pipeline.
            DeadlineExceeded: Waiting plus work took longer than `request_timeout`.
        """
        limit = self.settings.request_timeout
        self.in_flight += 1
        try:
            async with asyncio.timeout(limit) as deadline:
                async with self.gate:
                    return await self._summarize(text, source_id)
        except TimeoutError as exc:
            if deadline.expired():
                raise DeadlineExceeded(
                    f"the briefing took longer than {limit:g} s ({self.in_flight} in flight, "
                    f"{self.settings.concurrency} at a time)",
                    hint="retry later, or start the server with a larger --request-timeout or --concurrency",
                ) from exc
            raise
        finally:
            self.in_flight -= 1

    async def _summarize(self, text: str, source_id: str) -> Briefing:
        opts, engine = self.settings.engine, self.engine
        if engine.name in _THREADED_ENGINES:
            return await asyncio.to_thread(
                lambda: summarize(
                    text,
                    engine=engine,
                    source_id=source_id,
                    max_chars=opts.max_chars,
                    chunk_chars=opts.chunk_chars,
                )
            )
        return await asummarize(
            text, engine=engine, source_id=source_id, max_chars=opts.max_chars, chunk_chars=opts.chunk_chars
        )
