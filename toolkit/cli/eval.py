"""`khulasa eval`: run a suite, re-score saved predictions, or compare two runs (thin wrapper)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import app
from toolkit.errors import ConfigurationError, InputError, ToolkitError


def _print_summary(result: object) -> None:
    from toolkit.evals.runner import RunResult

    assert isinstance(result, RunResult)
    typer.echo(
        f"run {result.run_id}: {len(result.cases)} cases, {result.n_failed} failed -> {result.out_dir}"
    )
    for metric, iv in result.aggregates.items():
        if iv.mean is None:
            continue
        typer.echo(f"  {metric:<24} {iv.mean:8.3f}  [{iv.low:.3f}, {iv.high:.3f}]  n={iv.n}")


def _check_extra() -> None:
    import importlib.util

    missing = [m for m in ("numpy", "scipy", "sacrebleu") if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigurationError(
            f"khulasa eval needs {', '.join(missing)}", hint="pip install 'khulasa[eval]'"
        )


@app.command("eval")
def eval_command(
    suite: Annotated[
        str | None, typer.Argument(metavar="SUITE", help="Suite file, e.g. evals/offline.toml.")
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions", metavar="DIR", help="Re-score this run folder's saved predictions (no model)."
        ),
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", metavar="RUN_A RUN_B", help="Compare two run folders: RUN_A RUN_B."),
    ] = None,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="With --compare: exit 1 when a metric regressed.")
    ] = False,
    run_id: Annotated[
        str | None, typer.Option("--run-id", metavar="ID", help="Run id (default <suite>-<model>-<UTC>).")
    ] = None,
    reports_dir: Annotated[
        Path | None,
        typer.Option(
            "--reports-dir", metavar="DIR", help="Parent of run folders (default: reports/ beside the suite)."
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", metavar="NAME", help="Override the suite's model.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", metavar="URL", help="Override the suite's base URL.")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", metavar="N", help="Override the suite's concurrency.")
    ] = None,
    gold: Annotated[
        bool, typer.Option("--gold", help="Feed the gold labels back as predictions (metric sanity check).")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Call the model even for articles in the response cache.")
    ] = False,
) -> None:
    """Evaluate an engine on a suite and write evals/reports/<run-id>/ (cases, summary, report.md/html)."""
    _check_extra()
    if compare is not None:
        from toolkit.evals.compare import NOT_GATING, compare_runs, format_comparison, gating_regressions

        diffs = compare_runs(*compare)
        typer.echo(format_comparison(diffs))
        every = [d.metric for d in diffs if d.verdict == "regression"]
        typer.echo(f"regressions: {', '.join(every) if every else 'none'}")
        regressed = gating_regressions(diffs)
        if set(every) - set(regressed):
            not_gating = ", ".join(sorted(NOT_GATING))
            typer.echo(f"not gating --fail-on-regression: {not_gating} (it measures the machine)")
        if regressed and fail_on_regression:
            raise ToolkitError(
                f"{len(regressed)} metric(s) regressed: {', '.join(regressed)}",
                hint="inspect both runs' report.html; the interval excludes zero on the bad side",
            )
        return
    if predictions is not None:
        from toolkit.evals.runner import rescore

        _print_summary(rescore(predictions))
        return
    if suite is None:
        raise InputError(
            "nothing to evaluate",
            hint="pass a suite (evals/offline.toml), --predictions DIR or --compare A B",
        )
    import dataclasses

    from toolkit.evals.runner import run_suite
    from toolkit.evals.suite import load_suite

    s = load_suite(suite)
    engine = s.engine
    if model:
        engine = dataclasses.replace(engine, model=model)
    if base_url:
        engine = dataclasses.replace(engine, base_url=base_url)
    if concurrency:
        engine = dataclasses.replace(engine, concurrency=concurrency)
    s = dataclasses.replace(s, engine=engine)
    target = reports_dir or (Path(suite).resolve().parent / "reports")
    _print_summary(run_suite(s, reports_dir=target, run_id=run_id, gold=gold, cache=not no_cache))
