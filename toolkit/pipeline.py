"""summarize(): input checks → segmentation → engine → grounding → attribution → Briefing with meta.

Offsets are computed here, once, against the untouched input text: the evidence by
`toolkit.grounding`, the speaker mention and the cue by `toolkit.attribution`; every downstream
consumer (renderers, evals, the store) uses them as they are.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from toolkit._version import __version__
from toolkit.arabic import Sentence, has_arabic, split_sentences
from toolkit.attribution import Attributed, Attributor, is_unknown_speaker, resolve_conflicts
from toolkit.chunking import (
    ChunkPlan,
    asummarize_chunked,
    chunk_limit,
    merge_prompt_version,
    plan_chunks,
    summarize_chunked,
)
from toolkit.drafts import ClaimDraft
from toolkit.engines.base import Engine, EngineRequest, EngineResult
from toolkit.errors import ConfigurationError, InputError
from toolkit.grounding import Grounder, Located, Span
from toolkit.schema import Briefing, Claim, DroppedClaim, Evidence, Meta, Speaker

MAX_CHARS = 200_000
"""Default size limit of one article, in characters (about 35,000 Arabic words)."""

DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"

TOOLKIT_VERSION = __version__
"""The khulasa version recorded in `meta.toolkit_version` (from toolkit/_version.py)."""

_OFFLINE_NOTICE_SHOWN = False


# --- input checks -------------------------------------------------------------------------------


def check_input(text: str | bytes, *, max_chars: int = MAX_CHARS) -> str:
    """Validate an article and return it as text, untouched.

    Args:
        text: The article as str, or UTF-8 bytes.
        max_chars: Size limit in characters.

    Returns:
        The article text, exactly as given (bytes decoded as UTF-8).

    Raises:
        InputError: Empty, binary, not Arabic, or too long — with the numbers and the fix.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the input is not UTF-8 text (undecodable byte at position {exc.start})",
                hint="convert the file to UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8 in.txt > out.txt)",
            ) from exc
    if not isinstance(text, str):
        raise InputError(
            f"expected article text (str), got {type(text).__name__}", hint="pass the article text"
        )
    if not text.strip():
        raise InputError("the article is empty", hint="pass a file or text that contains the article")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise InputError(
            f"the input looks binary ({controls} control characters in {len(text)})",
            hint="pass plain UTF-8 text, not a PDF/Word/binary file (extract its text first)",
        )
    if not has_arabic(text):
        raise InputError(
            "the article contains no Arabic script",
            hint="khulasa summarizes Arabic news; check that you passed the right file",
        )
    if len(text) > max_chars:
        raise InputError(
            f"the article is {len(text):,} characters, over the limit of {max_chars:,}",
            hint="split it, or raise the limit with max_chars=... (--max-chars)",
        )
    return text


# --- engine selection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineOptions:
    """Options shared by the model engines (ignored by the offline engine).

    Attributes:
        api_key: API key; defaults to OPENAI_API_KEY.
        mode: Instructor mode: tools (default), json_schema, json or md_json. Env: KHULASA_MODE.
        max_reasks: Validation re-asks after the first attempt.
        max_tokens: Output budget per call.
        timeout: Per-request timeout in seconds.
        http_client: Injected sync httpx client (tests).
        async_http_client: Injected async httpx client (tests).
        transport: An `openai_compat.TransportPolicy` (HTTP retries/back-off/timeout); overrides
            `timeout`. Batch runs and tests pass short ones.
    """

    api_key: str | None = None
    mode: str | None = None
    max_reasks: int = 2
    max_tokens: int | None = None
    timeout: float | None = None
    http_client: Any = None
    async_http_client: Any = None
    transport: Any = None


def _offline_notice() -> None:
    global _OFFLINE_NOTICE_SHOWN
    if not _OFFLINE_NOTICE_SHOWN:
        _OFFLINE_NOTICE_SHOWN = True
        print(
            "khulasa: no model configured, used the offline engine (Arabic only, no English). "
            "Set KHULASA_MODEL (+ KHULASA_BASE_URL for a local server, or OPENAI_API_KEY) for an LLM.",
            file=sys.stderr,
        )


def resolve_engine(
    model: str | None = None, base_url: str | None = None, options: EngineOptions | None = None
) -> Engine:
    """Pick the engine from arguments, then the environment.

    `offline` → the deterministic offline engine; `local:/path.gguf` → llama-cpp in process;
    anything else → an OpenAI-compatible endpoint (`base_url`, or OpenAI's with OPENAI_API_KEY).
    With nothing configured at all, the offline engine is used and one line on stderr says so.

    Args:
        model: Model name, `offline` or `local:PATH`; defaults to KHULASA_MODEL.
        base_url: Endpoint base URL; defaults to KHULASA_BASE_URL.
        options: Engine options.

    Returns:
        An engine ready to run.

    Raises:
        ConfigurationError: The configuration is incomplete, with the variables to set.
    """
    options = options or EngineOptions()
    model = model or os.environ.get("KHULASA_MODEL") or None
    base_url = base_url or os.environ.get("KHULASA_BASE_URL") or None
    api_key = options.api_key or os.environ.get("OPENAI_API_KEY") or None
    if model is None and base_url is None and api_key is None:
        _offline_notice()
        model = "offline"
    if model == "offline":
        from toolkit.engines.offline import OfflineEngine

        return OfflineEngine()
    if model is not None and model.startswith("local:"):
        from toolkit.engines.local_gguf import LocalGGUFEngine

        return LocalGGUFEngine(
            model.removeprefix("local:"), max_reasks=options.max_reasks, max_tokens=options.max_tokens or 4096
        )
    return _openai_engine(model, base_url, api_key, options)


_SHARED_MAX = 16
_SHARED: OrderedDict[tuple[Any, ...], Engine] = OrderedDict()
_SHARED_LOCK = threading.Lock()
_ENGINE_ENV = ("KHULASA_MODEL", "KHULASA_BASE_URL", "OPENAI_API_KEY", "KHULASA_MODE")


def shared_engine(
    model: str | None = None, base_url: str | None = None, options: EngineOptions | None = None
) -> Engine:
    """The engine `summarize()`/`asummarize()` use when none is passed: built once per configuration.

    Building an engine builds its HTTP clients (TLS context, connection pool) and instructor's
    patched function: tens of milliseconds of CPU, more than the rest of a call. So the engine for the
    same arguments and environment is kept (the 16 most recent configurations) and reused by every
    thread; its async clients are per event loop. They are closed at exit. With injected HTTP
    clients (`http_client=`/`async_http_client=`) the engine is not kept: those clients are yours.

    Args:
        model: As for `resolve_engine`.
        base_url: As for `resolve_engine`.
        options: As for `resolve_engine`.

    Returns:
        The engine.

    Raises:
        ConfigurationError: The configuration is incomplete, with the variables to set.
    """
    options = options or EngineOptions()
    key = (model, base_url, options, tuple(os.environ.get(name) for name in _ENGINE_ENV))
    if options.http_client is not None or options.async_http_client is not None or not _hashable(key):
        return resolve_engine(model, base_url, options)
    with _SHARED_LOCK:
        engine = _SHARED.get(key)
        if engine is None:
            engine = _SHARED[key] = resolve_engine(model, base_url, options)
            while len(_SHARED) > _SHARED_MAX:
                _SHARED.popitem(last=False)  # not closed: another thread may still be using it
        _SHARED.move_to_end(key)
    return engine


def _hashable(key: tuple[Any, ...]) -> bool:
    try:
        hash(key)
    except TypeError:  # e.g. a transport policy of the caller's own making
        return False
    return True


@atexit.register
def _close_shared_engines() -> None:
    with _SHARED_LOCK:
        engines = list(_SHARED.values())
        _SHARED.clear()
    for engine in engines:
        close = getattr(engine, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()


def _openai_engine(
    model: str | None, base_url: str | None, api_key: str | None, options: EngineOptions
) -> Engine:
    from toolkit.engines.openai_compat import OpenAICompatConfig, OpenAICompatEngine, TransportPolicy

    if model is None and base_url is not None:
        raise ConfigurationError(
            f"a base URL is set ({base_url}) but no model name",
            hint="pass --model NAME or set KHULASA_MODEL (llama.cpp's server accepts any name)",
        )
    if base_url is None and api_key is None:
        raise ConfigurationError(
            f"model {model!r} needs OpenAI's API key or an OpenAI-compatible base URL",
            hint="set OPENAI_API_KEY, or KHULASA_BASE_URL (--base-url) for a local server, "
            "or use the offline engine: --model offline",
        )
    transport = options.transport or (
        TransportPolicy(timeout=options.timeout) if options.timeout else TransportPolicy()
    )
    config = OpenAICompatConfig(
        model=model or DEFAULT_OPENAI_MODEL,
        base_url=base_url,
        api_key=api_key,
        mode=options.mode or os.environ.get("KHULASA_MODE") or "tools",
        max_reasks=options.max_reasks,
        max_tokens=options.max_tokens or 4096,
        transport=transport,
        http_client=options.http_client,
        async_http_client=options.async_http_client,
    )
    return OpenAICompatEngine(config)


# --- grounding and assembly ---------------------------------------------------------------------


def _ground_claims(result: EngineResult, grounder: Grounder) -> tuple[list[Claim], list[DroppedClaim]]:
    """Evidence first (grounding), then who and said (attribution), then the drop rules."""
    grounded: list[tuple[ClaimDraft, Span]] = []
    dropped: list[DroppedClaim] = []
    seen: set[tuple[int, int, str]] = set()
    for draft in result.draft.claims:
        located = grounder.locate(draft.quote_ar, near=draft.start_hint)
        span = located.span
        if span is None:
            dropped.append(_dropped(draft, located, salvaged=result.salvaged))
            continue
        key = (span.start, span.end, draft.speaker_ar)
        if key in seen:  # the same evidence and speaker twice is one claim
            continue
        seen.add(key)
        grounded.append((draft, span))
    attributed = Attributor.for_grounder(grounder, result.draft.entities).attribute(grounded)
    resolve_conflicts(attributed)
    claims: list[Claim] = []
    for (draft, span), who in zip(grounded, attributed, strict=True):
        if who.rule is not None:
            dropped.append(
                DroppedClaim(
                    quote_ar=draft.quote_ar,
                    speaker_ar=draft.speaker_ar,
                    claim_ar=draft.claim_ar,
                    reason=who.reason or who.rule,
                    rule=who.rule,
                )
            )
            continue
        claims.append(_claim(f"c{len(claims) + 1}", draft, grounder.article, span, who))
    return claims, dropped


def _dropped(draft: ClaimDraft, located: Located, *, salvaged: bool) -> DroppedClaim:
    # The reason is the rule's message (an instruction to the model, as the re-ask was).
    assert located.rule is not None
    why = located.message
    if salvaged:
        why += " (still rejected after the last re-ask)"
    return DroppedClaim(
        quote_ar=draft.quote_ar,
        speaker_ar=draft.speaker_ar,
        claim_ar=draft.claim_ar,
        reason=why,
        rule=located.rule,
    )


def _speaker(draft: ClaimDraft, who: Attributed) -> Speaker:
    if who.resolution == "unresolved":
        # Never shown as a name: the renderers say "speaker unresolved".
        name = "" if is_unknown_speaker(draft.speaker_ar) else draft.speaker_ar
        return Speaker(name_ar=name, resolution="unresolved", mention=who.mention)
    return Speaker(
        name_ar=draft.speaker_ar,
        name_en=draft.speaker_en,
        role=draft.speaker_role,
        mention=who.mention,
    )


def _claim(claim_id: str, draft: ClaimDraft, article: str, span: Span, who: Attributed) -> Claim:
    return Claim(
        id=claim_id,
        speaker=_speaker(draft, who),
        claim_ar=draft.claim_ar,
        claim_en=draft.claim_en,
        kind=draft.kind,
        conditional=draft.conditional,
        condition=draft.condition if draft.conditional else None,
        attributed_via=draft.attributed_via,
        evidence=Evidence(
            quote_ar=article[span.start : span.end],
            start=span.start,
            end=span.end,
            sentence_ids=list(span.sentence_ids),
            method=span.method,
            score=round(span.score, 2),
        ),
        cue=who.cue,
        attribution=who.attribution,
    )


def assemble(
    result: EngineResult,
    grounder: Grounder,
    *,
    engine_name: str,
    started: float,
    source_id: str | None = None,
) -> Briefing:
    """Ground a draft's claims and build the `Briefing` with its `Meta`.

    Args:
        result: What the engine returned.
        grounder: The article's grounder.
        engine_name: Recorded as `meta.engine`.
        started: `time.perf_counter()` at the start of the call, for latency.
        source_id: Caller-given article id.

    Returns:
        The briefing; ungrounded claims are in `meta.dropped_claims`, never in `claims`.
    """
    claims, dropped = _ground_claims(result, grounder)
    draft = result.draft
    meta = Meta(
        engine=engine_name,
        model=result.model,
        base_url_host=result.base_url_host,
        prompt_version=result.prompt_version,
        toolkit_version=TOOLKIT_VERSION,
        attempts=result.attempts,
        cost_usd=result.cost_usd,
        latency_s=round(time.perf_counter() - started, 4),
        dropped_claims=dropped,
    )
    return draft.to_briefing(claims=claims, meta=meta, source_id=source_id)


def _prepare(text: str | bytes, max_chars: int) -> tuple[str, list[Sentence], Grounder]:
    article = check_input(text, max_chars=max_chars)
    sentences = split_sentences(article)
    return article, sentences, Grounder(article, sentences)


def _chunk_plans(
    engine: Engine, sentences: list[Sentence], length: int, chunk_chars: int | None
) -> list[ChunkPlan]:
    """Chunks of a long article (two or more), or [] when it is read in one pass."""
    limit = chunk_limit(engine, chunk_chars)
    if limit is None or length <= limit:
        return []
    plans = plan_chunks(sentences, limit)
    return plans if len(plans) > 1 else []


def summarize(
    text: str | bytes,
    *,
    model: str | None = None,
    base_url: str | None = None,
    source_id: str | None = None,
    engine: Engine | None = None,
    max_chars: int = MAX_CHARS,
    chunk_chars: int | None = None,
    **options: Any,
) -> Briefing:
    """Summarize one Arabic news article into a grounded, bilingual `Briefing`.

    Args:
        text: The article (str, or UTF-8 bytes). It is never modified: evidence offsets index it.
        model: Model name (`gpt-4.1-mini`, `qwen2.5-7b`…), `offline`, or `local:/path/model.gguf`.
            Defaults to KHULASA_MODEL; with nothing configured, the offline engine.
        base_url: An OpenAI-compatible endpoint, e.g. `http://127.0.0.1:8080/v1`. Env: KHULASA_BASE_URL.
        source_id: Your id for the article, copied to `briefing.source_id`.
        engine: A ready engine (overrides model/base_url), e.g. one shared across many calls.
        max_chars: Size limit of the article.
        chunk_chars: Longer articles are read in chunks of about this many characters and merged
            (`toolkit.chunking`); None = the engine's default (12,000 for model engines, never for
            offline), 0 = never chunk.
        **options: `EngineOptions` fields: api_key, mode, max_reasks, max_tokens, timeout,
            http_client, async_http_client, transport.

    Returns:
        The briefing. Every claim's `article[evidence.start:evidence.end]` is its evidence.

    Raises:
        InputError: The article is empty, binary, not Arabic or too long.
        ConfigurationError: The model configuration is incomplete.
        LLMError: The endpoint kept failing after transport retries.
        OutputValidationError: The output stayed invalid after every re-ask.
    """
    started = time.perf_counter()
    article, sentences, grounder = _prepare(text, max_chars)
    engine = engine or shared_engine(model, base_url, EngineOptions(**options))
    plans = _chunk_plans(engine, sentences, len(article), chunk_chars)
    if plans:  # long article: chunk, ground per chunk with global offsets, merge (toolkit.chunking)
        return summarize_chunked(
            engine, article, sentences, plans, assemble=assemble, started=started, source_id=source_id
        )
    result = engine.run(EngineRequest(article=article, sentences=sentences, grounder=grounder))
    return assemble(result, grounder, engine_name=engine.name, started=started, source_id=source_id)


async def asummarize(
    text: str | bytes,
    *,
    model: str | None = None,
    base_url: str | None = None,
    source_id: str | None = None,
    engine: Engine | None = None,
    max_chars: int = MAX_CHARS,
    chunk_chars: int | None = None,
    **options: Any,
) -> Briefing:
    """Async twin of `summarize` (same arguments, same result, same errors)."""
    started = time.perf_counter()
    article, sentences, grounder = _prepare(text, max_chars)
    engine = engine or shared_engine(model, base_url, EngineOptions(**options))
    plans = _chunk_plans(engine, sentences, len(article), chunk_chars)
    if plans:
        return await asummarize_chunked(
            engine, article, sentences, plans, assemble=assemble, started=started, source_id=source_id
        )
    result = await engine.arun(EngineRequest(article=article, sentences=sentences, grounder=grounder))
    return assemble(result, grounder, engine_name=engine.name, started=started, source_id=source_id)


def cache_key(engine: Engine, text: str, *, chunk_chars: int | None = None) -> str:
    """The response-cache key of `summarize(text, engine=engine, chunk_chars=chunk_chars)`.

    One definition for every caller (batch, eval), so they share cache entries.

    Args:
        engine: The engine that would answer.
        text: The exact article text.
        chunk_chars: The chunk budget passed to summarize.

    Returns:
        A hex sha256 (see `toolkit.cache.request_key`).
    """
    from toolkit.cache import request_key  # sqlite3 and the cache load only for callers that cache

    limit = chunk_limit(engine, chunk_chars)
    merge = merge_prompt_version() if limit is not None and len(text) > limit else None
    return request_key(engine, text, chunk_chars=limit, merge_prompt=merge)
