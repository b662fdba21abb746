"""Batch input, streamed: a folder of `.txt` files (id = file stem) or a JSONL of {"id", "text"}.

Nothing is read ahead: items are yielded one at a time, so memory stays flat however large the
archive. An unreadable item (not UTF-8, a JSONL line without `id`/`text`) is yielded with its error,
to be recorded as a failure like any other, instead of stopping the run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError


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


def _iter_folder(folder: Path) -> Iterator[BatchItem]:
    for name in _folder_files(folder):
        path = folder / name
        stem = name.removesuffix(".txt")
        try:
            yield BatchItem(stem, path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield BatchItem(stem, None, InputError(f"{path} is not UTF-8 (byte {exc.start})"))
        except OSError as exc:
            yield BatchItem(stem, None, InputError(f"{path} cannot be read: {exc.strerror}"))


def _iter_jsonl(path: Path) -> Iterator[BatchItem]:
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            yield _jsonl_item(line, lineno, path)


def _jsonl_item(line: str, lineno: int, path: Path) -> BatchItem:
    fallback = f"{path.name}:{lineno}"  # an id for a line that has none, so its failure is recorded
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return BatchItem(fallback, None, InputError(f"line {lineno} of {path} is not JSON: {exc.msg}"))
    if not isinstance(data, dict) or not isinstance(data.get("id"), str | int) or data.get("id") == "":
        return BatchItem(fallback, None, InputError(f'line {lineno} of {path} has no "id"'))
    item_id = str(data["id"])
    text = data.get("text")
    if not isinstance(text, str):
        return BatchItem(item_id, None, InputError(f'line {lineno} of {path} has no "text" string'))
    return BatchItem(item_id, text)


def iter_items(source: str | Path) -> Iterator[BatchItem]:
    """Stream the items of a folder of `.txt` files or of a JSONL file.

    Args:
        source: A directory (each `*.txt` is an article, its stem the id) or a `.jsonl` file whose
            lines are `{"id": ..., "text": ...}`.

    Yields:
        The items in order (folder: by file name; JSONL: by line).

    Raises:
        InputError: The source does not exist or is neither a folder nor a file.
    """
    path = Path(source)
    if path.is_dir():
        return _iter_folder(path)
    if path.is_file():
        return _iter_jsonl(path)
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
