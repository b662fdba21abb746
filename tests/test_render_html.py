"""The review page, checked as text: offsets survive escaping, overlaps split cleanly, bad spans fail."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from fixtures_briefings import english_briefing, offline_briefing, seed_article

from toolkit.errors import InputError
from toolkit.render import render_review
from toolkit.schema import Briefing, Claim, Evidence, Meta, Speaker, TextSpan


class _ArticleReader(HTMLParser):
    """Collects the <article>'s text and, per claim id, the text of the marks that carry it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = False
        self.attrs: dict[str, str] = {}
        self.mark: list[str] | None = None
        self.text: list[str] = []
        self.by_claim: dict[str, list[str]] = defaultdict(list)
        self.segments: list[tuple[str, str]] = []  # (data-claims, text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.in_article = True
            self.attrs = {k: v or "" for k, v in attrs}
        elif tag == "mark" and self.in_article:
            self.mark = (dict(attrs).get("data-claims") or "").split()

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False
        elif tag == "mark":
            self.mark = None

    def handle_data(self, data: str) -> None:
        if not self.in_article:
            return
        self.text.append(data)
        if self.mark is not None:
            self.segments.append((" ".join(self.mark), data))
            for cid in self.mark:
                self.by_claim[cid].append(data)


def _read(page: str) -> _ArticleReader:
    reader = _ArticleReader()
    reader.feed(page)
    return reader


def _briefing(article: str, spans: dict[str, tuple[int, int]]) -> Briefing:
    claims = [
        Claim(
            id=cid,
            speaker=Speaker(name_ar=f"متحدث {n}", name_en=f"Speaker {n}"),
            claim_ar="ادعاء",
            claim_en="A claim.",
            kind="statement",
            evidence=Evidence(quote_ar=article[a:b], start=a, end=b, method="exact", score=100.0),
        )
        for n, (cid, (a, b)) in enumerate(spans.items())
    ]
    meta = Meta(engine="offline", toolkit_version="0.1.0", latency_s=0.0)
    return Briefing(headline_ar="عنوان", summary_ar="ملخص", claims=claims, meta=meta)


TRICKY = "قال \"الوزير\" إن a<b && c>d\nوأضاف: «x < y» & 'z'\r\nسطر أخير"


def test_offsets_survive_html_special_characters_and_arabic() -> None:
    spans = {"c1": (4, 13), "c2": (17, 26), "c3": (27, len(TRICKY) - 3)}
    page = render_review(_briefing(TRICKY, spans), TRICKY)
    reader = _read(page)
    assert "".join(reader.text) == TRICKY  # the whole article, byte for byte, newlines and CR included
    for cid, (a, b) in spans.items():
        assert "".join(reader.by_claim[cid]) == TRICKY[a:b]
    body = page.split('<article dir="rtl" lang="ar">')[1].split("</article>")[0]
    assert "&lt;" in body and "&amp;" in body and "&quot;" in body
    assert "<b" not in body and "&&" not in body
    assert "&#13;" in page  # a raw CR would be normalized away by the HTML parser


def test_seed_article_every_claim_is_highlighted_exactly() -> None:
    b, article = english_briefing(), seed_article()
    reader = _read(render_review(b, article))
    assert "".join(reader.text) == article
    for c in b.claims:
        assert "".join(reader.by_claim[c.id]) == article[c.evidence.start : c.evidence.end]


def test_overlapping_and_nested_spans_become_multi_claim_segments() -> None:
    article = "٠١٢٣٤٥٦٧٨٩abcdefghij"
    spans = {"c1": (0, 10), "c2": (5, 15), "c3": (6, 8)}
    page = render_review(_briefing(article, spans), article)
    reader = _read(page)
    assert reader.segments == [
        ("c1", "٠١٢٣٤"),
        ("c1 c2", "٥"),
        ("c1 c2 c3", "٦٧"),
        ("c1 c2", "٨٩"),
        ("c2", "abcde"),
    ]
    for cid, (a, b) in spans.items():
        assert "".join(reader.by_claim[cid]) == article[a:b]
    # Every claim keeps an anchor at its start, even when two claims start together.
    same_start = _briefing(article, {"c1": (0, 4), "c2": (0, 8)})
    page = render_review(same_start, article)
    assert 'id="ev-c1"' in page and 'id="ev-c2"' in page
    assert "overlapping evidence" in page


@pytest.mark.parametrize(
    ("start", "end", "why"),
    [
        (0, 99, "does not index"),
        (5, 5, "does not index"),
        (3, 2, "does not index"),
        (1, 4, "is not the claim"),
    ],
)
def test_bad_span_is_an_input_error(start: int, end: int, why: str) -> None:
    article = "نص قصير"
    b = _briefing(article, {"c1": (0, 3)})
    ev = b.claims[0].evidence.model_copy(update={"start": start, "end": end})
    if why == "is not the claim":
        ev = ev.model_copy(update={"quote_ar": "xyz"})
    bad = b.model_copy(update={"claims": [b.claims[0].model_copy(update={"evidence": ev})]})
    with pytest.raises(InputError, match=why) as info:
        render_review(bad, article)
    assert info.value.hint


def test_duplicate_claim_ids_are_an_input_error() -> None:
    article = "نص قصير جدا"
    b = _briefing(article, {"c1": (0, 3)})
    with pytest.raises(InputError, match="twice"):
        render_review(b.model_copy(update={"claims": b.claims * 2}), article)


def test_page_is_self_contained_rtl_and_complete() -> None:
    b = english_briefing()
    page = render_review(b, seed_article())
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", page)
    assert not re.search(r"<link[^>]*stylesheet", page) and "@import" not in page and "@font-face" not in page
    assert '<article dir="rtl" lang="ar">' in page
    assert "@media print" in page
    assert "<bdi" in page and 'dir="auto"' in page
    for c in b.claims:
        assert f'id="card-{c.id}"' in page
    for d in b.meta.dropped_claims:
        assert html.escape(d.reason) in page and d.quote_ar in page
    assert "qwen2.5-7b-instruct" in page and "3f2a9c1d0b7e" in page
    assert f">{b.meta.total_tokens} (" in page and "14.25 s" in page


def test_offline_page_is_honest_about_missing_english() -> None:
    page = render_review(offline_briefing(), seed_article())
    assert "English requires an LLM" in page
    assert "None" not in page
    assert "No claim was dropped" in page


class _RoleReader(HTMLParser):
    """Per claim id, the text of its speaker-mention marks (data-who) and cue marks (data-cue)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = False
        self.open: dict[str, list[str]] = {}
        self.text: dict[str, dict[str, list[str]]] = {"who": defaultdict(list), "cue": defaultdict(list)}
        self.classes: list[set[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "article":
            self.in_article = True
        elif tag == "mark" and self.in_article:
            self.open = {"who": a.get("data-who", "").split(), "cue": a.get("data-cue", "").split()}
            self.classes.append(set(a.get("class", "").split()))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False
        elif tag == "mark":
            self.open = {}

    def handle_data(self, data: str) -> None:
        for role, ids in self.open.items():
            for cid in ids:
                self.text[role][cid].append(data)


def test_speaker_mentions_and_cues_are_highlighted_in_their_own_styles() -> None:
    b, article = english_briefing(), seed_article()
    page = render_review(b, article)
    reader = _RoleReader()
    reader.feed(page)
    for c in b.claims:
        assert c.speaker.mention is not None
        assert "".join(reader.text["who"][c.id]) == c.speaker.mention.text, c.id
        if c.cue is not None:
            assert "".join(reader.text["cue"][c.id]) == c.cue.text, c.id
    assert any("who" in k and "ev" not in k for k in reader.classes)  # a mention outside evidence
    assert any("cue" in k for k in reader.classes) and any("who" in k and "ev" in k for k in reader.classes)
    assert "".join(_read(page).text) == article  # still the whole article, byte for byte
    assert "mark.who" in page and "mark.cue" in page  # the styles are inline


def test_flags_and_unresolved_speakers_are_visible_and_never_a_name() -> None:
    b, article = english_briefing(), seed_article()
    c1 = b.claims[0]
    assert c1.attribution is not None and "unsupported" in c1.attribution.flags
    far = b.claims[1].model_copy(
        update={"attribution": b.claims[1].attribution.model_copy(update={"flags": ["too_far"], "mention_distance": 3})}
    )
    hidden = b.claims[2].model_copy(
        update={"speaker": Speaker(name_ar="مصدر مطلع جدا", resolution="unresolved", mention=b.claims[2].speaker.mention)}
    )
    page = render_review(b.model_copy(update={"claims": [c1, far, hidden, *b.claims[3:]]}), article)
    assert "not in the evidence: فلاديمير بوتين" in page
    assert "too far apart: speaker named 3 sentences from the evidence" in page
    assert "speaker unresolved" in page and "مصدر مطلع جدا" not in page
    reader = _RoleReader()
    reader.feed(page)
    assert "c3" not in reader.text["who"]  # an unresolved candidate is never highlighted as the speaker
    assert 'class="card sp-' in page and "flagged" in page


def test_a_mention_that_is_not_the_article_text_is_an_input_error() -> None:
    b, article = english_briefing(), seed_article()
    mention = b.claims[0].speaker.mention
    assert mention is not None
    wrong = b.claims[0].speaker.model_copy(update={"mention": mention.model_copy(update={"text": "ترامب"})})
    bad = b.model_copy(update={"claims": [b.claims[0].model_copy(update={"speaker": wrong}), *b.claims[1:]]})
    with pytest.raises(InputError, match="speaker mention"):
        render_review(bad, article)


def test_mention_and_cue_text_cannot_inject_script() -> None:
    article = "قال <script>alert(1)</script> الوزير: «سنبني المدارس هذا العام»."
    ev = article.index("سنبني")
    who = article.index("<script>")
    claim = Claim(
        id="c1",
        speaker=Speaker(
            name_ar="<script>alert(1)</script>",
            mention=TextSpan(start=who, end=who + 25, text=article[who : who + 25]),
        ),
        claim_ar="<img src=x onerror=alert(2)>",
        kind="promise",
        evidence=Evidence(quote_ar=article[ev : ev + 22], start=ev, end=ev + 22, method="exact", score=100.0),
        cue=TextSpan(start=0, end=3, text="قال"),
    )
    page = render_review(
        Briefing(headline_ar="عنوان", summary_ar="ملخص", claims=[claim],
                 meta=Meta(engine="offline", toolkit_version="0", latency_s=0.0)),
        article,
    )
    assert "<script>alert" not in page and "<img src=x" not in page
    assert page.count("<script>") == 1  # only the page's own script
    assert "".join(_read(page).text) == article


def test_questioned_speakers_say_why_on_the_page_and_in_markdown() -> None:
    from toolkit.render.markdown import render_briefing

    b, article = english_briefing(), seed_article()
    first = b.claims[0]
    assert first.attribution is not None
    questioned = first.model_copy(
        update={
            "attribution": first.attribution.model_copy(
                update={"flags": ["other_subject"], "cue_subject": "ماكرون"}
            )
        }
    )
    briefing = b.model_copy(update={"claims": [questioned, *b.claims[1:]]})
    for page in (render_review(briefing, article), render_briefing(briefing)):
        assert "check the speaker: the reporting verb is followed by «ماكرون»" in page
