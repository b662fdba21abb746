"""Every failure becomes a typed answer: 4xx for what the caller can fix, 502/504 for the model.

Bad input never reaches a 500: invalid JSON is 400, a body that does not match the schema is 422 with
each problem and where it is, an article the pipeline refuses is 422 with the `InputError`'s own
message and hint, an unknown id is 404. A model endpoint that keeps failing is 502 (`LLMError`,
`OutputValidationError`); one that times out, or a briefing that outlives `--request-timeout`, is 504.
API paths answer JSON (`ErrorResponse`); pages answer a small HTML page.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response

from toolkit.errors import ConfigurationError, InputError, LLMError, OutputValidationError, ToolkitError
from toolkit.serve.auth import TOO_LARGE, error_json
from toolkit.serve.models import ErrorResponse

log = logging.getLogger("khulasa.serve")

_NOT_JSON, _SEND_JSON = "the body is not valid JSON", "send one UTF-8 JSON object (see /openapi.json)"
_HTTP_NAMES = {400: "BadRequest", 404: "NotFound", 405: "MethodNotAllowed", 413: "ContentTooLarge"}


class DeadlineExceeded(ToolkitError):
    """A briefing took longer than `--request-timeout` (waiting for a free slot included)."""


class NotFound(ToolkitError):
    """No article, speaker or page with that id."""


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for error statuses, all with the `ErrorResponse` body."""
    what = {
        400: "The body is not valid JSON.",
        401: "Missing or wrong bearer token (only when the server has a token).",
        404: "No such id.",
        413: "The body is larger than the server's limit (--max-body); refused before it is read.",
        422: "The request does not match the schema, or the pipeline refused the article (InputError).",
        502: "The model endpoint failed after retries, or its output stayed invalid after re-asks.",
        504: "The model endpoint timed out, or the briefing outlived the server's --request-timeout.",
    }
    return {s: {"model": ErrorResponse, "description": what[s]} for s in statuses}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/v1")
        or path in ("/healthz", "/openapi.json")
        or ("text/html" not in request.headers.get("accept", ""))
    )


def _answer(
    request: Request,
    status: int,
    kind: str,
    message: str,
    hint: str | None = None,
    *,
    details: list[dict[str, object]] | None = None,
) -> Response:
    if _wants_json(request):
        return error_json(status, kind, message, hint, details=details)
    body = f"<h1>{status}</h1><p>{html.escape(message)}</p>"
    if hint:
        body += f"<p>{html.escape(hint)}</p>"
    page = (
        f'<!DOCTYPE html><meta charset="utf-8"><link rel="icon" href="data:,"><title>{status}</title>{body}'
    )
    page += '<p><a href="/">Search</a></p>'
    return HTMLResponse(page, status_code=status)


def status_of(exc: ToolkitError) -> tuple[int, str]:
    """The HTTP status and error type name of a toolkit error."""
    if isinstance(exc, InputError):
        return 422, "InputError"
    if isinstance(exc, NotFound):
        return 404, "NotFound"
    if isinstance(exc, DeadlineExceeded):
        return 504, "Timeout"
    if isinstance(exc, LLMError):
        # A timeout has no HTTP status; the openai client's timeout error is its cause.
        timed_out = exc.status in (408, 504) or "Timeout" in type(exc.__cause__).__name__
        return (504 if timed_out else 502), "LLMError"
    if isinstance(exc, OutputValidationError):
        return 502, "OutputValidationError"
    if isinstance(exc, ConfigurationError):
        return 500, "ConfigurationError"
    return 500, type(exc).__name__


def _validation_details(exc: RequestValidationError) -> list[dict[str, object]]:
    # Never echo the input back: it can be a whole article, or bytes that are not JSON-safe.
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type")),
        }
        for err in exc.errors()
    ]


async def _on_validation(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return _answer(request, 400, "BadRequest", _NOT_JSON, _SEND_JSON)
    ours = next((e for e in errors if e.get("type") == "input_error"), None)
    if ours is not None:
        hint = (ours.get("ctx") or {}).get("hint")
        return _answer(request, 422, "InputError", str(ours.get("msg")), hint)
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ())) or "(request)"
    message = f"{len(errors)} problem(s) in the request; first: {where}: {first.get('msg', 'invalid')}"
    hint = "see the OpenAPI document at /openapi.json"
    return _answer(request, 422, "ValidationError", message, hint, details=_validation_details(exc))


async def _on_toolkit(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ToolkitError)
    status, kind = status_of(exc)
    if status >= 500:
        log.warning("%s %s -> %d %s: %s", request.method, request.url.path, status, kind, exc.message)
    return _answer(request, status, kind, exc.message, exc.hint)


async def _on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = _HTTP_NAMES.get(exc.status_code, f"HTTP{exc.status_code}")
    message = str(exc.detail) if exc.detail else kind
    if exc.status_code == 400 and request.method == "POST":  # undecodable body (not UTF-8)
        return _answer(request, 400, kind, _NOT_JSON, _SEND_JSON)
    if exc.status_code == 413:
        return _answer(request, 413, kind, TOO_LARGE, "send a smaller article")
    response = _answer(request, exc.status_code, kind, message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return _answer(request, 500, "InternalError", "internal error (logged on the server)")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into a typed error answer."""
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(ToolkitError, _on_toolkit)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)
