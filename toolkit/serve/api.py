"""The JSON API under `/v1`, typed by the toolkit's own Pydantic models (the OpenAPI document follows).

Responses are the models the library already returns: `Briefing` (toolkit.schema) and the claim
store's rows (toolkit.store.models), so a client reads the same JSON from HTTP, the CLI's `--json`
and Python. Every claim row carries its `article_id`; `GET /v1/briefings/{article_id}` returns that
article's text, so any evidence span can be checked: `text[start:end] == evidence.text`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from toolkit.pipeline import TOOLKIT_VERSION
from toolkit.schema import Briefing, ClaimKind
from toolkit.serve.errors import NotFound, responses
from toolkit.serve.models import BriefingRequest, Health
from toolkit.serve.service import Service
from toolkit.store import ArticleInfo, ClaimPage, ConflictPair, SpeakerDetail, SpeakerSummary, StoredArticle
from toolkit.store.models import ConflictRule

router = APIRouter()

_PLAIN = r"^[^\x00-\x1f]*$"  # no control characters (PostgreSQL refuses NUL in text)
_ID = r"^[^\x00-\x1f/]{1,200}$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
Speaker = Annotated[str | None, Query(max_length=200, pattern=_PLAIN, description="Speaker id or name.")]
Day = Annotated[str | None, Query(pattern=_DATE, description="A date, YYYY-MM-DD (inclusive).")]
READ_ERRORS = responses(401, 422)


def service(request: Request) -> Service:
    """The application's `Service` (set by `create_app`)."""
    svc: Service = request.app.state.service
    return svc


@router.get("/healthz", response_model=Health, tags=["server"], summary="Liveness, engine and store")
async def healthz(request: Request) -> Health:
    """Answer while the server is up; says which engine and store it runs (no token needed)."""
    svc = service(request)
    return Health(
        status="ok",
        version=TOOLKIT_VERSION,
        engine=svc.engine.name,
        model=getattr(getattr(svc.engine, "config", None), "model", None),
        store=svc.store_backend,
        auth=svc.settings.token is not None,
    )


@router.post(
    "/v1/briefings",
    response_model=Briefing,
    tags=["briefings"],
    summary="Summarize an article into a grounded briefing and file it in the claim store",
    responses=responses(400, 401, 413, 422, 502, 504),
)
async def post_briefing(body: BriefingRequest, request: Request, response: Response) -> Briefing:
    """Summarize one Arabic article with the server's engine and add it to the claim store.

    Every claim's `text[evidence.start:evidence.end]` is its evidence. The `Location` header names
    the stored article (`/v1/briefings/{article_id}`) and `X-Khulasa-Stored` says what the store did:
    `added`, `replaced` (a newer briefing of the same text), `unchanged`, or `failed` (the briefing
    is still returned; the server logs why). At most `--concurrency` briefings are made at once; the
    others wait, and the wait counts towards `--request-timeout`.
    """
    briefing, added = await service(request).add(body)
    if added is None:
        response.headers["X-Khulasa-Stored"] = "failed"
    else:
        response.headers["X-Khulasa-Stored"] = added.status
        response.headers["Location"] = f"/v1/briefings/{added.article_id}"
    return briefing


@router.get(
    "/v1/briefings/{article_id}",
    response_model=StoredArticle,
    tags=["briefings"],
    summary="A stored article: its text, metadata and briefing",
    responses=responses(401, 404, 422),
)
async def get_briefing(request: Request, article_id: Annotated[str, Path(pattern=_ID)]) -> StoredArticle:
    """The article `article_id` (as in every claim row and the POST's `Location`)."""
    found = await service(request).store.run(lambda s: s.article(article_id))
    if found is None:
        raise NotFound(f"no article {article_id!r} in the store", hint="article ids come from GET /v1/claims")
    return found


@router.get("/v1/articles", response_model=list[ArticleInfo], tags=["briefings"], responses=READ_ERRORS)
async def list_articles(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[ArticleInfo]:
    """Stored articles' metadata, newest first."""
    return await service(request).store.run(lambda s: s.articles(limit=limit, offset=offset))


@router.get(
    "/v1/claims",
    response_model=ClaimPage,
    tags=["claims"],
    summary="Claims in time order, filtered, one page at a time",
    responses=READ_ERRORS,
)
async def get_claims(
    request: Request,
    speaker: Speaker = None,
    about: Annotated[
        str | None, Query(max_length=200, pattern=_PLAIN, description="Folded full-text search term(s).")
    ] = None,
    kind: Annotated[ClaimKind | None, Query(description="Only this kind of claim.")] = None,
    since: Day = None,
    until: Day = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Page size.")] = 50,
    cursor: Annotated[str | None, Query(max_length=500, pattern=_PLAIN, description="`next_cursor`.")] = None,
) -> ClaimPage:
    """Claims oldest first; pass the page's `next_cursor` as `cursor` for the next one."""
    return await service(request).store.run(
        lambda s: s.claims(speaker, about, kind, since, until, limit=limit, cursor=cursor)
    )


@router.get("/v1/speakers", response_model=list[SpeakerSummary], tags=["speakers"], responses=READ_ERRORS)
async def list_speakers(
    request: Request, limit: Annotated[int | None, Query(ge=1, le=10_000)] = None
) -> list[SpeakerSummary]:
    """Every store speaker with claims, most claims first, with counts and aliases."""
    return await service(request).store.run(lambda s: s.speakers(limit=limit))


@router.get(
    "/v1/speakers/{speaker_id}",
    response_model=SpeakerDetail,
    tags=["speakers"],
    responses=responses(401, 404, 422),
)
async def get_speaker(request: Request, speaker_id: Annotated[str, Path(pattern=_ID)]) -> SpeakerDetail:
    """One speaker with every alias, role, kind count and correction."""
    found = await service(request).store.run(lambda s: s.speaker(speaker_id))
    if found is None:
        raise NotFound(f"no speaker {speaker_id!r} in the store", hint="ids come from GET /v1/speakers")
    return found


@router.get("/v1/conflicts", response_model=list[ConflictPair], tags=["claims"], responses=READ_ERRORS)
async def get_conflicts(
    request: Request,
    speaker: Speaker = None,
    rule: Annotated[ConflictRule | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ConflictPair]:
    """Candidate pairs of claims that may contradict each other (for a person to judge), newest first."""
    return await service(request).store.run(lambda s: s.conflicts(speaker, rule=rule, limit=limit))
