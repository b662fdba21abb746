"""Evaluators: one small object per metric family, pydantic_evals style.

Each evaluator has a ``name``, a docstring that *defines* its metrics, ``directions`` (metric →
``"higher"``/``"lower"`` is better, or None for descriptive numbers), and
``evaluate(case) -> dict[str, float | None]``. None means "undefined for this case" (e.g. precision
with no predicted claims, English metrics when the engine wrote no English); aggregates skip None
and report how many cases each mean is over.

Failed cases (no briefing): metrics whose denominator comes from the *reference* (recall, F1,
ROUGE, chrF, key-fact recall) score 0 — a failure must never improve a mean by dropping a hard
article — while metrics whose denominator comes from the *prediction* (precision, grounding,
accuracies on matched claims, number consistency, length) are None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from toolkit.evals.caches import folded
from toolkit.evals.cases import EvalCase
from toolkit.evals.matching import IOU_THRESHOLD as IOU_THRESHOLD
from toolkit.evals.matching import ClaimMatch as ClaimMatch
from toolkit.evals.matching import entity_tier as entity_tier
from toolkit.evals.matching import match_claims as match_claims
from toolkit.evals.matching import match_entities
from toolkit.evals.matching import resolve_speaker as resolve_speaker
from toolkit.evals.matching import span_iou as span_iou
from toolkit.evals.matching import speaker_tier as speaker_tier
from toolkit.evals.names import NAME_TIERS
from toolkit.schema import Claim

Scores = dict[str, float | None]


class Evaluator(Protocol):
    """The evaluator interface."""

    name: str
    directions: ClassVar[dict[str, str | None]]

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        ...


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _prf(n_match: int, n_pred: int, n_gold: int) -> tuple[float | None, float | None, float]:
    """Precision, recall, F1 with the empty conventions documented on `ClaimMatchEvaluator`."""
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    p, r = _ratio(n_match, n_pred), _ratio(n_match, n_gold)
    f1 = 2 * n_match / (n_pred + n_gold)
    return p, r, f1


# --- evaluators ---------------------------------------------------------------------------------


class SchemaValidity:
    """schema_validity: 1.0 when the case produced an output that validates as a `Briefing`, else 0.0
    (engine error, re-asks exhausted, or a saved output that no longer validates)."""

    name = "schema"
    directions: ClassVar[dict[str, str | None]] = {"schema_validity": "higher"}

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        return {"schema_validity": 1.0 if case.briefing is not None else 0.0}


class Grounding:
    """grounding_rate: share of predicted claims whose evidence is real — ``0 ≤ start < end ≤
    len(article)`` and ``fold(article[start:end]) == fold(evidence.quote_ar)``.
    grounding_exact / grounding_fuzzy split that share by ``evidence.method`` (they sum to
    grounding_rate). dropped_rate: claims the pipeline dropped (any rule: ungrounded evidence, a
    speaker not in the article, two speakers for one evidence…) over all claims the engine proposed
    (kept + dropped) — the pipeline only keeps grounded claims, so this is where an engine's invented
    quotes and speakers show. None without predicted/proposed claims."""

    name = "grounding"
    directions: ClassVar[dict[str, str | None]] = {
        "grounding_rate": "higher",
        "grounding_exact": None,
        "grounding_fuzzy": None,
        "dropped_rate": "lower",
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        b = case.briefing
        if b is None:
            return dict.fromkeys(self.directions)
        article = case.ref.article
        exact = fuzzy = 0
        for c in b.claims:
            s, e = c.evidence.start, c.evidence.end
            if 0 <= s < e <= len(article) and folded(article[s:e]) == folded(c.evidence.quote_ar):
                exact += c.evidence.method == "exact"
                fuzzy += c.evidence.method == "fuzzy"
        n, dropped = len(b.claims), len(b.meta.dropped_claims)
        return {
            "grounding_rate": _ratio(exact + fuzzy, n),
            "grounding_exact": _ratio(exact, n),
            "grounding_fuzzy": _ratio(fuzzy, n),
            "dropped_rate": _ratio(dropped, n + dropped),
        }


class ClaimMatchEvaluator:
    """Claims matched one-to-one to gold claims by evidence span (see `match_claims`, IoU ≥ 0.3).

    claim_precision = matched / predicted; claim_recall = matched / gold; claim_f1 =
    2·matched / (predicted + gold). claim_f1_strict: the same F1 where a pair also needs the speaker
    to match (any alias tier). With no predicted and no gold claims all are 1.0 (nothing to find,
    nothing invented); precision is None with no predicted claims, recall None with no gold claims.
    None for external articles (no claim labels)."""

    name = "claims"
    directions: ClassVar[dict[str, str | None]] = {
        "claim_precision": "higher",
        "claim_recall": "higher",
        "claim_f1": "higher",
        "claim_f1_strict": "higher",
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        if case.label is None:
            return dict.fromkeys(self.directions)
        n_gold = len(case.label.claims)
        if case.briefing is None:
            return {
                "claim_precision": None,
                "claim_recall": 0.0 if n_gold else None,
                "claim_f1": 0.0,
                "claim_f1_strict": 0.0,
            }
        m = match_claims(case)
        n_pred = len(case.briefing.claims)
        p, r, f1 = _prf(len(m.pairs), n_pred, n_gold)
        _, _, f1s = _prf(len(m.strict_pairs), n_pred, n_gold)
        return {"claim_precision": p, "claim_recall": r, "claim_f1": f1, "claim_f1_strict": f1s}


class SpeakerAccuracy:
    """speaker_acc: share of (lenient) matched claims whose predicted speaker names the gold speaker at
    some alias tier. Tiers, tried in order (`toolkit.evals.text.name_tier`): exact (English name equals
    a gold English alias after folding/case), arabic (Arabic name equals gold name_ar or an Arabic
    alias after folding, ال optional), skeleton (transliteration key: no spaces, article, vowels),
    fuzzy (rapidfuzz ratio ≥ 90). speaker_tier_<tier>: share of matched claims resolved at that tier
    (they sum to speaker_acc). None without matched claims."""

    name = "speaker"
    directions: ClassVar[dict[str, str | None]] = {"speaker_acc": "higher"} | {
        f"speaker_tier_{t}": None for t in NAME_TIERS
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        if case.label is None or case.briefing is None:
            return dict.fromkeys(self.directions)
        m = match_claims(case)
        n = len(m.pairs)
        pred = case.briefing.claims
        # An unresolved speaker names nobody: its candidate words never count as the right speaker.
        tiers = [None if _unresolved(pred[i]) else t for (i, _, _), t in zip(m.pairs, m.tiers, strict=True)]
        out: Scores = {"speaker_acc": _ratio(sum(t is not None for t in tiers), n)}
        for tier in NAME_TIERS:
            out[f"speaker_tier_{tier}"] = _ratio(sum(t == tier for t in tiers), n)
        return out


def _unresolved(claim: Claim) -> bool:
    return claim.speaker.resolution == "unresolved"


class SpeakerResolution:
    """speaker_acc_resolved: among matched claims whose speaker is *resolved*, the share naming the gold
    speaker at some alias tier (as `SpeakerAccuracy`); None without such claims. This is the precision
    of the speakers an engine commits to: a wrong name shown next to a real quote is the worst error,
    "speaker unresolved" is an honest one. unresolved_rate: share of all predicted claims whose speaker
    is unresolved (``speaker.resolution == "unresolved"``); defined without labels too (external
    articles); None without predicted claims. speaker_acc = speaker_acc_resolved × (1 − the unresolved
    share among matched claims)."""

    name = "speaker_resolution"
    directions: ClassVar[dict[str, str | None]] = {
        "speaker_acc_resolved": "higher",
        "unresolved_rate": "lower",
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        b = case.briefing
        if b is None:
            return dict.fromkeys(self.directions)
        out: Scores = {"unresolved_rate": _ratio(sum(_unresolved(c) for c in b.claims), len(b.claims))}
        if case.label is None:
            return {"speaker_acc_resolved": None, **out}
        m = match_claims(case)
        kept = [t for (i, _, _), t in zip(m.pairs, m.tiers, strict=True) if not _unresolved(b.claims[i])]
        return {"speaker_acc_resolved": _ratio(sum(t is not None for t in kept), len(kept)), **out}


class KindAccuracy:
    """kind_acc: share of matched claims whose predicted kind equals the gold kind.
    conditional_acc: share of matched claims whose conditional flag equals the gold one.
    None without matched claims."""

    name = "kind"
    directions: ClassVar[dict[str, str | None]] = {"kind_acc": "higher", "conditional_acc": "higher"}

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        if case.label is None or case.briefing is None:
            return dict.fromkeys(self.directions)
        pred, gold = case.briefing.claims, case.label.claims
        pairs = match_claims(case).pairs
        n = len(pairs)
        return {
            "kind_acc": _ratio(sum(pred[i].kind == gold[j].kind for i, j, _ in pairs), n),
            "conditional_acc": _ratio(
                sum(pred[i].conditional == gold[j].conditional for i, j, _ in pairs), n
            ),
        }


class EntityMatch:
    """Entities matched one-to-one (Hungarian) by name at some alias tier (as for speakers: exact,
    arabic, skeleton, fuzzy — stronger tiers preferred). entity_precision = matched / predicted,
    entity_recall = matched / gold, entity_f1 = 2·matched / (predicted + gold) (1.0 when both are
    empty). entity_type_acc: share of matched entities with the gold type. None for external
    articles."""

    name = "entities"
    directions: ClassVar[dict[str, str | None]] = {
        "entity_precision": "higher",
        "entity_recall": "higher",
        "entity_f1": "higher",
        "entity_type_acc": "higher",
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        if case.label is None:
            return dict.fromkeys(self.directions)
        gold = case.label.entities
        if case.briefing is None:
            return {
                "entity_precision": None,
                "entity_recall": 0.0 if gold else None,
                "entity_f1": 0.0,
                "entity_type_acc": None,
            }
        pred = case.briefing.entities
        pairs = match_entities(pred, case.label)
        prec, rec, f1 = _prf(len(pairs), len(pred), len(gold))
        return {
            "entity_precision": prec,
            "entity_recall": rec,
            "entity_f1": f1,
            "entity_type_acc": _ratio(sum(pred[i].type == gold[j].type for i, j in pairs), len(pairs)),
        }


class Usage:
    """From the briefing's meta (or what a failed case recorded): tokens (prompt + completion over
    every attempt, failed ones included), cost_usd (None when the price is unknown), latency_s
    (wall clock of the summarize call), attempts (model calls)."""

    name = "usage"
    directions: ClassVar[dict[str, str | None]] = {
        "tokens": "lower",
        "cost_usd": "lower",
        "latency_s": "lower",
        "attempts": "lower",
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        meta: dict[str, Any] = (
            case.briefing.meta.model_dump(mode="json") if case.briefing else dict(case.pred.meta or {})
        )
        attempts = meta.get("attempts") or []
        tokens = sum(int(a.get("prompt_tokens", 0)) + int(a.get("completion_tokens", 0)) for a in attempts)
        cost, latency = meta.get("cost_usd"), meta.get("latency_s")
        return {
            "tokens": float(tokens) if attempts or case.briefing else None,
            "cost_usd": float(cost) if cost is not None else None,
            "latency_s": float(latency) if latency is not None else None,
            "attempts": float(len(attempts)) if attempts or case.briefing else None,
        }


def default_evaluators() -> Sequence[Evaluator]:
    """Every evaluator, in report order."""
    from toolkit.evals.attribution import AttributionFlags, RoleSpans
    from toolkit.evals.summary import KeyFactRecall, NumberConsistency, RougeChrf, SummaryLength

    return (
        SchemaValidity(),
        Grounding(),
        ClaimMatchEvaluator(),
        SpeakerAccuracy(),
        SpeakerResolution(),
        RoleSpans(),
        AttributionFlags(),
        KindAccuracy(),
        EntityMatch(),
        RougeChrf(),
        KeyFactRecall(),
        NumberConsistency(),
        SummaryLength(),
        Usage(),
    )


def score_case(case: EvalCase, evaluators: Sequence[Evaluator] | None = None) -> Scores:
    """Run every evaluator on one case.

    Args:
        case: The case.
        evaluators: Defaults to `default_evaluators`.

    Returns:
        Metric name → value (None when undefined for this case).
    """
    out: Scores = {}
    for ev in evaluators or default_evaluators():
        out.update(ev.evaluate(case))
    return out


def directions(evaluators: Sequence[Evaluator] | None = None) -> dict[str, str | None]:
    """Metric name → "higher"/"lower" is better, or None (descriptive), in report order."""
    out: dict[str, str | None] = {}
    for ev in evaluators or default_evaluators():
        out.update(ev.directions)
    return out
