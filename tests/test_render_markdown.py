"""The English Markdown briefing: one article, a digest of several, offline honesty, table escaping."""

from __future__ import annotations

import pytest
from fixtures_briefings import (
    SECOND_ID,
    SEED_ID,
    english_briefing,
    offline_briefing,
    second_briefing,
)

from toolkit.errors import InputError
from toolkit.render import render_briefing
from toolkit.render.markdown import NO_ENGLISH, _cell
from toolkit.schema import Speaker


def _table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("| ") and not line.startswith("| ---")]


def test_one_article_has_headline_points_table_entities_and_source() -> None:
    b = english_briefing()
    md = render_briefing(b)
    assert md.startswith("# Macron presses Putin to end the escalation in Eastern Ghouta\n")
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert [p.text_en for p in b.key_points] == [x[2:] for x in bullets[: len(b.key_points)]]
    assert "## Who said what" in md
    rows = _table_rows(md)
    assert rows[0] == "| Speaker | Claim | Kind | Conditional | Via |"
    assert len(rows) == 1 + len(b.claims)
    assert "| Emmanuel Macron (French President) | Macron urged Putin" in md
    assert "| yes: if the use of chemical weapons in Syria is confirmed |" in md
    assert "| Élysée statement |" in md and "| direct |" in md
    assert "**Syria**" in md and "**Kremlin**" in md
    assert f"`{SEED_ID}`" in md
    assert NO_ENGLISH not in md  # everything is translated: no note, no marker


def test_key_points_are_capped_at_five() -> None:
    b = english_briefing()
    b = b.model_copy(update={"key_points": b.key_points * 2})
    md = render_briefing(b)
    section = md.split("## Key points")[1].split("## Who said what")[0]
    assert sum(line.startswith("- ") for line in section.splitlines()) == 5


def test_offline_output_shows_arabic_and_says_english_requires_an_llm() -> None:
    b = offline_briefing()
    md = render_briefing(b)
    assert NO_ENGLISH in md
    assert "Arabic headline" in md and b.headline_ar in md
    for claim in b.claims:
        assert claim.claim_ar in md
    assert b.summary_ar in md
    assert "None" not in md and "null" not in md
    # The Arabic condition offline engines keep is shown; a missing one is said to be missing.
    assert "yes (condition not stated)" in md


def test_missing_translation_is_marked_per_field_not_hidden() -> None:
    b = english_briefing()
    claims = [b.claims[0].model_copy(update={"claim_en": None}), *b.claims[1:]]
    md = render_briefing(b.model_copy(update={"claims": claims}))
    row = next(r for r in _table_rows(md) if b.claims[0].claim_ar in r)
    assert "_(Arabic)_" in row  # marked per field; the page says NO_ENGLISH once, in its note
    assert md.count(NO_ENGLISH) == 1


def test_no_english_is_said_once_per_page_not_per_row() -> None:
    b = english_briefing()
    bare = b.model_copy(
        update={
            "headline_en": None,
            "summary_en": None,
            "claims": [c.model_copy(update={"claim_en": None}) for c in b.claims],
            "key_points": [p.model_copy(update={"text_en": None}) for p in b.key_points],
        }
    )
    md = render_briefing(bare)
    assert md.count(NO_ENGLISH) == 1
    assert md.count("_(Arabic)_") >= len(b.claims)


def test_table_cells_escape_pipes_and_newlines() -> None:
    b = english_briefing()
    tricky = b.claims[0].model_copy(update={"claim_en": "a | b\nc\r\nd", "attributed_via": "x|y"})
    md = render_briefing(b.model_copy(update={"claims": [tricky]}))
    row = _table_rows(md)[1]
    # Prose fields collapse line breaks to spaces; a row stays one line either way.
    assert "a \\| b c d" in row
    assert "x\\|y" in row
    # Unescaped pipes only delimit the 5 columns (6 separators).
    assert row.replace("\\|", "").count("|") == 6


def test_cell_escaping_turns_raw_line_breaks_into_br() -> None:
    assert _cell("a|b\nc\r\nd\re") == "a\\|b<br>c<br>d<br>e"


def test_digest_groups_by_speaker_and_topic_with_counts() -> None:
    first, second = english_briefing(), second_briefing()
    md = render_briefing([first, second])
    assert md.startswith(f"# News digest: 2 articles, {len(first.claims) + len(second.claims)} claims\n")
    # Each article listed once, numbered.
    articles = md.split("## Articles")[1].split("## Claims by speaker")[0]
    assert articles.count(SEED_ID) == 1 and articles.count(SECOND_ID) == 1
    assert "\n1. Macron presses Putin" in articles and "\n2. " in articles
    # "ايمانويل ماكرون" (no hamza, offline, no English) joins "Emmanuel Macron" from the other article.
    assert "### Emmanuel Macron (\u2068إيمانويل ماكرون\u2069): 3 claims in 2 articles" in md
    assert "### Kremlin (\u2068الكرملين\u2069): 2 claims in 2 articles" in md
    assert "### Vladimir Putin (\u2068فلاديمير بوتين\u2069): 1 claim in 1 article" in md
    # Topics: entities in both articles; Syria is named by claims in both.
    topics = md.split("## Claims by topic")[1]
    assert "### Syria: 2 articles," in topics
    assert "### Kremlin: 2 articles, 2 claims" in topics
    assert "Eastern Ghouta" not in topics  # only in the first article: not a shared topic
    assert "[2]" in topics


def test_digest_lists_duplicate_inputs_once() -> None:
    md = render_briefing([english_briefing(), english_briefing(), second_briefing()])
    assert md.startswith("# News digest: 2 articles")


def test_sequence_of_one_is_a_single_briefing() -> None:
    assert render_briefing([english_briefing()]) == render_briefing(english_briefing())


def test_empty_sequence_is_an_input_error() -> None:
    with pytest.raises(InputError):
        render_briefing([])


def test_flagged_claims_say_so_and_unresolved_speakers_are_never_named() -> None:
    b = english_briefing()
    hidden = b.claims[2].model_copy(update={"speaker": Speaker(name_ar="مصدر مطلع جدا", resolution="unresolved")})
    md = render_briefing(b.model_copy(update={"claims": [b.claims[0], b.claims[1], hidden]}))
    rows = _table_rows(md)
    assert "**Check:** \u2068not in the evidence: فلاديمير بوتين\u2069." in rows[1]  # c1: Putin is not in its sentence
    assert "Check" not in rows[2]
    assert rows[3].startswith("| speaker unresolved | ") and "مصدر مطلع جدا" not in md
    digest = render_briefing([b.model_copy(update={"claims": [hidden]}), second_briefing()])
    assert "speaker unresolved" in digest and "مصدر مطلع جدا" not in digest
