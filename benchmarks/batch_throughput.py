"""Batch throughput and memory against a local server that answers after a fixed latency.

The server (tests/servers/fake_openai.py, run as a subprocess so it does not share our GIL) answers
every chat call after `--latency` seconds with an authored FIXTURE briefing. With C requests in
flight and latency L, the ideal throughput is C/L items per second; we print the achieved ratio.
Memory: peak traced Python allocations (tracemalloc) and peak RSS while streaming N items from a
JSONL file to a results JSONL, for two sizes, to show that memory stays flat with N.

    python benchmarks/batch_throughput.py                 # latency 0.2 s, C = 1, 8, 64; 1,000 vs 10,000
    python benchmarks/batch_throughput.py --quick         # smaller runs
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from toolkit.pipeline import EngineOptions, resolve_engine  # noqa: E402

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
    return resolve_engine("gpt-4.1-mini", base_url, EngineOptions(api_key="local", transport=POLICY))


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
    args = ap.parse_args()
    scale = 0.25 if args.quick else 1.0
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
