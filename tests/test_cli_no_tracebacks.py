"""Errors without tracebacks everywhere: closed stdin/stdout, bad -o targets, deeply nested JSON.

Real subprocesses (a closed file descriptor cannot be faked in-process), the offline engine (no
model), and, where the machine allows mounting one, a tiny tmpfs for a real full disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_briefings import english_briefing

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt"
NESTED = '{"headline_ar": ' + "[" * 100_000 + "]" * 100_000 + "}"


def _khulasa(*args: str, stdin: int | None = None, close_stdout: bool = False, cwd: Path = ROOT):
    # `exec N>&-` closes the descriptor for the child, as a shell's `>&-` / `<&-` does.
    cmd = " ".join(f"'{a}'" for a in [sys.executable, "-m", "toolkit.cli", *args])
    if close_stdout:
        cmd += " >&-"
    if stdin is None:
        cmd += " <&-"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KHULASA_MODEL": "offline"}
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=not close_stdout,
                          stderr=subprocess.PIPE if close_stdout else None, text=True, timeout=120)


def _one_line_error(proc: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    err = proc.stderr
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err and words in err, err
    assert err.startswith("error: ") and len(err.strip().splitlines()) <= 2, err


def test_closed_stdin_is_a_one_line_error() -> None:
    _one_line_error(_khulasa("summarize", "-"), 2, "standard input is closed")


def test_closed_stdout_is_a_one_line_error() -> None:
    _one_line_error(_khulasa("summarize", str(SEED), stdin=0, close_stdout=True), 6, "standard output is closed")


def test_output_naming_a_folder_or_under_a_file_leaves_no_tmp(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    briefing = tmp_path / "b.json"
    briefing.write_text(english_briefing().model_dump_json(), encoding="utf-8")
    for args in (["summarize", str(SEED), "-o", str(folder)],
                 ["brief", str(briefing), "-o", str(folder)],
                 ["review", str(briefing), "--article", str(SEED), "-o", str(folder)]):
        _one_line_error(_khulasa(*args, stdin=0), 6, "is a folder, not a file")
    _one_line_error(_khulasa("summarize", str(SEED), "-o", str(plain / "b.json"), stdin=0), 6,
                    "is a file, not a folder")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["b.json", "out", "plain.txt"]  # no .tmp


@pytest.mark.parametrize("command", ["brief", "review", "eval"])
def test_deeply_nested_json_is_the_usual_input_error(tmp_path: Path, command: str) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text(NESTED, encoding="utf-8")
    if command == "brief":
        args = ["brief", str(nested)]
    elif command == "review":
        args = ["review", str(nested), "--article", str(SEED), "-o", str(tmp_path / "r.html")]
    else:
        run = tmp_path / "run"
        run.mkdir()
        (run / "run.json").write_text(json.dumps({"run_id": "x", "model": "m", "created": "now", "suite": {
            "name": "s", "path": None, "kind": "seeds", "sources": []}}), encoding="utf-8")
        (run / "predictions.jsonl").write_text(NESTED + "\n", encoding="utf-8")
        args = ["eval", "--predictions", str(run)]
    _one_line_error(_khulasa(*args, stdin=0), 2, "nested too deeply")


def test_full_disk_under_o_is_one_line_and_leaves_no_tmp(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        (disk / "filler").write_bytes(b"\0" * (60 * 1024))
        proc = _khulasa("summarize", str(SEED), "-o", str(disk / "b.json"), stdin=0)
        _one_line_error(proc, 6, "No space left on device")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
