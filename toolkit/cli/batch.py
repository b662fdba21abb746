"""`khulasa batch` (many articles, resumable; or OpenAI's Batch API) and `khulasa cache stats|clear`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from toolkit.cli import _options as opt
from toolkit.cli import app
from toolkit.errors import InputError, OutputError

cache_app = typer.Typer(help="The on-disk response cache ($KHULASA_CACHE_DIR or ~/.cache/khulasa).")
app.add_typer(cache_app, name="cache")


class BatchAction(StrEnum):
    """Steps of the OpenAI Batch API path."""

    submit = "submit"
    status = "status"
    collect = "collect"


@app.command("batch")
def batch_command(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="SOURCE",
            help='Folder of .txt files (id = file stem) or JSONL of {"id", "text"} lines.',
        ),
    ] = None,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE", help="Results JSONL (appended; resumable).")
    ] = ("results.jsonl"),
    model: opt.Model = None,
    base_url: opt.BaseUrl = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", metavar="N", help="Requests in flight at most.")
    ] = 8,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Bypass the response cache.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Run failed ids again.")] = False,
    max_cost: Annotated[
        float | None,
        typer.Option(
            "--max-cost", metavar="USD", help="Hard budget: worst cases reserved, nothing starts past it."
        ),
    ] = None,
    allow_unmetered: Annotated[
        bool,
        typer.Option(
            "--allow-unmetered",
            help="With --max-cost: go on when answers carry no usage (each charged at its worst case).",
        ),
    ] = False,
    text_field: Annotated[
        str | None,
        typer.Option(
            "--text-field",
            metavar="NAME",
            help="JSONL field with the text (default: text, article, article_ar, content).",
        ),
    ] = None,
    chunk_chars: opt.ChunkChars = None,
    mode: opt.Mode = None,
    max_reasks: opt.MaxReasks = 2,
    max_tokens: opt.MaxTokens = None,
    timeout: Annotated[float, typer.Option(metavar="SECONDS", help="Per-request timeout, seconds.")] = 300.0,
    max_attempts: Annotated[
        int, typer.Option(metavar="N", help="HTTP attempts per call (transport retries).")
    ] = 5,
    max_wait: Annotated[
        float, typer.Option(metavar="SECONDS", help="Longest back-off/Retry-After wait, seconds.")
    ] = 60.0,
    progress: Annotated[bool, typer.Option(help="Progress on stderr.")] = True,
    openai_batch: Annotated[
        BatchAction | None,
        typer.Option(
            "--openai-batch",
            metavar=opt.choices(BatchAction),
            help="Use OpenAI's Batch API instead: submit, status or collect.",
        ),
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="With --openai-batch collect: poll until done.")
    ] = False,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            metavar="URL",
            help="Also add each briefing to this claim store as it is written (URL).",
        ),
    ] = None,
) -> None:
    """Summarize many articles into one JSONL (re-run to resume; each id once)."""
    if openai_batch is not None:
        _openai_batch(openai_batch, source, output, model, base_url, max_tokens, wait)
        return
    if source is None:
        raise InputError("no input given", hint="khulasa batch FOLDER_OR_JSONL -o results.jsonl")
    from toolkit.batch import summarize_many
    from toolkit.engines.openai_compat import TransportPolicy

    policy = TransportPolicy(
        max_attempts=max_attempts, initial_wait=min(1.0, max_wait), max_wait=max_wait, timeout=timeout
    )
    sink = _store_sink(store, source, output) if store is not None else None
    try:
        report = summarize_many(
            source,
            output=output,
            concurrency=concurrency,
            model=model,
            base_url=base_url,
            cache=not no_cache,
            retry_failed=retry_failed,
            max_cost=max_cost,
            allow_unmetered=allow_unmetered,
            text_field=text_field,
            chunk_chars=chunk_chars,
            progress=progress,
            transport=policy,
            mode=mode,
            max_reasks=max_reasks,
            max_tokens=max_tokens,
            on_outcome=sink,
        )
    except OutputError as exc:  # mid-run: say what was done before the one-line error
        partial = getattr(exc, "report", None)
        if partial is not None:
            typer.echo(partial.summary(), err=True)
        if sink is not None:
            sink.store.close()
        raise
    typer.echo(report.summary(), err=True)
    if sink is not None:
        typer.echo(f"store {sink.store.label}: {sink.report.summary()}", err=True)
        sink.store.close()
    if _report_failures(output) or report.stopped:
        raise typer.Exit(1)


def _store_sink(url: str, source: str, output: str) -> Any:
    # Opened before the run (a bad --store fails before anything is paid for); what earlier runs
    # wrote to `output` is added first, so a killed `batch --store` loses nothing on re-run.
    from toolkit.store import ClaimStore
    from toolkit.store.ingest import OutcomeSink

    sink = OutcomeSink(ClaimStore.open(url), source)
    sink.catch_up(output)
    return sink


def _report_failures(output: str, shown: int = 10) -> int:
    # Failures from this run *and* earlier ones: a re-run skips failed ids, and must not exit 0
    # while the results file still holds them.
    from toolkit.batch import outstanding_failures

    failed = outstanding_failures(output)
    for key, error in list(failed.items())[:shown]:
        message = str(error.get("message", "")).splitlines()[0][:160] if error.get("message") else ""
        hint = f" (hint: {str(error['hint'])[:160]})" if error.get("hint") else ""
        typer.echo(f"failed: {key}: {error.get('type', 'Error')}: {message}{hint}", err=True)
    if len(failed) > shown:
        typer.echo(f"... and {len(failed) - shown} more failed ids", err=True)
    if failed:
        typer.echo(
            f"{len(failed)} id(s) failed in {output}; re-run with --retry-failed to try them again", err=True
        )
    return len(failed)


def _openai_batch(
    action: BatchAction,
    source: str | None,
    output: str,
    model: str | None,
    base_url: str | None,
    max_tokens: int | None,
    wait: bool,
) -> None:
    from toolkit.batch import openai_batch as ob

    if action is BatchAction.submit:
        if source is None:
            raise InputError(
                "submit needs the input", hint="khulasa batch INPUT -o results.jsonl --openai-batch submit"
            )
        state = ob.submit(source, output, model=model, base_url=base_url, max_tokens=max_tokens)
        typer.echo(
            f"submitted {state.batch_id} ({len(state.ids)} requests); state in {ob.state_path(output)}"
        )
        return
    if action is BatchAction.status:
        typer.echo(ob.describe(ob.status(output, base_url=base_url)))
        return
    report = ob.collect(output, base_url=base_url, wait=wait)
    typer.echo(report.summary(), err=True)
    if not report.finished or report.failed:
        raise typer.Exit(1)


@cache_app.command("stats")
def cache_stats() -> None:
    """Entries, size and location of the response cache."""
    from toolkit.cache import ResponseCache

    cache = ResponseCache()
    stats = cache.stats()
    cache.close()
    typer.echo(f"cache: {stats.path}\nentries: {stats.entries}\nsize: {stats.size_bytes / 1e6:.1f} MB")
    for name, n in stats.by_model.items():
        typer.echo(f"  {name}: {n}")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached response."""
    from toolkit.cache import ResponseCache

    cache = ResponseCache()  # a corrupt cache is set aside on open; clear removes that copy too
    n = cache.clear()
    cache.close()
    typer.echo(f"cleared {n} cached response(s) from {cache.path}")
