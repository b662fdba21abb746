"""`khulasa brief` and `khulasa review` end to end: Briefing JSON in, and .txt once offline exists."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from fixtures_briefings import english_briefing, second_article, second_briefing, seed_article

from toolkit.cli import main

HAS_OFFLINE = importlib.util.find_spec("toolkit.engines.offline") is not None


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "one.json": english_briefing().model_dump_json(indent=2),
        "two.json": second_briefing().model_dump_json(indent=2),
        "article.txt": seed_article(),
        "second.txt": second_article(),
    }
    paths = {}
    for name, text in out.items():
        paths[name] = tmp_path / name
        with open(paths[name], "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return paths


def test_brief_one_json_to_stdout(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", str(files["one.json"])]) == 0
    assert capsys.readouterr().out.startswith("# Macron presses Putin")


def test_brief_several_json_to_file_is_a_digest(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "out" / "digest.md"
    assert main(["brief", str(files["one.json"]), str(files["two.json"]), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("# News digest: 2 articles")


def test_brief_folder_of_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "briefings"
    folder.mkdir()
    for name, b in (("a.json", english_briefing()), ("b.json", second_briefing())):
        (folder / name).write_text(b.model_dump_json(), encoding="utf-8")
    # The folder and a file inside it: that file is still listed once.
    assert main(["brief", str(folder), str(folder / "a.json")]) == 0
    assert capsys.readouterr().out.startswith("# News digest: 2 articles")


def test_brief_rejects_ambiguous_folder_and_bad_json(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["brief", str(tmp_path)]) == 2
    assert "both .json briefings and .txt articles" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"headline_ar": "x"}', encoding="utf-8")
    assert main(["brief", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "is not a khulasa Briefing" in err and "hint:" in err
    assert main(["brief", str(tmp_path / "missing.json")]) == 2


def test_review_json_needs_its_article(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "review.html"
    assert main(["review", str(files["one.json"]), "-o", str(page)]) == 2
    assert "--article" in capsys.readouterr().err
    assert not page.exists()
    assert (
        main(["review", str(files["one.json"]), "--article", str(files["article.txt"]), "-o", str(page)]) == 0
    )
    html = page.read_text(encoding="utf-8")
    assert '<article dir="rtl" lang="ar">' in html and 'data-claims="c1"' in html


def test_review_with_the_wrong_article_fails_clearly(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "review.html"
    args = ["review", str(files["one.json"]), "--article", str(files["second.txt"]), "-o", str(page)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "does not index the article" in err or "is not the claim's evidence" in err
    assert not page.exists()


@pytest.mark.skipif(not HAS_OFFLINE, reason="toolkit.engines.offline is not written yet")
def test_txt_input_is_summarized_first(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KHULASA_MODEL", raising=False)
    monkeypatch.delenv("KHULASA_BASE_URL", raising=False)
    page, md = tmp_path / "r.html", tmp_path / "b.md"
    assert main(["review", str(files["article.txt"]), "-m", "offline", "-o", str(page)]) == 0
    assert "<mark" in page.read_text(encoding="utf-8") or "No attributed claims" in page.read_text(
        encoding="utf-8"
    )
    assert main(["brief", str(files["article.txt"]), "-m", "offline", "-o", str(md)]) == 0
    assert "English requires an LLM" in md.read_text(encoding="utf-8")
