"""Small I/O helpers shared by the sub-commands: reading articles, writing outputs atomically."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from toolkit.errors import InputError, OutputError


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
        if sys.stdin is None or sys.stdin.closed:
            raise InputError("standard input is closed", hint="pass the article file, or pipe it in")
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
    text = text if text.endswith("\n") else text + "\n"
    if output is None or output == "-":
        if sys.stdout is None or sys.stdout.closed:
            raise OutputError("standard output is closed", hint="pass -o FILE to write to a file")
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = _check_target(Path(output))
    if target.exists() and not target.is_file():  # a device or a FIFO (/dev/stdout): never replace it
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        # mkstemp creates the file 0600; give the result the mode any new file would get (0666 & ~umask).
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(
            f"cannot write {target}: {exc.strerror or exc}",
            hint="free space or fix the permissions there, or pass -o elsewhere",
        ) from exc
    finally:  # never leave a half-written .tmp beside the target
        if os.path.exists(tmp):
            os.unlink(tmp)


def _check_target(target: Path) -> Path:
    """The output path, checked: not a folder, its parent a folder (created if missing)."""
    if target.is_dir():
        raise OutputError(
            f"{target} is a folder, not a file", hint=f"pass a file name, e.g. -o {target / 'briefing.md'}"
        )
    for ancestor in target.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputError(f"cannot create {target}: {ancestor} is a file, not a folder",
                                  hint="pass -o a path inside a folder")
            break
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {target.parent}: {exc.strerror or exc}",
                          hint="pass -o elsewhere") from exc
    return target


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
