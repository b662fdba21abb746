"""The scoring fast paths give exactly the values of the straightforward computations they replace.

Each fast path (cached reference data, vectorized IoU, one rapidfuzz cdist per case, set-based chrF++
match counts, shared bootstrap indices) is compared with ``==`` against the plain computation
(sacrebleu's own `sentence_score`, `span_iou` per pair, `name_score`/`tier_of` per pair, a fresh RNG
draw) on the seeds, perturbed names and spans, and the external articles when present.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from eval_helpers import EXTERNAL, case_with, gold_case, seed_refs

from toolkit.arabic import fold_text, split_sentences
from toolkit.evals.caches import clear_caches
from toolkit.evals.cases import EvalCase, Reference, gold_briefing
from toolkit.evals.evaluators import score_case
from toolkit.evals.matching import (
    IOU_THRESHOLD,
    _gold_entity_forms,
    _gold_speaker_forms,
    _iou_matrix,
    _label_data,
    _pred_entity_forms,
    _pred_speaker_forms,
    resolve_speaker,
    span_iou,
)
from toolkit.evals.names import TIER_RANK, NameForms, name_score, name_score_matrix, tier_of, tier_with_score
from toolkit.evals.stats import _draw_indices, _resample_indices, bootstrap_mean
from toolkit.evals.text import chrf_pp
from toolkit.schema import Claim, Entity, Evidence, LabelSpeaker, Speaker


def _summary_pairs() -> list[tuple[str, str]]:
    refs = seed_refs()
    ar = [r.summary_ar for r in refs]
    en = [r.summary_en for r in refs if r.summary_en]
    pairs = [(a, b) for a in ar for b in ar] + [(a, b) for a in en for b in en]
    pairs += [(a[: len(a) // 2], a) for a in ar + en]  # partial overlap, repeated n-grams
    pairs += [
        ("", "reference text"),
        ("hyp", ""),
        ("a", "a"),
        ("la la la la la", "la la la"),
        ("(hi) there, you.", "hi (there) you"),
        ("!!! ؟؟ ،،", "، ! ?"),
        ("٣٥ شخصاً قُتلوا", "35 شخصا قتلوا"),
    ]
    if EXTERNAL.is_file():
        with open(EXTERNAL, encoding="utf-8") as fh:
            for row in (json.loads(line) for line in fh if line.strip()):
                article = row["article_ar"]
                lead3 = " ".join(article[s.start : s.end] for s in split_sentences(article)[:3])
                pairs.append((lead3, row["summary_ar"]))
    return pairs


def test_chrf_fast_path_equals_sacrebleu_sentence_score_exactly():
    from sacrebleu.metrics import CHRF

    metric = CHRF(word_order=2)
    pairs = _summary_pairs()
    assert len(pairs) > 150
    clear_caches(references=True)
    for _ in range(2):  # cold reference cache, then warm
        for hyp, ref in pairs:
            expected = metric.sentence_score(fold_text(hyp), [fold_text(ref)]).score / 100
            assert chrf_pp(hyp, ref) == expected, (hyp[:40], ref[:40])


def _gold_name_forms() -> tuple[list[NameForms], list[NameForms]]:
    speakers: list[NameForms] = []
    entities: list[NameForms] = []
    for r in seed_refs():
        assert r.label is not None
        speakers += [_gold_speaker_forms(c.speaker) for c in r.label.claims]
        entities += [_gold_entity_forms(e) for e in r.label.entities]
    return list(dict.fromkeys(speakers)), list(dict.fromkeys(entities))


def _predicted_entities() -> list[Entity]:
    rng = random.Random(3)
    out: list[Entity] = []
    for r in seed_refs():
        assert r.label is not None
        for e in r.label.entities:
            name_en = e.name_en or "x"
            out.append(Entity(name_ar=e.name_ar, name_en=name_en, type=e.type))
            cut = rng.randint(1, 3)
            out.append(Entity(name_ar=e.name_ar[cut:] or e.name_ar, name_en=name_en.upper(), type=e.type))
            out.append(Entity(name_ar="ال" + e.name_ar, name_en=name_en.replace("a", "e"), type=e.type))
    return out


def test_name_score_matrix_equals_name_score_and_tier_of_per_pair():
    speakers, entities = _gold_name_forms()
    preds = [_pred_entity_forms(e) for e in _predicted_entities()][:150] + speakers
    golds = entities + speakers
    clear_caches()
    matrix = name_score_matrix(preds, golds)
    tiers = set()
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            assert matrix[i, j] == name_score(p, g)
            tier = tier_with_score(p, g, float(matrix[i, j]))
            assert tier == tier_of(p, g)
            tiers.add(tier)
    assert {"exact", "arabic", "skeleton", "fuzzy", None} <= tiers  # every tier exercised
    empty = NameForms(frozenset(), frozenset(), frozenset(), ())
    assert name_score_matrix([empty, preds[0]], [golds[0], empty]).tolist() == [
        [0.0, 0.0],
        [name_score(preds[0], golds[0]), 0.0],
    ]


def _resolve_per_pair(pred: Claim, speakers: list[LabelSpeaker]) -> dict[str, str]:
    """The per-pair resolution (tier_of and name_score for each gold speaker), as written before."""
    p = _pred_speaker_forms(pred)

    def rank(g: NameForms) -> tuple[int, float]:
        tier = tier_of(p, g)
        if tier is None:
            return 9, 0.0
        r = TIER_RANK[tier]
        return r, (-100.0 if r == 0 else -name_score(p, g))

    ranked = [(rank(g), sp, g) for sp, g in ((sp, _gold_speaker_forms(sp)) for sp in speakers)]
    best = min((r for r, _, _ in ranked), default=(9, 0.0))
    if best[0] == 9:
        return {}
    return {sp.name_ar: tier_of(p, g) or "" for r, sp, g in ranked if r == best}


def test_speaker_resolution_equals_per_pair_ranking():
    n_resolved = 0
    for r in seed_refs():
        assert r.label is not None
        speakers = _label_data(r.label).speakers
        for c in gold_briefing(r).claims:
            for name_ar, name_en in [
                (c.speaker.name_ar, c.speaker.name_en),
                (c.speaker.name_ar[2:] or c.speaker.name_ar, None),
                ("المتحدث باسم الوزارة", (c.speaker.name_en or "x").replace("a", "e")),
            ]:
                pred = c.model_copy(update={"speaker": Speaker(name_ar=name_ar, name_en=name_en)})
                got = resolve_speaker(pred, speakers)
                assert got == _resolve_per_pair(pred, speakers)
                n_resolved += bool(got)
    assert n_resolved > 100


def _claim_with_span(start: int, end: int) -> Claim:
    return Claim(
        id="c",
        speaker=Speaker(name_ar="متحدث"),
        claim_ar="x",
        kind="statement",
        evidence=Evidence(quote_ar="x", start=start, end=end, method="exact", score=100.0),
    )


def test_vectorized_iou_equals_span_iou_per_pair():
    rng = random.Random(11)
    for r in seed_refs():
        assert r.label is not None
        gold = [(c.evidence.start, c.evidence.end) for c in r.label.claims]
        if not gold:
            continue
        spans = list(gold)
        for s, e in gold:  # shifted, nested, touching, disjoint
            a, b = max(0, s + rng.randint(-30, 30)), e + rng.randint(-30, 30)
            spans += [(a, max(a + 1, b)), (s, s + 1), (e, e + 5), (max(0, s - 10), s)]
        pred = [_claim_with_span(s, e) for s, e in spans]
        iou = _iou_matrix(pred, _label_data(r.label))
        expected = np.array([[span_iou(p, g) for g in gold] for p in spans])
        expected[expected < IOU_THRESHOLD] = 0.0
        assert np.array_equal(iou, expected)
        assert (iou > 0).any() and (iou == 0).any()


def _perturbed_case(ref: Reference, rng: random.Random) -> EvalCase:
    b = gold_briefing(ref)
    claims = [
        c.model_copy(update={"speaker": Speaker(name_ar=c.speaker.name_ar[rng.randint(0, 2) :] or "x")})
        for c in b.claims
    ]
    summary = b.summary_ar[: len(b.summary_ar) // 2] + " ٤٠٠ ألف"
    return case_with(ref, b.model_copy(update={"claims": claims[1:], "summary_ar": summary}))


def test_scores_with_warm_reference_caches_equal_cold_scores():
    rng = random.Random(5)
    refs = seed_refs()
    cases = [gold_case(r) for r in refs] + [_perturbed_case(r, rng) for r in refs]
    cold = []
    for c in cases:
        clear_caches(references=True)
        cold.append(score_case(c))
    warm = [score_case(EvalCase(c.ref, c.pred)) for c in cases for _ in range(2)]  # fresh case objects
    assert warm[::2] == cold and warm[1::2] == cold


def test_shared_bootstrap_indices_equal_a_fresh_draw():
    for n in (1, 12, 1000, 2500):  # 2500 × 2000 is above the cached size: drawn every call
        assert np.array_equal(_resample_indices(n, 2000, 7), _draw_indices(n, 2000, 7))
    values = [float(v) for v in np.random.default_rng(0).random(300)]
    first = bootstrap_mean(values)
    assert bootstrap_mean(values) == first
    with pytest.raises(ValueError):
        _resample_indices(12, 2000, 7)[0, 0] = 1  # read-only: no caller can corrupt the shared draw
