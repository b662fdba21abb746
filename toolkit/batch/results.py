"""The results file: one JSONL line per outcome, appended, flushed and fsync'ed by a single writer.

Line format::

    {"id": "a1", "ok": true,  "briefing": {...Briefing...}}
    {"id": "a2", "ok": false, "error": {"type": "LLMError", "message": "..."}}

Why this is lossless under `kill -9`: a line is written in one `write` and fsync'ed before the run
counts it as done, so after a kill the file holds whole lines plus at most one torn last line.
`ResultsFile.load` drops (truncates) that torn tail; every id without a whole line is run again.
When an id has several lines (after `--retry-failed`), the NEWEST line wins.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.schema import Briefing


@dataclass(frozen=True)
class Outcome:
    """What happened to one item.

    Attributes:
        id: The item's id.
        briefing: The briefing when it succeeded.
        error_type: The error's class name when it failed (e.g. `LLMError`).
        error_message: The error's message when it failed.
    """

    id: str
    briefing: Briefing | None = None
    error_type: str | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        """True when there is a briefing."""
        return self.briefing is not None

    def to_json(self) -> str:
        """The outcome as one JSONL line (with its newline)."""
        data: dict[str, Any] = {"id": self.id, "ok": self.ok}
        if self.briefing is not None:
            data["briefing"] = self.briefing.model_dump(mode="json")
        else:
            data["error"] = {"type": self.error_type, "message": self.error_message}
        return json.dumps(data, ensure_ascii=False) + "\n"


@dataclass
class ResumeState:
    """What a results file already holds (newest line per id wins).

    Attributes:
        ok: Ids whose newest line is a success.
        failed: Ids whose newest line is a failure.
        lines: Whole lines read.
        truncated_bytes: Bytes of a torn last line that were cut off.
    """

    ok: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    lines: int = 0
    truncated_bytes: int = 0


def iter_results(path: str | Path) -> Iterator[dict[str, Any]]:
    """Read a results file line by line (whole lines only; a torn last line is skipped)."""
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                return
            try:
                yield json.loads(raw)
            except json.JSONDecodeError:
                continue


def outstanding_failures(path: str | Path) -> dict[str, dict[str, Any]]:
    """Ids whose newest line is a failure, with that line's error (streams: briefings are not kept).

    Args:
        path: A results file.

    Returns:
        id → {"type": ..., "message": ...}, in file order; empty when the file does not exist.
    """
    failed: dict[str, dict[str, Any]] = {}
    if not Path(path).is_file():
        return failed
    for line in iter_results(path):
        key = str(line["id"])
        failed.pop(key, None)
        if not line.get("ok"):
            failed[key] = dict(line.get("error") or {})
    return failed


def latest_outcomes(path: str | Path) -> dict[str, dict[str, Any]]:
    """The newest line of each id (loads every briefing: meant for tests and small files)."""
    out: dict[str, dict[str, Any]] = {}
    for line in iter_results(path):
        out[str(line["id"])] = line
    return out


class ResultsFile:
    """Appends outcomes to a JSONL file durably; reads back what is done for resuming."""

    def __init__(self, path: str | Path) -> None:
        """Remember the path; nothing is opened until `load`/`append`."""
        self.path = Path(path)
        self._fh: Any = None

    def load(self) -> ResumeState:
        """Scan the file (streaming), truncate a torn last line, and return what is done.

        Raises:
            InputError: A line other than the last is not a result line (the file is not ours or was
                edited); nothing is changed then.
        """
        state = ResumeState()
        if not self.path.exists():
            return state
        good_end = 0
        with open(self.path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                parsed = _parse(raw)
                if parsed is None:
                    if fh.read(1):  # not the last line: damage we must not paper over
                        raise InputError(
                            f"line {lineno} of {self.path} is not a khulasa result line",
                            hint="pass another -o file, or fix/remove that line (results before it are kept)",
                        )
                    break
                item_id, ok = parsed
                (state.ok if ok else state.failed).add(item_id)
                (state.failed if ok else state.ok).discard(item_id)
                state.lines += 1
                good_end += len(raw)
        size = self.path.stat().st_size
        if size > good_end:  # a torn last line from a kill: cut it, the id will be run again
            state.truncated_bytes = size - good_end
            with open(self.path, "r+b") as fh:
                fh.truncate(good_end)
                os.fsync(fh.fileno())
        return state

    def append(self, outcomes: Sequence[Outcome]) -> None:
        """Write whole lines, flush and fsync (group commit: one fsync per call)."""
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run
        self._fh.write("".join(o.to_json() for o in outcomes))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _parse(raw: bytes) -> tuple[str, bool] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or "id" not in data or not isinstance(data.get("ok"), bool):
        return None
    return str(data["id"]), bool(data["ok"])
