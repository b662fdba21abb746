"""The hand-labeled seeds are consistent, cover what the eval harness needs, and the checker can fail."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.evals.seeds import check_seeds, inspect_seeds, load_seed, load_seeds
from toolkit.schema import CLAIM_KINDS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIRST_SEED = "eastern-ghouta-macron-putin"
SHARED_ORIGINAL = Path("/work/shared/seed-article/eastern-ghouta-macron-putin.txt")

TATWEEL = "\u0640"
TASHKEEL = re.compile("[\u064b-\u0652]")
ARABIC_INDIC_DIGIT = re.compile("[\u0660-\u0669]")


def test_every_seed_is_consistent() -> None:
    problems = check_seeds(SEEDS)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_there_are_enough_seeds_with_claims() -> None:
    seeds = load_seeds(SEEDS)
    assert len(seeds) >= 12
    assert sum(len(s.label.claims) for s in seeds) >= 100
    for seed in seeds:
        assert seed.id == seed.label.id
        assert 3 <= len(seed.label.key_facts) <= 6, seed.id
        assert seed.label.covers, seed.id


def test_coverage_list_is_met() -> None:
    seeds = load_seeds(SEEDS)
    articles = [s.article for s in seeds]
    assert any(not s.label.claims for s in seeds), "a seed with no claims"
    assert any(len(a.split()) > 1500 for a in articles), "a seed over 1,500 words"
    assert any(TATWEEL in a for a in articles), "a seed with tatweel"
    assert any(TASHKEEL.search(a) for a in articles), "a seed with tashkeel"
    assert any(ARABIC_INDIC_DIGIT.search(a) for a in articles), "a seed with Arabic-Indic digits"
    assert any(re.search(r"[0-9]", a) for a in articles), "a seed with Western digits"
    assert any("٪" in a for a in articles) and any("%" in a for a in articles), "both percent signs"
    assert any("«" in a and "»" in a for a in articles), "a seed with « » quotes"
    # quoted words carrying tatweel or tashkeel, so graders cannot fold them away silently
    quotes = [c.evidence.quote for s in seeds for c in s.label.claims]
    assert any(TATWEEL in q for q in quotes)
    assert any(TASHKEEL.search(q) for q in quotes)
    kinds = {c.kind for s in seeds for c in s.label.claims}
    assert kinds == set(CLAIM_KINDS), f"unused kinds: {set(CLAIM_KINDS) - kinds}"
    assert any(c.conditional for s in seeds for c in s.label.claims)
    assert any(c.attributed_via for s in seeds for c in s.label.claims)


def test_same_surname_speakers_are_kept_apart() -> None:
    seed = load_seed(SEEDS / "two-ministers-alhusseini")
    names = {c.speaker.name_ar for c in seed.label.claims}
    assert {"ليلى الحسيني", "سامر الحسيني"} <= names
    assert "الحسيني" not in names
    for claim in seed.label.claims:
        assert "الحسيني" not in claim.speaker.aliases_ar


def test_first_seed_is_the_shared_article_byte_for_byte() -> None:
    if not SHARED_ORIGINAL.is_file():
        pytest.skip("/work/shared is not available here")
    ours = (SEEDS / FIRST_SEED / "article.txt").read_bytes()
    assert ours == SHARED_ORIGINAL.read_bytes()


def test_articles_are_read_without_any_normalization(tmp_path: Path) -> None:
    seed_dir = tmp_path / "crlf"
    seed_dir.mkdir()
    (seed_dir / "article.txt").write_bytes("قال الوزير\r\nإن «الوضع مستقر»".encode())
    label = {
        "id": "crlf",
        "title_en": "t",
        "headline_en": "h",
        "summary_ar": "s",
        "summary_en": "s",
        "claims": [
            {
                "id": "c1",
                "speaker": {
                    "name_ar": "الوزير",
                    "aliases_en": ["the minister"],
                    "mention": {"start": 4, "end": 10, "text": "الوزير"},
                },
                "kind": "statement",
                "evidence": {"start": 16, "end": 28, "quote": "الوضع مستقر"},
                "cue": {"start": 0, "end": 3, "text": "قال"},
            }
        ],
    }
    (seed_dir / "label.json").write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
    seed = load_seed(seed_dir)
    assert "\r\n" in seed.article
    assert seed.article.index("الوضع مستقر") == 16  # 15 if the CRLF had been turned into LF
    problems = check_seeds(tmp_path)
    assert [p.field for p in problems] == ["label.json:claims[0].evidence"]  # end 28 is one too far
    assert "start=16 end=27" in problems[0].message


def _corrupt_copy(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(SEEDS / FIRST_SEED, root / FIRST_SEED)
    label_path = root / FIRST_SEED / "label.json"
    with open(label_path, encoding="utf-8") as fh:
        label = json.load(fh)
    label["claims"][0]["evidence"]["start"] += 3  # wrong offsets
    label["claims"][1]["id"] = "c1"  # duplicate id
    label["claims"][2]["kind"] = "threat"  # not a claim kind
    with open(label_path, "w", encoding="utf-8") as fh:
        json.dump(label, fh, ensure_ascii=False, indent=2)
    return root


def test_checker_reports_a_bad_kind_as_a_schema_problem(tmp_path: Path) -> None:
    root = _corrupt_copy(tmp_path)
    problems = check_seeds(root)
    assert len(problems) == 1  # the label does not validate, so nothing else is checked
    assert problems[0].seed == FIRST_SEED
    assert problems[0].field == "label.json:claims[2].kind"
    assert "'threat'" in problems[0].message and "warning" in problems[0].message


def test_checker_reports_offsets_and_duplicate_ids(tmp_path: Path) -> None:
    root = _corrupt_copy(tmp_path)
    label_path = root / FIRST_SEED / "label.json"
    with open(label_path, encoding="utf-8") as fh:
        label = json.load(fh)
    label["claims"][2]["kind"] = "call"
    label["claims"][3]["evidence"]["end"] = label["claims"][3]["evidence"]["start"]  # empty span
    label["claims"][4]["speaker"]["name_ar"] = "جان دوبون"  # not in the article
    label["id"] = "another-id"
    label["key_facts"][1]["id"] = label["key_facts"][0]["id"]
    with open(label_path, "w", encoding="utf-8") as fh:
        json.dump(label, fh, ensure_ascii=False, indent=2)

    problems = check_seeds(root)
    by_field = {(p.field, p.message.split(";")[0]) for p in problems}
    fields = [p.field for p in problems]
    assert "label.json:id" in fields
    assert "label.json:claims" in fields and any("duplicate claim id 'c1'" in p.message for p in problems)
    assert "label.json:key_facts" in fields
    assert "label.json:claims[1].id" in fields  # c1 at position 2 breaks the c1..cn order
    assert "label.json:claims[0].evidence" in fields
    assert any(f == "label.json:claims[3].evidence" and "must be < end" in m for f, m in by_field)
    assert "label.json:claims[4].speaker.name_ar" in fields
    assert all(p.seed == FIRST_SEED for p in problems)
    assert all(str(p).startswith(f"{FIRST_SEED}: label.json") for p in problems)


def test_checker_validates_speaker_mentions_and_cues(tmp_path: Path) -> None:
    root = _corrupt_copy(tmp_path)
    label_path = root / FIRST_SEED / "label.json"
    with open(label_path, encoding="utf-8") as fh:
        label = json.load(fh)
    label["claims"][0]["evidence"]["start"] -= 3
    label["claims"][1]["id"], label["claims"][2]["kind"] = "c2", "call"
    claims = label["claims"]
    claims[3]["speaker"]["mention"]["start"] += 1  # starts inside the word (and the text no longer matches)
    claims[3]["speaker"]["mention"]["text"] = claims[3]["speaker"]["mention"]["text"][1:]
    claims[4]["cue"]["text"] = "قال"  # not the article's characters there
    del claims[5]["speaker"]["mention"]  # unlabeled
    claims[6]["cue"] = dict(claims[6]["evidence"], text=claims[6]["evidence"]["quote"])  # the evidence itself
    del claims[6]["cue"]["quote"]
    with open(label_path, "w", encoding="utf-8") as fh:
        json.dump(label, fh, ensure_ascii=False, indent=2)
    problems = {p.field: p.message for p in check_seeds(root)}
    assert "inside a word" in problems["label.json:claims[3].speaker.mention"]
    assert "!= text" in problems["label.json:claims[4].cue"]
    assert "missing" in problems["label.json:claims[5].speaker.mention"]
    assert "overlaps the evidence" in problems["label.json:claims[6].cue"]
    assert len(problems) == 4, problems


def test_checker_reports_missing_files_and_bad_utf8(tmp_path: Path) -> None:
    (tmp_path / "no-label").mkdir()
    (tmp_path / "no-label" / "article.txt").write_text("نص", encoding="utf-8")
    (tmp_path / "bad-bytes").mkdir()
    (tmp_path / "bad-bytes" / "article.txt").write_bytes(b"\xff\xfe bad")
    shutil.copy(SEEDS / FIRST_SEED / "label.json", tmp_path / "bad-bytes" / "label.json")
    (tmp_path / "_ignored").mkdir()
    problems = {(p.seed, p.field) for p in check_seeds(tmp_path)}
    assert ("no-label", "label.json") in problems
    assert ("bad-bytes", "article.txt") in problems
    assert not any(seed == "_ignored" for seed, _ in problems)
    with pytest.raises(InputError):
        load_seed(tmp_path / "no-label")
    with pytest.raises(InputError):
        check_seeds(tmp_path / "absent")


def test_cli_seeds_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seeds", "check", "--root", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    result = inspect_seeds(SEEDS)
    assert out.strip().endswith(f"{len(result.seeds)} seeds, {result.n_claims} claims: ok")

    root = _corrupt_copy(tmp_path)
    assert main(["seeds", "check", "--root", str(root)]) == 1
    captured = capsys.readouterr()
    assert f"{FIRST_SEED}: label.json:claims[2].kind" in captured.out
    assert "problem" in captured.err

    assert main(["seeds", "check", "--root", str(tmp_path / "absent")]) == InputError.exit_code
