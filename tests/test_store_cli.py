"""`khulasa store ...` and `khulasa batch --store`: tables, --json rows with article/date/evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_data import week

from toolkit.cli import main


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    articles, results = tmp_path / "articles.jsonl", tmp_path / "results.jsonl"
    with open(articles, "w", encoding="utf-8") as a, open(results, "w", encoding="utf-8") as r:
        for sid, day, text, b in week():
            a.write(json.dumps({"id": sid, "text": text, "date": day}, ensure_ascii=False) + "\n")
            r.write(
                json.dumps({"id": sid, "ok": True, "briefing": b.model_dump(mode="json")}, ensure_ascii=False)
                + "\n"
            )
    return articles, results


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_store_commands_end_to_end(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles, results = _inputs(tmp_path)
    report = _json(
        capsys, "store", "add", str(results), "--articles", str(articles), "--store", store_url, "--json"
    )
    assert report["added"] == 3 and report["claims"] == 9  # type: ignore[index]
    who = _json(capsys, "store", "who", "سامي العبدالله", "--store", store_url, "--json")
    rows = who["items"]  # type: ignore[index]
    assert [r["published"] for r in rows] == ["2026-03-02"] * 3 + ["2026-03-12"]
    assert all(r["article_id"] and r["evidence"]["text"] for r in rows)
    about = _json(capsys, "store", "about", "الأزمة", "--store", store_url, "--json")
    assert len(about["items"]) == 2  # type: ignore[index]
    pairs = _json(capsys, "store", "conflicts", "--store", store_url, "--json")
    assert {p["rule"] for p in pairs} == {"quantity", "denial", "stance"}  # type: ignore[union-attr]
    speakers = _json(capsys, "store", "speakers", "--store", store_url, "--json")
    sami = next(s for s in speakers if s["name"] == "سامي العبدالله")  # type: ignore[union-attr]
    assert sami["claims"] == 4
    merged = _json(capsys, "store", "merge", sami["speaker_id"], "العبدالله", "--store", store_url, "--json")
    assert merged["claims"] == 5  # type: ignore[index]
    split = _json(capsys, "store", "split", sami["speaker_id"], "العبدالله", "--store", store_url, "--json")
    assert split["claims"] == 3  # type: ignore[index]
    weeks = _json(capsys, "store", "timeline", sami["speaker_id"], "--store", store_url, "--json")
    assert {w["week"] for w in weeks} == {"2026-W10", "2026-W11"}  # type: ignore[union-attr]


def test_tables_show_article_date_and_span(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles, results = _inputs(tmp_path)
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert main(["store", "add", str(results), "-a", str(articles), "-s", url]) == 0
    assert "3 added" in capsys.readouterr().out
    assert main(["store", "who", "منى الراشد", "-s", url]) == 0
    out = capsys.readouterr().out
    assert "2026-03-04" in out and "talks-2" in out and "[" in out and ":" in out
    assert main(["store", "conflicts", "-s", url]) == 0
    assert "not verdicts" in capsys.readouterr().out
    assert main(["store", "info", "-s", url]) == 0
    assert "claims: 9" in capsys.readouterr().out


def test_default_store_is_khulasa_store_env(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # conftest points KHULASA_STORE at a temporary file: no --store needed
    articles, results = _inputs(tmp_path)
    assert main(["store", "add", str(results), "-a", str(articles)]) == 0
    assert main(["store", "info"]) == 0
    assert "khulasa-store" in capsys.readouterr().out


def test_bad_lines_are_reported_with_line_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles, results = _inputs(tmp_path)
    results.write_text(results.read_text(encoding="utf-8") + "{torn", encoding="utf-8")
    assert main(["store", "add", str(results), "-a", str(articles)]) == 1
    captured = capsys.readouterr()
    assert f"skipped {results}:4: not JSON" in captured.err and "3 added" in captured.out


def test_batch_with_store_adds_as_it_goes(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for sid, _, text, _ in week():
        (folder / f"{sid}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "results.jsonl"
    argv = ["batch", str(folder), "-o", str(out), "--model", "offline", "--no-progress", "--store", store_url]
    assert main(argv) == 0
    assert "3 added" in capsys.readouterr().err
    # a re-run: every id already done, the store catches up idempotently (nothing changes)
    assert main(argv) == 0
    assert "0 added, 0 replaced, 3 unchanged" in capsys.readouterr().err
    about = _json(capsys, "store", "about", "الأزمة", "--store", store_url, "--json")
    assert {r["source_id"] for r in about["items"]} >= {"talks-1"}  # type: ignore[index]
