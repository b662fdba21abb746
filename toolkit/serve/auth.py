"""Who gets in: the bearer token for the API, a cookie for the pages, and the host/origin checks.

One pure-ASGI middleware, outside every route, so no endpoint can forget it:

* With a token, every `/v1` request needs `Authorization: Bearer T` (401 otherwise). Pages accept
  the same header, or a cookie set once by `/?token=T` (then redirected to the same URL without
  the token, so it leaves the address bar and the history) or by the login form. The cookie holds an
  HMAC of the token, not the token, and is HttpOnly and SameSite=Strict. Every comparison is
  constant-time (`hmac.compare_digest`).
* On a loopback bind the Host header must name a loopback host: a web page elsewhere cannot reach the
  server through DNS rebinding. A POST whose Origin is another site is refused (403): no other site
  can make a logged-in browser paste articles.
* `/healthz` and `/openapi.json` stay open: they reveal nothing stored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolkit.serve.settings import LOOPBACK_NAMES

COOKIE = "khulasa_session"
PUBLIC_PATHS = frozenset({"/healthz", "/openapi.json", "/login"})
TOO_LARGE = "the request body is over the server's size limit (--max-body)"
"""The 413 message, whether the headers or the streamed body gave the size away."""
LoginPage = Callable[[str, str | None], str]
"""(next_path, error or None) -> the login page HTML."""


def session_value(token: str) -> str:
    """The cookie value for a token: an HMAC of it, so a leaked cookie is not the token itself."""
    return hmac.new(token.encode("utf-8"), b"khulasa-session-v1", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Constant-time string comparison (False for a missing value)."""
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def safe_next(path: str | None) -> str:
    """A local path to go back to after logging in; anything else (other sites, //host) becomes `/`."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def error_json(
    status: int,
    kind: str,
    message: str,
    hint: str | None = None,
    *,
    details: list[dict[str, object]] | None = None,
) -> JSONResponse:
    """The API's one error shape (see `toolkit.serve.models.ErrorResponse`)."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    error: dict[str, object] = {"type": kind, "status": status, "message": message, "hint": hint}
    if details is not None:
        error["details"] = details
    body = {"error": error}
    return JSONResponse(body, status_code=status, headers=headers)


def _bearer(headers: Headers) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _cookie(headers: Headers) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is simply no session
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


def set_session(response: Response, token: str) -> Response:
    """Give the browser its session cookie (HttpOnly, SameSite=Strict, whole site)."""
    response.set_cookie(COOKIE, session_value(token), httponly=True, samesite="strict", path="/")
    return response


class Gatekeeper:
    """ASGI middleware: host and origin checks, then the token (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, *, token: str | None, loopback: bool, max_body: int, login_page: LoginPage
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.token = token
        self.session = session_value(token) if token else None
        self.loopback = loopback
        self.login_page = login_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response = self._refusal(scope, Headers(scope=scope))
        if response is None:
            await self.app(scope, _limited(receive, self.max_body), send)
        else:
            await response(scope, receive, send)

    def _refusal(self, scope: Scope, headers: Headers) -> Response | None:
        path: str = scope["path"]
        api = path.startswith("/v1/") or path == "/v1"
        if self.loopback and not _loopback_host(headers.get("host", "")):
            return _refuse(
                api, 400, "BadHost", "this server only answers to a loopback Host (127.0.0.1, localhost)"
            )
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not _same_origin(headers):
            return _refuse(api, 403, "CrossOrigin", "a request from another site was refused")
        if _declared_length(headers) > self.max_body:
            # Refused from the headers alone; a streamed (chunked) body is cut off by `_limited`
            # as soon as it passes the limit.
            return error_json(413, "ContentTooLarge", TOO_LARGE, hint="send a smaller article")
        if self.token is None or path in PUBLIC_PATHS:
            return None
        if same(_bearer(headers), self.token):
            return None
        if api:
            return error_json(
                401,
                "Unauthorized",
                "missing or wrong bearer token",
                hint="send the header `Authorization: Bearer <token>` (the server's KHULASA_TOKEN)",
            )
        return self._page_login(scope, headers)

    def _page_login(self, scope: Scope, headers: Headers) -> Response | None:
        assert self.token is not None and self.session is not None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = next((v for k, v in query if k == "token"), None)
        if given is not None:
            if not same(given, self.token):
                return _login(self.login_page, scope["path"], "wrong token")
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            return set_session(
                RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303), self.token
            )
        if same(_cookie(headers), self.session):
            return None
        here = scope["path"] + (
            f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else ""
        )
        return _login(self.login_page, here, None)


def _login(page: LoginPage, next_path: str, error: str | None) -> Response:
    return Response(page(safe_next(next_path), error), status_code=401, media_type="text/html")


def _refuse(api: bool, status: int, kind: str, message: str) -> Response:
    if api:
        return error_json(status, kind, message)
    return Response(message + "\n", status_code=status, media_type="text/plain")


class BodyTooLarge(HTTPException):
    """Raised while reading a body that grew past the limit; routes re-raise it, the handler says 413."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return receive_limited


def _declared_length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0


def _loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in LOOPBACK_NAMES


def _same_origin(headers: Headers) -> bool:
    # Browsers send Origin on every cross-site POST; tools like curl send none (nothing to forge).
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
