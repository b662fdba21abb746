"""The claim store on both backends: ingest, speakers, search, time, conflicts, corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_data import TALKS_1, C, briefing, week

from toolkit.errors import InputError
from toolkit.store import ClaimStore


def _fill(url: str) -> ClaimStore:
    store = ClaimStore.open(url)
    for sid, day, text, b in week():
        store.add_briefing(b, text, source_id=sid, published=day, title=f"title {sid}")
    return store


def test_add_is_idempotent_and_a_newer_briefing_replaces(store_url: str) -> None:
    with ClaimStore.open(store_url) as store:
        sid, day, text, b = week()[0]
        assert store.add_briefing(b, text, source_id=sid, published=day).status == "added"
        assert store.add_briefing(b, text, source_id=sid, published=day).status == "unchanged"
        newer = b.model_copy(update={"claims": b.claims[:2]})
        result = store.add_briefing(newer, text, source_id=sid, published=day)
        assert (result.status, result.claims) == ("replaced", 2)
        assert store.stats()["articles"] == 1 and store.stats()["claims"] == 2
        article = store.article(result.article_id)
        assert article is not None and article.text == text and len(article.briefing.claims) == 2


def test_rows_keep_the_briefings_spans_as_given(store_url: str) -> None:
    with _fill(store_url) as store:
        rows = store.claims(limit=100).items
        assert len(rows) == 9
        for row in rows:
            article = store.article(row.article_id)
            assert article is not None
            assert article.text[row.evidence.start : row.evidence.end] == row.evidence.text
            if row.cue:
                assert article.text[row.cue.start : row.cue.end] == row.cue.text
        first = rows[0]
        assert (first.published, first.source_id, first.title) == ("2026-03-02", "talks-1", "title talks-1")
        assert first.mention is not None and first.mention.text == "سامي العبدالله"
        assert first.cue is not None and first.cue.text == "قال"


def test_a_briefing_that_does_not_fit_its_text_is_refused(store_url: str) -> None:
    with ClaimStore.open(store_url) as store:
        sid, _, text, b = week()[0]
        with pytest.raises(InputError, match="does not fit its article"):
            store.add_briefing(b, text.replace("قال", "ذكر", 1), source_id=sid)
        assert store.stats()["articles"] == 0


def test_speakers_across_articles_and_shared_surnames(store_url: str) -> None:
    with _fill(store_url) as store:
        sami = store.find_speakers("سامي العبدالله")
        assert len(sami) == 1
        rows = store.claims(speaker=sami[0]).items
        # talks-1: full name, surname-in-article x2; talks-3: the promise (same full name)
        assert [(r.source_id, r.speaker_rule) for r in rows] == [
            ("talks-1", "new-speaker"),
            ("talks-1", "surname-in-article"),
            ("talks-1", "surname-in-article"),
            ("talks-3", "same-name"),
        ]
        karim = store.find_speakers("كريم العبدالله")
        assert len(karim) == 1 and karim != sami
        # two full names with that surname in talks-3: the bare surname stays unfiled
        unfiled = [r for r in store.claims(limit=100).items if r.speaker_id is None]
        assert {(r.source_id, r.speaker_rule) for r in unfiled} == {
            ("talks-3", "ambiguous-surname"),
            ("talks-2", "unresolved"),
        }
        # a query by surname shows both people, side by side, never merged
        assert set(store.find_speakers("العبدالله")) == {sami[0], karim[0]}
        assert set(store.find_speakers("Sami Al-Abdullah")) == set(sami)


def test_surname_only_in_a_later_article_stays_unfiled(store_url: str) -> None:
    with _fill(store_url) as store:
        text = "وقال الراشد إن المحادثات ستستأنف."
        b = briefing(text, "talks-4", [C("الراشد", "statement", "المحادثات ستستأنف")])
        store.add_briefing(b, text, source_id="talks-4", published="2026-03-20")
        row = store.claims(
            article_id=store.add_briefing(b, text, source_id="talks-4", published="2026-03-20").article_id
        ).items[0]
        assert (row.speaker_id, row.speaker_rule) == (None, "ambiguous-surname")


def test_speakers_lists_counts_and_aliases(store_url: str) -> None:
    with _fill(store_url) as store:
        top = store.speakers()[0]
        assert top.name == "سامي العبدالله" and top.claims == 4 and top.articles == 2
        assert top.aliases == ["العبدالله", "سامي العبدالله", "Sami Al-Abdullah"] or set(top.aliases) == {
            "العبدالله",
            "سامي العبدالله",
            "Sami Al-Abdullah",
        }
        assert (top.first, top.last) == ("2026-03-02", "2026-03-12")
        detail = store.speaker(top.speaker_id)
        assert detail is not None and detail.kinds == {"statement": 2, "promise": 1, "warning": 1}


def test_about_searches_folded_text(store_url: str) -> None:
    with _fill(store_url) as store:
        for query in ("الأزمة", "الازمه", "أزمة", "الأزمةُ"):
            got = {(r.source_id, r.claim_id) for r in store.claims(about=query).items}
            assert got == {("talks-1", "c2"), ("talks-3", "c1")}, query
        # all words must match; clitics are cut from the indexed words, not from the query's
        assert [r.claim_id for r in store.claims(about="جولات البحيرة").items] == ["c1", "c1"]
        assert store.claims(about="كيان").items == []
        assert store.claims(about="   ").items == []


def test_who_filters_and_pages_in_time_order(store_url: str) -> None:
    with _fill(store_url) as store:
        assert [r.kind for r in store.claims(speaker="سامي العبدالله", since="2026-03-05").items] == [
            "promise"
        ]
        assert [r.published for r in store.claims(speaker="سامي العبدالله", until="2026-03-02").items] == [
            "2026-03-02"
        ] * 3
        assert [r.kind for r in store.claims(speaker="سامي العبدالله", kind="warning").items] == ["warning"]
        assert store.claims(speaker="nobody at all").items == []
        with pytest.raises(InputError, match="unknown claim kind"):
            store.claims(kind="rumour")
        with pytest.raises(InputError, match="unknown conflict rule"):
            store.conflicts(rule="vibes")
        seen, cursor = [], None
        while True:
            page = store.claims(limit=2, cursor=cursor)
            seen += [r.id for r in page.items]
            if not (cursor := page.next_cursor):
                break
        assert seen == [r.id for r in store.claims(limit=100).items] and len(seen) == 9


def test_timeline_counts_per_week(store_url: str) -> None:
    with _fill(store_url) as store:
        rows = [(r.week, r.kind, r.claims) for r in store.timeline("سامي العبدالله")]
        assert rows == [("2026-W10", "statement", 2), ("2026-W10", "warning", 1), ("2026-W11", "promise", 1)]


def test_conflict_rules(store_url: str) -> None:
    with _fill(store_url) as store:
        pairs = {(p.rule, p.a.source_id, p.b.source_id): p for p in store.conflicts()}
        assert set(pairs) == {
            ("quantity", "talks-1", "talks-2"),  # خمس جولات vs ثلاث جولات
            ("denial", "talks-2", "talks-3"),  # نفت ... عرقلت المحادثات vs اتهم ... بعرقلة المحادثات
            ("stance", "talks-1", "talks-3"),  # warning (withdraw) then promise (stay)
        }
        qty = pairs[("quantity", "talks-1", "talks-2")]
        assert qty.reason == "جولات: 5 vs 3" and qty.topic == ["البحيرة"]
        assert pairs[("stance", "talks-1", "talks-3")].reason == "warning → promise"
        only = store.conflicts(speaker="منى الراشد")
        assert {p.rule for p in only} == {"quantity", "denial"}
        assert {p.rule for p in store.conflicts(rule="stance")} == {"stance"}


def test_merge_and_split_survive_reingest(store_url: str) -> None:
    with _fill(store_url) as store:
        sami = store.find_speakers("سامي العبدالله")[0]
        # the ambiguous bare surname of talks-3 is really Sami: file that name under him
        store.merge(sami, "العبدالله")
        assert store.speaker(sami).claims == 5  # type: ignore[union-attr]
        # ...and a person decides the bare surname is a different person after all
        other = store.split(sami, ["العبدالله"])
        assert other.claims == 3 and store.speaker(sami).claims == 2  # type: ignore[union-attr]
        # re-ingest every article with a changed briefing (replaced): corrections hold
        for sid, day, text, b in week():
            changed = b.model_copy(update={"headline_ar": b.headline_ar + " (محدث)"})
            assert store.add_briefing(changed, text, source_id=sid, published=day).status == "replaced"
        assert store.speaker(other.speaker_id).claims == 3  # type: ignore[union-attr]
        assert store.speaker(sami).claims == 2  # type: ignore[union-attr]
        rules = {r.speaker_rule for r in store.claims(speaker=other.speaker_id).items}
        assert rules == {"correction"}


def test_merge_two_speakers(store_url: str) -> None:
    with _fill(store_url) as store:
        sami, karim = store.find_speakers("سامي العبدالله")[0], store.find_speakers("كريم العبدالله")[0]
        merged = store.merge(sami, karim)
        assert merged.claims == 5 and store.speaker(karim) is None
        assert store.find_speakers("كريم العبدالله") == [sami]
        with pytest.raises(InputError):
            store.merge(sami, sami)


def test_old_briefings_without_mentions_or_cues_ingest(store_url: str, tmp_path: Path) -> None:
    b = briefing(TALKS_1, "old-1", [C("سامي العبدالله", "statement", "الأزمة لن تحل بالقوة")])
    data = b.model_dump(mode="json")
    for claim in data["claims"]:
        for key in ("cue", "attribution"):
            claim.pop(key)
        claim["speaker"].pop("mention")
        claim["speaker"].pop("resolution")
    data["meta"].pop("schema_version")
    (tmp_path / "old-1.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "old-1.txt").write_text(TALKS_1, encoding="utf-8")
    with ClaimStore.open(store_url) as store:
        report = store.add_results(tmp_path)
        assert (report.added, report.problems) == (1, [])
        row = store.claims().items[0]
        assert row.speaker == "سامي العبدالله" and row.mention is None and row.cue is None


def test_results_jsonl_with_articles_jsonl(store_url: str, tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    results = tmp_path / "results.jsonl"
    lines, inputs = [], []
    for sid, day, text, b in week():
        inputs.append(
            {"id": sid, "text": text, "date": day, "title": f"t {sid}", "url": f"https://x.test/{sid}"}
        )
        lines.append({"id": sid, "ok": True, "briefing": b.model_dump(mode="json")})
    lines.insert(1, {"id": "broken", "ok": False, "error": {"type": "LLMError", "message": "down"}})
    articles.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in inputs), encoding="utf-8")
    body = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    # an older line for talks-1 first (the newest wins), and a corrupt line in the middle
    older = {
        "id": "talks-1",
        "ok": True,
        "briefing": week()[0][3].model_copy(update={"claims": []}).model_dump(mode="json"),
    }
    results.write_text(json.dumps(older) + "\n" + body.replace("\n", "\n{not json\n", 1), encoding="utf-8")
    with ClaimStore.open(store_url) as store:
        report = store.add_results(results, articles=articles)
        assert (report.added, report.skipped_failures, report.claims) == (3, 1, 9)
        assert [(p.line, p.message.split(" (")[0]) for p in report.problems] == [(3, "not JSON")]
        row = store.claims().items[0]
        assert (row.published, row.title, row.url) == ("2026-03-02", "t talks-1", "https://x.test/talks-1")
        again = store.add_results(results, articles=articles)
        assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)


def test_results_without_texts_are_reported_not_guessed(store_url: str, tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    _, _, _, b = week()[0]
    results.write_text(
        json.dumps({"id": "talks-1", "ok": True, "briefing": b.model_dump(mode="json")}) + "\n"
    )
    with ClaimStore.open(store_url) as store:
        report = store.add_results(results)
        assert report.added == 0 and "pass --articles" in report.problems[0].message
        assert report.problems[0].line == 1


def test_sqlite_search_plans_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.store.store as store_module

    with _fill(f"sqlite:///{tmp_path / 's.sqlite3'}") as store:
        queries = ("الأزمة", "المحادثات", "البحيرة جولات", "نوفاليا")
        few = {q: [r.id for r in store.claims(about=q, limit=2).items] for q in queries}
        monkeypatch.setattr(store_module, "_FEW_MATCHES", 0)  # every search takes the index-walk plan
        many = {q: [r.id for r in store.claims(about=q, limit=2).items] for q in queries}
        assert few == many and all(few.values())
