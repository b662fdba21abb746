"""Claim matching (Hungarian on evidence-span IoU, speakers resolved through alias tiers) and the
per-label gold data it needs.

What derives from the gold label alone (evidence spans, distinct speakers, alias tables) is computed
once per label object and kept in a reference cache (see `toolkit.evals.caches`); everything about
the prediction is computed for every case.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.evals import caches
from toolkit.evals.cases import EvalCase
from toolkit.evals.names import (
    TIER_RANK,
    NameForms,
    name_forms,
    name_score_matrix,
    reference_name_forms,
    split_reference_scripts,
    split_scripts,
    tier_of,
    tier_with_score,
)
from toolkit.schema import Claim, Entity, LabelClaim, LabelEntity, LabelSpeaker, SeedLabel

#: Minimum character IoU (|A∩B| / |A∪B| of the two evidence spans) for a predicted claim to match a
#: gold claim. 0.3 accepts a prediction that quotes one clause of a two-clause gold span, or the gold
#: span plus its attribution verb, but not a span that merely touches the gold one.
IOU_THRESHOLD = 0.3


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
    # Gold alias tables go through the reference cache: the same for every prediction of the seed.
    return reference_name_forms(*split_reference_scripts([sp.name_ar, *sp.aliases_ar, *sp.aliases_en]))


def _pred_entity_forms(e: Entity) -> NameForms:
    ar, en = split_scripts([e.name_ar, e.name_en, *e.aliases])
    return name_forms(tuple(ar), tuple(en))


def _gold_entity_forms(e: LabelEntity) -> NameForms:
    return reference_name_forms(*split_reference_scripts([e.name_ar, e.name_en, *e.aliases]))


@dataclass(frozen=True)
class _LabelData:
    """What the claim and entity evaluators derive from a gold label alone, once per label.

    Attributes:
        starts: Gold evidence starts, one per gold claim.
        ends: Gold evidence ends.
        speakers: The distinct gold speakers (first occurrence of each name_ar, in claim order).
        speaker_forms: Their alias tables, folded.
        entity_forms: Each gold entity's alias table, folded.
    """

    starts: np.ndarray
    ends: np.ndarray
    speakers: list[LabelSpeaker]
    speaker_forms: list[NameForms]
    entity_forms: list[NameForms]


# Reference cache keyed by the label *object* (labels are loaded once per suite and never mutated
# while scored): id → (label, data). Holding the label keeps its id from being reused.
_LABEL_DATA: dict[int, tuple[SeedLabel, _LabelData]] = {}
_LABEL_DATA_MAX = 4096
caches.register(_LABEL_DATA.clear, reference=True)


def _label_data(label: SeedLabel) -> _LabelData:
    hit = _LABEL_DATA.get(id(label))
    if hit is not None and hit[0] is label:
        return hit[1]
    gold = label.claims
    speakers = list({g.speaker.name_ar: g.speaker for g in gold}.values())
    data = _LabelData(
        np.array([g.evidence.start for g in gold], dtype=np.int64),
        np.array([g.evidence.end for g in gold], dtype=np.int64),
        speakers,
        [_gold_speaker_forms(sp) for sp in speakers],
        [_gold_entity_forms(e) for e in label.entities],
    )
    if len(_LABEL_DATA) >= _LABEL_DATA_MAX:
        _LABEL_DATA.clear()
    _LABEL_DATA[id(label)] = (label, data)
    return data


def _resolve(
    p: NameForms, speakers: Sequence[LabelSpeaker], forms: Sequence[NameForms], scores: np.ndarray
) -> dict[str, str]:
    """`resolve_speaker` for predicted forms ``p``, given ``scores[k] == name_score(p, forms[k])``."""
    ranked: list[tuple[tuple[int, float], LabelSpeaker, str | None]] = []
    for sp, g, score in zip(speakers, forms, scores.tolist(), strict=True):
        # Rank = (tier rank, −similarity); smaller is better.
        tier = tier_with_score(p, g, score)
        if tier is None:
            ranked.append(((9, 0.0), sp, tier))
            continue
        rank = TIER_RANK[tier]
        ranked.append(((rank, -100.0 if rank == 0 else -score), sp, tier))
    best = min((r for r, _, _ in ranked), default=(9, 0.0))
    if best[0] == 9:
        return {}
    return {sp.name_ar: tier or "" for r, sp, tier in ranked if r == best}


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
    return _resolve(p, speakers, gold_forms, name_score_matrix([p], gold_forms)[0])


def speaker_tier(pred: Claim, gold: LabelClaim) -> str | None:
    """The alias tier at which a predicted speaker names one gold speaker, without resolution."""
    return tier_of(_pred_speaker_forms(pred), _gold_speaker_forms(gold.speaker))


def entity_tier(pred: Entity, gold: LabelEntity) -> str | None:
    """The alias tier at which a predicted entity matches a gold entity (see `name_tier`)."""
    return tier_of(_pred_entity_forms(pred), _gold_entity_forms(gold))


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


def _resolve_all(pred: Sequence[Claim], eligible: list[bool], data: _LabelData) -> list[dict[str, str]]:
    """`resolve_speaker` of every eligible predicted claim ({} for the others), each distinct
    predicted speaker resolved once per case against the gold speakers with one `name_score_matrix`."""
    forms = [_pred_speaker_forms(p) if ok else None for p, ok in zip(pred, eligible, strict=True)]
    distinct = list(dict.fromkeys(f for f in forms if f is not None))
    scores = name_score_matrix(distinct, data.speaker_forms)
    by_forms = {f: _resolve(f, data.speakers, data.speaker_forms, scores[k]) for k, f in enumerate(distinct)}
    return [by_forms[f] if f is not None else {} for f in forms]


def _iou_matrix(pred: Sequence[Claim], data: _LabelData) -> np.ndarray:
    """`span_iou` of every (predicted, gold) evidence pair, zeroed below `IOU_THRESHOLD` (vectorized).

    The same arithmetic as `span_iou` on integer offsets (one float division per pair), so the
    values are bit-identical.
    """
    ps = np.array([c.evidence.start for c in pred], dtype=np.int64)[:, None]
    pe = np.array([c.evidence.end for c in pred], dtype=np.int64)[:, None]
    gs, ge = data.starts[None, :], data.ends[None, :]
    inter = np.maximum(0, np.minimum(pe, ge) - np.maximum(ps, gs))
    union = np.maximum(pe, ge) - np.minimum(ps, gs)
    ok = (union > 0) & (inter > 0)
    iou = np.zeros(ok.shape)
    np.divide(inter, union, out=iou, where=ok)
    iou[iou < IOU_THRESHOLD] = 0.0
    return iou


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
    if case.label is None:
        return ClaimMatch([], [], [])
    gold = case.label.claims
    data = _label_data(case.label)
    iou = _iou_matrix(pred, data)
    pairs = [(i, j, float(iou[i, j])) for i, j in _assign(iou)]
    resolved = _resolve_all(pred, [bool(v) for v in np.asarray(iou.any(axis=1))], data)
    tiers_all = {
        (i, j): resolved[i].get(gold[j].speaker.name_ar) for i, j in zip(*np.nonzero(iou), strict=True)
    }
    strict_ok = np.zeros(iou.shape, dtype=bool)
    for (i, j), tier in tiers_all.items():
        strict_ok[i, j] = bool(tier)
    strict_pairs = [(i, j, float(iou[i, j])) for i, j in _assign(np.where(strict_ok, iou, 0.0))]
    result = ClaimMatch(pairs, strict_pairs, [tiers_all.get((i, j)) for i, j, _ in pairs])
    _MATCH_CACHE[case] = result
    return result


_TIER_WEIGHT = {"exact": 4.0, "arabic": 4.0, "skeleton": 2.0, "fuzzy": 1.0}


def match_entities(pred: Sequence[Entity], label: SeedLabel) -> list[tuple[int, int]]:
    """Match predicted to gold entities one-to-one (Hungarian), stronger alias tiers preferred.

    Pair weights: exact/arabic 4, skeleton 2, fuzzy 1, no match 0 (see `entity_tier`). The gold alias
    tables come from the per-label reference cache; the predicted ones are folded once per entity and
    the fuzzy scores of all pairs come from one `name_score_matrix` call.

    Args:
        pred: The predicted entities.
        label: The gold label.

    Returns:
        (pred index, gold index) pairs.
    """
    gold_forms = _label_data(label).entity_forms
    pred_forms = [_pred_entity_forms(p) for p in pred]
    scores = name_score_matrix(pred_forms, gold_forms).tolist()
    w = np.zeros((len(pred), len(gold_forms)))
    for i, pf in enumerate(pred_forms):
        for j, gf in enumerate(gold_forms):
            tier = tier_with_score(pf, gf, scores[i][j])
            w[i, j] = _TIER_WEIGHT[tier] if tier else 0.0
    return _assign(w)
