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

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from toolkit.arabic import fold_text
from toolkit.evals.cases import EvalCase
from toolkit.evals.text import (
    NAME_TIERS,
    TIER_RANK,
    NameForms,
    name_forms,
    name_score,
    split_scripts,
    tier_of,
)
from toolkit.schema import Claim, Entity, LabelClaim, LabelEntity, LabelSpeaker

Scores = dict[str, float | None]

#: Minimum character IoU (|A∩B| / |A∪B| of the two evidence spans) for a predicted claim to match a
#: gold claim. 0.3 accepts a prediction that quotes one clause of a two-clause gold span, or the gold
#: span plus its attribution verb, but not a span that merely touches the gold one.
IOU_THRESHOLD = 0.3


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


# --- matching -----------------------------------------------------------------------------------


def span_iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character intersection-over-union of two half-open spans.

    Args:
        a: (start, end).
        b: (start, end).

    Returns:
        IoU in [0, 1]; 0 for empty or disjoint spans.
    """
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 and inter > 0 else 0.0


def _pred_speaker_forms(pred: Claim) -> NameForms:
    ar, en = split_scripts([pred.speaker.name_ar, pred.speaker.name_en])
    return name_forms(tuple(ar), tuple(en))


def _gold_speaker_forms(sp: LabelSpeaker) -> NameForms:
    ar, en = split_scripts([sp.name_ar, *sp.aliases_ar, *sp.aliases_en])
    return name_forms(tuple(ar), tuple(en))


def _rank(pred: NameForms, gold: NameForms) -> tuple[int, float]:
    """How well predicted forms name a speaker: (tier rank, −similarity); smaller is better."""
    tier = tier_of(pred, gold)
    if tier is None:
        return 9, 0.0
    rank = TIER_RANK[tier]
    return rank, (-100.0 if rank == 0 else -name_score(pred, gold))


def resolve_speaker(
    pred: Claim, speakers: Sequence[LabelSpeaker], forms: Sequence[NameForms] | None = None
) -> dict[str, str]:
    """Resolve a predicted speaker against every gold speaker of the article.

    The predicted name names a gold speaker only if that speaker is among its best matches
    (strongest tier, then highest similarity). So "French presidency" is never accepted for Macron
    (alias "French President", similarity 91) when the presidency is itself a speaker of the article;
    a name shared by two speakers (an alias like البيان) resolves to both.

    Args:
        pred: The predicted claim.
        speakers: The distinct gold speakers of the article.
        forms: Their precomputed `NameForms` (computed here when None).

    Returns:
        Gold speaker name_ar → tier, for the best-matching speakers (empty when none matches).
    """
    p = _pred_speaker_forms(pred)
    gold_forms = forms if forms is not None else [_gold_speaker_forms(sp) for sp in speakers]
    ranked = [(_rank(p, g), sp, g) for sp, g in zip(speakers, gold_forms, strict=True)]
    best = min((r for r, _, _ in ranked), default=(9, 0.0))
    if best[0] == 9:
        return {}
    return {sp.name_ar: tier_of(p, g) or "" for r, sp, g in ranked if r == best}


def speaker_tier(pred: Claim, gold: LabelClaim) -> str | None:
    """The alias tier at which a predicted speaker names one gold speaker, without resolution."""
    return tier_of(_pred_speaker_forms(pred), _gold_speaker_forms(gold.speaker))


def entity_tier(pred: Entity, gold: LabelEntity) -> str | None:
    """The alias tier at which a predicted entity matches a gold entity (see `name_tier`)."""
    p_ar, p_en = split_scripts([pred.name_ar, pred.name_en, *pred.aliases])
    g_ar, g_en = split_scripts([gold.name_ar, gold.name_en, *gold.aliases])
    return tier_of(name_forms(tuple(p_ar), tuple(p_en)), name_forms(tuple(g_ar), tuple(g_en)))


def _assign(weights: np.ndarray) -> list[tuple[int, int]]:
    """One-to-one pairs maximizing total weight; only pairs of positive weight are kept."""
    if weights.size == 0 or not weights.any():
        return []
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if weights[i, j] > 0]


@dataclass(frozen=True)
class ClaimMatch:
    """The one-to-one matching of predicted to gold claims.

    Attributes:
        pairs: (pred index, gold index, IoU) of the lenient matching (span only).
        strict_pairs: The same for the strict matching (span and speaker).
        tiers: Speaker tier (or None) of each lenient pair, in ``pairs`` order.
    """

    pairs: list[tuple[int, int, float]]
    strict_pairs: list[tuple[int, int, float]]
    tiers: list[str | None]


_MATCH_CACHE: weakref.WeakKeyDictionary[EvalCase, ClaimMatch] = weakref.WeakKeyDictionary()


def match_claims(case: EvalCase) -> ClaimMatch:
    """Match a case's predicted claims to its gold claims (Hungarian, on evidence-span IoU).

    Eligible pairs have IoU ≥ `IOU_THRESHOLD`; `scipy.optimize.linear_sum_assignment` picks the
    one-to-one assignment of largest total IoU. The strict matching also requires the speaker to
    match at some alias tier (resolved against the article's gold speakers). Computed once per case
    and shared by the claim evaluators.

    Args:
        case: A case with a briefing and a label.

    Returns:
        The matching (empty when the case has no briefing or no label).
    """
    cached = _MATCH_CACHE.get(case)
    if cached is not None:
        return cached
    pred = case.briefing.claims if case.briefing else []
    gold = case.label.claims if case.label else []
    iou = np.zeros((len(pred), len(gold)))
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            v = span_iou((p.evidence.start, p.evidence.end), (g.evidence.start, g.evidence.end))
            iou[i, j] = v if v >= IOU_THRESHOLD else 0.0
    pairs = [(i, j, float(iou[i, j])) for i, j in _assign(iou)]
    speakers = list({g.speaker.name_ar: g.speaker for g in gold}.values())
    forms = [_gold_speaker_forms(sp) for sp in speakers]
    resolved = [resolve_speaker(p, speakers, forms) if iou[i].any() else {} for i, p in enumerate(pred)]
    tiers_all = {
        (i, j): resolved[i].get(gold[j].speaker.name_ar) for i, j in zip(*np.nonzero(iou), strict=True)
    }
    strict_w = np.array(
        [[iou[i, j] if tiers_all.get((i, j)) else 0.0 for j in range(len(gold))] for i in range(len(pred))]
    ).reshape(len(pred), len(gold))
    strict_pairs = [(i, j, float(iou[i, j])) for i, j in _assign(strict_w)]
    result = ClaimMatch(pairs, strict_pairs, [tiers_all.get((i, j)) for i, j, _ in pairs])
    _MATCH_CACHE[case] = result
    return result


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
    grounding_rate). dropped_rate: claims the pipeline dropped as ungrounded over all claims the
    engine proposed (kept + dropped) — the pipeline only keeps grounded claims, so this is where an
    engine's invented quotes show. None without predicted/proposed claims."""

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
            if 0 <= s < e <= len(article) and fold_text(article[s:e]) == fold_text(c.evidence.quote_ar):
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
        out: Scores = {"speaker_acc": _ratio(sum(t is not None for t in m.tiers), n)}
        for tier in NAME_TIERS:
            out[f"speaker_tier_{tier}"] = _ratio(sum(t == tier for t in m.tiers), n)
        return out


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


_TIER_WEIGHT = {"exact": 4.0, "arabic": 4.0, "skeleton": 2.0, "fuzzy": 1.0}


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
        w = np.zeros((len(pred), len(gold)))
        for i, p in enumerate(pred):
            for j, g in enumerate(gold):
                tier = entity_tier(p, g)
                w[i, j] = _TIER_WEIGHT[tier] if tier else 0.0
        pairs = _assign(w)
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
    from toolkit.evals.summary import KeyFactRecall, NumberConsistency, RougeChrf, SummaryLength

    return (
        SchemaValidity(),
        Grounding(),
        ClaimMatchEvaluator(),
        SpeakerAccuracy(),
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
