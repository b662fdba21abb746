"""The web pages: server-rendered HTML, self-contained (inline CSS, no script needed), RTL where Arabic.

Every value reaches the HTML through Jinja2 autoescaping; the only markup built in Python is the
highlighted evidence (`toolkit.serve.views`), which escapes each piece after cutting it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from toolkit.errors import ToolkitError
from toolkit.pipeline import TOOLKIT_VERSION
from toolkit.render import render_review
from toolkit.serve.auth import safe_next, same, set_session
from toolkit.serve.errors import status_of
from toolkit.serve.models import ID_PATTERN, BriefingRequest
from toolkit.serve.service import Service

_TEMPLATES = Path(__file__).parent / "templates"
router = APIRouter(include_in_schema=False)


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


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
        briefing = await _service(request).briefing(body.text, body.id)
    except ToolkitError as exc:
        return _form_error(request, form, exc.message, exc.hint, status_of(exc)[0])
    return HTMLResponse(render_review(briefing, body.text))
