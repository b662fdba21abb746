"""The results file: one JSONL line per outcome, appended, flushed and fsync'ed by a single writer.

Line format::

    {"id": "a1", "ok": true,  "briefing": {...Briefing...}}
    {"id": "a2", "ok": false, "error": {"type": "LLMError", "message": "...", "hint": "..."}}
    {"id": "a3", "ok": false, "cleared": true, "error": {...}}   # a failure whose id left the input

One writer per file: `ResultsFile.open` holds an exclusive `flock` on `results.jsonl.lock` for the
whole run, so a second process on the same output exits at once naming the holder's PID; the kernel
drops the lock when its process dies, so a kill never leaves a lock that blocks the re-run.

Why this is lossless under `kill -9`: a line is written in one `write` and fsync'ed before the run
counts it as done, so after a kill the file holds whole lines plus at most one torn last line.
`ResultsFile.load` drops (truncates) that torn tail; every id without a whole line is run again.
When an id has several lines (after `--retry-failed`), the NEWEST line wins.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, OutputError
from toolkit.schema import Briefing


@dataclass(frozen=True)
class Outcome:
    """What happened to one item.

    Attributes:
        id: The item's id.
        briefing: The briefing when it succeeded.
        error_type: The error's class name when it failed (e.g. `LLMError`).
        error_message: The error's message when it failed.
        error_hint: What to do about it, when known.
        cleared: A failure cleared by `--retry-failed` because its id left the input: the id then
            counts as neither done nor failed.
    """

    id: str
    briefing: Briefing | None = None
    error_type: str | None = None
    error_message: str | None = None
    error_hint: str | None = None
    cleared: bool = False

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
            if self.error_hint:
                data["error"]["hint"] = self.error_hint
        if self.cleared:
            data["cleared"] = True
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
                line = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                continue
            if isinstance(line, dict) and "id" in line:
                yield line


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
        if not line.get("ok") and not line.get("cleared"):
            failed[key] = dict(line.get("error") or {})
    return failed


def latest_outcomes(path: str | Path) -> dict[str, dict[str, Any]]:
    """The newest line of each id (loads every briefing: meant for tests and small files)."""
    out: dict[str, dict[str, Any]] = {}
    for line in iter_results(path):
        out.pop(str(line["id"]), None)
        if not line.get("cleared"):
            out[str(line["id"])] = line
    return out


class ResultsFile:
    """Appends outcomes to a JSONL file durably; one writer at a time; reads back what is done.

    `open()` is called before the first paid call: it takes the lock, checks that the file can be
    written (a folder that is a file, read-only or immutable files, a full disk fail here, before
    anything is spent), cuts a torn last line and returns what is already done.
    """

    def __init__(self, path: str | Path) -> None:
        """Remember the path; nothing is opened until `open`/`append`."""
        self.path = Path(path)
        self.broken: OutputError | None = None  # set (by the writer thread) when a write failed
        self._fd: int | None = None
        self._lock_fd: int | None = None

    @property
    def lock_path(self) -> Path:
        """The sibling lock file (`results.jsonl.lock`), left in place: unlinking it would race."""
        return self.path.with_name(self.path.name + ".lock")

    def load(self) -> ResumeState:
        """Scan the file (streaming, read-only) and return what is done; a torn last line is ignored.

        Raises:
            InputError: A line other than the last is not a result line (the file is not ours or was
                edited); nothing is changed then.
        """
        return self._scan()[0]

    def open(self) -> ResumeState:
        """Lock, check and open the file for appending; cut a torn last line; return what is done.

        Raises:
            OutputError: Another process holds the lock (its PID is named), or the file cannot be
                created or written (the reason and the fix are in the message).
            InputError: The file holds a line that is not a result line.
        """
        self._check_target()
        self._lock()
        try:
            state, good_end = self._scan()
            self._fd = _open_append(self.path)
            size = os.fstat(self._fd).st_size
            if size > good_end:  # a torn last line from a kill: cut it, the id will be run again
                state.truncated_bytes = size - good_end
                os.ftruncate(self._fd, good_end)
                os.fsync(self._fd)
            _check_free_space(self.path)
        except BaseException:
            self.close()
            raise
        return state

    def _check_target(self) -> None:
        parent = self.path.parent
        if self.path.is_dir():
            raise OutputError(
                f"{self.path} is a folder, not a results file",
                hint=f"pass a file name, e.g. -o {self.path / 'results.jsonl'}",
            )
        for ancestor in (parent, *parent.parents):
            if ancestor.exists():
                if not ancestor.is_dir():
                    raise OutputError(
                        f"cannot create {self.path}: {ancestor} is a file, not a folder",
                        hint="pass -o a path inside a folder",
                    )
                break
        try:
            _make_dirs(parent)
        except OSError as exc:
            raise _write_error(self.path, exc, "cannot create the folder of") from exc

    def _lock(self) -> None:
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _write_error(self.lock_path, exc, "cannot create the lock file") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise OutputError(
                f"{self.path} is being written by another khulasa process (PID {holder})",
                hint="wait for it to finish (or stop it), or pass another -o; "
                "a killed run's lock is released by the system, so a re-run never needs cleaning up",
            ) from None
        # Our PID, for the message above. The lock itself is the flock, which the kernel drops when
        # the process dies (kill -9 included): a stale PID in the file never blocks anybody.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _scan(self) -> tuple[ResumeState, int]:
        state = ResumeState()
        good_end = 0
        if not self.path.exists():
            return state, good_end
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
                if ok is None:  # a cleared failure: neither done nor failed
                    state.ok.discard(item_id)
                    state.failed.discard(item_id)
                else:
                    (state.ok if ok else state.failed).add(item_id)
                    (state.failed if ok else state.ok).discard(item_id)
                state.lines += 1
                good_end += len(raw)
        return state, good_end

    def append(self, outcomes: Sequence[Outcome]) -> None:
        """Write whole lines, then fsync (group commit: one write and one fsync per call).

        Raises:
            OutputError: The write or the fsync failed (full disk, read-only, I/O error). A partly
                written tail is cut off again where the file system allows, so the file keeps whole
                lines only; the outcomes of this call are not on disk.
        """
        if self._fd is None:
            self.open()
        assert self._fd is not None
        data = "".join(o.to_json() for o in outcomes).encode("utf-8")
        start = os.fstat(self._fd).st_size
        try:
            self._write(self._fd, data)
            os.fsync(self._fd)
        except OSError as exc:
            # First of all: tell the run to start nothing new (it reads this flag before each call).
            self.broken = _write_error(self.path, exc, "cannot write")
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise self.broken from exc

    def _write(self, fd: int, data: bytes) -> None:
        """The one place bytes reach the file (a test subclass injects a disk error here)."""
        _write_all(fd, data)

    def close(self) -> None:
        """Close the file and release the lock."""
        for name in ("_fd", "_lock_fd"):
            fd = getattr(self, name)
            if fd is not None:
                setattr(self, name, None)
                with contextlib.suppress(OSError):
                    os.close(fd)


MIN_FREE_BYTES = 1 << 20
"""Below this much free space on the results' disk a run does not start (a result line is ~5-50 KB)."""

_WRITE_HINTS = {
    errno.ENOSPC: "free space on that disk (or pass -o on another disk) and re-run the same command",
    errno.EDQUOT: "free space within your quota (or pass -o elsewhere) and re-run the same command",
    errno.EROFS: "the file system is read-only: pass -o on a writable disk",
    errno.EACCES: "you may not write there: fix its permissions or pass another -o",
    errno.EPERM: "the file may be immutable or append-protected (lsattr): fix that or pass another -o",
    errno.EIO: "the disk reported an I/O error: check it (dmesg), or pass -o on another disk",
}


def _write_error(path: Path, exc: OSError, what: str) -> OutputError:
    code = errno.errorcode.get(exc.errno or 0, "")
    reason = f"{exc.strerror or exc}" + (f" ({code})" if code else "")
    hint = _WRITE_HINTS.get(exc.errno or 0, "check the path and the disk, or pass another -o")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS):
        hint += "; the run resumes where it stopped, every id exactly once"
    return OutputError(f"{what} {path}: {reason}", hint=hint)


def _make_dirs(folder: Path) -> None:
    """Create missing folders 0700: results hold article text."""
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)


def _open_append(path: Path) -> int:
    try:
        # 0600: the results hold the articles' text (the umask can only narrow it further).
        return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise _write_error(path, exc, "cannot open") from exc


def _check_free_space(path: Path) -> None:
    try:
        st = os.statvfs(path.parent)
    except OSError:
        return
    free = st.f_bavail * st.f_frsize
    if free < MIN_FREE_BYTES:
        raise _write_error(path, OSError(errno.ENOSPC, f"only {free:,} bytes free"), "cannot write")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _parse(raw: bytes) -> tuple[str, bool | None] | None:
    """(id, ok) of a result line; ok is None for a cleared failure; None for a torn/foreign line."""
    if not raw.endswith(b"\n"):
        return None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict) or "id" not in data or not isinstance(data.get("ok"), bool):
        return None
    return str(data["id"]), (None if data.get("cleared") else bool(data["ok"]))
