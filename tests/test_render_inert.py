"""Markdown output is inert: links, images and raw HTML from the article or the model print as text.

The briefings are the hand-written fixtures with hostile strings put into every field a model or an
article can fill. The rendered Markdown is parsed by a real CommonMark parser (markdown-it-py, which
rich already depends on) with tables on, and the HTML must hold no link, image or tag of the data.
"""

from __future__ import annotations

import pytest
from fixtures_briefings import english_briefing, offline_briefing
from markdown_it import MarkdownIt

from toolkit import render_briefing
from toolkit.schema import Briefing

HOSTILE = (
    "![](http://tracker.example/pixel.png) [click](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "<script>alert(2)</script> <http://autolink.example> https://bare.example www.bare.example "
    "&#106;avascript: `code` *bold* | pipe"
)


def _hostile(b: Briefing) -> Briefing:
    claims = [
        c.model_copy(
            update={
                "claim_en": HOSTILE,
                "claim_ar": HOSTILE,
                "condition": HOSTILE,
                "attributed_via": HOSTILE,
                "speaker": c.speaker.model_copy(update={"name_en": HOSTILE, "role": HOSTILE}),
            }
        )
        for c in b.claims
    ]
    entities = [e.model_copy(update={"name_en": HOSTILE}) for e in b.entities]
    return b.model_copy(
        update={
            "headline_en": "# " + HOSTILE,
            "summary_en": "- " + HOSTILE if b.summary_en else None,
            "summary_ar": "1. " + HOSTILE,
            "key_points": [p.model_copy(update={"text_en": HOSTILE}) for p in b.key_points],
            "claims": claims,
            "entities": entities,
            "source_id": "a`b` [x](javascript:1)",
        }
    )


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize("make", [english_briefing, offline_briefing], ids=["english", "offline"])
def test_markdown_briefing_is_inert(make) -> None:  # type: ignore[no-untyped-def]
    md = render_briefing(_hostile(make()))
    html = _html(md)
    for active in ("<a ", "<img", "<script", "<http", "<em>bold", "<strong>bold", "<code>code", "<h2>#"):
        assert active not in html, active
    assert html.count("<h1>") == 1  # the data did not add headings
    assert "![](http\u200b://tracker.example/pixel.png)" in html  # shown as the text it is
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html  # the characters are still there to read
    assert "javascript\u200b:alert(1)" in html


def test_digest_is_inert() -> None:
    md = render_briefing([_hostile(english_briefing()), _hostile(offline_briefing())])
    html = _html(md)
    for active in ("<a ", "<img", "<script", "<em>bold", "<code>code"):
        assert active not in html, active


def test_plain_text_is_unchanged() -> None:
    md = render_briefing(english_briefing())
    assert "Macron presses Putin to end the escalation in Eastern Ghouta" in md
    assert "\\" not in md.split("## Who said what")[0]  # ordinary prose gains no backslashes
