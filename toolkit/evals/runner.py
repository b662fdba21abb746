"""Run an engine over a suite, save predictions, score them, and write the run folder.

A run folder ``evals/reports/<run-id>/`` holds ``run.json`` (the suite, so it can be re-scored),
``predictions.jsonl`` (raw outputs or errors), ``cases.jsonl`` (per-case scores), ``summary.json``,
``report.md`` and ``report.html``. For suites over external text (``redact_text``) the folder gets a
``.gitignore`` for ``predictions.jsonl``, and the reports carry ids and numbers only.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.cache import ResponseCache
from toolkit.errors import InputError, LLMError, OutputValidationError, redact
from toolkit.evals.cases import (
    PREDICTIONS_FILE,
    CaseError,
    EvalCase,
    Prediction,
    Reference,
    gold_predictions,
    read_predictions,
    write_predictions,
)
from toolkit.evals.evaluators import Evaluator, Scores, default_evaluators, directions, score_case
from toolkit.evals.stats import Interval, bootstrap_mean
from toolkit.evals.suite import EngineSpec, Suite, load_references

RUN_FILE = "run.json"


@dataclass
class RunResult:
    """A scored run.

    Attributes:
        run_id: The run id.
        suite: The suite that was run.
        cases: The scored cases, in reference order.
        scores: Per-case metric values, parallel to ``cases``.
        aggregates: Metric → mean with its bootstrap interval.
        directions: Metric → "higher"/"lower"/None.
        model: Model name the run used.
        created: UTC timestamp of the run.
        out_dir: Where the run folder was written.
    """

    run_id: str
    suite: Suite
    cases: list[EvalCase]
    scores: list[Scores]
    aggregates: dict[str, Interval]
    directions: dict[str, str | None]
    model: str
    created: str
    out_dir: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n_failed(self) -> int:
        """Cases without a briefing."""
        return sum(c.briefing is None for c in self.cases)


def make_run_id(suite: str, model: str | None, when: datetime | None = None) -> str:
    """``<suite>-<model>-<UTC timestamp>``, with characters unsafe in folder names replaced.

    Args:
        suite: Suite name.
        model: Model name (``default`` when None).
        when: The time (now, UTC, by default).

    Returns:
        The run id.
    """
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{suite}-{model or 'default'}-{stamp}")


# --- running ------------------------------------------------------------------------------------


def _error_meta(exc: Exception, started: float) -> dict[str, Any]:
    meta: dict[str, Any] = {"latency_s": round(time.perf_counter() - started, 4), "attempts": []}
    if isinstance(exc, OutputValidationError):
        meta["attempts"] = list(exc.usage)
    elif isinstance(exc, LLMError):
        meta["attempts"] = [{"attempt": i + 1, "outcome": "transport_error"} for i in range(exc.attempts)]
    return meta


async def _run_one(
    ref: Reference, engine: Any, sem: asyncio.Semaphore, cache: ResponseCache | None
) -> Prediction:
    from toolkit.pipeline import asummarize, cache_key

    key = cache_key(engine, ref.article) if cache is not None else None
    hit = cache.get(key) if cache is not None and key is not None else None
    if hit is not None:  # marked meta.cached; costs nothing
        return Prediction(ref.id, hit.model_copy(update={"source_id": ref.id}))
    async with sem:
        started = time.perf_counter()
        try:
            briefing = await asummarize(ref.article, engine=engine, source_id=ref.id)
        except Exception as exc:  # recorded, never lost: one bad case must not end the run
            error = CaseError(type(exc).__name__, redact(str(exc))[:2000])  # no key in a report
            return Prediction(ref.id, None, error, _error_meta(exc, started))
    if cache is not None and key is not None:  # errors are never cached
        cache.put(key, briefing, engine=engine, article=ref.article)
    return Prediction(ref.id, briefing)


async def arun_predictions(
    refs: Sequence[Reference], spec: EngineSpec, *, engine: Any = None, cache: ResponseCache | None = None
) -> list[Prediction]:
    """Summarize every reference's article with `toolkit.pipeline.asummarize`, ``spec.concurrency`` at once.

    Args:
        refs: The references.
        spec: Engine settings.
        engine: A ready engine (tests inject one); built from ``spec`` when None.
        cache: The response cache to read and fill (model engines only; None bypasses it).

    Returns:
        One prediction per reference, in order; failed cases carry their error type and message.
    """
    if engine is None:
        from toolkit.pipeline import EngineOptions, resolve_engine

        options = EngineOptions(
            mode=spec.mode, max_reasks=spec.max_reasks, timeout=spec.timeout, max_tokens=spec.max_tokens
        )
        engine = resolve_engine(spec.model, spec.base_url, options)
    if getattr(engine, "name", None) == "offline":
        cache = None  # deterministic and instant: caching it would only hide its latency
    sem = asyncio.Semaphore(max(1, spec.concurrency))
    return list(await asyncio.gather(*(_run_one(r, engine, sem, cache) for r in refs)))


# --- scoring ------------------------------------------------------------------------------------


def pair_cases(refs: Sequence[Reference], preds: Sequence[Prediction]) -> list[EvalCase]:
    """Pair predictions with references by id; a reference without a prediction is a failed case.

    Args:
        refs: The references.
        preds: The predictions (extra ids are ignored).

    Returns:
        One case per reference, in reference order.
    """
    by_id = {p.id: p for p in preds}
    missing = CaseError("MissingPrediction", "no prediction row for this id")
    return [EvalCase(r, by_id.get(r.id) or Prediction(r.id, None, missing)) for r in refs]


def score_cases(
    cases: Sequence[EvalCase], evaluators: Sequence[Evaluator] | None = None
) -> tuple[list[Scores], dict[str, Interval], dict[str, str | None]]:
    """Score every case and aggregate each metric over articles (bootstrap intervals).

    Args:
        cases: The cases.
        evaluators: Defaults to `default_evaluators`.

    Returns:
        (per-case scores, metric → interval, metric → direction).
    """
    evs = evaluators or default_evaluators()
    scores = [score_case(c, evs) for c in cases]
    dirs = directions(evs)
    aggregates = {m: bootstrap_mean([s.get(m) for s in scores]) for m in dirs}
    return scores, aggregates, dirs


def _rel(path: Path, base: Path) -> str:
    return os.path.relpath(path.resolve(), base.resolve())


def _save_run_json(suite: Suite, out: Path, run_id: str, model: str, created: str) -> None:
    data = suite.to_json()
    data["sources"] = [
        _rel(Path(p), out) for p in suite.sources
    ]  # relative: the folder can move with the repo
    data["path"] = _rel(suite.path, out) if suite.path else None
    payload = {"run_id": run_id, "model": model, "created": created, "suite": data}
    (out / RUN_FILE).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _load_run_json(run_dir: Path) -> tuple[Suite, dict[str, Any]]:
    path = run_dir / RUN_FILE
    if not path.is_file():
        raise InputError(f"{run_dir} has no {RUN_FILE}", hint="pass a run folder written by `khulasa eval`")
    payload = json.loads(path.read_text(encoding="utf-8"))
    data = dict(payload["suite"])
    data["sources"] = [str((run_dir / p).resolve()) for p in data["sources"]]
    if data.get("path"):
        data["path"] = str((run_dir / data["path"]).resolve())
    return Suite.from_json(data), payload


def finish_run(
    suite: Suite,
    refs: Sequence[Reference],
    preds: Sequence[Prediction],
    out: Path,
    run_id: str,
    model: str,
    created: str | None = None,
) -> RunResult:
    """Save predictions and run.json, score, and write the reports.

    Args:
        suite: The suite.
        refs: Its references.
        preds: The predictions.
        out: The run folder.
        run_id: The run id.
        model: The model name.
        created: Timestamp (now by default).

    Returns:
        The scored run.
    """
    from toolkit.evals.report import write_reports

    created = created or datetime.now(UTC).isoformat(timespec="seconds")
    out.mkdir(parents=True, exist_ok=True)
    write_predictions(out / PREDICTIONS_FILE, list(preds))
    if suite.redact_text:
        (out / ".gitignore").write_text(
            f"# raw outputs quote external text\n{PREDICTIONS_FILE}\n", encoding="utf-8"
        )
    _save_run_json(suite, out, run_id, model, created)
    cases = pair_cases(refs, preds)
    scores, aggregates, dirs = score_cases(cases)
    result = RunResult(run_id, suite, cases, scores, aggregates, dirs, model, created, out)
    write_reports(result)
    return result


def run_suite(
    suite: Suite,
    *,
    reports_dir: Path,
    run_id: str | None = None,
    engine: Any = None,
    gold: bool = False,
    log: Callable[[str], None] | None = None,
    cache: bool = True,
) -> RunResult:
    """Run a suite end to end: predictions, scores, reports.

    Args:
        suite: The suite.
        reports_dir: Parent folder of run folders (``evals/reports``).
        run_id: The run id (``<suite>-<model>-<UTC>`` by default).
        engine: A ready engine (tests); built from the suite when None.
        gold: Feed the gold labels back as predictions instead of running an engine (sanity check).
        log: Progress messages (stderr by default).
        cache: Read and fill the response cache (`$KHULASA_CACHE_DIR` or ~/.cache/khulasa); a
            cached case is marked `meta.cached`. Errors are never cached.

    Returns:
        The scored run.
    """
    say = log or (lambda msg: print(msg, file=sys.stderr))
    refs = load_references(suite)
    model = "gold" if gold else (suite.engine.model or "default")
    run_id = run_id or make_run_id(suite.name, model)
    say(f"khulasa eval: {len(refs)} cases, model {model}, run {run_id}")
    started = time.perf_counter()
    if gold:
        preds = gold_predictions(refs)
    else:
        store = ResponseCache() if cache else None
        try:
            preds = asyncio.run(arun_predictions(refs, suite.engine, engine=engine, cache=store))
        finally:
            if store is not None:
                store.close()
    cached = sum(p.briefing is not None and p.briefing.meta.cached for p in preds)
    if cached:
        say(f"khulasa eval: {cached} case(s) from the response cache (--no-cache to call the model)")
    failed = sum(p.briefing is None for p in preds)
    say(f"khulasa eval: predictions done in {time.perf_counter() - started:.1f}s ({failed} failed)")
    return finish_run(suite, refs, preds, reports_dir / run_id, run_id, model)


def rescore(run_dir: str | Path, out_dir: str | Path | None = None) -> RunResult:
    """Re-score saved predictions (no model is called) and rewrite the reports.

    Args:
        run_dir: A run folder with ``run.json`` and ``predictions.jsonl``.
        out_dir: Where to write the reports (the run folder by default).

    Returns:
        The scored run.
    """
    src = Path(run_dir)
    suite, payload = _load_run_json(src)
    preds = read_predictions(src / PREDICTIONS_FILE)
    refs = load_references(suite)
    out = Path(out_dir) if out_dir else src
    if out.resolve() == src.resolve():
        cases = pair_cases(refs, preds)
        scores, aggregates, dirs = score_cases(cases)
        from toolkit.evals.report import write_reports

        result = RunResult(
            payload["run_id"],
            suite,
            cases,
            scores,
            aggregates,
            dirs,
            payload["model"],
            payload["created"],
            out,
        )
        write_reports(result)
        return result
    return finish_run(suite, refs, preds, out, payload["run_id"], payload["model"], payload["created"])


def load_case_scores(run_dir: str | Path) -> tuple[dict[str, dict[str, float | None]], dict[str, str | None]]:
    """Read a run's per-case scores and metric directions (for `--compare`).

    Args:
        run_dir: A run folder with ``cases.jsonl`` and ``summary.json``.

    Returns:
        (case id → metric → value, metric → direction).

    Raises:
        InputError: The folder is not a scored run.
    """
    d = Path(run_dir)
    cases_path, summary_path = d / "cases.jsonl", d / "summary.json"
    if not cases_path.is_file() or not summary_path.is_file():
        raise InputError(
            f"{d} is not a scored run (no cases.jsonl/summary.json)",
            hint="pass run folders written by `khulasa eval`, e.g. evals/reports/<run-id>",
        )
    per_case: dict[str, dict[str, float | None]] = {}
    with open(cases_path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                per_case[row["id"]] = row["scores"]
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    dirs = {m: v.get("direction") for m, v in summary["metrics"].items()}
    return per_case, dirs
