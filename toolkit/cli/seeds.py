"""`khulasa seeds ...`: commands over the hand-labeled seed articles (thin wrappers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import app
from toolkit.errors import ToolkitError

seeds_app = typer.Typer(name="seeds", help="Hand-labeled seed articles (seeds/<id>/).", no_args_is_help=True)


@seeds_app.command("check")
def check(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="PATH", help="Folder holding one sub-folder per seed (e.g. seeds/dev)."),
    ] = None,
    root: Annotated[
        Path, typer.Option("--root", metavar="DIR", help="Same as PATH (kept for scripts).")
    ] = Path("seeds"),
) -> None:
    """Check every seed: label schema, ids, evidence offsets and names. Exit 1 on any problem."""
    from toolkit.evals.seeds import inspect_seeds

    result = inspect_seeds(path if path is not None else root)
    for problem in result.problems:
        typer.echo(str(problem))
    n_seeds, n_claims = len(result.seeds), result.n_claims
    if result.problems:
        # A ToolkitError (exit 1) rather than typer.Exit: with standalone_mode=False click returns an
        # Exit's code instead of raising it, so `main` would report success.
        raise ToolkitError(
            f"{n_seeds} seeds, {n_claims} claims: {len(result.problems)} problem(s)",
            hint="fix each field listed above (compute evidence offsets with str.find on article.txt)",
        )
    typer.echo(f"{n_seeds} seeds, {n_claims} claims: ok")


app.add_typer(seeds_app, name="seeds")
