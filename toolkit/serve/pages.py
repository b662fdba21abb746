"""The web pages: server-rendered HTML, self-contained (inline CSS, no script needed), RTL where Arabic.

Every value reaches the HTML through Jinja2 autoescaping; the only markup built in Python is the
highlighted evidence (`toolkit.serve.views`), which escapes each piece after cutting it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from toolkit.errors import ToolkitError
from toolkit.pipeline import TOOLKIT_VERSION
from toolkit.render import render_review
from toolkit.serve.auth import safe_next, same, set_session
from toolkit.serve.errors import NotFound, status_of
from toolkit.serve.models import ID_PATTERN, BriefingRequest
from toolkit.serve.service import Service
from toolkit.serve.views import KINDS, highlight, timeline
from toolkit.store import ClaimPage, ClaimStore, SpeakerDetail, TimelineRow
from toolkit.store.conflicts import RULES

_TEMPLATES = Path(__file__).parent / "templates"
router = APIRouter(include_in_schema=False)


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["highlight"] = highlight
    return env


@cache
def _css() -> Markup:
    return Markup((_TEMPLATES / "serve.css").read_text(encoding="utf-8"))  # our own file, not input


def render(template: str, *, engine: str, **context: Any) -> str:
    """Render one page with the shared layout.

    Args:
        template: Template file name in `templates/`.
        engine: The server's engine name, shown in the navigation bar.
        **context: The template's variables.

    Returns:
        The HTML document.
    """
    return _env().get_template(template).render(version=TOOLKIT_VERSION, css=_css(), engine=engine, **context)


def login_html(next_path: str, error: str | None) -> str:
    """The login form (shown with a 401 to a browser without the session cookie)."""
    return render("login.html.j2", engine="-", next=next_path, error=error)


def _service(request: Request) -> Service:
    svc: Service = request.app.state.service
    return svc


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """An HTML response rendered with the server's engine name in the layout."""
    return HTMLResponse(render(template, engine=_service(request).engine.name, **context), status_code=status)


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The login form (useful when the token is not in the URL)."""
    return page(request, "login.html.j2", next=safe_next(next), error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token from the form; on success set the session cookie and go back."""
    form = await request.form()
    token, target = _service(request).settings.token, safe_next(str(form.get("next") or "/"))
    if token is None:
        return RedirectResponse(target, 303)
    if not same(str(form.get("token") or ""), token):
        return page(request, "login.html.j2", 401, next=target, error="wrong token")
    return set_session(RedirectResponse(target, 303), token)


_EMPTY_FORM = {"id": "", "title": "", "date": "", "text": ""}


@router.get("/new")
async def new_form(request: Request) -> HTMLResponse:
    """The form to paste an article."""
    return page(request, "new.html.j2", form=_EMPTY_FORM, id_pattern=ID_PATTERN, error=None, hint=None)


def _form_error(
    request: Request, form: dict[str, str], message: str, hint: str | None, status: int = 422
) -> HTMLResponse:
    return page(request, "new.html.j2", status, form=form, id_pattern=ID_PATTERN, error=message, hint=hint)


@router.post("/new")
async def new_article(request: Request) -> Response:
    """Make the briefing of a pasted article, file it, and show its review page."""
    raw = await request.form()
    form = {k: str(raw.get(k) or "") for k in _EMPTY_FORM}
    try:
        body = BriefingRequest.model_validate(
            {
                "id": form["id"].strip(),
                "text": form["text"],
                "title": form["title"].strip() or None,
                "date": dt.date.fromisoformat(form["date"]) if form["date"] else None,
            }
        )
    except (ValidationError, ValueError) as exc:
        problem = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": ("date",), "msg": str(exc)}
        where = ".".join(str(p) for p in problem["loc"])
        return _form_error(request, form, f"{where}: {problem['msg']}", None)
    try:
        briefing, added = await _service(request).add(body)
    except ToolkitError as exc:
        return _form_error(request, form, exc.message, exc.hint, status_of(exc)[0])
    if added is None:  # made but not stored: show it rather than lose it
        return HTMLResponse(render_review(briefing, body.text))
    return RedirectResponse(f"/articles/{quote(added.article_id)}", 303)


# --- pages over the claim store ---------------------------------------------------------------------

_PAGE = 50


def _next_url(path: str, params: dict[str, str | None], cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return path + "?" + urlencode({**{k: v for k, v in params.items() if v}, "cursor": cursor})


def _day(value: str) -> str | None:
    """A YYYY-MM-DD from a form field, or None (an invalid one is ignored rather than refused)."""
    try:
        return dt.date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


@router.get("/")
async def search(
    request: Request, q: str = "", kind: str = "", since: str = "", until: str = "", cursor: str | None = None
) -> HTMLResponse:
    """Search speakers and claims; with no query, the most quoted speakers."""
    store = _service(request).store
    q, kind_ok = q.strip()[:200], kind if kind in KINDS else None
    since_d, until_d = _day(since), _day(until)
    context: dict[str, Any] = {
        "q": q,
        "kind": kind_ok or "",
        "since": since_d or "",
        "until": until_d or "",
        "kinds": KINDS,
        "store": store.backend,
        "error": None,
        "speakers": [],
        "rows": [],
        "next_url": None,
        "stats": {},
        "top": [],
    }
    if not q:
        context["stats"], context["top"] = await store.run(lambda s: (s.stats(), s.speakers(limit=15)))
        return page(request, "search.html.j2", **context)
    try:
        speakers, claims = await store.run(lambda s: _search(s, q, kind_ok, since_d, until_d, cursor))
    except ToolkitError as exc:  # e.g. a stale cursor
        return page(request, "search.html.j2", 422, **{**context, "error": exc.message})
    params = {"q": q, "kind": kind_ok, "since": since_d, "until": until_d}
    context.update(speakers=speakers, rows=claims.items, next_url=_next_url("/", params, claims.next_cursor))
    return page(request, "search.html.j2", **context)


def _search(
    store: ClaimStore, q: str, kind: str | None, since: str | None, until: str | None, cursor: str | None
) -> tuple[list[SpeakerDetail], ClaimPage]:
    """Speakers the query names, and claims by them or mentioning the query."""
    ids = store.find_speakers(q)
    speakers = [d for d in (store.speaker(i) for i in ids) if d is not None]
    by = "speaker" if speakers else "about"
    claims = store.claims(
        speaker=q if by == "speaker" else None,
        about=q if by == "about" else None,
        kind=kind,
        since=since,
        until=until,
        limit=_PAGE,
        cursor=cursor,
    )
    return speakers, claims


@router.get("/speakers")
async def speakers_page(request: Request) -> HTMLResponse:
    """Every speaker in the store, most quoted first."""
    rows = await _service(request).store.run(lambda s: s.speakers())
    return page(request, "speakers.html.j2", speakers=rows)


@router.get("/speakers/{speaker_id}")
async def speaker_page(request: Request, speaker_id: str, cursor: str | None = None) -> Response:
    """One speaker: claims over time (SVG), by kind, with aliases, then the claims themselves."""

    def load(s: ClaimStore) -> tuple[SpeakerDetail | None, list[TimelineRow], ClaimPage]:
        detail = s.speaker(speaker_id)
        if detail is None:
            return None, [], ClaimPage()
        return detail, s.timeline(speaker_id), s.claims(speaker=speaker_id, limit=_PAGE, cursor=cursor)

    try:
        detail, rows, claims = await _service(request).store.run(load)
    except ToolkitError as exc:
        raise NotFound(exc.message) from exc
    if detail is None:
        raise NotFound(f"no speaker {speaker_id!r} in the store", hint="find speakers from the search page")
    next_url = _next_url(f"/speakers/{quote(speaker_id)}", {}, claims.next_cursor)
    return page(request, "speaker.html.j2", s=detail, tl=timeline(rows), rows=claims.items, next_url=next_url)


_NAV = (
    '<nav style="font:14px system-ui,sans-serif;padding:.4rem 1.25rem;background:#fff;'
    'border-bottom:1px solid #d8d8e0"><a href="/">← Search</a> · <a href="/speakers">Speakers</a> · '
    '<a href="/conflicts">Conflicts</a></nav>'
)


@router.get("/articles/{article_id}")
async def article_page(request: Request, article_id: str) -> Response:
    """The article's review page (toolkit.render's), with a link back to the search."""
    found = await _service(request).store.run(lambda s: s.article(article_id))
    if found is None:
        raise NotFound(f"no article {article_id!r} in the store", hint="open articles from a search result")
    review = render_review(found.briefing, found.text)
    return HTMLResponse(review.replace("<body>", "<body>\n" + _NAV, 1))


@router.get("/conflicts")
async def conflicts_page(request: Request, speaker: str = "", rule: str = "") -> HTMLResponse:
    """Candidate pairs of claims that may contradict each other, both evidences side by side."""
    rule_ok = rule if rule in RULES else None
    pairs = await _service(request).store.run(
        lambda s: s.conflicts(speaker.strip()[:200] or None, rule=rule_ok, limit=100)
    )
    return page(request, "conflicts.html.j2", pairs=pairs)
