"""`khulasa serve`: the HTTP API and web pages. FastAPI and uvicorn are imported only when it runs."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import _options as opt
from toolkit.cli import app
from toolkit.errors import ConfigurationError


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option(metavar="HOST", help="Bind address. Anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="TCP port (0 = any free port).")] = 8000,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            metavar="URL",
            help="Claim store URL (sqlite:///PATH or postgresql://...). Env: KHULASA_STORE; "
            "default: the store's file in the user data directory (see `khulasa store --help`).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            metavar="TOKEN",
            help="Bearer token every request must carry. Env: KHULASA_TOKEN (preferred: not in ps).",
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", metavar="N", help="Briefings made at once.")
    ] = 4,
    request_timeout: Annotated[
        float,
        typer.Option(metavar="SECONDS", help="Seconds a briefing may take, waiting included, before a 504."),
    ] = 600.0,
    max_body: Annotated[
        int, typer.Option(metavar="BYTES", help="Largest request body, bytes (413 above).")
    ] = 2 * 1024 * 1024,
    model: opt.Model = None,
    base_url: opt.BaseUrl = None,
    mode: opt.Mode = None,
    max_reasks: opt.MaxReasks = 2,
    max_tokens: opt.MaxTokens = None,
    timeout: Annotated[
        float | None, typer.Option(metavar="SECONDS", help="Per-request timeout of the model, seconds.")
    ] = None,
    max_chars: opt.MaxChars = None,
    chunk_chars: opt.ChunkChars = None,
) -> None:
    """Serve the HTTP API (/v1, OpenAPI at /openapi.json) and the web pages (search, speakers, articles)."""
    from toolkit.serve.settings import EngineSettings, ServeSettings, token_from_env

    settings = ServeSettings(
        host=host,
        port=port,
        token=token_from_env(token),
        store_url=store,
        concurrency=concurrency,
        request_timeout=request_timeout,
        max_body=max_body,
        engine=EngineSettings(
            model=model,
            base_url=base_url,
            mode=mode,
            max_reasks=max_reasks,
            max_tokens=max_tokens,
            timeout=timeout,
            chunk_chars=chunk_chars,
            max_chars=opt.MAX_CHARS if max_chars is None else max_chars,
        ),
    ).checked()  # a bad bind is refused before FastAPI/uvicorn are even imported
    try:
        from toolkit.serve import run
    except ImportError as exc:
        raise ConfigurationError(
            f"khulasa serve needs the serve extra ({exc.name} is not installed)",
            hint="pip install 'khulasa[serve]'",
        ) from exc
    run(settings)
