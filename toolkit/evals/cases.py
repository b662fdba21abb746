"""What gets scored: references (seed or external article), predictions, and the case pairing them.

A prediction file (``predictions.jsonl``) holds one JSON object per case::

    {"id": ..., "status": "ok", "output": {<Briefing>}, "meta": {<Meta>}, "error": null}
    {"id": ..., "status": "error", "output": null, "meta": {"latency_s": .., "attempts": [..]},
     "error": {"type": "OutputValidationError", "message": "..."}}

A failed case is recorded, never dropped: it scores 0 on schema validity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from toolkit.errors import InputError
from toolkit.schema import (
    Briefing,
    Claim,
    Entity,
    Evidence,
    KeyPoint,
    LabelSpan,
    Meta,
    SeedLabel,
    Speaker,
    TextSpan,
)

PREDICTIONS_FILE = "predictions.jsonl"


@dataclass(frozen=True)
class Reference:
    """One article and what it is scored against.

    Attributes:
        id: Seed id or external row id.
        article: The article text (evidence offsets index it).
        label: The gold label for a seed; None for an external article (summary metrics only).
        summary_ar: The reference Arabic summary.
        summary_en: The reference English summary, if any.
    """

    id: str
    article: str
    label: SeedLabel | None
    summary_ar: str
    summary_en: str | None = None


@dataclass(frozen=True)
class CaseError:
    """Why a case produced no briefing.

    Attributes:
        type: The exception class name, e.g. ``OutputValidationError``.
        message: Its message.
    """

    type: str
    message: str


@dataclass(frozen=True)
class Prediction:
    """What an engine produced for one reference: a briefing, or an error.

    Attributes:
        id: The reference id.
        briefing: The output, when the case succeeded and the output validates as a `Briefing`.
        error: Why there is no briefing.
        meta: Usage/latency as a plain dict (from the briefing, or what is known about a failure).
    """

    id: str
    briefing: Briefing | None
    error: CaseError | None = None
    meta: dict[str, Any] | None = None

    def to_row(self) -> dict[str, Any]:
        """Serialize as one predictions.jsonl row."""
        output = self.briefing.model_dump(mode="json") if self.briefing else None
        meta = output["meta"] if output else self.meta
        return {
            "id": self.id,
            "status": "ok" if self.briefing else "error",
            "output": output,
            "meta": meta,
            "error": {"type": self.error.type, "message": self.error.message} if self.error else None,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Prediction:
        """Parse one predictions.jsonl row; an output that fails `Briefing` validation becomes an error.

        Args:
            row: The decoded JSON object.

        Returns:
            The prediction.
        """
        pid = str(row.get("id"))
        output, err = row.get("output"), row.get("error")
        meta = row.get("meta")
        if output is not None:
            # computed fields (n_attempts, *_tokens) are serialized but not accepted back.
            out_meta = output.get("meta")
            if isinstance(out_meta, dict):
                for key in ("n_attempts", "prompt_tokens", "completion_tokens", "total_tokens"):
                    out_meta.pop(key, None)
            try:
                return cls(pid, Briefing.model_validate(output), None, meta)
            except ValidationError as exc:
                return cls(
                    pid, None, CaseError("SchemaError", f"{exc.error_count()} validation error(s)"), meta
                )
        if isinstance(err, dict):
            return cls(pid, None, CaseError(str(err.get("type")), str(err.get("message"))), meta)
        return cls(pid, None, CaseError("MissingOutput", "row has neither output nor error"), meta)


@dataclass(frozen=True, eq=False)  # identity hash: evaluators cache per-case work by the case object
class EvalCase:
    """One reference paired with its prediction: the input of every evaluator.

    Attributes:
        ref: The article and its reference.
        pred: The engine's prediction.
    """

    ref: Reference

    pred: Prediction

    @property
    def id(self) -> str:
        """The case id (the reference id)."""
        return self.ref.id

    @property
    def briefing(self) -> Briefing | None:
        """The predicted briefing, or None when the case failed."""
        return self.pred.briefing

    @property
    def label(self) -> SeedLabel | None:
        """The gold label (None for external articles)."""
        return self.ref.label


def write_predictions(path: str | Path, predictions: list[Prediction]) -> Path:
    """Write predictions as JSONL (one row per case), atomically.

    Args:
        path: Target file.
        predictions: The predictions, in case order.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for pred in predictions:
            fh.write(json.dumps(pred.to_row(), ensure_ascii=False) + "\n")
    tmp.replace(target)
    return target


def read_predictions(path: str | Path) -> list[Prediction]:
    """Read a predictions.jsonl file.

    Args:
        path: The file, or a run folder holding ``predictions.jsonl``.

    Returns:
        The predictions in file order.

    Raises:
        InputError: The file is missing or a line is not JSON.
    """
    p = Path(path)
    if p.is_dir():
        p = p / PREDICTIONS_FILE
    if not p.is_file():
        raise InputError(f"no predictions file at {p}", hint="pass a run folder written by `khulasa eval`")
    out: list[Prediction] = []
    with open(p, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(Prediction.from_row(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{n} is not JSON ({exc.msg})", hint="fix or delete that line") from exc
            except RecursionError:
                raise InputError(f"{p}:{n} is nested too deeply", hint="fix or delete that line") from None
    return out


# --- gold fed back as a prediction (the metrics' sanity check) ----------------------------------


def _span(span: LabelSpan | None) -> TextSpan | None:
    return None if span is None else TextSpan(start=span.start, end=span.end, text=span.text)


def gold_briefing(ref: Reference) -> Briefing:
    """Turn a reference into the `Briefing` a perfect engine would return.

    Claims come from the gold evidence, speaker-mention and cue spans (method exact), speakers from
    the gold name and first English alias, summaries from the reference, key points from the key
    facts' first Arabic term, entities from the gold entities. Scoring it must give 1.0 on every
    reference metric.

    Args:
        ref: A seed reference (or an external one: then only the summaries are filled).

    Returns:
        The briefing (meta: engine ``gold``, zero usage).
    """
    label = ref.label
    claims: list[Claim] = []
    entities: list[Entity] = []
    key_points: list[KeyPoint] = []
    if label is not None:
        for c in label.claims:
            ev = c.evidence
            claims.append(
                Claim(
                    id=c.id,
                    speaker=Speaker(
                        name_ar=c.speaker.name_ar,
                        name_en=c.speaker.aliases_en[0],
                        role=c.speaker.role,
                        mention=_span(c.speaker.mention),
                    ),
                    claim_ar=ev.quote,
                    claim_en=c.claim_en,
                    kind=c.kind,
                    conditional=c.conditional,
                    attributed_via=c.attributed_via,
                    evidence=Evidence(
                        quote_ar=ev.quote, start=ev.start, end=ev.end, method="exact", score=100.0
                    ),
                    cue=_span(c.cue),
                )
            )
        entities = [
            Entity(name_ar=e.name_ar, name_en=e.name_en, type=e.type, aliases=e.aliases[:8])
            for e in label.entities
        ]
        key_points = [KeyPoint(text_ar=k.must_include[0], text_en=k.fact_en) for k in label.key_facts]
    return Briefing(
        source_id=ref.id,
        headline_ar=ref.summary_ar.split("،")[0][:200],
        headline_en=label.headline_en if label else None,
        summary_ar=ref.summary_ar,
        summary_en=ref.summary_en,
        key_points=key_points,
        claims=claims,
        entities=entities,
        meta=Meta(engine="gold", model="gold", toolkit_version="eval", latency_s=0.0),
    )


def gold_predictions(refs: list[Reference]) -> list[Prediction]:
    """The gold briefing of every reference, as predictions.

    Args:
        refs: The references.

    Returns:
        One successful prediction per reference.
    """
    return [Prediction(r.id, gold_briefing(r)) for r in refs]
