"""Shared helpers for the offline engine's sentence tests: run the engine on one text."""

from __future__ import annotations

from toolkit.arabic import split_sentences
from toolkit.drafts import ClaimDraft
from toolkit.engines.base import EngineRequest
from toolkit.engines.offline import extract
from toolkit.grounding import Grounder


def drafts(text: str) -> list[ClaimDraft]:
    """The offline engine's claim drafts for ``text``, split and grounded as the pipeline does."""
    sentences = split_sentences(text)
    return extract(
        EngineRequest(article=text, sentences=sentences, grounder=Grounder(text, sentences))
    ).claims


def speakers(text: str) -> list[tuple[str, bool]]:
    """(speaker, unresolved) of every claim."""
    return [(c.speaker_ar, c.unresolved) for c in drafts(text)]
