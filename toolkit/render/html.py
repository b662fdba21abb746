"""The review page: one self-contained HTML file where every claim sits highlighted in the Arabic source.

The article is cut by the offsets the toolkit computed — every claim's evidence (what), speaker
mention (who) and cue (said) — never by searching the text again. The page is built by one walk over
the sorted span boundaries, escaping each segment *after* it is cut, so HTML escaping can never shift
an offset. Overlapping or nested spans become flat segments that carry every claim id covering them
(`data-claims="c1 c3"` for evidence, `data-who` for mentions, `data-cue` for cues).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from toolkit.errors import InputError
from toolkit.render._text import (
    UNRESOLVED,
    NameIndex,
    flag_notes,
    group_by_speaker,
    is_unresolved,
    speaker_index,
)
from toolkit.render.markdown import NO_ENGLISH
from toolkit.schema import Briefing, Claim

N_COLOURS = 8
"""Size of the speaker palette (CSS classes sp-0 … sp-7); speakers beyond it reuse colours in order."""

_TEMPLATES = Path(__file__).parent / "templates"
_ID_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:")


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class _Span:
    """One span of a claim, validated against the article.

    Attributes:
        cid: The claim id.
        start: Start offset.
        end: End offset.
        colour: The speaker's palette index.
        role: ``ev`` (the evidence: what), ``who`` (the speaker's mention) or ``cue`` (said).
    """

    cid: str
    start: int
    end: int
    colour: int
    role: str = "ev"


def _check_id(claim: Claim, seen: set[str]) -> None:
    # Ids go into id="ev-…" and the space-separated data-claims list: they must be unique and plain.
    if not claim.id or not set(claim.id) <= _ID_OK:
        raise InputError(
            f"claim id {claim.id!r} cannot be used on the review page",
            hint="claim ids must be non-empty and use only letters, digits, '_', '-', '.' or ':' (e.g. 'c1')",
        )
    if claim.id in seen:
        raise InputError(
            f"claim id {claim.id!r} appears twice in the briefing", hint="claim ids must be unique"
        )
    seen.add(claim.id)


def _check_span(claim: Claim, article: str) -> None:
    ev = claim.evidence
    parts = [("evidence", ev.start, ev.end, ev.quote_ar)]
    for what, span in (("speaker mention", claim.speaker.mention), ("cue", claim.cue)):
        if span is not None:
            parts.append((what, span.start, span.end, span.text))
    for what, start, end, text in parts:
        if not 0 <= start < end <= len(article):
            raise InputError(
                f"claim {claim.id}: {what} span [{start}, {end}) does not index the article "
                f"({len(article)} characters)",
                hint="pass the exact article text the briefing was made from (same file, same bytes)",
            )
        if article[start:end] != text:
            raise InputError(
                f"claim {claim.id}: article[{start}:{end}] is not the claim's {what} "
                f"({article[start:end][:40]!r} != {text[:40]!r})",
                hint="the briefing was made from a different text; pass the exact article it was made from",
            )


def _spans(briefing: Briefing, article: str, colours: dict[str, int]) -> list[_Span]:
    """Validate every claim's spans against the article and return them (who, said, what)."""
    seen: set[str] = set()
    spans = []
    for claim in briefing.claims:
        _check_id(claim, seen)
        _check_span(claim, article)
        colour = colours[claim.id]
        spans.append(_Span(claim.id, claim.evidence.start, claim.evidence.end, colour))
        mention = claim.speaker.mention
        if mention is not None and not is_unresolved(claim):  # a candidate is never shown as the speaker
            spans.append(_Span(claim.id, mention.start, mention.end, colour, "who"))
        if claim.cue is not None:
            spans.append(_Span(claim.id, claim.cue.start, claim.cue.end, colour, "cue"))
    return spans


def _escape(text: str) -> str:
    # A raw CR would be normalized to LF by the HTML parser and break article[start:end] == textContent;
    # a character reference survives as a real CR.
    return html.escape(text, quote=True).replace("\r", "&#13;")


def _open_mark(active: Sequence[_Span], a: int) -> str:
    """The opening tag of a highlighted segment starting at offset `a`, plus anchors for extra ids.

    Evidence keeps its speaker's fill (``mark.ev``, ``data-claims``); a speaker mention (``who``,
    ``data-who``) and a cue (``cue``, ``data-cue``) get their own styles, also inside evidence.
    """
    ev = [s for s in active if s.role == "ev"]
    who = [s for s in active if s.role == "who"]
    cue = [s for s in active if s.role == "cue"]
    classes, attrs = [], []
    if ev:
        classes += ["ev", f"sp-{ev[0].colour}"] + (["multi"] if len(ev) > 1 else [])
        attrs.append(f'data-claims="{" ".join(s.cid for s in ev)}"')
    if who:
        classes += ["who"] + ([] if ev else [f"sp-{who[0].colour}"])
        attrs.append(f'data-who="{" ".join(dict.fromkeys(s.cid for s in who))}"')
    if cue:
        classes.append("cue")
        attrs.append(f'data-cue="{" ".join(dict.fromkeys(s.cid for s in cue))}"')
    starting = [s.cid for s in ev if s.start == a]
    # One element has one id: extra claims that start here get an empty anchor (no text, so
    # textContent of the marks is untouched).
    anchors = "".join(f'<span class="ev-anchor" id="ev-{cid}"></span>' for cid in starting[1:])
    ident = f' id="ev-{starting[0]}"' if starting else ""
    return f'{anchors}<mark class="{" ".join(classes)}" {" ".join(attrs)}{ident}>'


def article_html(article: str, spans: Sequence[_Span]) -> str:
    """Cut the article at every span boundary, escape each piece, wrap covered pieces in marks.

    Args:
        article: The original article text.
        spans: Validated spans (0 <= start < end <= len(article)) of every role.

    Returns:
        HTML whose text content is exactly `article`.
    """
    bounds = sorted({0, len(article)} | {s.start for s in spans} | {s.end for s in spans})
    parts = []
    for a, b in pairwise(bounds):
        active = [s for s in spans if s.start <= a and b <= s.end]
        text = _escape(article[a:b])
        parts.append(f"{_open_mark(active, a)}{text}</mark>" if active else text)
    return "".join(parts)


def _overlapping(spans: Sequence[_Span]) -> bool:
    """True when any two evidence spans share a character (the legend then explains the dashes)."""
    reach = -1
    for s in sorted((s for s in spans if s.role == "ev"), key=lambda s: s.start):
        if s.start < reach:
            return True
        reach = max(reach, s.end)
    return False


def _speaker_view(claims: Sequence[Claim], index: NameIndex, colour: int) -> dict[str, Any]:
    first = claims[0].speaker
    if is_unresolved(claims[0]):
        return {"name_en": UNRESOLVED, "name_ar": "", "colour": colour, "count": len(claims)}
    return {
        "name_en": index.english(first.name_ar, first.name_en),
        "name_ar": first.name_ar,
        "colour": colour,
        "count": len(claims),
    }


_METHODS = {
    "exact": "as given",
    "alias": "another form of the name",
    "antecedent": "carried over from the previous claim",
    "fuzzy": "by similarity",
    "lexicon": "found by the toolkit",
}


def _where(method: str | None, distance: int | None) -> str:
    how = _METHODS.get(method or "", method or "")
    if distance is None:
        return how
    away = "same sentence" if distance == 0 else f"{distance} sentence{'' if distance == 1 else 's'} away"
    return f"{how}, {away}"


def _card(claim: Claim, index: NameIndex, colour: int) -> dict[str, Any]:
    a = claim.attribution
    unresolved = is_unresolved(claim)
    return {
        "c": claim,
        "unresolved": unresolved,
        "name_en": None if unresolved else index.english(claim.speaker.name_ar, claim.speaker.name_en),
        "colour": colour,
        "who": None if unresolved else claim.speaker.mention,
        "who_how": _where(a.mention_method, a.mention_distance) if a else "",
        "cue_how": _where(a.cue_method, a.cue_distance) if a else "",
        "flags": flag_notes(claim),
    }


def _cost(briefing: Briefing) -> str:
    cost = briefing.meta.cost_usd
    return "unknown (no price for this model)" if cost is None else f"${cost:.4f}"


def render_review(briefing: Briefing, article: str) -> str:
    """Render the self-contained HTML review page of a briefing over its article.

    Args:
        briefing: The briefing; its evidence offsets must index `article`.
        article: The exact article text the briefing was made from.

    Returns:
        One HTML document (inline CSS and JS, no external resource) as a string.

    Raises:
        InputError: A claim's span does not index the article (out of range, empty, or not its quote),
            or claim ids are duplicated or unusable as HTML ids.
    """
    index = speaker_index(briefing.claims)
    groups = list(group_by_speaker(briefing.claims, index).values())
    colours = {c.id: n % N_COLOURS for n, claims in enumerate(groups) for c in claims}
    spans = _spans(briefing, article, colours)
    template = _env().get_template("review.html.j2")
    # Markup() below marks HTML we built ourselves from escaped pieces, and our own CSS/JS files.
    return template.render(
        b=briefing,
        meta=briefing.meta,
        no_english=NO_ENGLISH,
        article_html=Markup(article_html(article, spans)),
        speakers=[_speaker_view(g, index, n % N_COLOURS) for n, g in enumerate(groups)],
        cards=[_card(c, index, colours[c.id]) for c in briefing.claims],
        has_overlap=_overlapping(spans),
        n_flagged=sum(1 for c in briefing.claims if c.attribution and c.attribution.flags),
        cost=_cost(briefing),
        css=Markup((_TEMPLATES / "review.css").read_text(encoding="utf-8")),
        js=Markup((_TEMPLATES / "review.js").read_text(encoding="utf-8")),
    )
