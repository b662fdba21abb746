"""The store endpoints and pages of `khulasa serve`, over a real socket, on the 12 seeds (offline engine)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="needs the serve extra")

from serve_seeded import example_articles, seed_articles, seeded_server
from servers.khulasa_http import LiveServer


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_server(tmp_path_factory.mktemp("seeded")) as server:
        yield server


def _all_claims(srv: LiveServer, query: str = "", limit: int = 7) -> list[dict]:
    items, cursor = [], None
    for _ in range(500):
        q = f"/v1/claims?limit={limit}{query}" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = srv.call("GET", q).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


def test_every_claim_row_indexes_its_stored_article(srv: LiveServer) -> None:
    rows = _all_claims(srv)
    assert len(rows) >= 20
    texts: dict[str, str] = {}
    for r in rows:
        if r["article_id"] not in texts:
            art = srv.call("GET", f"/v1/briefings/{r['article_id']}")
            assert art.status == 200
            texts[r["article_id"]] = art.json()["text"]
        ev = r["evidence"]
        assert texts[r["article_id"]][ev["start"] : ev["end"]] == ev["text"]
    # the stored texts are the posted ones, untouched
    posted = {t for _, t, _ in seed_articles() + example_articles()}
    assert set(texts.values()) <= posted


def test_pages_of_claims_add_up_without_duplicates(srv: LiveServer) -> None:
    small = _all_claims(srv, limit=3)
    whole = srv.call("GET", "/v1/claims?limit=1000").json()
    assert whole["next_cursor"] is None
    assert [r["id"] for r in small] == [r["id"] for r in whole["items"]]
    dates = [r["published"] for r in small]
    assert dates == sorted(dates)  # time order


def test_filters_by_speaker_term_kind_and_dates(srv: LiveServer) -> None:
    macron = _all_claims(srv, "&speaker=" + quote("ماكرون"))
    assert macron and all("ماكرون" in (r["speaker"] or "") for r in macron)
    folded = _all_claims(srv, "&about=" + quote("الغوطه"))  # ه for ة: the store folds as the toolkit does
    assert folded and any("الغوطة" in r["evidence"]["text"] or "الغوطة" in r["claim_ar"] for r in folded)
    denials = _all_claims(srv, "&kind=denial")
    assert denials and {r["kind"] for r in denials} == {"denial"}
    window = _all_claims(srv, "&since=2024-01-08&until=2024-01-21")
    assert window and all("2024-01-08" <= r["published"][:10] <= "2024-01-21" for r in window)


def test_speakers_and_speaker_detail(srv: LiveServer) -> None:
    speakers = srv.call("GET", "/v1/speakers").json()
    assert speakers and speakers[0]["claims"] >= speakers[-1]["claims"]
    one = srv.call("GET", f"/v1/speakers/{quote(speakers[0]['speaker_id'])}").json()
    assert one["speaker_id"] == speakers[0]["speaker_id"] and sum(one["kinds"].values()) == one["claims"]
    assert srv.call("GET", "/v1/conflicts").status == 200
    assert srv.call("GET", "/v1/articles?limit=3").status == 200


@pytest.mark.parametrize("path", ["/v1/speakers/no-such-speaker", "/v1/briefings/0000000000000000"])
def test_unknown_ids_are_404_json(srv: LiveServer, path: str) -> None:
    r = srv.call("GET", path)
    assert r.status == 404 and r.json()["error"]["type"] == "NotFound" and r.json()["error"]["hint"]


@pytest.mark.parametrize(
    "query", ["?limit=0", "?limit=5000", "?kind=rumour", "?since=last-week", "?cursor=nonsense", "?speaker=%00x"]
)
def test_bad_queries_are_422(srv: LiveServer, query: str) -> None:
    r = srv.call("GET", "/v1/claims" + query)
    assert r.status == 422, (query, r.text)


def test_posting_again_replaces_without_duplicates_and_says_where_it_is(srv: LiveServer) -> None:
    sid, text, date = seed_articles()[0]
    before = len(_all_claims(srv, limit=1000))
    r = srv.call("POST", "/v1/briefings", {"id": sid, "text": text, "date": date})
    # A new briefing of the same text (its meta.latency_s differs) replaces the stored one.
    assert r.status == 200 and r.headers["X-Khulasa-Stored"] in ("replaced", "unchanged")
    assert len(_all_claims(srv, limit=1000)) == before
    stored = srv.call("GET", r.headers["Location"]).json()
    assert stored["source_id"] == sid and stored["text"] == text and stored["published"][:10] == date


# --- pages ---------------------------------------------------------------------------------------


def test_search_page_finds_a_speaker_with_highlighted_evidence(srv: LiveServer) -> None:
    home = srv.call("GET", "/", headers={"Accept": "text/html"})
    assert home.status == 200 and 'class="speaker-link"' in home.text
    r = srv.call("GET", "/?q=" + quote("الغوطة"))
    assert r.status == 200
    assert re.search(r"<mark>[^<]*الغوطة[^<]*</mark>", r.text), "the term is highlighted in the evidence"
    assert 'href="/articles/' in r.text and "<script" not in r.text  # no script needed


def test_speaker_page_has_a_timeline_kinds_and_aliases(srv: LiveServer) -> None:
    top = srv.call("GET", "/v1/speakers").json()[0]
    r = srv.call("GET", f"/speakers/{quote(top['speaker_id'])}")
    assert r.status == 200 and '<svg class="timeline"' in r.text and "<rect class=\"k-" in r.text
    assert "Also written" in r.text and 'dir="rtl"' in r.text


def test_article_page_is_the_review_page(srv: LiveServer) -> None:
    row = srv.call("GET", "/v1/claims?limit=1").json()["items"][0]
    r = srv.call("GET", f"/articles/{row['article_id']}")
    assert r.status == 200 and f'id="ev-{row["claim_id"]}"' in r.text and '<article dir="rtl" lang="ar">' in r.text
    assert srv.call("GET", "/articles/nope", headers={"Accept": "text/html"}).status == 404


def test_conflicts_and_speakers_pages_render(srv: LiveServer) -> None:
    for path in ("/conflicts", "/speakers"):
        r = srv.call("GET", path)
        assert r.status == 200 and "<html" in r.text


def test_paste_form_makes_files_and_opens_the_briefing(srv: LiveServer) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    text = "قال وزير المالية سامي الخطيب إن «العجز سينخفض العام المقبل»."
    body = f"id=pasted-1&title=&date=2024-03-04&text={quote(text)}".encode()
    r = srv.call("POST", "/new", raw=body, headers=form)
    assert r.status == 303 and r.headers["Location"].startswith("/articles/")
    page = srv.call("GET", r.headers["Location"])
    assert page.status == 200 and "العجز سينخفض" in page.text
    bad = srv.call("POST", "/new", raw=b"id=x&text=hello", headers=form)
    assert bad.status == 422 and "no Arabic script" in bad.text and 'value="x"' in bad.text  # the form keeps input


def test_script_in_an_article_is_escaped_on_every_page(srv: LiveServer) -> None:
    evil = '<script>alert(1)</script>'
    text = f"قال المتحدث باسم الوزارة {evil} إن «الاجتماع انتهى دون اتفاق {evil}»."
    r = srv.call("POST", "/v1/briefings", {"id": "xss-1", "text": text, "title": evil})
    assert r.status == 200, r.text
    pages = [f"/articles/{r.headers['Location'].rsplit('/', 1)[1]}", "/?q=" + quote("الاجتماع"), "/speakers"]
    for path in pages:
        html = srv.call("GET", path).text
        assert evil not in html, path
    assert "&lt;script&gt;" in srv.call("GET", pages[1]).text
