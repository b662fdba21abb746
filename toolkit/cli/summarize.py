"""`khulasa summarize`: one article in, a Briefing out (JSON, or a Markdown briefing)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from toolkit.cli import _options as opt
from toolkit.cli import app
from toolkit.cli._io import read_article, write_output


class OutputFormat(StrEnum):
    """Output formats of `khulasa summarize`."""

    json = "json"
    md = "md"


@app.command("summarize")
def summarize_command(
    article: Annotated[
        str, typer.Argument(metavar="ARTICLE", help="Article file (UTF-8 text), or - for stdin.")
    ],
    model: opt.Model = None,
    base_url: opt.BaseUrl = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            metavar=opt.choices(OutputFormat),
            help="json (Briefing) or md (English briefing).",
        ),
    ] = (OutputFormat.json),
    output: opt.Output = None,
    mode: opt.Mode = None,
    max_reasks: opt.MaxReasks = 2,
    max_tokens: opt.MaxTokens = None,
    timeout: Annotated[
        float | None, typer.Option(metavar="SECONDS", help="Per-request timeout, seconds.")
    ] = None,
    max_chars: opt.MaxChars = None,
    chunk_chars: opt.ChunkChars = None,
) -> None:
    """Summarize one Arabic article into a grounded briefing."""
    from toolkit.pipeline import summarize

    text, source_id = read_article(article)
    briefing = summarize(
        text,
        model=model,
        base_url=base_url,
        source_id=source_id,
        mode=mode,
        max_reasks=max_reasks,
        max_tokens=max_tokens,
        timeout=timeout,
        max_chars=opt.MAX_CHARS if max_chars is None else max_chars,
        chunk_chars=chunk_chars,
    )
    if fmt is OutputFormat.md:
        from toolkit.render import render_briefing

        write_output(render_briefing(briefing), output)
    else:
        write_output(briefing.model_dump_json(indent=2), output)
