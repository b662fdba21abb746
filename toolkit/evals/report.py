"""Write a scored run: cases.jsonl, summary.json, report.md and a self-contained report.html.

report.html has no external resource (no CDN, no script): tables, one inline SVG interval chart
per metric, and a ``<details>`` drill-down per case. For runs over external text
(``suite.redact_text``) nothing but ids and numbers is written.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.evals.evaluators import IOU_THRESHOLD, match_claims
from toolkit.evals.stats import CONFIDENCE, N_RESAMPLES, SEED, Interval

if TYPE_CHECKING:
    from toolkit.evals.cases import EvalCase
    from toolkit.evals.runner import RunResult

#: Metrics that are not bounded by [0, 1]; charted on [0, max].
UNBOUNDED = {"summary_words_ar", "summary_words_en", "tokens", "cost_usd", "latency_s", "attempts"}

#: Metrics shown in the per-case overview table.
HEADLINE = (
    "schema_validity",
    "claim_f1",
    "claim_f1_strict",
    "speaker_acc",
    "speaker_acc_resolved",
    "unresolved_rate",
    "entity_f1",
    "rougeL_ar",
    "chrf_ar",
    "key_fact_recall",
    "number_consistency",
)


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _case_details(case: EvalCase) -> dict[str, Any]:
    """Claim matching details of one case (texts included: only for non-redacted runs)."""
    b, label = case.briefing, case.label
    if b is None or label is None:
        return {}
    m = match_claims(case)
    pairs = []
    for (i, j, iou), tier in zip(m.pairs, m.tiers, strict=True):
        p, g = b.claims[i], label.claims[j]
        pairs.append(
            {
                "pred": p.id,
                "gold": g.id,
                "iou": round(iou, 3),
                "speaker_tier": tier,
                "pred_speaker": p.speaker.name_ar,
                "gold_speaker": g.speaker.name_ar,
                "pred_kind": p.kind,
                "gold_kind": g.kind,
            }
        )
    matched_p, matched_g = {i for i, _, _ in m.pairs}, {j for _, j, _ in m.pairs}
    return {
        "pairs": pairs,
        "unmatched_pred": [c.id for k, c in enumerate(b.claims) if k not in matched_p],
        "unmatched_gold": [c.id for k, c in enumerate(label.claims) if k not in matched_g],
    }


def case_rows(result: RunResult) -> list[dict[str, Any]]:
    """The cases.jsonl rows of a run."""
    redact = result.suite.redact_text
    rows = []
    for case, scores in zip(result.cases, result.scores, strict=True):
        err = case.pred.error
        row: dict[str, Any] = {
            "id": case.id,
            "status": "ok" if case.briefing else "error",
            "error": ({"type": err.type} if redact else {"type": err.type, "message": err.message})
            if err
            else None,
            "scores": scores,
        }
        if not redact:
            row["details"] = _case_details(case)
        rows.append(row)
    return rows


def summary_dict(result: RunResult) -> dict[str, Any]:
    """The summary.json content of a run."""
    return {
        "run_id": result.run_id,
        "suite": result.suite.name,
        "dataset": result.suite.kind,
        "model": result.model,
        "created": result.created,
        "n_cases": len(result.cases),
        "n_failed": result.n_failed,
        "failed": [{"id": c.id, "type": c.pred.error.type} for c in result.cases if c.pred.error],
        "bootstrap": {"unit": "article", "resamples": N_RESAMPLES, "seed": SEED, "confidence": CONFIDENCE},
        "claim_match_iou_threshold": IOU_THRESHOLD,
        "metrics": {
            m: {"mean": iv.mean, "low": iv.low, "high": iv.high, "n": iv.n, "direction": result.directions[m]}
            for m, iv in result.aggregates.items()
        },
    }


def _md(result: RunResult) -> str:
    s = summary_dict(result)
    lines = [
        f"# Eval run `{result.run_id}`",
        "",
        f"Suite **{s['suite']}** ({s['dataset']}), model **{s['model']}**, {s['created']}: "
        f"{s['n_cases']} cases, {s['n_failed']} failed.",
        f"Means over articles with {int(CONFIDENCE * 100)}% bootstrap intervals ({N_RESAMPLES} resamples of "
        f"articles, seed {SEED}); n = articles where the metric is defined. Claims match on evidence-span "
        f"IoU ≥ {IOU_THRESHOLD}.",
        "",
        "| metric | mean | 95% interval | n | better |",
        "|---|---:|---|---:|---|",
    ]
    for m, iv in result.aggregates.items():
        ci = "–" if iv.low is None else f"[{_fmt(iv.low)}, {_fmt(iv.high)}]"
        lines.append(f"| {m} | {_fmt(iv.mean)} | {ci} | {iv.n} | {result.directions[m] or ''} |")
    lines += [
        "",
        "## Cases",
        "",
        "| case | " + " | ".join(HEADLINE) + " |",
        "|---" * (len(HEADLINE) + 1) + "|",
    ]
    for case, sc in zip(result.cases, result.scores, strict=True):
        name = (
            case.id
            if case.briefing
            else f"{case.id} (failed: {case.pred.error.type if case.pred.error else '?'})"
        )
        lines.append(f"| {name} | " + " | ".join(_fmt(sc.get(m)) for m in HEADLINE) + " |")
    return "\n".join(lines) + "\n"


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.ar{direction:rtl;font-size:1.05rem}
details{margin:.4rem 0;border:1px solid #ddd;padding:.3rem .6rem}summary{cursor:pointer}
.fail{color:#a00}.muted{color:#777}
"""


def _svg_interval(iv: Interval, hi_bound: float) -> str:
    """A small horizontal chart: axis 0..hi_bound, the interval as a bar, the mean as a dot."""
    w, h, pad = 240, 18, 6
    if iv.mean is None or iv.low is None or iv.high is None or hi_bound <= 0:
        return '<svg width="240" height="18" role="img" aria-label="undefined"></svg>'

    def x(v: float) -> float:
        return pad + (w - 2 * pad) * min(max(v / hi_bound, 0.0), 1.0)

    label = f"mean {iv.mean:.3f}, 95% interval {iv.low:.3f} to {iv.high:.3f}"
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="{label}"><title>{label}</title>'
        f'<line x1="{pad}" y1="{h - 3}" x2="{w - pad}" y2="{h - 3}" stroke="#bbb"/>'
        f'<line x1="{x(iv.low):.1f}" y1="9" x2="{x(iv.high):.1f}" y2="9" stroke="#3465a4" stroke-width="4"/>'
        f'<circle cx="{x(iv.mean):.1f}" cy="9" r="4" fill="#c4361c"/></svg>'
    )


def _metric_table(result: RunResult) -> str:
    rows = []
    for m, iv in result.aggregates.items():
        bound = (iv.high or 0.0) * 1.1 if m in UNBOUNDED else 1.0
        scale = f"0–{bound:.3g}" if m in UNBOUNDED else "0–1"
        ci = "–" if iv.low is None else f"[{_fmt(iv.low)}, {_fmt(iv.high)}]"
        rows.append(
            f"<tr><td>{escape(m)}</td><td class=num>{_fmt(iv.mean)}</td><td class=num>{ci}</td>"
            f"<td class=num>{iv.n}</td><td>{escape(result.directions[m] or '')}</td>"
            f"<td>{_svg_interval(iv, bound)} <span class=muted>{scale}</span></td></tr>"
        )
    head = "<tr><th>metric</th><th>mean</th><th>95% interval</th><th>n</th><th>better</th><th>chart</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _case_html(case: EvalCase, scores: dict[str, float | None], redact: bool) -> str:
    err = case.pred.error
    status = f"<span class=fail>failed: {escape(err.type)}</span>" if err else "ok"
    brief = ", ".join(f"{m} {_fmt(scores.get(m))}" for m in ("claim_f1", "rougeL_ar"))
    parts = [f"<details><summary><b>{escape(case.id)}</b> — {status} — {brief}</summary>"]
    if err and not redact:
        parts.append(f"<p class=fail>{escape(err.message)}</p>")
    cells = "".join(f"<tr><td>{escape(m)}</td><td class=num>{_fmt(v)}</td></tr>" for m, v in scores.items())
    parts.append(f"<table><tr><th>metric</th><th>value</th></tr>{cells}</table>")
    if not redact and case.briefing is not None:
        parts.append(
            f"<p><b>predicted summary</b></p><p class=ar>{escape(case.briefing.summary_ar)}</p>"
            f"<p><b>reference summary</b></p><p class=ar>{escape(case.ref.summary_ar)}</p>"
        )
        det = _case_details(case)
        if det:
            rows = "".join(
                f"<tr><td>{escape(p['pred'])}</td><td>{escape(p['gold'])}</td>"
                f"<td class=num>{p['iou']:.2f}</td>"
                f"<td class=ar>{escape(p['pred_speaker'])}</td>"
                f"<td class=ar>{escape(p['gold_speaker'])}</td><td>{escape(str(p['speaker_tier']))}</td>"
                f"<td>{escape(p['pred_kind'])} / {escape(p['gold_kind'])}</td></tr>"
                for p in det["pairs"]
            )
            parts.append(
                "<table><tr><th>pred</th><th>gold</th><th>IoU</th><th>pred speaker</th><th>gold speaker</th>"
                f"<th>tier</th><th>kind pred / gold</th></tr>{rows}</table>"
                f"<p>unmatched predicted: {escape(', '.join(det['unmatched_pred']) or 'none')}; "
                f"unmatched gold: {escape(', '.join(det['unmatched_gold']) or 'none')}</p>"
            )
    parts.append("</details>")
    return "".join(parts)


def _html(result: RunResult) -> str:
    s = summary_dict(result)
    redact = result.suite.redact_text
    note = "<p class=muted>External text: this report holds ids and numbers only.</p>" if redact else ""
    cases = "".join(_case_html(c, sc, redact) for c, sc in zip(result.cases, result.scores, strict=True))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(result.run_id)}</title>'
        f"<style>{_CSS}</style></head><body><h1>Eval run {escape(result.run_id)}</h1>"
        f"<p>Suite <b>{escape(s['suite'])}</b> ({escape(s['dataset'])}), model <b>{escape(s['model'])}</b>, "
        f"{escape(s['created'])}: {s['n_cases']} cases, {s['n_failed']} failed.</p>{note}"
        f"<p>Means over articles; the bar is the {int(CONFIDENCE * 100)}% bootstrap interval ({N_RESAMPLES} "
        f"resamples of articles, seed {SEED}), the dot the mean; n counts articles where the metric is "
        f"defined. Claims match one-to-one on evidence-span IoU ≥ {IOU_THRESHOLD}.</p>"
        f"<h2>Metrics</h2>{_metric_table(result)}<h2>Cases</h2>{cases}</body></html>\n"
    )


def write_reports(result: RunResult) -> Path:
    """Write cases.jsonl, summary.json, report.md and report.html into the run folder.

    Args:
        result: The scored run (``out_dir`` must be set).

    Returns:
        The run folder.
    """
    out = result.out_dir
    if out is None:
        raise ValueError("result.out_dir is not set")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "cases.jsonl", "w", encoding="utf-8") as fh:
        for row in case_rows(result):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(
        json.dumps(summary_dict(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "report.md").write_text(_md(result), encoding="utf-8")
    (out / "report.html").write_text(_html(result), encoding="utf-8")
    return out
