"""Batch throughput and memory against a local server that answers after a fixed latency.

The server (tests/servers/fake_openai.py, run as a subprocess so it does not share our GIL) answers
every chat call after `--latency` seconds with an authored FIXTURE briefing. With C requests in
flight and latency L, the ideal throughput is C/L items per second; we print the achieved ratio.
Memory: peak traced Python allocations (tracemalloc) and peak RSS while streaming N items from a
JSONL file to a results JSONL, for two sizes, to show that memory stays flat with N.

    python benchmarks/batch_throughput.py                 # latency 0.2 s, C = 1, 8, 64; 1,000 vs 10,000
    python benchmarks/batch_throughput.py --quick         # smaller runs
    python benchmarks/batch_throughput.py --cpu-only      # only the client-CPU table

Client CPU per call (first table): CPU seconds of this process (the server is another process) per
summarize() call at L = 0, for `summarize()` in a loop (no engine passed: the shared engine of
`toolkit.pipeline.shared_engine`), for one engine passed to every call, for a new engine built for
every call (what `summarize()` did before it shared them), and for the floor: the same
request bytes sent with the standard library's `http.client`, the same response read and parsed
with `json.loads` — on a new connection per exchange, and on one kept-alive connection.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from servers.articles import article  # noqa: E402

from toolkit.batch import asummarize_many  # noqa: E402
from toolkit.engines.openai_compat import TransportPolicy  # noqa: E402
from toolkit.pipeline import EngineOptions, resolve_engine, summarize  # noqa: E402

MODEL = "gpt-4.1-mini"  # a priced name, so costs are known; the server is the local fixture server
POLICY = TransportPolicy(max_attempts=3, initial_wait=0.1, max_wait=1.0, timeout=30.0, jitter=0.0)


def _server(latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "servers.fake_openai", "--latency", str(latency)],
        cwd=ROOT / "tests",
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def _engine(base_url: str) -> Any:
    return resolve_engine(MODEL, base_url, EngineOptions(api_key="local", transport=POLICY))


async def _run(
    items: object, out: Path, base_url: str, concurrency: int, engine: Any = None
) -> tuple[float, int]:
    own_engine = engine is None
    engine = engine or _engine(base_url)
    # Warm up (imports, instructor client, connection pool) outside the timed run: a batch of
    # thousands pays that once, and it would otherwise dominate the small C = 1 run.
    warm = [(f"warm-{i}", article(10_000 + i)) for i in range(min(concurrency, 8))]
    await asummarize_many(
        warm,
        output=out.with_suffix(".warm"),
        concurrency=concurrency,
        engine=engine,
        cache=False,
        progress=False,
    )
    started = time.perf_counter()
    report = await asummarize_many(
        items, output=out, concurrency=concurrency, engine=engine, cache=False, progress=False
    )
    elapsed = time.perf_counter() - started
    if own_engine:
        await engine.aclose()  # inside this loop, before asyncio.run closes it
    return elapsed, report.stats.done


def throughput(
    latency: float, levels: list[int], per_level: dict[int, int]
) -> list[tuple[int, int, float, float]]:
    proc, base_url = _server(latency)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for c in levels:
                n = per_level[c]
                items = [(f"t{c}-{i}", article(i)) for i in range(n)]
                elapsed, done = asyncio.run(_run(items, Path(tmp) / f"c{c}.jsonl", base_url, c))
                achieved = done / elapsed
                rows.append((c, done, achieved, achieved / (c / latency)))
    finally:
        proc.terminate()
        proc.wait()
    return rows


class _SleepEngine:
    """No HTTP, no instructor: answers after `latency` with an authored draft quoting sentence 0.

    Isolates khulasa's own batch machinery (queue, workers, grounding, assembly, JSONL + fsync)
    from the per-call CPU of the HTTP client and instructor.
    """

    name = "sleep-stub"

    def __init__(self, latency: float) -> None:
        self.latency = latency

    def run(self, request: Any) -> Any:  # pragma: no cover - async only here
        raise NotImplementedError

    async def arun(self, request: Any) -> Any:
        from toolkit.drafts import BriefingDraft
        from toolkit.engines.base import EngineResult

        await asyncio.sleep(self.latency)
        first = request.sentences[0].text
        draft = BriefingDraft.model_validate(
            {
                "headline_ar": first[:150],
                "summary_ar": first,
                "claims": [
                    {
                        "speaker_ar": "غير معروف",  # an unresolved speaker: kept, never a name
                        "kind": "statement",
                        "claim_ar": first[:100],
                        "quote_ar": first[:200],
                    }
                ],
            }
        )
        return EngineResult(draft=draft)


def throughput_stub(
    latency: float, levels: list[int], per_level: dict[int, int]
) -> list[tuple[int, int, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in levels:
            n = per_level[c]
            items = [(f"s{c}-{i}", article(i)) for i in range(n)]

            async def go(items: list[tuple[str, str]] = items, c: int = c) -> tuple[float, int]:
                started = time.perf_counter()
                report = await asummarize_many(
                    items,
                    output=Path(tmp) / f"s{c}.jsonl",
                    concurrency=c,
                    engine=_SleepEngine(latency),
                    cache=False,
                    progress=False,
                )
                return time.perf_counter() - started, report.stats.done

            elapsed, done = asyncio.run(go())
            rows.append((c, done, done / elapsed, done / elapsed / (c / latency)))
    return rows


def memory(n: int, engine: str) -> tuple[int, float, float, float]:
    """Stream n items from a JSONL file to a results JSONL at C = 64; tracemalloc peak and RSS peak.

    engine "http": through the local server (latency 0), the full client path; "stub": the sleeping
    in-process engine (L = 10 ms), which is fast enough to push 10,000 items in a minute.
    """
    proc, base_url = _server(0.0) if engine == "http" else (None, "")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl"
            with open(src, "w", encoding="utf-8") as fh:
                for i in range(n):
                    fh.write(json.dumps({"id": f"m{i}", "text": article(i)}, ensure_ascii=False) + "\n")
            tracemalloc.start()
            started = time.perf_counter()
            if engine == "http":
                _, done = asyncio.run(_run(src, Path(tmp) / "out.jsonl", base_url, 64))
            else:
                report = asyncio.run(
                    asummarize_many(
                        src,
                        output=Path(tmp) / "out.jsonl",
                        concurrency=64,
                        engine=_SleepEngine(0.01),
                        cache=False,
                        progress=False,
                    )
                )
                done = report.stats.done
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert done == n, (done, n)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return n, peak / 1e6, rss_mb, n / elapsed


def client_cpu_ms(n: int = 40) -> float:
    """CPU seconds the client spends per call (openai + instructor + grounding), server at L = 0."""
    proc, base_url = _server(0.0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            items = [(f"cpu-{i}", article(i)) for i in range(n)]

            async def go() -> float:
                engine = _engine(base_url)
                await _run(items[:4], Path(tmp) / "w.jsonl", base_url, 1, engine)
                cpu = time.process_time()
                await _run(items, Path(tmp) / "c.jsonl", base_url, 1, engine)
                spent = time.process_time() - cpu
                await engine.aclose()
                return spent / (n + 1) * 1000  # +1: the warm-up item in _run

            return asyncio.run(go())
    finally:
        proc.terminate()
        proc.wait()


def _cpu_per_call(fn: Any, items: list[str], rounds: int = 3) -> float:
    """Milliseconds of this process's CPU per call, the best of `rounds` passes over `items`."""
    best = float("inf")
    for _ in range(rounds):
        cpu = time.process_time()
        for text in items:
            fn(text)
        best = min(best, (time.process_time() - cpu) / len(items) * 1000)
    return best


def _request_bytes(base_url: str, text: str) -> tuple[bytes, dict[str, str]]:
    """The exact body and headers khulasa sends for `text` (captured by an httpx2 event hook)."""
    import httpx2

    seen: list[Any] = []
    with httpx2.Client(event_hooks={"request": [seen.append]}) as client:
        options = EngineOptions(api_key="local", transport=POLICY, http_client=client)
        summarize(text, engine=resolve_engine(MODEL, base_url, options))
    request = seen[-1]
    request.read()
    keep = ("content-type", "authorization", "accept")
    return request.content, {k: v for k, v in request.headers.items() if k.lower() in keep}


def _http_client_floor(base_url: str, body: bytes, headers: dict[str, str], n: int) -> tuple[float, float]:
    """CPU ms per bare http.client exchange: (a new connection each, one kept-alive connection)."""
    from urllib.parse import urlsplit

    url = urlsplit(base_url)
    path = url.path.rstrip("/") + "/chat/completions"

    def exchange(conn: http.client.HTTPConnection) -> None:
        conn.request("POST", path, body=body, headers=headers)
        json.loads(conn.getresponse().read())

    def fresh(_: str) -> None:
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port)
        exchange(conn)
        conn.close()

    kept = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port)
    items = [""] * n
    try:
        return _cpu_per_call(fresh, items), _cpu_per_call(lambda _: exchange(kept), items)
    finally:
        kept.close()


def client_cpu_table(n: int = 60) -> None:
    """Client CPU per call: summarize() in a loop, a reused engine, and the http.client floor."""
    proc, base_url = _server(0.0)
    try:
        items = [article(i) for i in range(n)]
        loop_ms = _cpu_per_call(
            lambda t: summarize(t, model=MODEL, base_url=base_url, api_key="local", transport=POLICY), items
        )
        engine = _engine(base_url)
        reused_ms = _cpu_per_call(lambda t: summarize(t, engine=engine), items)
        fresh_engine_ms = _cpu_per_call(
            lambda t: summarize(t, engine=_engine(base_url)), items[:20], rounds=2
        )
        body, headers = _request_bytes(base_url, items[0])
        fresh_ms, kept_ms = _http_client_floor(base_url, body, headers, 200)
    finally:
        proc.terminate()
        proc.wait()
    load = os.getloadavg()[0]
    print(f"client CPU per summarize() call, server at L = 0 ({len(body):,}-byte request; load {load:.1f})")
    print(f"{'path':<52}{'CPU ms/call':>12}{'x new-conn floor':>18}{'x kept-alive':>14}")
    rows = [
        ("summarize() in a loop (shared engine)", loop_ms),
        ("summarize(engine=one engine)", reused_ms),
        ("a new engine every call (summarize() before #15)", fresh_engine_ms),
        ("floor: http.client, a new connection per exchange", fresh_ms),
        ("floor: http.client, one kept-alive connection", kept_ms),
    ]
    for label, ms in rows:
        print(f"{label:<52}{ms:>12.2f}{ms / fresh_ms:>18.1f}{ms / kept_ms:>14.1f}", flush=True)
    print()


def _table(title: str, rows: list[tuple[int, int, float, float]], latency: float) -> None:
    print(title)
    print(f"{'C':>4} {'items':>6} {'items/s':>9} {'ideal/s':>8} {'ratio':>6}")
    for c, n, achieved, ratio in rows:
        print(f"{c:>4} {n:>6} {achieved:>9.1f} {c / latency:>8.1f} {ratio:>6.3f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency", default="0.2,2.0", help="comma-separated server latencies L, seconds")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--memory", default="stub:1000,stub:10000,http:1000", help="engine:items,...; '' skips")
    ap.add_argument("--cpu-only", action="store_true", help="print the client-CPU table only")
    args = ap.parse_args()
    scale = 0.25 if args.quick else 1.0
    client_cpu_table()
    if args.cpu_only:
        return
    cpu = client_cpu_ms()
    print(f"client CPU per call (openai + instructor + khulasa, L = 0): {cpu:.1f} ms")
    print(f"-> one core saturates near {1000 / cpu:.0f} calls/s whatever C is: a C/L above it is CPU-bound\n")
    for latency in (float(x) for x in args.latency.split(",")):
        rounds = max(2, int(max(8, 5 / latency) * scale))  # ~max(8 L, 5 s) per level
        per_level = {c: c * rounds for c in (1, 8, 64)}
        _table(
            f"throughput, server latency L = {latency * 1000:.0f} ms (ideal = C / L)",
            throughput(latency, [1, 8, 64], per_level),
            latency,
        )
        _table(
            "same, in-process engine that sleeps L (no HTTP, no instructor): the batch machinery alone",
            throughput_stub(latency, [1, 8, 64], per_level),
            latency,
        )
        print()
    if not args.memory:
        return
    print("memory, JSONL in -> results JSONL out, C = 64 (tracemalloc on: rates are slowed)")
    print(f"{'engine':>6} {'items':>6} {'traced peak MB':>15} {'RSS peak MB':>12} {'items/s':>8}")
    for spec in args.memory.split(","):
        engine, size = spec.split(":")
        n, peak, rss, rate = memory(max(50, int(int(size) * scale)), engine)
        print(f"{engine:>6} {n:>6} {peak:>15.1f} {rss:>12.1f} {rate:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
