"""Batch runs against a local fault-injecting OpenAI-compatible server (answers are FIXTURES).

See `tests/servers/fake_openai.py`: authored briefings quoting the prompt, deterministic faults.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from servers.articles import article
from servers.fake_openai import POISON, FakeOpenAI

from toolkit import asummarize_many, summarize_many
from toolkit.batch import AdaptiveLimiter, BatchItem, ResultsFile, iter_items, latest_outcomes
from toolkit.batch.limiter import Ticket
from toolkit.cache import ResponseCache
from toolkit.engines.openai_compat import TransportPolicy

FAST = TransportPolicy(max_attempts=3, initial_wait=0.01, max_wait=0.05, timeout=1.5, jitter=0.0)
MODEL = "gpt-4.1-mini"  # a priced name, so costs are known; the server is the local fixture server


def _items(n: int, poison_every: int = 0) -> list[tuple[str, str]]:
    return [
        (f"a{i:03d}", article(i, extra=POISON if poison_every and i % poison_every == 7 else ""))
        for i in range(n)
    ]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assert_grounded(line: dict, text: str) -> None:
    for claim in line["briefing"]["claims"]:
        ev = claim["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["quote_ar"]


def test_200_items_with_faults_every_outcome_once_with_reasons(tmp_path: Path) -> None:
    items = _items(200, poison_every=50)
    out = tmp_path / "results.jsonl"
    with FakeOpenAI(fault_rate=0.3, hang_s=3.0, seed=11) as srv:
        report = summarize_many(
            items,
            output=out,
            concurrency=16,
            model=MODEL,
            base_url=srv.base_url,
            transport=FAST,
            cache=False,
            progress=False,
        )
        counts = dict(srv.state.counts)
    lines = _lines(out)
    assert sorted(line["id"] for line in lines) == [i for i, _ in items]  # 200 outcomes, no duplicates
    texts = dict(items)
    failed = {line["id"]: line["error"] for line in lines if not line["ok"]}
    for poisoned in ("a007", "a057", "a107", "a157"):
        assert failed[poisoned]["type"] == "LLMError" and "500" in failed[poisoned]["message"]
    assert all(err["type"] and err["message"] for err in failed.values())
    for line in lines:
        if line["ok"]:
            assert line["briefing"]["source_id"] == line["id"]
            _assert_grounded(line, texts[line["id"]])
    assert report.stats.done + report.stats.failed == 200 and report.stats.failed == len(failed)
    assert all(counts.get(kind, 0) > 0 for kind in ("429", "500", "reset", "timeout"))
    assert report.throttles == counts["429"]


def test_rerun_skips_done_ids_and_drops_a_torn_last_line(tmp_path: Path) -> None:
    items = _items(12)
    out = tmp_path / "results.jsonl"
    with FakeOpenAI() as srv:
        summarize_many(items[:5], output=out, model=MODEL, base_url=srv.base_url, transport=FAST, cache=False)
        with open(out, "a", encoding="utf-8") as fh:
            fh.write('{"id": "a005", "ok": true, "briefing": {"headl')  # a kill in the middle of a write
        first_calls = srv.state.counts["chat"]
        report = summarize_many(
            items, output=out, model=MODEL, base_url=srv.base_url, transport=FAST, cache=False
        )
        assert srv.state.counts["chat"] - first_calls == 7  # only the 7 ids without a whole line
    lines = _lines(out)
    assert sorted(line["id"] for line in lines) == [i for i, _ in items]
    assert report.stats.skipped == 5


def test_retry_failed_runs_failures_again_and_newest_line_wins(tmp_path: Path) -> None:
    items = _items(6)
    items[2] = (items[2][0], items[2][1] + " " + POISON)
    out = tmp_path / "results.jsonl"
    with FakeOpenAI() as srv:
        summarize_many(items, output=out, model=MODEL, base_url=srv.base_url, transport=FAST, cache=False)
        assert not latest_outcomes(out)["a002"]["ok"]
        again = summarize_many(
            items, output=out, model=MODEL, base_url=srv.base_url, transport=FAST, cache=False
        )
        assert again.stats.finished == 0  # failures are not retried by default
        fixed = [(i, t.replace(POISON, "")) for i, t in items]
        summarize_many(
            fixed,
            output=out,
            model=MODEL,
            base_url=srv.base_url,
            transport=FAST,
            cache=False,
            retry_failed=True,
        )
    assert [line["id"] for line in _lines(out)].count("a002") == 2
    assert latest_outcomes(out)["a002"]["ok"]
    assert ResultsFile(out).load().failed == set()


def _worst(items: list[tuple[str, str]], base_url: str) -> float:
    """The reservation of the dearest item (the hard budget reserves it before the call)."""
    from toolkit.batch.budget import Budget, item_worst_case
    from toolkit.engines.pricing import price_of
    from toolkit.pipeline import resolve_engine

    engine = resolve_engine(MODEL, base_url)
    price = price_of(MODEL)
    assert price is not None
    return max(item_worst_case(Budget(1.0, price), engine, text, None) for _, text in items)


def test_max_cost_stops_scheduling_before_the_budget(tmp_path: Path) -> None:
    items = _items(40)
    out = tmp_path / "results.jsonl"
    with FakeOpenAI() as srv:
        probe = summarize_many(items[:1], model=MODEL, base_url=srv.base_url, transport=FAST, cache=False)
        one = probe.stats.cost_usd
        worst = _worst(items, srv.base_url)
        assert worst > 5 * one  # max_tokens and two re-asks at the output price: the worst case is dear
        budget = worst + one * 10.5
        report = summarize_many(items, output=out, concurrency=4, model=MODEL, base_url=srv.base_url,
                                transport=FAST, cache=False, max_cost=budget)
    assert report.stopped and "max-cost" in report.stopped
    assert report.stats.cost_usd <= budget
    assert report.budget is not None and report.budget.spent <= budget
    assert 8 <= report.stats.done < 40
    assert len(_lines(out)) == report.stats.done
    assert "left undone: " in report.summary() and "reserved but unused" in report.summary()


def test_cache_hit_costs_no_call_and_is_marked(tmp_path: Path) -> None:
    items = _items(5)
    cache = ResponseCache(tmp_path / "cache")
    with FakeOpenAI() as srv:
        summarize_many(items, output=tmp_path / "one.jsonl", model=MODEL, base_url=srv.base_url, cache=cache)
        calls = srv.state.counts["chat"]
        report = summarize_many(
            items, output=tmp_path / "two.jsonl", model=MODEL, base_url=srv.base_url, cache=cache
        )
        assert srv.state.counts["chat"] == calls
    assert report.stats.cached == 5 and report.stats.cost_usd == 0
    assert all(line["briefing"]["meta"]["cached"] for line in _lines(tmp_path / "two.jsonl"))
    assert not any(line["briefing"]["meta"]["cached"] for line in _lines(tmp_path / "one.jsonl"))


def test_unreadable_inputs_are_recorded_as_failures(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "good", "text": article(1)}, ensure_ascii=False)
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "notext"})
        + "\n"
        + json.dumps({"id": "english", "text": "no Arabic here"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "results.jsonl"
    with FakeOpenAI() as srv:
        summarize_many(src, output=out, model=MODEL, base_url=srv.base_url, transport=FAST, cache=False)
    got = latest_outcomes(out)
    assert got["good"]["ok"]
    assert got["in.jsonl:2"]["error"]["type"] == "InputError"
    assert got["notext"]["error"]["type"] == "InputError"
    assert "no Arabic" in got["english"]["error"]["message"]


def test_folder_input_ids_are_file_stems(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"story-{i}.txt").write_text(article(i), encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    assert [item.id for item in iter_items(folder)] == ["story-0", "story-1", "story-2"]


async def test_async_api_in_memory_outcomes() -> None:
    with FakeOpenAI() as srv:
        report = await asummarize_many(
            [BatchItem("x", article(3))], model=MODEL, base_url=srv.base_url, transport=FAST, cache=False
        )
    assert [o.id for o in report.outcomes] == ["x"] and report.outcomes[0].ok


async def test_sync_wrapper_refuses_a_running_loop() -> None:
    from toolkit.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="asummarize_many"):
        summarize_many([("x", article(1))], cache=False)


# --- the adaptive gate (AIMD) ----------------------------------------------------------------------


async def test_limiter_halves_once_per_window_pauses_everyone_and_recovers() -> None:
    lim = AdaptiveLimiter(64, max_pause=0.05)
    tickets = [await lim.acquire() for _ in range(64)]
    assert lim.in_flight == 64
    for t in tickets:  # a burst of 429s for requests sent in the same window: ONE cut
        lim.release()
        lim.on_throttle(t, retry_after=0.05)
    assert lim.allowed == 32 and lim.cuts == 1 and lim.throttles == 64
    assert lim.paused_until > 0
    t = await lim.acquire()  # waits out the pause, then gets a slot in the new window
    lim.release()
    lim.on_throttle(t, retry_after=None)
    assert lim.allowed == 16 and lim.cuts == 2
    for _ in range(200):
        lim.on_success()
    assert lim.allowed > 16  # slow start back to the last good level, then additive increase


async def test_limiter_never_admits_more_than_allowed() -> None:
    lim = AdaptiveLimiter(3)
    lim.on_throttle(Ticket(0), retry_after=0.0)  # limit 3 -> 1
    peak = 0

    async def job() -> None:
        nonlocal peak
        await lim.acquire()
        peak = max(peak, lim.in_flight)
        await asyncio.sleep(0.001)
        lim.release()

    await asyncio.gather(*(job() for _ in range(20)))
    assert peak == 1


def test_cli_rerun_still_reports_earlier_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A re-run skips a failed id; it must still name it and exit 1 until it succeeds."""
    from toolkit.batch import outstanding_failures
    from toolkit.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    seed = Path(__file__).resolve().parents[1] / "seeds" / "weather-heatwave-no-claims" / "article.txt"
    (folder / "good.txt").write_bytes(seed.read_bytes())
    (folder / "english.txt").write_text("Not Arabic at all.", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    args = ["batch", str(folder), "-o", str(out), "--model", "offline", "--no-cache"]
    assert main(args) == 1
    assert main(args) == 1  # nothing new ran, but english.txt still failed
    err = capsys.readouterr().err
    assert "failed: english: InputError:" in err and "--retry-failed" in err
    assert list(outstanding_failures(out)) == ["english"]
    (folder / "english.txt").write_bytes(seed.read_bytes())  # fixed input
    assert main([*args, "--retry-failed"]) == 0
    assert outstanding_failures(out) == {}
