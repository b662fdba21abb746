"""English Markdown briefings: one article, or a digest of several.

The Python here decides *what* to show (fallbacks, grouping, escaping); the Jinja2 templates in
`templates/` decide the layout. Every text that comes from the article or the model passes through
`_line` (or `_code`), which makes it inert: Markdown and HTML syntax is escaped, so `![](http://…)`,
`[x](javascript:…)`, `<img …>` or `<script>` print as the characters they are, and bare URLs are
kept from auto-linking. Missing English (offline engine) is never papered over: the Arabic
is shown together with the phrase `NO_ENGLISH`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2

from toolkit.arabic import has_arabic
from toolkit.errors import InputError
from toolkit.render._text import (
    UNRESOLVED,
    NameIndex,
    flag_notes,
    fold,
    group_by_speaker,
    is_unresolved,
    speaker_index,
)
from toolkit.schema import Briefing, Claim, Entity

NO_ENGLISH = "English requires an LLM"
"""Said once per page (its note) when an English field is missing."""
UNTRANSLATED = "Arabic"
"""Shown next to each Arabic field that has no English."""

MAX_KEY_POINTS = 5
# Unicode first-strong isolate / pop isolate: keep an Arabic run from reordering the English around
# it in plain-text mail clients, where no <bdi> exists. Invisible when rendered.
_FSI, _PDI = "\u2068", "\u2069"
_NEWLINES = re.compile(r"\r\n|\r|\n")
# Characters that start inline Markdown or HTML (links, images, emphasis, code, raw HTML, entities,
# GFM strikethrough): each gets a backslash, which CommonMark allows before any ASCII punctuation
# and renders as the character alone. Table pipes are escaped by `_cell`.
_INLINE = re.compile(r"([\\`*_\[\]<>&~])")
# A block marker at the start of a line (heading, bullet or ordered list): its punctuation escaped.
_BLOCK_START = re.compile(r"^(\s*\d{0,9})([#+-]|(?<=\d)[.)])(?=\s|$|#)")
# GFM autolinks bare URLs: a zero-width space after the scheme or `www` keeps them plain text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|javascript|data|file)(:)|\b(www)(\.)")
_ZWSP = "\u200b"
_MIN_TOPIC_NAME = 3  # folded names shorter than this match inside too many unrelated words


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: cells are escaped by `_cell` instead
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _iso(text: str) -> str:
    """Bidi-isolate Arabic text embedded in an English line."""
    return f"{_FSI}{text}{_PDI}" if has_arabic(text) else text


def _inert(text: str) -> str:
    """Text from the article or the model, made inert: no link, image, HTML or formatting."""
    text = _INLINE.sub(r"\\\1", text)
    text = _BLOCK_START.sub(r"\1\\\2", text)
    return _AUTOLINK.sub(lambda m: f"{m.group(1) or m.group(3)}{_ZWSP}{m.group(2) or m.group(4)}", text)


def _line(text: str) -> str:
    """One line of inert Markdown prose from data: newlines become spaces, syntax is escaped."""
    return _inert(_NEWLINES.sub(" ", text).strip())


def _code(text: str) -> str:
    """An inline code span around data (ids, model names), fenced so no backtick inside ends it."""
    text = _NEWLINES.sub(" ", text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    """Escape text for a GitHub-flavoured Markdown table cell (pipes and line breaks)."""
    return _NEWLINES.sub("<br>", text.strip()).replace("|", "\\|")


def _en_or_ar(english: str | None, arabic: str) -> str:
    """English when present; otherwise the Arabic, marked honestly as untranslated.

    The page says `NO_ENGLISH` once, in its note; each field only says it is Arabic.
    """
    if english and english.strip():
        return _line(english)
    return f"{_iso(_line(arabic))} _({UNTRANSLATED})_"


def _headline(b: Briefing) -> str:
    if b.headline_en and b.headline_en.strip():
        return _line(b.headline_en)
    return f"{_iso(_line(b.headline_ar))} (Arabic headline)"


def _needs_note(briefings: Sequence[Briefing]) -> bool:
    """True when any English field the briefing shows is missing."""
    for b in briefings:
        fields = [b.headline_en, b.summary_en, *(p.text_en for p in b.key_points)]
        fields += [c.claim_en for c in b.claims]
        if any(not (f and f.strip()) for f in fields):
            return True
    return False


def _speaker(claim: Claim, index: NameIndex) -> str:
    if is_unresolved(claim):
        return UNRESOLVED
    english = index.english(claim.speaker.name_ar, claim.speaker.name_en)
    name = _line(english) if english else _iso(_line(claim.speaker.name_ar))
    role = claim.speaker.role
    return f"{name} ({_line(role)})" if role and role.strip() else name


def _conditional(claim: Claim) -> str:
    if not claim.conditional:
        return "no"
    if claim.condition and claim.condition.strip():
        return f"yes: {_iso(_line(claim.condition))}"
    return "yes (condition not stated)"


def _flagged(claim: Claim) -> str:
    """ **Check:** …, when the toolkit flagged the claim for review (too far apart, unsupported)."""
    notes = flag_notes(claim)
    return f" **Check:** {_iso('; '.join(notes))}." if notes else ""


@dataclass(frozen=True)
class _Row:
    """One row of a "who said what" table, every cell already escaped."""

    speaker: str
    claim: str
    kind: str
    conditional: str
    via: str
    article: str = ""

    @classmethod
    def of(cls, claim: Claim, index: NameIndex, article: str = "") -> _Row:
        via = _iso(_line(claim.attributed_via)) if claim.attributed_via else "direct"
        return cls(
            speaker=_cell(_speaker(claim, index)),
            claim=_cell(_en_or_ar(claim.claim_en, claim.claim_ar) + _flagged(claim)),
            kind=claim.kind,
            conditional=_cell(_conditional(claim)),
            via=_cell(via),
            article=article,
        )


def _entity(e: Entity) -> str:
    if e.name_en and e.name_en.strip():
        return f"**{_line(e.name_en)}** ({_iso(_line(e.name_ar))}), {e.type}"
    return f"{_iso(_line(e.name_ar))}, {e.type}"


def _footer(b: Briefing) -> str:
    source = _code(b.source_id) if b.source_id else "(no source id)"
    model = f", model {_code(b.meta.model)}" if b.meta.model else ""
    return f"Source: {source} · engine `{b.meta.engine}`{model}"


def _render_one(b: Briefing) -> str:
    index = speaker_index(b.claims)
    summary = _en_or_ar(b.summary_en, b.summary_ar)
    template = _env().get_template("briefing.md.j2")
    return template.render(
        headline=_headline(b),
        note=_needs_note([b]),
        no_english=NO_ENGLISH,
        summary=summary,
        points=[_en_or_ar(p.text_en, p.text_ar) for p in b.key_points[:MAX_KEY_POINTS]],
        rows=[_Row.of(c, index) for c in b.claims],
        entities=[_entity(e) for e in b.entities],
        footer=_footer(b),
    )


# --- the digest ------------------------------------------------------------------------------------


@dataclass
class _Topic:
    """An entity listed by two or more articles, and the claims that name it."""

    title: str
    names: list[str]
    articles: list[int] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)


def _topic_names(e: Entity) -> list[str]:
    names = {fold(n) for n in (e.name_ar, e.name_en or "", *e.aliases)}
    return sorted(n for n in names if len(n) >= _MIN_TOPIC_NAME)


def _topics(briefings: Sequence[Briefing], speakers: NameIndex) -> list[_Topic]:
    """Topics = entities (same identity rules as speakers) listed by two or more articles.

    A claim is filed under a topic when one of the entity's names (Arabic, English or alias) occurs in
    the claim's speaker, Arabic, English or evidence text, compared after folding. Simple and predictable.
    """
    ents = NameIndex((e.name_ar, e.name_en) for b in briefings for e in b.entities)
    topics: dict[str, _Topic] = {}
    for number, b in enumerate(briefings, start=1):
        for e in b.entities:
            english = ents.english(e.name_ar, e.name_en)
            topic = topics.setdefault(
                ents.key(e.name_ar, e.name_en),
                _Topic(title=_line(english) if english else _iso(_line(e.name_ar)), names=[]),
            )
            topic.names = sorted(set(topic.names) | set(_topic_names(e)))
            if number not in topic.articles:
                topic.articles.append(number)
    shared = [t for t in topics.values() if len(t.articles) >= 2]
    for t in shared:
        for number in t.articles:
            for c in briefings[number - 1].claims:
                fields = (c.speaker.name_ar, c.speaker.name_en, c.claim_ar, c.claim_en, c.evidence.quote_ar)
                text = fold(" ".join(f for f in fields if f))
                if any(n in text for n in t.names):
                    t.rows.append(_Row.of(c, speakers, f"[{number}]"))
    # Most-discussed first; ties keep first-appearance order (sorted() is stable).
    return sorted(shared, key=lambda t: (-len(t.rows), -len(t.articles)))


def _dedupe(briefings: Sequence[Briefing]) -> list[Briefing]:
    """Drop exact duplicates (the same file reached twice), so each article is listed once."""
    seen: list[Briefing] = []
    for b in briefings:
        if b not in seen:
            seen.append(b)
    return seen


def _render_digest(briefings: Sequence[Briefing]) -> str:
    numbered = list(enumerate(briefings, start=1))
    all_claims = [c for b in briefings for c in b.claims]
    speakers = speaker_index(all_claims)
    article_of = {id(c): n for n, b in numbered for c in b.claims}
    groups = sorted(group_by_speaker(all_claims, speakers).values(), key=lambda g: -len(g))
    by_speaker = []
    for claims in groups:
        first = claims[0].speaker
        english = None if is_unresolved(claims[0]) else speakers.english(first.name_ar, first.name_en)
        name = f"{_line(english)} ({_iso(_line(first.name_ar))})" if english else _iso(_line(first.name_ar))
        roles = sorted({_line(c.speaker.role) for c in claims if c.speaker.role and c.speaker.role.strip()})
        by_speaker.append(
            {
                "name": UNRESOLVED if is_unresolved(claims[0]) else name,
                "roles": roles,
                "n_claims": len(claims),
                "n_articles": len({article_of[id(c)] for c in claims}),
                "rows": [_Row.of(c, speakers, f"[{article_of[id(c)]}]") for c in claims],
            }
        )
    template = _env().get_template("digest.md.j2")
    return template.render(
        note=_needs_note(briefings),
        no_english=NO_ENGLISH,
        articles=[
            {"n": n, "headline": _headline(b), "footer": _footer(b), "claims": len(b.claims)}
            for n, b in numbered
        ],
        n_claims=len(all_claims),
        speakers=by_speaker,
        topics=_topics(briefings, speakers),
    )


def render_briefing(briefings: Briefing | Sequence[Briefing]) -> str:
    """Render an English Markdown briefing for one article, or a digest for several.

    One article gives a headline, 3-5 key points, a "who said what" table, key entities and the
    source id. Several give a digest that lists each article once and groups the claims by speaker
    and by topic (entities shared across articles), with counts. Where English is missing (offline
    engine) the Arabic is shown with the phrase "English requires an LLM".

    Args:
        briefings: One `Briefing`, or a sequence of them (exact duplicates are listed once).

    Returns:
        The Markdown text, ending with a newline.

    Raises:
        InputError: When the sequence is empty.
    """
    items = [briefings] if isinstance(briefings, Briefing) else _dedupe(briefings)
    if not items:
        raise InputError("no briefings to render", hint="pass at least one Briefing JSON file")
    return _render_one(items[0]) if len(items) == 1 else _render_digest(items)
