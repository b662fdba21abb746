"""Batch input, streamed: a folder of `.txt` files (id = file stem) or a JSONL of {"id", "text"}.

Nothing is read ahead: items are yielded one at a time, so memory stays flat however large the
archive. An unreadable item — not UTF-8, a line over the size limit, JSON nested too deeply, a line
without `id` or text — is yielded with its error, to be recorded as that item's failure like any
other, instead of stopping the run. The text may be under `text`, `article`, `article_ar` or
`content` (the first present wins), or under any name given as `text_field`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import InputError

TEXT_FIELDS: tuple[str, ...] = ("text", "article", "article_ar", "content")
"""JSONL field names read as the article text, in order of preference."""

MAX_LINE_BYTES = 8 * 200_000 + (1 << 20)
"""A JSONL line longer than this is refused unread: 8 bytes per character of the default article
limit (`\\uXXXX` escapes take 6) plus 1 MiB for other fields."""

_ID_PREFIX = re.compile(rb'^\s*\{\s*"id"\s*:\s*(?:"((?:[^"\\]|\\.){1,200})"|(-?\d{1,30}))')

@dataclass(frozen=True)
class BatchItem:
    """One article of a batch.

    Attributes:
        id: The caller's id (file stem, or the JSONL `id`), unique within the batch.
        text: The article text, or None when it could not be read.
        error: Why it could not be read, or None.
    """

    id: str
    text: str | None
    error: InputError | None = None


def _folder_files(folder: Path) -> list[str]:
    # Names only (a few dozen bytes each), sorted so that runs are reproducible.
    return sorted(e.name for e in os.scandir(folder) if e.name.endswith(".txt") and e.is_file())


def _iter_folder(folder: Path, max_bytes: int) -> Iterator[BatchItem]:
    for name in _folder_files(folder):
        path = folder / name
        stem = name.removesuffix(".txt")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                yield BatchItem(
                    stem,
                    None,
                    InputError(f"{path} is {size:,} bytes, over the limit of {max_bytes:,}; skipped unread"),
                )
                continue
            yield BatchItem(stem, path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield BatchItem(stem, None, InputError(f"{path} is not UTF-8 (byte {exc.start})"))
        except OSError as exc:
            yield BatchItem(stem, None, InputError(f"{path} cannot be read: {exc.strerror}"))


def _read_line(fh: BinaryIO, limit: int) -> tuple[bytes, bool]:
    """The next line (at most `limit` bytes kept) and whether it was longer; b"" at the end."""
    line = fh.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, False
    while True:  # over the limit: skip the rest of it without holding it in memory
        rest = fh.readline(1 << 20)
        if not rest or rest.endswith(b"\n"):
            return line[:limit], True


def _iter_jsonl(path: Path, text_field: str | None, max_line_bytes: int) -> Iterator[BatchItem]:
    with open(path, "rb") as fh:
        lineno = 0
        while True:
            raw, too_long = _read_line(fh, max_line_bytes)
            if not raw:
                return
            lineno += 1
            if too_long:
                yield _oversize_item(raw, lineno, path, max_line_bytes)
            elif raw.strip():
                yield _jsonl_item(raw, lineno, path, text_field)


def _prefix_id(raw: bytes) -> str | None:
    """The id of a line that cannot be parsed whole, when it starts with `{"id": ...`."""
    m = _ID_PREFIX.match(raw)
    if m is None:
        return None
    if m.group(2) is not None:
        return m.group(2).decode("ascii")
    try:
        value = json.loads(b'"' + m.group(1) + b'"')
    except (ValueError, UnicodeDecodeError):
        return None
    return str(value) or None


def _oversize_item(raw: bytes, lineno: int, path: Path, limit: int) -> BatchItem:
    item_id = _prefix_id(raw) or f"{path.name}:{lineno}"
    return BatchItem(
        item_id,
        None,
        InputError(
            f"line {lineno} of {path} is over the size limit of {limit:,} bytes; it was skipped unread",
            hint="split that article, or shorten the line (the article limit is max_chars)",
        ),
    )


def _jsonl_item(raw: bytes, lineno: int, path: Path, text_field: str | None) -> BatchItem:
    # An id for a line that has none, so its failure is recorded.
    fallback = _prefix_id(raw) or f"{path.name}:{lineno}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BatchItem(
            fallback,
            None,
            InputError(
                f"line {lineno} of {path} is not UTF-8 (undecodable byte at position {exc.start})",
                hint="convert the file to UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8)",
            ),
        )
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return BatchItem(fallback, None, InputError(f"line {lineno} of {path} is not JSON: {exc.msg}"))
    except RecursionError:
        return BatchItem(fallback, None, InputError(f"line {lineno} of {path} is JSON nested too deeply"))
    if not isinstance(data, dict) or not isinstance(data.get("id"), str | int) or data.get("id") == "":
        return BatchItem(fallback, None, InputError(f'line {lineno} of {path} has no "id"'))
    item_id = str(data["id"])
    names = (text_field,) if text_field else TEXT_FIELDS
    text = next((data[n] for n in names if isinstance(data.get(n), str)), None)
    if text is None:
        wanted = " or ".join(f'"{n}"' for n in names)
        others = [k for k, v in data.items() if isinstance(v, str) and k != "id"][:5]
        hint = f"name the field with --text-field ({', '.join(others)} found)" if others else None
        error = InputError(f"line {lineno} of {path} has no {wanted} string", hint=hint)
        return BatchItem(item_id, None, error)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a JSON "\ud800" escape: valid JSON, not text
        return BatchItem(
            item_id,
            None,
            InputError(f"line {lineno} of {path} holds a lone surrogate escape at character {exc.start}"),
        )
    return BatchItem(item_id, text)


def iter_items(
    source: str | Path, *, text_field: str | None = None, max_line_bytes: int = MAX_LINE_BYTES
) -> Iterator[BatchItem]:
    """Stream the items of a folder of `.txt` files or of a JSONL file.

    Args:
        source: A directory (each `*.txt` is an article, its stem the id) or a `.jsonl` file whose
            lines are `{"id": ..., "text": ...}`.
        text_field: The JSONL field holding the text; default: the first of `TEXT_FIELDS` present.
        max_line_bytes: Longer JSONL lines are skipped unread and recorded as failures.

    Yields:
        The items in order (folder: by file name; JSONL: by line).

    Raises:
        InputError: The source does not exist or is neither a folder nor a file.
    """
    path = Path(source)
    if path.is_dir():
        return _iter_folder(path, max_line_bytes)
    if path.is_file():
        return _iter_jsonl(path, text_field, max_line_bytes)
    raise InputError(
        f"no such folder or file: {source}",
        hint='pass a folder of .txt files, or a JSONL file with {"id": ..., "text": ...} per line',
    )


def count_items(source: str | Path) -> int | None:
    """How many items `iter_items` will yield (for the progress bar's ETA), cheaply; None if unknown."""
    path = Path(source)
    if path.is_dir():
        return len(_folder_files(path))
    if not path.is_file():
        return None
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            n += bool(line.strip())
    return n
