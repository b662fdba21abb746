"""The JSON API under `/v1`, typed by the toolkit's own Pydantic models (the OpenAPI document follows)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from toolkit.pipeline import TOOLKIT_VERSION
from toolkit.schema import Briefing
from toolkit.serve.errors import responses
from toolkit.serve.models import BriefingRequest, Health
from toolkit.serve.service import Service

router = APIRouter()


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
    summary="Summarize an article into a grounded briefing",
    responses=responses(400, 401, 413, 422, 502, 504),
)
async def post_briefing(body: BriefingRequest, request: Request) -> Briefing:
    """Summarize one Arabic article with the server's engine and file it in the claim store.

    Every claim's `text[evidence.start:evidence.end]` is its evidence. At most `--concurrency`
    briefings are made at once; the others wait (the wait counts towards `--request-timeout`).
    """
    svc = service(request)
    return await svc.briefing(body.text, body.id)
