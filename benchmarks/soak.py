"""Soak test (not in CI): many items through a fault-injecting proxy, `kill -9` every few seconds,
re-run until done; prints lost / duplicated ids and the server's bill against the budget.

    python benchmarks/soak.py                       # 10,000 items, -c 32, kill -9 2-6 s into each run
    python benchmarks/soak.py --items 2000 --budget 5

Set-up, all on 127.0.0.1:

    khulasa batch (a subprocess, killed with SIGKILL at random moments, then started again)
      -> tests/faultproxy.py FaultProxy: draws a fault per request — 429 (Retry-After 0.5), 500,
         503, connection reset, an answer trickled one byte at a time (cut by --timeout, the total
         deadline per attempt), a hang past the timeout — or forwards untouched
      -> tests/servers/fake_openai.py: answers AUTHORED FIXTURE briefings (not model output) and
         bills every answer it generates (hung and trickled ones too) at gpt-4.1-mini's price.

Each run is killed 2-6 s (random) after it writes its first line — on a loaded machine start-up
alone can take longer than that. Every run gets `--max-cost` = the total budget minus what the
server has billed so far, the way a user with a fixed amount of money would re-run. The results
file is then checked: every input id exactly once (failures are lines too, with their reasons),
no id twice, and the server's total bill at most the budget.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from faultproxy import Fault, FaultProxy, reset, status, trickle  # noqa: E402
from servers.articles import article  # noqa: E402
from servers.fake_openai import FakeOpenAI  # noqa: E402

from toolkit.engines.pricing import price_of  # noqa: E402

MODEL = "gpt-4.1-mini"


class Faults:
    """A random fault per request, with counts (thread-safe: the proxy calls it from many threads)."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.kinds: list[tuple[str, float, Fault]] = [
            ("429", 0.05, status(429, {"Retry-After": "0.5"})),
            ("500", 0.3, status(500)),
            ("503", 0.15, status(503)),
            ("reset", 0.25, reset()),
            ("trickle", 0.15, trickle(0.5)),
            ("hang", 0.10, Fault(delay=8.0)),
        ]

    def __call__(self) -> Fault | None:
        with self.lock:
            roll = self.rng.random()
            if roll >= self.rate:
                self.counts["forwarded"] += 1
                return None
            pick = self.rng.random() * sum(w for _, w, _ in self.kinds)
            for name, weight, fault in self.kinds:
                pick -= weight
                if pick <= 0:
                    self.counts[name] += 1
                    return fault
            self.counts["forwarded"] += 1
            return None


def _input(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"s{i:05d}", "text": article(i)}, ensure_ascii=False) + "\n")


def _billed(srv: FakeOpenAI) -> float:
    price = price_of(MODEL)
    assert price is not None
    st = srv.state
    return (st.billed_prompt * price[0] + st.billed_completion * price[1]) / 1_000_000


def _start(
    args: argparse.Namespace, src: Path, out: Path, base_url: str, budget: float, cache: Path
) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "toolkit.cli",
        "batch",
        str(src),
        "-o",
        str(out),
        "-m",
        MODEL,
        "--base-url",
        base_url,
        "-c",
        str(args.concurrency),
        "--timeout",
        str(args.timeout),
        "--max-attempts",
        "6",
        "--max-wait",
        "2",
        "--max-tokens",
        str(args.max_tokens),
        "--max-reasks",
        "1",
        "--max-cost",
        f"{budget:.6f}",
        "--no-progress",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KHULASA_CACHE_DIR": str(cache)}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _lines_now(out: Path) -> int:
    try:
        with open(out, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            return fh.tell()
    except FileNotFoundError:
        return 0


def _check(src: Path, out: Path) -> tuple[int, int, int, int]:
    wanted = [json.loads(line)["id"] for line in src.read_text(encoding="utf-8").splitlines()]
    lines = (
        [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    )
    per_id = Counter(line["id"] for line in lines)
    lost = sum(1 for i in wanted if per_id[i] == 0)
    duplicated = sum(1 for n in per_id.values() if n > 1)
    failed = sum(1 for line in lines if not line["ok"])
    return lost, duplicated, failed, len(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--budget", type=float, default=18.0, help="USD for the whole soak, all re-runs")
    ap.add_argument("--fault-rate", type=float, default=0.08)
    ap.add_argument("--kill-min", type=float, default=2.0, help="s after a run's first line")
    ap.add_argument("--kill-max", type=float, default=6.0)
    ap.add_argument("--startup-cap", type=float, default=30.0)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--max-tokens", type=int, default=1024)
    ap.add_argument("--max-runs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--verbose", action="store_true", help="a line per run on stderr")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="khulasa-soak-"))
    src, out, cache = tmp / "in.jsonl", tmp / "results.jsonl", tmp / "cache"
    _input(src, args.items)
    faults = Faults(args.fault_rate, args.seed)
    t0 = time.monotonic()
    kills = runs = 0
    exit_codes: Counter[int] = Counter()
    last_err = ""
    with FakeOpenAI() as srv:
        proxy = FaultProxy(srv.base_url, policy=faults, keep_seen=False, upstream_timeout=30)
        try:
            while runs < args.max_runs:
                left = args.budget - _billed(srv)
                proc = _start(args, src, out, proxy.base_url, max(0.0, left), cache)
                runs += 1
                # The clock starts when this run writes its first line (or after --startup-cap s):
                # on a loaded machine start-up alone can outlast a few seconds, and killing every
                # run before its first call would prove nothing.
                lines_before = _lines_now(out)
                started = time.monotonic()
                kill_at = None
                while proc.poll() is None and (kill_at is None or time.monotonic() < kill_at):
                    if kill_at is None and (
                        _lines_now(out) > lines_before or time.monotonic() - started > args.startup_cap
                    ):
                        kill_at = time.monotonic() + rng.uniform(args.kill_min, args.kill_max)
                    time.sleep(0.05)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    if args.verbose:
                        done = out.read_bytes().count(b"\n") if out.exists() else 0
                        print(
                            f"run {runs}: killed; {done} lines, billed ${_billed(srv):.4f}", file=sys.stderr
                        )
                    continue
                exit_codes[proc.returncode] += 1
                last_err = proc.stderr.read().decode() if proc.stderr else ""
                if proc.returncode in (0, 1):  # finished: every item has a line (1: some failed)
                    break
                print(f"run {runs} exited {proc.returncode}: {last_err.strip()[-300:]}", file=sys.stderr)
                break
        finally:
            proxy.close()
        elapsed = time.monotonic() - t0
        billed = _billed(srv)
        generated = srv.state.counts["billed"]
    lost, duplicated, failed, lines = _check(src, out)
    budget_stop = "--max-cost" in last_err and "stopped:" in last_err
    undone, lost = (lost, 0) if budget_stop else (0, lost)
    load = os.getloadavg()
    print(
        f"soak: {args.items:,} items, -c {args.concurrency}, fault rate {args.fault_rate:.0%}, "
        f"kill -9 {args.kill_min:g}-{args.kill_max:g} s after each run's first line, "
        f"--timeout {args.timeout:g}"
    )
    print(f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min), 2 cores")
    print("| measure | value |\n|---|---|")
    rows = [
        ("runs (killed with SIGKILL)", f"{runs} ({kills})"),
        ("wall time", f"{elapsed:.0f} s ({args.items / elapsed:.1f} items/s overall)"),
        ("proxy requests", f"{proxy.requests:,}"),
        (
            "faults injected",
            ", ".join(f"{k} {v}" for k, v in sorted(faults.counts.items()) if k != "forwarded"),
        ),
        ("answers the server generated (billed)", f"{generated:,}"),
        ("result lines", f"{lines:,}"),
        ("recorded failures (with reasons)", f"{failed:,}"),
        ("**lost ids**", f"**{lost}**"),
        ("left undone by the budget (no line yet: re-run with more)", f"{undone:,}"),
        ("**duplicated ids**", f"**{duplicated}**"),
        (
            "**billed by the server**",
            f"**${billed:.4f} <= budget ${args.budget:.2f}: {billed <= args.budget}**",
        ),
        ("last run's exit code", ", ".join(f"{k}: {v}" for k, v in sorted(exit_codes.items()))),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    if last_err:
        summary = [
            line for line in last_err.splitlines() if line.startswith(("budget", "stopped", "0 ok", "1", "2"))
        ]
        print("last run said:", " / ".join(summary[:4]))


if __name__ == "__main__":
    main()
