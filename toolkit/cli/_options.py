"""Command-line options shared by the sub-commands that call a model (one definition, one help text)."""

from __future__ import annotations

from typing import Annotated

import typer

Model = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Model name, 'offline', or 'local:PATH.gguf'. Env: KHULASA_MODEL."),
]
BaseUrl = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint. Env: KHULASA_BASE_URL.")
]
Mode = Annotated[
    str | None,
    typer.Option(help="Instructor mode: tools (default), json_schema, json, md_json. Env: KHULASA_MODE."),
]
MaxReasks = Annotated[int, typer.Option(help="Validation re-asks after the first attempt.")]
MaxTokens = Annotated[int | None, typer.Option(help="Output token budget per call.")]
ChunkChars = Annotated[
    int | None,
    typer.Option(
        help="Read longer articles in chunks of about this many characters (0 = never; default 12000)."
    ),
]
