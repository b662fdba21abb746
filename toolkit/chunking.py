"""Long articles: split on sentence boundaries, extract per chunk, merge with GLOBAL offsets.

`toolkit.pipeline.summarize` calls `summarize_chunked` when an article is longer than the chunk
budget (`chunk_chars`, default `DEFAULT_CHUNK_CHARS` for model engines; the offline engine reads
any length and is only chunked when asked). The steps:

1. `plan_chunks`: consecutive sentences (`toolkit.arabic.split_sentences`) packed up to the budget,
   each chunk starting `overlap` sentences before the previous one ended, so a claim that straddles a
   boundary is whole in at least one chunk. A single sentence longer than the budget is a chunk alone.
2. Each chunk is an ordinary engine request over `article[start:end]`; its own grounder finds the
   quotes, then offsets are shifted by the chunk's start: `article[evidence.start:evidence.end]` is
   the evidence in the original article, as for a short one.
   Speaker mentions and cues are shifted the same way.
3. Claims with the same speaker and overlapping or identical evidence are one claim (the overlap
   makes them appear twice); overlapping evidence credited to different speakers keeps the nearer
   mention (rule 6, `toolkit.attribution.conflicts`); entities are merged by folded Arabic name.
4. The summary: engines with prompt templates (LLM engines) get a second, small call over the chunk
   summaries with `prompts/merge.j2`; other engines (offline) re-run over the chunk summaries as a
   short article, i.e. their sentences are rescored. `meta.chunks` says how many chunks were read.
"""

from __future__ import annotations

import copy
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.arabic import Sentence, fold_text
from toolkit.attribution import Contender, conflict_reason, conflicts, same_speaker
from toolkit.engines.base import Engine, EngineRequest, EngineResult
from toolkit.grounding import Grounder
from toolkit.schema import AttemptUsage, Briefing, Claim, DroppedClaim, Entity, Meta, TextSpan

if TYPE_CHECKING:  # prompts (jinja2) and asyncio load only when a long article is chunked
    from toolkit.prompts import PromptSet

DEFAULT_CHUNK_CHARS = 12_000
"""Default chunk budget for model engines, in characters (~3,000-4,000 tokens of Arabic): leaves room
in an 8k-context model for the prompt and a full briefing."""

OVERLAP_SENTENCES = 1
"""Sentences repeated at the start of the next chunk."""

MERGE_TEMPLATE = "merge.j2"

Assemble = Callable[..., Briefing]
"""`toolkit.pipeline.assemble`, injected so this module stays below the pipeline."""


@dataclass(frozen=True)
class ChunkPlan:
    """One chunk of an article.

    Attributes:
        index: 0-based chunk number.
        start: Offset of the chunk in the article.
        end: End offset of the chunk in the article.
        sentence_ids: Global ids of the sentences in the chunk, in order.
    """

    index: int
    start: int
    end: int
    sentence_ids: tuple[int, ...]


def chunk_limit(engine: Engine, chunk_chars: int | None) -> int | None:
    """The chunk budget for an engine: `chunk_chars` if given (0 = never chunk), else the default.

    Args:
        engine: The engine that will read the chunks.
        chunk_chars: The caller's budget in characters, or None for the engine's default.

    Returns:
        The budget, or None when the article is never split.
    """
    if chunk_chars is not None:
        return chunk_chars if chunk_chars > 0 else None
    return None if engine.name == "offline" else DEFAULT_CHUNK_CHARS


def plan_chunks(
    sentences: Sequence[Sentence], limit: int, *, overlap: int = OVERLAP_SENTENCES
) -> list[ChunkPlan]:
    """Pack consecutive sentences into chunks of at most `limit` characters, with overlap.

    Args:
        sentences: The article's sentences, in order (ids equal to positions).
        limit: Budget per chunk, in characters of the original text.
        overlap: Sentences that start the next chunk again (clamped so every chunk moves forward).

    Returns:
        The chunks, covering every sentence; one chunk when the whole article fits.
    """
    chunks: list[ChunkPlan] = []
    i, n = 0, len(sentences)
    while i < n:
        j, start = i + 1, sentences[i].start
        while j < n and sentences[j].end - start <= limit:
            j += 1
        chunks.append(ChunkPlan(len(chunks), start, sentences[j - 1].end, tuple(range(i, j))))
        if j >= n:
            break
        i = max(j - overlap, i + 1)
    return chunks


def chunk_request(article: str, sentences: Sequence[Sentence], plan: ChunkPlan) -> EngineRequest:
    """An ordinary engine request over one chunk, with chunk-local offsets and sentence ids."""
    text = article[plan.start : plan.end]
    local = [
        Sentence(k, sentences[i].start - plan.start, sentences[i].end - plan.start, sentences[i].text)
        for k, i in enumerate(plan.sentence_ids)
    ]
    return EngineRequest(article=text, sentences=local, grounder=Grounder(text, local))


def _shift(span: TextSpan | None, by: int) -> TextSpan | None:
    return None if span is None else span.model_copy(update={"start": span.start + by, "end": span.end + by})


def _globalize(briefing: Briefing, plan: ChunkPlan) -> list[Claim]:
    """The chunk's claims with every span (evidence, speaker mention, cue) and sentence id in the
    whole article."""
    out: list[Claim] = []
    for claim in briefing.claims:
        ev = claim.evidence
        shifted = ev.model_copy(
            update={
                "start": ev.start + plan.start,
                "end": ev.end + plan.start,
                "sentence_ids": [plan.sentence_ids[i] for i in ev.sentence_ids if i < len(plan.sentence_ids)],
            }
        )
        speaker = claim.speaker.model_copy(update={"mention": _shift(claim.speaker.mention, plan.start)})
        out.append(
            claim.model_copy(
                update={"evidence": shifted, "speaker": speaker, "cue": _shift(claim.cue, plan.start)}
            )
        )
    return out


def merge_claims(claims: Sequence[Claim]) -> tuple[list[Claim], list[DroppedClaim]]:
    """One claim per (speaker, overlapping evidence), then rule 6 across chunks.

    The overlap sentence makes a claim appear in two chunks: the same speaker (`same_speaker`) with
    overlapping evidence is one claim. Overlapping evidence credited to *different* speakers by two
    chunks keeps the claim whose mention is nearer (`toolkit.attribution.conflicts`); the other is
    returned as dropped (`speaker_conflict`).

    Args:
        claims: The claims of every chunk, with global offsets.

    Returns:
        The kept claims in article order, ids renumbered c1, c2…, and the dropped ones.
    """
    kept: list[Claim] = []
    for claim in sorted(claims, key=lambda c: (c.evidence.start, c.evidence.end)):
        ev = claim.evidence
        if any(
            same_speaker(k.speaker.name_ar, claim.speaker.name_ar)
            and k.evidence.start < ev.end
            and ev.start < k.evidence.end
            for k in kept
        ):
            continue
        kept.append(claim)
    lost = conflicts([_contender(c) for c in kept])
    dropped = [
        DroppedClaim(
            quote_ar=c.evidence.quote_ar,
            speaker_ar=c.speaker.name_ar,
            claim_ar=c.claim_ar,
            reason=conflict_reason(kept[lost[n]].speaker.name_ar, c.speaker.name_ar),
            rule="speaker_conflict",
        )
        for n, c in enumerate(kept)
        if n in lost
    ]
    kept = [c for n, c in enumerate(kept) if n not in lost]
    return [c.model_copy(update={"id": f"c{n}"}) for n, c in enumerate(kept, 1)], dropped


def _contender(claim: Claim) -> Contender:
    mention = claim.speaker.mention
    return Contender(
        claim.speaker.name_ar,
        (claim.evidence.start, claim.evidence.end),
        (mention.start, mention.end) if mention else None,
        claim.attribution.mention_distance if claim.attribution else None,
        claim.speaker.resolution == "resolved",
    )


def merge_entities(entities: Sequence[Entity]) -> list[Entity]:
    """Entities merged by folded Arabic name: first English name wins, aliases united (max 8)."""
    merged: dict[str, Entity] = {}
    for entity in entities:
        key = fold_text(entity.name_ar)
        have = merged.get(key)
        if have is None:
            merged[key] = entity
            continue
        aliases = list(dict.fromkeys([*have.aliases, *entity.aliases]))
        aliases = [a for a in aliases if a != have.name_ar][:8]
        merged[key] = have.model_copy(update={"name_en": have.name_en or entity.name_en, "aliases": aliases})
    return list(merged.values())


def merge_prompt_version() -> str:
    """Hash of `prompts/merge.j2` (part of the cache key of chunked articles)."""
    from toolkit.prompts import load_prompts

    env = load_prompts().env
    source, _, _ = env.loader.get_source(env, MERGE_TEMPLATE)  # type: ignore[union-attr]
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


class _MergePrompts:
    """Stands in for an engine's `PromptSet`: the system prompt, then `merge.j2` as the user turn."""

    def __init__(self, base: PromptSet) -> None:
        self.env = base.env
        self.version = base.version

    def messages(self, sentences: Sequence[Sentence], **_: Any) -> list[dict[str, str]]:
        system = self.env.get_template("system.j2").render(max_claims=None)
        user = self.env.get_template(MERGE_TEMPLATE).render(sentences=sentences)
        return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def _summary_request(engine: Engine, briefings: Sequence[Briefing]) -> tuple[Engine, EngineRequest]:
    """The second pass over the chunk summaries: which engine runs it, on what."""
    parts = [b.summary_ar for b in briefings]
    text = "\n".join(parts)
    sentences, pos = [], 0
    for k, part in enumerate(parts):
        sentences.append(Sentence(k, pos, pos + len(part), part))
        pos += len(part) + 1
    request = EngineRequest(article=text, sentences=sentences, grounder=Grounder(text, sentences))
    from toolkit.prompts import PromptSet

    prompts = getattr(engine, "prompts", None)
    if isinstance(prompts, PromptSet):
        # Same client, retries, usage and cost accounting as the engine; only the prompt differs.
        variant = copy.copy(engine)
        variant.prompts = _MergePrompts(prompts)  # type: ignore[attr-defined]
        return variant, request
    return engine, request  # offline: its sentence scoring runs again over the chunk summaries


def _renumber(attempts: Sequence[AttemptUsage]) -> list[AttemptUsage]:
    return [a.model_copy(update={"attempt": n}) for n, a in enumerate(attempts, 1)]


def _total_cost(costs: Sequence[float | None]) -> float | None:
    return None if any(c is None for c in costs) else round(sum(c for c in costs if c is not None), 6)


def _combine(
    engine: Engine,
    plans: Sequence[ChunkPlan],
    chunk_briefings: Sequence[Briefing],
    summary: EngineResult,
    *,
    started: float,
    source_id: str | None,
) -> Briefing:
    claims, conflicted = merge_claims(
        [c for b, p in zip(chunk_briefings, plans, strict=True) for c in _globalize(b, p)]
    )
    dropped: dict[tuple[str, str | None], DroppedClaim] = {}
    for d in [d for b in chunk_briefings for d in b.meta.dropped_claims] + conflicted:
        dropped.setdefault((d.quote_ar, d.speaker_ar), d)
    first = chunk_briefings[0].meta
    attempts = [a for b in chunk_briefings for a in b.meta.attempts] + list(summary.attempts)
    meta = Meta(
        engine=engine.name,
        model=first.model,
        base_url_host=first.base_url_host,
        prompt_version=first.prompt_version,
        toolkit_version=first.toolkit_version,
        attempts=_renumber(attempts),
        cost_usd=_total_cost([b.meta.cost_usd for b in chunk_briefings] + [summary.cost_usd]),
        latency_s=round(time.perf_counter() - started, 4),
        dropped_claims=list(dropped.values()),
        chunks=len(plans),
    )
    return summary.draft.to_briefing(
        claims=claims,
        meta=meta,
        entities=merge_entities([e for b in chunk_briefings for e in b.entities]),
        source_id=source_id,
    )


def summarize_chunked(
    engine: Engine,
    article: str,
    sentences: Sequence[Sentence],
    plans: Sequence[ChunkPlan],
    *,
    assemble: Assemble,
    started: float,
    source_id: str | None = None,
) -> Briefing:
    """Summarize a long article chunk by chunk (see the module docstring).

    Args:
        engine: The engine.
        article: The whole original article.
        sentences: Its sentences.
        plans: From `plan_chunks` (two or more).
        assemble: `toolkit.pipeline.assemble` (grounds one chunk's draft).
        started: `time.perf_counter()` at the start of the call.
        source_id: Caller-given id.

    Returns:
        One briefing with global offsets and `meta.chunks == len(plans)`.
    """
    briefings = []
    for plan in plans:
        request = chunk_request(article, sentences, plan)
        result = engine.run(request)
        briefings.append(assemble(result, request.grounder, engine_name=engine.name, started=started))
    runner, request = _summary_request(engine, briefings)
    summary = runner.run(request)
    return _combine(engine, plans, briefings, summary, started=started, source_id=source_id)


async def asummarize_chunked(
    engine: Engine,
    article: str,
    sentences: Sequence[Sentence],
    plans: Sequence[ChunkPlan],
    *,
    assemble: Assemble,
    started: float,
    source_id: str | None = None,
) -> Briefing:
    """Async twin of `summarize_chunked`; the chunks are read concurrently."""

    async def one(plan: ChunkPlan) -> Briefing:
        request = chunk_request(article, sentences, plan)
        result = await engine.arun(request)
        return assemble(result, request.grounder, engine_name=engine.name, started=started)

    import asyncio

    briefings = list(await asyncio.gather(*(one(p) for p in plans)))
    runner, request = _summary_request(engine, briefings)
    summary = await runner.arun(request)
    return _combine(engine, plans, briefings, summary, started=started, source_id=source_id)
