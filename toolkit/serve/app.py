"""The ASGI application: `create_app(settings)` wires the API, the pages, the gate and the error handlers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from toolkit.engines.base import Engine
from toolkit.serve import api, errors, pages
from toolkit.serve.auth import Gatekeeper
from toolkit.serve.logs import AccessLog
from toolkit.serve.service import Service, build_engine
from toolkit.serve.settings import ServeSettings, is_loopback
from toolkit.serve.stores import StorePool

API_VERSION = "1.0.0"
"""Version of the HTTP API (the OpenAPI document's `info.version`); independent of the package version
so the committed document does not change with every release."""

DESCRIPTION = """\
Grounded briefings of Arabic news, and the claims — who said what — of every article filed in the
claim store. Every evidence span indexes the article text exactly as it was posted.

With a token (`khulasa serve --token` / `KHULASA_TOKEN`), every `/v1` request needs
`Authorization: Bearer <token>`; `/healthz` and this document are open. Errors are JSON
`{"error": {"type", "status", "message", "hint"}}`.
"""


def create_app(
    settings: ServeSettings, *, engine: Engine | None = None, store: StorePool | None = None
) -> FastAPI:
    """Build the application.

    Args:
        settings: Checked server settings.
        engine: A ready engine (tests, benchmarks); default: resolved from `settings.engine`.
        store: A ready store pool (tests); default: opened from `settings.store_url`.

    Returns:
        The FastAPI application (serve it with uvicorn, or `toolkit.serve.run`).

    Raises:
        ConfigurationError: Bad settings, or an incomplete engine configuration.
    """
    settings = settings.checked()
    engine = engine or build_engine(settings.engine)
    service = Service(settings, engine, store or StorePool(settings.store_url))

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="khulasa",
        version=API_VERSION,
        description=DESCRIPTION,
        docs_url=None,  # the interactive docs load scripts from a CDN; the pages stay self-contained
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = service
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(
        Gatekeeper,
        token=settings.token,
        loopback=is_loopback(settings.host),
        max_body=settings.max_body,
        login_page=pages.login_html,
    )
    app.add_middleware(AccessLog)
    return app
