"""Attribution evaluators: the cue / source / content spans of each claim, and the review-flag rates.

Modelled on BBC Citron's quote-attribution metrics (`citron/metrics.py`): each role of a quote — the
cue (reporting verb), the source (here the speaker's mention) and the content (the evidence) — is a
span scored two ways, *exact* (the predicted span equals the gold span) and *overlap* (how many
characters of the predicted spans fall inside the gold spans, against the predicted and gold
lengths). Citron pairs a predicted and a gold quote through their overlapping cues; we pair claims
with the same one-to-one matching as the claim metrics (`match_claims`: Hungarian on evidence IoU),
so a quote without a cue can still be scored and a span is only ever compared with its own claim's.
"""

from __future__ import annotations

from typing import ClassVar

from toolkit.evals.cases import EvalCase
from toolkit.evals.matching import match_claims
from toolkit.schema import Claim, LabelClaim

Scores = dict[str, float | None]

ROLES = ("cue", "source", "content")
_FLAGS = ("too_far", "unsupported", "other_subject")


def _pred_span(claim: Claim, role: str) -> tuple[int, int] | None:
    if role == "content":
        return claim.evidence.start, claim.evidence.end
    if role == "cue":
        return (claim.cue.start, claim.cue.end) if claim.cue else None
    mention = claim.speaker.mention
    if mention is None or claim.speaker.resolution == "unresolved":
        return None  # an unresolved speaker names no source
    return mention.start, mention.end


def _gold_span(claim: LabelClaim, role: str) -> tuple[int, int] | None:
    if role == "content":
        return claim.evidence.start, claim.evidence.end
    span = claim.cue if role == "cue" else claim.speaker.mention
    return (span.start, span.end) if span else None


def _f1(p: float | None, r: float | None) -> float:
    return 2 * p * r / (p + r) if p and r else 0.0


class RoleSpans:
    """<role>_exact_f1 and <role>_overlap_f1 for role in cue, source (the speaker's mention) and
    content (the evidence), over claims paired by `match_claims` (evidence IoU ≥ 0.3, one-to-one).

    Exact: a pair counts when both spans exist and are equal; precision = hits / predicted claims,
    recall = hits / gold claims, F1 = 2·hits / (predicted + gold). Overlap: characters of each
    predicted span inside its paired gold span, summed; precision = that / total length of the
    predicted spans, recall = that / total length of the gold spans, F1 their harmonic mean.
    A predicted claim without the role (no cue found; an unresolved speaker has no source) counts as
    predicted and unmatched. With no predicted and no gold claims every F1 is 1.0; a failed case is
    0.0; None for external articles and when a gold claim lacks the role's label."""

    name = "roles"
    directions: ClassVar[dict[str, str | None]] = {
        f"{role}_{kind}_f1": "higher" for role in ROLES for kind in ("exact", "overlap")
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        label = case.label
        if label is None:
            return dict.fromkeys(self.directions)
        if case.briefing is None:
            return dict.fromkeys(self.directions, 0.0)
        pred, gold = case.briefing.claims, label.claims
        pairs = match_claims(case).pairs
        out: Scores = {}
        for role in ROLES:
            golds = [_gold_span(g, role) for g in gold]
            if any(g is None for g in golds):
                out.update({f"{role}_exact_f1": None, f"{role}_overlap_f1": None})
                continue
            if not pred and not gold:
                out.update({f"{role}_exact_f1": 1.0, f"{role}_overlap_f1": 1.0})
                continue
            preds = [_pred_span(p, role) for p in pred]
            hits = overlap = 0
            for i, j, _ in pairs:
                p, g = preds[i], golds[j]
                if p is None or g is None:
                    continue
                hits += p == g
                overlap += max(0, min(p[1], g[1]) - max(p[0], g[0]))
            pred_len = sum(e - s for s, e in (x for x in preds if x is not None))
            gold_len = sum(e - s for s, e in (x for x in golds if x is not None))
            out[f"{role}_exact_f1"] = 2 * hits / (len(pred) + len(gold))
            precision = overlap / pred_len if pred_len else None
            recall = overlap / gold_len if gold_len else None
            out[f"{role}_overlap_f1"] = _f1(precision, recall)
        return out


class AttributionFlags:
    """triple_rate: share of predicted claims with all three spans (a resolved speaker's mention, a
    cue and the evidence). too_far_rate / unsupported_rate: share of predicted claims the toolkit
    flagged (`Attribution.flags`) — mention, cue and content further apart than reported speech
    allows; numbers or names in the claim text that the evidence sentence(s) lack; another speaker
    named right after the verb (other_subject_rate). None without predicted claims."""

    name = "flags"
    directions: ClassVar[dict[str, str | None]] = {
        "triple_rate": "higher",
        "too_far_rate": "lower",
        "unsupported_rate": "lower",
        "other_subject_rate": "lower",
    }

    def evaluate(self, case: EvalCase) -> Scores:
        """Score one case."""
        b = case.briefing
        if b is None or not b.claims:
            return dict.fromkeys(self.directions)
        n = len(b.claims)
        triples = sum(1 for c in b.claims if _pred_span(c, "source") is not None and c.cue is not None)
        out: Scores = {"triple_rate": triples / n}
        for flag in _FLAGS:
            flagged = sum(1 for c in b.claims if c.attribution and flag in c.attribution.flags)
            out[f"{flag}_rate"] = flagged / n
        return out
