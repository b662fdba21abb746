"""Small I/O helpers shared by the sub-commands: reading articles, writing outputs atomically."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from toolkit.errors import InputError


def read_article(path: str) -> tuple[str, str]:
    """Read an article from a file or `-` (stdin), as UTF-8, without normalizing anything.

    Args:
        path: File path, or `-` for standard input.

    Returns:
        (text, source_id) where source_id is the file stem or `stdin`.

    Raises:
        InputError: The file is missing or not UTF-8.
    """
    if path == "-":
        data = sys.stdin.buffer.read()
        source = "stdin"
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(
                f"{path} is a folder, not an article file",
                hint="pass one article .txt; for a folder of articles: `khulasa batch FOLDER -o out.jsonl`",
            )
        if not p.is_file():
            raise InputError(f"no such file: {path}", hint="check the path, or pass - to read standard input")
        data = p.read_bytes()
        source = p.parent.name if p.name == "article.txt" else p.stem
    try:
        # newline="" semantics: keep \r\n as is, offsets index the bytes the user gave us.
        return data.decode("utf-8"), source
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (undecodable byte at position {exc.start})",
            hint="convert it to UTF-8 first (e.g. iconv -f WINDOWS-1256 -t UTF-8)",
        ) from exc


def write_output(text: str, output: str | None) -> None:
    """Write to a file atomically (never a half-written result), or to stdout.

    Args:
        text: What to write.
        output: Target path, or None for stdout.
    """
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text if text.endswith("\n") else text + "\n")
    # mkstemp creates the file 0600; give the result the mode any new file would get (0666 & ~umask).
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, target)


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
