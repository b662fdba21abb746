"""How a `khulasa` sub-command is written, and the options several of them share (one definition each).

The conventions (summarize, batch, eval, brief, review, seeds, cache follow them; new sub-commands too):

1. A sub-command module registers on `toolkit.cli.app` (`@app.command("name")`, or a `typer.Typer()`
   group added with `app.add_typer(group, name="name")`) and is imported by one line in
   `toolkit/cli/__init__.py`.
2. It imports nothing heavy at module level: the library (pipeline, render, store, serve, pydantic
   models, httpx...) is imported inside the command function, so `khulasa --help`, `--version` and
   every other command do not pay for it (`benchmarks/startup.py` measures it).
3. Every option that takes a value shows it the way users write it, with `metavar=`: `N` (a count),
   `CHARS`, `TOKENS`, `SECONDS`, `USD`, `FILE`, `DIR`, `PATH`, `URL`, `NAME`, `ID`, `TEXT`, `MODE`; a
   choice as `metavar=choices(SomeStrEnum)` (`[json|md]`). Arguments too: `typer.Argument(metavar="ARTICLE")`.
   tests/test_cli_help.py walks every command and fails on a value shown as a Python type (`<int>`).
4. Help is plain text (no rich, no markdown) wrapped to the terminal's width: `app` sets it, and
   sub-groups and sub-commands inherit it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Annotated

import typer

CONTEXT_SETTINGS = {
    # click caps help at 80 columns by default; `max_content_width` lifts the cap so help wraps at
    # the terminal's width (COLUMNS, or 80 when not a terminal).
    "max_content_width": 10_000,
}
"""click context settings of the root `app` (sub-commands inherit them)."""


def choices(values: type[Enum] | Iterable[str]) -> str:
    """The metavar of a choice option, e.g. `[json|md]`.

    Args:
        values: A str-valued Enum class, or the choices themselves.

    Returns:
        The choices between brackets, separated by `|`.
    """
    names = [str(v.value) for v in values] if isinstance(values, type) else [str(v) for v in values]
    return "[" + "|".join(names) + "]"


MAX_CHARS = 200_000
"""`toolkit.pipeline.MAX_CHARS`, written here so that --help needs no pipeline import (a test checks
they agree). Commands pass ``MAX_CHARS if max_chars is None else max_chars``."""

Model = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        metavar="NAME",
        help="Model name, 'offline', or 'local:PATH.gguf'. Env: KHULASA_MODEL.",
    ),
]
BaseUrl = Annotated[
    str | None,
    typer.Option("--base-url", metavar="URL", help="OpenAI-compatible endpoint. Env: KHULASA_BASE_URL."),
]
Mode = Annotated[
    str | None,
    typer.Option(
        metavar=choices(["tools", "json_schema", "json", "md_json"]),
        help="Instructor mode (default tools). Env: KHULASA_MODE.",
    ),
]
MaxReasks = Annotated[int, typer.Option(metavar="N", help="Validation re-asks after the first attempt.")]
MaxTokens = Annotated[int | None, typer.Option(metavar="TOKENS", help="Output token budget per call.")]
ChunkChars = Annotated[
    int | None,
    typer.Option(
        metavar="CHARS",
        help="Read longer articles in chunks of about this many characters (0 = never; default 12000).",
    ),
]
MaxChars = Annotated[
    int | None, typer.Option(metavar="CHARS", help=f"Refuse longer articles (default {MAX_CHARS}).")
]
Output = Annotated[
    str | None, typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout.")
]
