"""The response cache: keys, marking, errors never cached, concurrent writers, CLI stats/clear."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from fixtures_briefings import english_briefing

from toolkit.cache import ResponseCache, request_key
from toolkit.cli import main
from toolkit.engines.openai_compat import OpenAICompatConfig, OpenAICompatEngine


def _engine(**kw: object) -> OpenAICompatEngine:
    return OpenAICompatEngine(
        OpenAICompatConfig(model=str(kw.pop("model", "m1")), base_url="http://h:1/v1", **kw)
    )  # type: ignore[arg-type]


def test_key_depends_on_model_endpoint_article_and_params() -> None:
    base = request_key(_engine(), "نص", chunk_chars=1)
    assert base == request_key(_engine(), "نص", chunk_chars=1)
    assert base != request_key(_engine(model="m2"), "نص", chunk_chars=1)
    assert base != request_key(_engine(mode="json_schema"), "نص", chunk_chars=1)
    assert base != request_key(_engine(max_tokens=100), "نص", chunk_chars=1)
    assert base != request_key(_engine(), "نص ", chunk_chars=1)  # the exact text, not a normalized one
    assert base != request_key(_engine(), "نص", chunk_chars=2)
    other = OpenAICompatEngine(OpenAICompatConfig(model="m1", base_url="http://other:1/v1"))
    assert base != request_key(other, "نص", chunk_chars=1)


def test_roundtrip_marks_cached_and_keeps_everything_else(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    briefing = english_briefing()
    assert cache.get("k") is None
    cache.put("k", briefing)
    got = cache.get("k")
    assert got is not None and got.meta.cached
    assert got.model_copy(update={"meta": got.meta.model_copy(update={"cached": False})}) == briefing
    assert cache.stats().entries == 1


def _writer(directory: str, start: int) -> None:
    cache = ResponseCache(directory)
    briefing = english_briefing()
    for i in range(start, start + 50):
        cache.put(f"k{i}", briefing)
    cache.close()


def test_concurrent_writers_from_several_processes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), n * 50)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert ResponseCache(tmp_path).stats().entries == 200


def test_cli_stats_and_clear(tmp_path: Path, monkeypatch: object, capsys: object) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.setenv("KHULASA_CACHE_DIR", str(tmp_path))
    ResponseCache().put("k", english_briefing())
    assert main(["cache", "stats"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "entries: 1" in out and str(tmp_path) in out
    assert main(["cache", "clear"]) == 0
    assert ResponseCache().stats().entries == 0


def test_errors_are_never_cached(tmp_path: Path) -> None:
    from servers.articles import article
    from servers.fake_openai import POISON, FakeOpenAI

    from toolkit import summarize_many
    from toolkit.engines.openai_compat import TransportPolicy

    fast = TransportPolicy(max_attempts=1, initial_wait=0.01, max_wait=0.01, timeout=2.0, jitter=0.0)
    cache = ResponseCache(tmp_path)
    items = [("ok", article(1)), ("bad", article(2, extra=POISON))]
    with FakeOpenAI() as srv:
        report = summarize_many(
            items, model="gpt-4.1-mini", base_url=srv.base_url, cache=cache, transport=fast
        )
    assert report.stats.done == 1 and report.stats.failed == 1
    assert cache.stats().entries == 1
