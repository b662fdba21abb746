"""Batch runs that keep the money and the data safe (issue 14), over real loopback sockets.

The endpoint is the local fixture server (tests/servers/fake_openai.py), whose answers are AUTHORED
FIXTURES that quote the prompt; it bills what it serves (`billed_prompt`/`billed_completion`), so the
budget is checked against the server's bill, not against our own accounting.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from servers.articles import article
from servers.fake_openai import FakeOpenAI

from toolkit import summarize_many
from toolkit.batch import ResultsFile, latest_outcomes, outstanding_failures
from toolkit.cache import ResponseCache
from toolkit.cli import main
from toolkit.engines.openai_compat import TransportPolicy
from toolkit.engines.pricing import price_of
from toolkit.errors import ConfigurationError, OutputError

ROOT = Path(__file__).resolve().parents[1]
FAST = TransportPolicy(max_attempts=3, initial_wait=0.01, max_wait=0.05, timeout=10.0, jitter=0.0)
MODEL = "gpt-4.1-mini"
PRICE = price_of(MODEL)
assert PRICE is not None


def _billed(srv: FakeOpenAI) -> float:
    st = srv.state
    return (st.billed_prompt * PRICE[0] + st.billed_completion * PRICE[1]) / 1_000_000


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _run(items, out, srv, **kw):  # type: ignore[no-untyped-def]
    options = {"model": MODEL, "base_url": srv.base_url, "transport": FAST, "cache": False, "progress": False}
    return summarize_many(items, output=out, **{**options, **kw})


def _long(n: int, sentences: int = 200) -> str:
    return article(n, sentences=sentences)


# --- a hard budget -------------------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 8])
def test_cheap_first_call_cannot_open_the_gate_to_dear_ones(tmp_path: Path, concurrency: int) -> None:
    # The case: a one-sentence article first, long ones after. A running mean would admit a
    # flood of long articles after the cheap one; the reservation of the worst case does not.
    items = [("short", "قال الوزير «إن الاجتماع انتهى»."), *[(f"long{i}", _long(i)) for i in range(30)]]
    out = tmp_path / "results.jsonl"
    budget = 0.08  # the 30 long articles would bill ~$0.12 (two chunks and a merge call each)
    with FakeOpenAI() as srv:
        report = _run(items, out, srv, max_cost=budget, concurrency=concurrency, max_tokens=1500, max_reasks=1)
        billed = _billed(srv)
    assert billed <= budget, (billed, budget)  # the server's bill, not ours
    assert report.budget is not None and abs(report.budget.spent - billed) < 1e-6  # settled on billed usage
    assert report.stopped and "--max-cost" in report.stopped
    assert 3 <= report.stats.done < len(items)
    assert report.budget.spent + report.budget.left_undone_need > budget - 1e-9  # stopped for a reason
    summary = report.summary()
    assert "spent $" in summary and "reserved but unused $" in summary and "left undone:" in summary
    assert len(_lines(out)) == report.stats.done


def test_endpoint_without_usage_stops_a_budgeted_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"a{i}", "text": article(i)}, ensure_ascii=False) + "\n"
                           for i in range(12)), encoding="utf-8")
    out = tmp_path / "results.jsonl"
    with FakeOpenAI(usage=False) as srv:
        args = ["batch", str(src), "-o", str(out), "-m", MODEL, "--base-url", srv.base_url, "--no-cache",
                "--max-cost", "1", "-c", "1", "--max-wait", "0.05", "--no-progress"]
        assert main(args) == 1
        calls = srv.state.counts["chat"]
        err = capsys.readouterr().err
        assert calls < 12  # it stopped; it did not run every item at "cost 0"
        assert f"127.0.0.1:{srv.base_url.split(':')[2].split('/')[0]}" in err and "--allow-unmetered" in err
        assert main([*args, "--allow-unmetered"]) == 0  # accepted: runs on, each charged at worst case
        err = capsys.readouterr().err
    assert len(latest_outcomes(out)) == 12 and "without usage charged at worst case" in err


def test_budget_with_unknown_price_is_refused_before_any_call(tmp_path: Path) -> None:
    with FakeOpenAI() as srv:
        with pytest.raises(ConfigurationError, match="KHULASA_PRICE"):
            summarize_many([("a", article(1))], output=tmp_path / "r.jsonl", model="unpriced-model",
                           base_url=srv.base_url, cache=False, max_cost=1.0)
        assert srv.state.counts["chat"] == 0


def test_timed_out_attempts_are_charged_and_the_bill_stays_within_budget(tmp_path: Path) -> None:
    # Hung answers are billed by the server although the client went away: the ledger charges each
    # lost attempt at its worst case, so the bill still stays under the budget.
    items = [(f"a{i}", article(i)) for i in range(40)]
    policy = TransportPolicy(max_attempts=3, initial_wait=0.01, max_wait=0.05, timeout=0.4, jitter=0.0)
    with FakeOpenAI(fault_rate=0.5, faults=("timeout", "trickle"), hang_s=0.6, trickle_s=0.05, seed=3) as srv:
        report = _run(items, tmp_path / "r.jsonl", srv, max_cost=0.12, concurrency=4, max_tokens=800,
                      max_reasks=0, transport=policy)
        billed = _billed(srv)
    assert report.budget is not None and report.budget.lost > 0
    assert billed <= 0.12 and billed <= report.budget.spent + 1e-9


# --- one writer per output -----------------------------------------------------------------------


def _cli(src: Path, out: Path, base_url: str, *extra: str) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "toolkit.cli", "batch", str(src), "-o", str(out), "-m", MODEL,
            "--base-url", base_url, "--no-cache", "-c", "2", "--max-wait", "0.05", *extra]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _jsonl(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"n{i:02d}", "text": article(i)}, ensure_ascii=False) + "\n")
    return path


def test_second_writer_exits_at_once_naming_the_pid_then_stale_lock_never_blocks(tmp_path: Path) -> None:
    src, out = _jsonl(tmp_path / "in.jsonl", 20), tmp_path / "results.jsonl"
    hold = threading.Event()  # the first run's calls wait at the server: it is surely mid-run
    with FakeOpenAI(hold=hold) as srv:
        first = _cli(src, out, srv.base_url)
        deadline = time.monotonic() + 120
        while srv.state.counts["chat"] == 0 and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert first.poll() is None
        time.sleep(0.5)
        calls = srv.state.counts["chat"]  # the first run's -c 2 calls, held at the server
        t0 = time.monotonic()
        second = _cli(src, out, srv.base_url)
        _, err = second.communicate(timeout=120)
        assert srv.state.counts["chat"] == calls  # the second made no call
        assert second.returncode == 6 and time.monotonic() - t0 < 60  # at once: no call, no wait
        lines = err.decode().strip().splitlines()
        assert f"PID {first.pid}" in lines[0] and "Traceback" not in err.decode() and len(lines) == 2
        first.kill()  # kill -9: its flock dies with it, the PID stays in the lock file
        first.wait()
        assert (tmp_path / "results.jsonl.lock").read_text().strip() == str(first.pid)
        hold.set()
        rerun = _cli(src, out, srv.base_url)
        _, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err.decode()
    ids = [line["id"] for line in _lines(out)]
    assert sorted(ids) == [f"n{i:02d}" for i in range(20)]  # each id exactly once
    assert srv.state.counts["chat"] <= 20 + 2  # at most the killed run's calls in flight twice


# --- per-item isolation --------------------------------------------------------------------------


def test_bad_input_lines_are_that_items_failure_with_the_cache_on(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    good = [json.dumps({"id": f"g{i}", "text": article(i)}, ensure_ascii=False).encode() for i in range(3)]
    bad_utf8 = b'{"id": "latin1", "text": "' + "قال".encode() + b'\xe9\xff"}'
    huge = b'{"id": "huge", "text": "' + "ق".encode() * 3000 + b'"}'
    surrogate = b'{"id": "surrogate", "text": "\\ud800 \xd9\x82\xd8\xa7\xd9\x84"}'
    nested = b'{"id": "nested", "text": ' + b"[" * 1500 + b"]" * 1500 + b"}"
    src.write_bytes(b"\n".join([good[0], bad_utf8, good[1], huge, surrogate, nested, good[2]]) + b"\n")
    out, cache = tmp_path / "results.jsonl", tmp_path / "cache"
    with FakeOpenAI() as srv:
        from toolkit.batch.inputs import iter_items

        items = list(iter_items(src, max_line_bytes=4000))
        report = _run(items, out, srv, cache=cache)
        again = _run(items, out, srv, cache=cache)  # the re-run does not crash either
    got = latest_outcomes(out)
    assert all(got[f"g{i}"]["ok"] for i in range(3))
    for bad, words in [("latin1", "not UTF-8"), ("huge", "size limit"), ("surrogate", "surrogate"),
                       ("nested", "nested too deeply")]:
        assert got[bad]["error"]["type"] == "InputError" and words in got[bad]["error"]["message"], bad
    assert report.stats.failed == 4 and again.stats.finished == 0 and again.stats.outstanding_failed == 4


def test_json_bomb_from_the_model_and_an_echoed_key_are_recorded_failures(tmp_path: Path) -> None:
    key = "sk-live-0123456789abcdefXYZ"
    items = [(f"a{i}", article(i)) for i in range(6)]
    out = tmp_path / "results.jsonl"
    with FakeOpenAI(fault_rate=1.0, faults=("bomb",)) as srv:
        _run(items[:3], out, srv, max_reasks=0)
    with FakeOpenAI(fault_rate=1.0, faults=("echo_auth",)) as srv:
        _run(items[3:], out, srv, api_key=key)
    text = out.read_text(encoding="utf-8")
    got = latest_outcomes(out)
    assert key not in text and key[:10] not in text and "Bearer [redacted]" in text
    for i in range(6):
        error = got[f"a{i}"]["error"]
        assert error["type"] in ("OutputValidationError", "LLMError") and error["message"] and error["hint"]


def test_common_text_field_names_and_text_field_option(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [{"id": "t", "text": article(1)}, {"id": "a", "article": article(2)},
            {"id": "ar", "article_ar": article(3)}, {"id": "c", "content": article(4)},
            {"id": "body", "body": article(5)}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with FakeOpenAI() as srv:
        _run(src, tmp_path / "one.jsonl", srv)
        _run(src, tmp_path / "two.jsonl", srv, text_field="body")
    one, two = latest_outcomes(tmp_path / "one.jsonl"), latest_outcomes(tmp_path / "two.jsonl")
    assert sorted(k for k, v in one.items() if v["ok"]) == ["a", "ar", "c", "t"]
    assert "--text-field" in one["body"]["error"]["hint"] and "body" in one["body"]["error"]["hint"]
    assert [k for k, v in two.items() if v["ok"]] == ["body"]


def test_a_cache_row_that_fails_to_load_is_that_items_failure_then_retried(tmp_path: Path) -> None:
    items = [(f"a{i}", article(i)) for i in range(4)]
    cache_dir = tmp_path / "cache"
    with FakeOpenAI() as srv:
        _run(items, tmp_path / "one.jsonl", srv, cache=cache_dir)
        import sqlite3

        db = sqlite3.connect(cache_dir / "responses.sqlite3")
        key = db.execute("SELECT key FROM responses ORDER BY key LIMIT 1").fetchone()[0]
        db.execute("UPDATE responses SET briefing = ? WHERE key = ?", ('{"meta": {"engine": 7', key))
        db.commit()
        db.close()
        out = tmp_path / "two.jsonl"
        report = _run(items, out, srv, cache=cache_dir)
        [(_, error)] = outstanding_failures(out).items()
        assert error["type"] == "CacheError" and "--retry-failed" in error["hint"]
        assert report.stats.cached == 3 and report.stats.failed == 1
        calls = srv.state.counts["chat"]
        _run(items, out, srv, cache=cache_dir, retry_failed=True)
        assert srv.state.counts["chat"] == calls + 1  # the removed row is asked again, once
    assert outstanding_failures(out) == {}


@pytest.mark.parametrize("damage", ["garbage", "page"])
def test_a_cache_corrupt_as_a_whole_is_set_aside_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    cache_dir = tmp_path / "cache"
    items = [(f"a{i}", article(i)) for i in range(6)]
    db_path = cache_dir / "responses.sqlite3"
    with FakeOpenAI() as srv:
        _run(items, tmp_path / "one.jsonl", srv, cache=cache_dir)
        ResponseCache(cache_dir).close()  # checkpoint the WAL into the main file
        data = bytearray(db_path.read_bytes())
        if damage == "garbage":
            data[:100] = os.urandom(100)  # the header: "file is not a database"
        else:
            page = 4096
            data[page : len(data)] = b"\xff" * (len(data) - page)  # every page after the first
        db_path.write_bytes(bytes(data))
        for suffix in ("-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        capsys.readouterr()
        out = tmp_path / "two.jsonl"
        report = _run(items, out, srv, cache=cache_dir)
        rerun = _run(items, tmp_path / "three.jsonl", srv, cache=cache_dir)
    err = capsys.readouterr().err
    assert err.count("was corrupt; set it aside") == 1 and "Traceback" not in err
    assert report.stats.done == 6 and rerun.stats.cached == 6  # rebuilt, and used again
    assert list(cache_dir.glob("responses.sqlite3.corrupt-*"))
    monkeypatch.setenv("KHULASA_CACHE_DIR", str(cache_dir))
    assert main(["cache", "clear"]) == 0
    assert not list(cache_dir.glob("responses.sqlite3.corrupt-*"))
    assert ResponseCache(cache_dir).stats().entries == 0


def test_cache_and_results_are_private(tmp_path: Path) -> None:
    out, cache_dir = tmp_path / "new" / "results.jsonl", tmp_path / "newcache"
    with FakeOpenAI() as srv:
        _run([("a", article(1))], out, srv, cache=cache_dir)
    for folder in (out.parent, cache_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in (out, cache_dir / "responses.sqlite3", *cache_dir.glob("responses.sqlite3-*")):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


# --- write failures stop the spending ------------------------------------------------------------


def test_output_that_cannot_be_written_fails_before_any_call(tmp_path: Path) -> None:
    plain = tmp_path / "file.txt"
    plain.write_text("x", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    with FakeOpenAI() as srv:
        for target, words in [(plain / "results.jsonl", "is a file, not a folder"),
                              (plain / "deeper" / "results.jsonl", "is a file, not a folder"),
                              (folder, "is a folder")]:
            with pytest.raises(OutputError, match=words):
                _run([("a", article(1))], target, srv, cache=False)
        assert srv.state.counts["chat"] == 0


def test_immutable_results_file_fails_before_any_call(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("", encoding="utf-8")
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root on ext4/xfs)")
    try:
        with FakeOpenAI() as srv:
            with pytest.raises(OutputError, match="immutable"):
                _run([("a", article(1))], out, srv)
            assert srv.state.counts["chat"] == 0
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)


class _DiskFullAfter(ResultsFile):
    """Injects ENOSPC at the real write call after `n` successful writes; records the server's calls."""

    def __init__(self, path: Path, n: int, srv: FakeOpenAI) -> None:
        super().__init__(path)
        self.n, self.srv, self.calls_at_failure = n, srv, -1

    def _write(self, fd: int, data: bytes) -> None:
        if self.n <= 0:
            os.write(fd, data[: len(data) // 2])  # a torn write, as a full disk leaves it
            self.calls_at_failure = self.srv.state.counts["chat"]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.n -= 1
        super()._write(fd, data)


def test_disk_full_mid_run_stops_new_calls_and_the_rerun_resumes_each_id_once(tmp_path: Path) -> None:
    items = [(f"a{i:02d}", article(i)) for i in range(40)]
    out = tmp_path / "results.jsonl"
    with FakeOpenAI(latency_s=0.05) as srv:
        failing = _DiskFullAfter(out, 3, srv)
        with pytest.raises(OutputError) as info:
            _run(items, failing, srv, concurrency=4)
        time.sleep(0.3)
        calls = srv.state.counts["chat"]
        report = info.value.report  # type: ignore[attr-defined]
        # Every call made is written or reported lost in flight. "Lost in flight" counts the calls
        # cancelled, so it may also hold one cancelled before its request reached the server (nothing
        # paid): it bounds the unwritten answers from above.
        assert report.stats.done <= calls <= report.stats.done + report.lost_in_flight
        # At the failure, each of the 4 workers may have a request already past the gate and still on
        # its way to the server (counted after `calls_at_failure`); nothing starts after that.
        assert calls - failing.calls_at_failure <= 4 and calls < len(items) // 2
        assert "ENOSPC" in info.value.message and "re-run" in (info.value.hint or "")
        assert report.stopped and report.lost_in_flight >= 1 and report.stats.done >= 3
        assert all(raw.endswith("\n") for raw in out.read_text(encoding="utf-8").splitlines(keepends=True))
        _run(items, out, srv, concurrency=4)
    assert sorted(line["id"] for line in _lines(out)) == [i for i, _ in items]


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "2m"):
        pytest.skip("cannot mount a tmpfs here (needs root); the injected ENOSPC test covers it")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_real_full_disk_and_a_read_only_remount(small_disk: Path, tmp_path: Path) -> None:
    out = small_disk / "results.jsonl"
    filler = small_disk / "filler"
    items = [(f"a{i:03d}", article(i, sentences=30)) for i in range(500)]  # ~3 KB a result line
    with FakeOpenAI() as srv:
        filler.write_bytes(b"\0" * (1200 * 1024))  # under 1 MiB free: refused before the first call
        with pytest.raises(OutputError, match="bytes free"):
            _run(items, out, srv, cache=False)
        assert srv.state.counts["chat"] == 0
        filler.write_bytes(b"\0" * (800 * 1024))  # ~1.2 MiB free: room to start, not to finish
        with pytest.raises(OutputError) as info:
            _run(items, out, srv, concurrency=4, cache=False)
        assert "No space left on device (ENOSPC)" in info.value.message
        calls = srv.state.counts["chat"]
        assert calls < len(items)
        written = len(_lines(out))
        assert 0 < written < len(items)
        filler.unlink()  # the fix: room again
        subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        with pytest.raises(OutputError, match="EROFS"):
            _run(items, out, srv, cache=False)
        assert srv.state.counts["chat"] == calls  # refused before the first call
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
        _run(items, out, srv, concurrency=4, cache=False)
    assert sorted(line["id"] for line in _lines(out)) == [i for i, _ in items]


# --- inputs: --retry-failed clears failures of ids gone from the input ---------------------------


def test_retry_failed_clears_failures_whose_ids_left_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(article(1), encoding="utf-8")
    (folder / "english.txt").write_text("Not Arabic at all.", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    args = ["batch", str(folder), "-o", str(out), "--model", "offline", "--no-cache"]
    assert main(args) == 1
    (folder / "english.txt").unlink()  # the bad article is gone from the input
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    progress = [line for line in err.splitlines() if line.startswith("batch: ")][-1]
    assert "failed 1" in progress and "1 failed (1 in earlier runs)" in err  # progress == summary
    assert "1 id(s) failed" in err and "no longer in the input; --retry-failed clears them" in err
    assert main([*args, "--retry-failed"]) == 0
    err = capsys.readouterr().err
    assert "cleared 1 failure(s)" in err and outstanding_failures(out) == {}
    assert ResultsFile(out).load().failed == set() and main(args) == 0
