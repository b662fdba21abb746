"""Kill -9 in the middle of `khulasa batch`, re-run: every id exactly once, failures with reasons.

The endpoint is the local fault-injecting server (tests/servers/fake_openai.py): ~30% of calls get a
429 with Retry-After, a 500, a connection reset or a hang past the timeout (deterministic seed); its
answers are authored FIXTURES that quote the article so they ground.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from servers.articles import article
from servers.fake_openai import POISON, FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
N = 200


def _cli(src: Path, out: Path, base_url: str, cache: Path) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-m",
        "toolkit.cli",
        "batch",
        str(src),
        "-o",
        str(out),
        "--model",
        "gpt-4.1-mini",
        "--base-url",
        base_url,
        "--concurrency",
        "16",
        "--timeout",
        "0.5",
        "--max-attempts",
        "3",
        "--max-wait",
        "0.05",
    ]
    env = {**os.environ, "KHULASA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_sigkill_mid_run_then_rerun_yields_every_id_exactly_once(tmp_path: Path) -> None:
    src = tmp_path / "articles.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(N):
            text = article(i, extra=POISON if i % 40 == 3 else "")
            fh.write(json.dumps({"id": f"n{i:03d}", "text": text}, ensure_ascii=False) + "\n")
    out = tmp_path / "results.jsonl"
    with FakeOpenAI(fault_rate=0.3, hang_s=1.0, latency_s=0.05, seed=5) as srv:
        proc = _cli(src, out, srv.base_url, tmp_path / "cache")
        deadline = time.monotonic() + 120
        while _count_lines(out) < 40 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the run finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = _count_lines(out)
        assert 40 <= killed_at < N
        rerun = _cli(src, out, srv.base_url, tmp_path / "cache")
        _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 1, err.decode()  # 1: some items failed (and were recorded)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = [line["id"] for line in lines]
    assert len(ids) == N and len(set(ids)) == N  # exactly 200 outcomes, no duplicates
    failures = {line["id"]: line["error"] for line in lines if not line["ok"]}
    assert {f"n{i:03d}" for i in range(3, N, 40)} <= failures.keys()
    assert all(e["type"] and e["message"] for e in failures.values())
    skipped = re.search(r"(\d+) already done", err.decode())
    assert skipped and int(skipped.group(1)) == killed_at  # whole lines survive the kill; the rest re-ran
