"""summarize()/asummarize() build their engine (HTTP clients, instructor function) once per configuration.

Real loopback sockets to the fixture server (tests/servers/fake_openai.py: AUTHORED answers quoting
the prompt), from many threads and from several event loops; per-call CPU is measured by
benchmarks/batch_throughput.py, not asserted here.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from servers.articles import article
from servers.fake_openai import FakeOpenAI

from toolkit import asummarize, summarize
from toolkit.engines.openai_compat import OpenAICompatEngine, TransportPolicy
from toolkit.pipeline import EngineOptions, shared_engine

MODEL = "gpt-4.1-mini"
POLICY = TransportPolicy(max_attempts=2, initial_wait=0.05, max_wait=0.2, timeout=20.0, jitter=0.0)


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with FakeOpenAI() as srv:
        yield srv


def _options() -> EngineOptions:
    return EngineOptions(api_key="local", transport=POLICY)


def test_same_configuration_same_engine_another_configuration_another(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = shared_engine(MODEL, server.base_url, _options())
    assert shared_engine(MODEL, server.base_url, _options()) is first
    assert shared_engine(MODEL, server.base_url, EngineOptions(api_key="local", max_reasks=0)) is not first
    monkeypatch.setenv("KHULASA_MODE", "json_schema")  # the environment is part of the configuration
    other = shared_engine(MODEL, server.base_url, _options())
    assert other is not first and isinstance(other, OpenAICompatEngine) and other.config.mode == "json_schema"


def test_injected_clients_are_the_callers_and_never_shared(server) -> None:  # type: ignore[no-untyped-def]
    with httpx2.Client() as client:
        options = EngineOptions(api_key="local", transport=POLICY, http_client=client)
        assert shared_engine(MODEL, server.base_url, options) is not shared_engine(
            MODEL, server.base_url, options
        )


def test_summarize_in_a_loop_opens_one_connection_pool(server) -> None:  # type: ignore[no-untyped-def]
    engine = shared_engine(MODEL, server.base_url, _options())
    for i in range(3):
        briefing = summarize(
            article(i), model=MODEL, base_url=server.base_url, api_key="local", transport=POLICY
        )
        assert briefing.headline_ar and briefing.meta.model == MODEL
    assert shared_engine(MODEL, server.base_url, _options()) is engine
    assert server.state.counts["chat"] >= 3


def test_threads_share_one_engine_safely(server) -> None:  # type: ignore[no-untyped-def]
    texts = [article(100 + i) for i in range(12)]

    def one(text: str) -> tuple[int, str]:
        b = summarize(text, model=MODEL, base_url=server.base_url, api_key="local", transport=POLICY)
        return threading.get_ident(), b.headline_ar

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, texts))
    assert len({tid for tid, _ in results}) > 1
    for text, (_, headline) in zip(texts, results, strict=True):
        assert headline and headline in text  # each thread's answer belongs to its own article


def test_each_event_loop_gets_its_own_async_client_closed_with_the_loop(server) -> None:  # type: ignore[no-untyped-def]
    engine = shared_engine(MODEL, server.base_url, _options())
    assert isinstance(engine, OpenAICompatEngine)
    clients = []

    async def go(i: int) -> None:
        briefings = await asyncio.gather(
            *(
                asummarize(
                    article(200 + i * 10 + k),
                    model=MODEL,
                    base_url=server.base_url,
                    api_key="local",
                    transport=POLICY,
                )
                for k in range(3)
            )
        )
        assert all(b.headline_ar for b in briefings)
        clients.append(engine._aclient)

    for i in range(3):  # a new loop each time, as asyncio.run does; the engine is the same
        asyncio.run(go(i))
    assert len({id(c) for c in clients}) == 3
    assert all(c.is_closed() for c in clients)  # closed when asyncio.run shut its loop down


async def test_aclose_closes_this_loops_client_and_a_new_one_follows(server) -> None:  # type: ignore[no-untyped-def]
    engine = OpenAICompatEngine(shared_engine(MODEL, server.base_url, _options()).config)  # type: ignore[attr-defined]
    first = await asummarize(article(300), engine=engine)
    before = engine._aclient
    await engine.aclose()
    assert before.is_closed()
    second = await asummarize(article(301), engine=engine)
    assert first.headline_ar and second.headline_ar and engine._aclient is not before
    await engine.aclose()
    engine.close()
