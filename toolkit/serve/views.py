"""What the pages show, computed in Python: highlighted evidence and the speaker's SVG timeline.

The only HTML built here is cut first and escaped after, piece by piece, so escaping can never
shift a highlight; every other value reaches the page through Jinja2 autoescaping.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import get_args

from markupsafe import Markup

from toolkit.arabic import fold
from toolkit.schema import ClaimKind
from toolkit.store.models import TimelineRow
from toolkit.store.text import query_groups, variants

KINDS: tuple[ClaimKind, ...] = get_args(ClaimKind)
"""Every claim kind, in the schema's order (the timeline's stacking and the search filter)."""
_WORD = re.compile(r"\w+")


def highlight(text: str, query: str | None) -> Markup:
    """The text, escaped, with every word matching the query (folded, as the store searches) marked.

    Args:
        text: An evidence quote or claim text.
        query: What the user searched for (None or "" = nothing marked).

    Returns:
        Safe HTML.
    """
    spans = _matches(text, query) if query else []
    bounds = sorted({0, len(text)} | {a for a, _ in spans} | {b for _, b in spans})
    out = []
    for a, b in pairwise(bounds):
        piece = html.escape(text[a:b])
        out.append(f"<mark>{piece}</mark>" if any(s <= a and b <= e for s, e in spans) else piece)
    return Markup("".join(out))  # built from escaped pieces only


def _matches(text: str, query: str) -> list[tuple[int, int]]:
    wanted = {term for group in query_groups(query) for term in group}
    if not wanted:
        return []
    folded = fold(text)
    lowered = folded.text.casefold()
    if len(lowered) != len(folded.text):  # casefold changed the length (ß -> ss): keep the case
        lowered = folded.text
    spans = []
    for m in _WORD.finditer(lowered):
        if wanted.intersection(variants(m.group())):
            spans.append(folded.span_to_original(m.start(), m.end()))
    return spans


@dataclass(frozen=True)
class Bar:
    """One stacked segment of the timeline."""

    x: float
    y: float
    width: float
    height: float
    kind: str
    label: str


@dataclass(frozen=True)
class Timeline:
    """The speaker's claims per week as stacked bars, ready for the SVG in `speaker.html.j2`."""

    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    peak: int


def _iso_weeks(first: str, last: str) -> list[str]:
    """Every ISO week from `first` to `last` (e.g. 2018-W08), so empty weeks show as gaps."""

    def monday(week: str) -> dt.date:
        year, num = week.split("-W")
        return dt.date.fromisocalendar(int(year), int(num), 1)

    day, end, weeks = monday(first), monday(last), list[str]()
    while day <= end and len(weeks) < 520:  # ten years at most
        iso = day.isocalendar()
        weeks.append(f"{iso.year}-W{iso.week:02d}")
        day += dt.timedelta(days=7)
    return weeks


def timeline(rows: list[TimelineRow], *, width: int = 900, height: int = 170) -> Timeline:
    """Lay out a speaker's weekly claim counts by kind (undated claims in a last, separate column).

    Args:
        rows: `ClaimStore.timeline` rows.
        width: SVG width in user units.
        height: SVG height in user units.

    Returns:
        The bars, the week labels and the tallest column's count.
    """
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        counts[r.week][r.kind] = counts[r.week].get(r.kind, 0) + r.claims
    dated = sorted(w for w in counts if w != "undated")
    weeks = _iso_weeks(dated[0], dated[-1]) if dated else []
    if "undated" in counts:
        weeks.append("undated")
    if not weeks:
        return Timeline(width, height, [], [], 0)
    peak = max(sum(k.values()) for k in counts.values())
    left, bottom, top = 30.0, 22.0, 8.0
    step = (width - left - 8) / len(weeks)
    scale = (height - bottom - top) / peak
    bars: list[Bar] = []
    for i, week in enumerate(weeks):
        y = height - bottom
        for kind in KINDS:
            n = counts.get(week, {}).get(kind, 0)
            if n:
                y -= n * scale
                bar = min(step * 0.76, 36.0)  # a lone week is a bar, not a wall
                x = left + i * step + (step - bar) / 2
                label = f"{week}: {n} {kind}"
                bars.append(Bar(round(x, 1), round(y, 1), round(bar, 1), round(n * scale, 1), kind, label))
    every = max(1, len(weeks) // 8)
    ticks = [
        (round(left + (i + 0.5) * step, 1), w)
        for i, w in enumerate(weeks)
        if i % every == 0 or w == "undated"
    ]
    return Timeline(width, height, bars, ticks, peak)
