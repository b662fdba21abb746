"""Long articles: chunks on sentence boundaries, per-chunk grounding shifted to GLOBAL offsets, merge.

The model is the local fixture server (tests/servers/fake_openai.py: authored answers quoting the
prompt's sentences); the 20,000-word article is generated from sentences written for these tests.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from servers.articles import article, long_article
from servers.fake_openai import FakeOpenAI

from toolkit import Briefing, summarize
from toolkit.arabic import fold_text, split_sentences
from toolkit.attribution import word_bounded
from toolkit.chunking import DEFAULT_CHUNK_CHARS, merge_claims, merge_entities, plan_chunks
from toolkit.engines.openai_compat import TransportPolicy
from toolkit.schema import Claim, Entity, Evidence, Speaker, TextSpan

FAST = TransportPolicy(max_attempts=2, initial_wait=0.01, max_wait=0.05, timeout=5.0, jitter=0.0)
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _check_offsets(text: str, briefing: Briefing) -> None:
    for claim in briefing.claims:
        ev = claim.evidence
        assert text[ev.start : ev.end] == ev.quote_ar
        for span in (claim.speaker.mention, claim.cue):  # who and said are shifted like what
            if span is not None:
                assert text[span.start : span.end] == span.text and word_bounded(text, span.start, span.end)
        sentences = split_sentences(text)
        assert all(sentences[i].start < ev.end and ev.start < sentences[i].end for i in ev.sentence_ids)


def test_plan_covers_every_sentence_within_budget_with_overlap() -> None:
    text = long_article(3000)
    sentences = split_sentences(text)
    plans = plan_chunks(sentences, 2000, overlap=1)
    assert plans[0].sentence_ids[0] == 0 and plans[-1].sentence_ids[-1] == len(sentences) - 1
    for a, b in itertools.pairwise(plans):
        assert b.sentence_ids[0] == a.sentence_ids[-1]  # one sentence of overlap
    assert all(p.end - p.start <= 2000 for p in plans)
    assert all(text[p.start : p.end].startswith(sentences[p.sentence_ids[0]].text) for p in plans)


def test_a_sentence_longer_than_the_budget_is_a_chunk_alone() -> None:
    sentences = split_sentences("جملة قصيرة. " + "كلمة " * 100 + ". جملة أخرى.")
    plans = plan_chunks(sentences, 50)
    assert [len(p.sentence_ids) for p in plans] == [1, 1, 1]


def test_20000_word_article_is_chunked_merged_and_offsets_are_global() -> None:
    text = long_article(20_000)
    with FakeOpenAI() as srv:
        briefing = summarize(text, model="gpt-4.1-mini", base_url=srv.base_url, transport=FAST)
        calls = srv.state.counts["chat"]
    expected_chunks = len(plan_chunks(split_sentences(text), DEFAULT_CHUNK_CHARS))
    assert briefing.meta.chunks == expected_chunks > 1
    assert calls == expected_chunks + 1  # one call per chunk, then the merge call over their summaries
    assert len(briefing.meta.attempts) == calls
    assert [a.attempt for a in briefing.meta.attempts] == list(range(1, calls + 1))
    _check_offsets(text, briefing)
    assert max(c.evidence.start for c in briefing.claims) > DEFAULT_CHUNK_CHARS  # later chunks count
    later = [c for c in briefing.claims if c.evidence.start > DEFAULT_CHUNK_CHARS]
    assert any(c.speaker.mention and c.speaker.mention.start > DEFAULT_CHUNK_CHARS for c in later)
    assert any(c.cue and c.cue.start > DEFAULT_CHUNK_CHARS for c in later)
    spans = [(fold_text(c.speaker.name_ar), c.evidence.start, c.evidence.end) for c in briefing.claims]
    assert len(spans) == len(set(spans))  # the overlap sentence's claim was merged, not repeated
    assert [c.id for c in briefing.claims] == [f"c{i}" for i in range(1, len(briefing.claims) + 1)]
    assert len(briefing.entities) == 1  # the same entity from every chunk, merged by folded name


def test_short_article_is_not_chunked() -> None:
    with FakeOpenAI() as srv:
        briefing = summarize(article(1), model="gpt-4.1-mini", base_url=srv.base_url, transport=FAST)
        assert srv.state.counts["chat"] == 1
    assert briefing.meta.chunks == 1


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.iterdir() if (p / "article.txt").is_file()))
def test_real_seed_articles_chunked_small_keep_global_offsets(seed: str) -> None:
    with open(SEEDS / seed / "article.txt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    budget = max(400, len(text) // 3)  # the long seed (> 1,500 words) and the short ones: >= 3 chunks
    with FakeOpenAI() as srv:
        briefing = summarize(
            text, model="gpt-4.1-mini", base_url=srv.base_url, transport=FAST, chunk_chars=budget
        )
    assert briefing.meta.chunks >= 3
    _check_offsets(text, briefing)


def test_offline_engine_chunks_and_rescores() -> None:
    text = long_article(3000)
    try:
        briefing = summarize(text, model="offline", chunk_chars=4000)
    except ImportError:  # pragma: no cover - the offline engine lands separately
        pytest.skip("offline engine not available")
    assert briefing.meta.chunks > 1
    _check_offsets(text, briefing)
    assert briefing.summary_ar


def _claim(speaker: str, start: int, end: int, mention: tuple[int, int] | None = None) -> Claim:
    where = (
        TextSpan(start=mention[0], end=mention[1], text="م" * (mention[1] - mention[0])) if mention else None
    )
    return Claim(
        id="x",
        speaker=Speaker(name_ar=speaker, mention=where),
        claim_ar="ادعاء",
        kind="statement",
        evidence=Evidence(quote_ar="ق" * (end - start), start=start, end=end, method="exact", score=100.0),
    )


def test_merge_claims_same_speaker_overlapping_evidence_then_one_speaker_per_evidence() -> None:
    merged, dropped = merge_claims(
        [_claim("أحمد", 10, 30), _claim("احمد", 20, 40), _claim("سعيد", 20, 40), _claim("أحمد", 50, 60)]
    )
    assert [(c.id, c.speaker.name_ar, c.evidence.start) for c in merged] == [
        ("c1", "أحمد", 10),
        ("c2", "أحمد", 50),
    ]
    assert [(d.speaker_ar, d.rule) for d in dropped] == [("سعيد", "speaker_conflict")]
    # Across chunks, the claim whose speaker is named nearer the evidence wins.
    merged, dropped = merge_claims([_claim("أحمد", 10, 30, (0, 5)), _claim("سعيد", 20, 40, (15, 19))])
    assert [c.speaker.name_ar for c in merged] == ["سعيد"] and dropped[0].speaker_ar == "أحمد"


def test_merge_entities_by_folded_name() -> None:
    merged = merge_entities(
        [
            Entity(name_ar="الأمم المتحدة", type="organization", aliases=["الامم"]),
            Entity(name_ar="الامم المتحدة", name_en="United Nations", type="organization", aliases=["UN"]),
        ]
    )
    assert len(merged) == 1 and merged[0].name_en == "United Nations" and merged[0].aliases == ["الامم", "UN"]
