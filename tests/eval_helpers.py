"""Shared helpers for the eval tests: seeds as references, gold predictions, perturbations."""

from __future__ import annotations

from pathlib import Path

from toolkit.evals.cases import EvalCase, Prediction, Reference, gold_briefing
from toolkit.evals.suite import Suite, _seed_sources, load_references
from toolkit.schema import Briefing

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXTERNAL = SHARED / "data" / "external" / "ar-news-human-summaries.jsonl"


def seed_suite() -> Suite:
    """A suite over every seed in the repository."""
    return Suite("seeds", "seeds", _seed_sources("seeds/*", REPO))


def seed_refs() -> list[Reference]:
    """Every seed as a reference."""
    return load_references(seed_suite())


def multi_claim_refs(min_claims: int = 4) -> list[Reference]:
    """Seeds with at least `min_claims` gold claims and at least two distinct speakers."""
    out = []
    for r in seed_refs():
        assert r.label is not None
        speakers = {c.speaker.name_ar for c in r.label.claims}
        if len(r.label.claims) >= min_claims and len(speakers) >= 2:
            out.append(r)
    return out


def case_with(ref: Reference, briefing: Briefing) -> EvalCase:
    """A case pairing a reference with a (possibly perturbed) briefing."""
    return EvalCase(ref, Prediction(ref.id, briefing))


def gold_case(ref: Reference) -> EvalCase:
    """The reference's gold briefing as a case."""
    return case_with(ref, gold_briefing(ref))
