"""Requests per second and latency of `khulasa serve` over a real loopback socket.

Run from the repository root:

    python benchmarks/serve.py [--claims 10000] [--requests 320]

1. Fills a fresh SQLite store with at least `--claims` claims: the offline engine's briefings of the
   12 seeds, filed again and again under new source ids and dates (synthetic copies, same texts).
2. Starts `khulasa serve --model offline` in a subprocess (its own interpreter, so the client does
   not share its GIL) on a free 127.0.0.1 port.
3. Sends `--requests` requests per row from C client threads (one keep-alive connection each):
   GET /v1/claims (first page of 50, no filter), GET /v1/claims?about=... (folded full-text
   search), GET /v1/claims?speaker=... (the most quoted speaker), at C = 1 and C = 32.
4. POST /v1/briefings at C = 1 and 32 against a second server with a fresh store (the offline
   engine plus a store write), cycling through the seeds and the 40 external articles, new ids.

Prints requests/s, p50 and p95 latency per row, and the machine's load average. Client and server
share the machine's cores, so the numbers are a floor for a dedicated server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external" / "ar-news-human-summaries.jsonl"
sys.path.insert(0, str(ROOT))

from toolkit.pipeline import summarize  # noqa: E402
from toolkit.store import ClaimStore  # noqa: E402


def fill_store(url: str, want: int) -> tuple[int, float]:
    """Add copies of the seeds' offline briefings until the store holds `want` claims."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*/article.txt"))]
    briefings = [(text, summarize(text, model="offline")) for text in seeds]
    started, claims, copy = time.perf_counter(), 0, 0
    day = dt.date(2020, 1, 1)
    with ClaimStore.open(url) as store:
        while claims < want:
            for text, briefing in briefings:
                sid = f"copy{copy:05d}"
                store.add_briefing(
                    briefing, text, source_id=sid, published=day + dt.timedelta(days=copy % 1500)
                )
                claims += len(briefing.claims)
                copy += 1
    return claims, time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], int]:
    """`khulasa serve` in a subprocess; returns it and its port once /healthz answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "toolkit.cli",
        "serve",
        "--port",
        str(port),
        "--store",
        url,
        "--model",
        "offline",
        "--concurrency",
        "32",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def run_row(port: int, concurrency: int, total: int, make: Any) -> tuple[float, float, float, int]:
    """Send `total` requests from `concurrency` threads; return (req/s, p50 ms, p95 ms, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            method, path, body = make(n)
            headers = {"Content-Type": "application/json"} if body else {}
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            dt_s = time.perf_counter() - t0
            with lock:
                latencies.append(dt_s)
                errors += resp.status != 200
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000
    return total / elapsed, p50, p95, errors


def _texts() -> list[str]:
    """The 12 seeds, then the 40 external articles when ../shared is there (read, never copied)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*/article.txt"))]
    if EXTERNAL.exists():
        for line in EXTERNAL.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            texts += [row["article_ar"]] if isinstance(row.get("article_ar"), str) else []
    return texts


def _table(port: int, rows: dict[str, Any], requests: int) -> None:
    for name, make in rows.items():
        for c in (1, 32):
            rps, p50, p95, errors = run_row(port, c, requests, make)
            print(f"{name:34} {c:>3} {requests:>5} {rps:>8.1f} {p50:>8.1f} {p95:>8.1f} {errors:>6}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=320, help="requests per row")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        claims, fill_s = fill_store(url, args.claims)
        with ClaimStore.open(url) as store:
            top = store.speakers(limit=1)[0]
        print(f"store: {claims:,} claims filled in {fill_s:.1f} s; most quoted: {top.name} ({top.claims:,})")
        about, speaker = quote("الغوطة"), quote(top.speaker_id)
        reads = {
            "GET /v1/claims?limit=50": lambda n: ("GET", "/v1/claims?limit=50", None),
            "GET /v1/claims?about=الغوطة": lambda n: ("GET", f"/v1/claims?limit=50&about={about}", None),
            "GET /v1/claims?speaker=<top>": lambda n: ("GET", f"/v1/claims?limit=50&speaker={speaker}", None),
        }
        texts = _texts()

        def post(n: int) -> tuple[str, str, bytes]:
            body = {"id": f"bench-{time.time_ns()}-{n}", "text": texts[n % len(texts)]}
            return "POST", "/v1/briefings", json.dumps(body, ensure_ascii=False).encode()

        print(f"\n{'request':34} {'C':>3} {'n':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
        proc, port = start_server(url)
        try:
            run_row(port, 4, 40, reads["GET /v1/claims?limit=50"])  # warm-up
            _table(port, reads, args.requests)
        finally:
            proc.terminate()
            proc.wait(10)
        # Briefings go to a fresh store: filing the same seed for the 800th time measures the
        # store's duplicate handling, not the server.
        proc, port = start_server(f"sqlite:///{Path(tmp) / 'fresh.sqlite3'}")
        try:
            _table(port, {f"POST /v1/briefings ({len(texts)} texts)": post}, args.requests)
        finally:
            proc.terminate()
            proc.wait(10)
    load = os.getloadavg()
    print(f"\nload average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
