"""Issue 10's five-claim case end to end, over a real loopback socket, from Python and from the CLI.

The endpoint is `faultproxy.ScriptedUpstream`, a local OpenAI-format server answering a
HAND-WRITTEN FIXTURE completion (never recorded model output), the same answer on every attempt: a
model that does not fix what the re-ask tells it. Of its five claims on the founding seed article
only the honest one may survive; the other four are dropped and recorded with their rules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faultproxy import ScriptedUpstream
from fixtures_openai import GOOD_QUOTE, SEED_ARTICLE_PATH, briefing, claim, completion, seed_article

from toolkit import Briefing, summarize
from toolkit.attribution import word_bounded
from toolkit.engines.openai_compat import TransportPolicy

ROOT = Path(__file__).resolve().parents[1]
FAST = TransportPolicy(max_attempts=2, initial_wait=0.05, max_wait=1.0, timeout=10.0, jitter=0.0)

# The authored answer: (quote, speaker) → the rule that must drop it (None: kept).
FIVE = [
    (GOOD_QUOTE, "ماكرون", None),  # honest: a real quote, a speaker the article names
    ("في", "ماكرون", "evidence_too_short"),  # a bare preposition (grounded "exact, score 100" before)
    ("وضع نهاية للتصعيد العسكري في سورية", "دونالد ترامب", "speaker_not_in_article"),  # named nowhere
    ("لم تتوافر لفرنسا إمكانية القيام بذلك في شكل منفرد", "فرنسوا لوكوانتر", "meaning_changed"),  # «لم» added
    ("امي", "ماكرون", "evidence_too_short"),  # three letters from inside النظامية / الرامية
]


def _answer() -> dict[str, Any]:
    return completion(briefing(claims=[claim(quote=q, speaker_ar=s) for q, s, _ in FIVE]))


@pytest.fixture
def upstream() -> Iterator[ScriptedUpstream]:
    server = ScriptedUpstream([_answer(), _answer()])
    yield server
    server.close()


def _check(b: Briefing, article: str) -> None:
    [kept] = b.claims
    assert kept.evidence.quote_ar == GOOD_QUOTE and kept.speaker.name_ar == "ماكرون"
    # The honest claim carries the whole triple, each span the article's own whole words.
    assert kept.speaker.mention is not None and kept.cue is not None and kept.attribution is not None
    for span in (kept.speaker.mention, kept.cue):
        assert article[span.start : span.end] == span.text and word_bounded(article, span.start, span.end)
    assert (kept.speaker.mention.text, kept.cue.text) == ("ماكرون", "دعا")
    assert kept.attribution.mention_distance == 0 and kept.attribution.flags == []
    rules = {(d.quote_ar, d.speaker_ar): d.rule for d in b.meta.dropped_claims}
    assert rules == {(q, s): r for q, s, r in FIVE if r is not None}
    assert all(d.reason for d in b.meta.dropped_claims)


def test_five_claims_from_python(upstream: ScriptedUpstream) -> None:
    article = seed_article()
    b = summarize(article, model="fixture-model", base_url=upstream.base_url, api_key="sk-test",
                  transport=FAST, max_reasks=1)
    assert [a.outcome for a in b.meta.attempts] == ["invalid", "invalid"]  # re-asked once, then dropped
    reask = str(upstream.requests[1]["messages"][-1]["content"])
    assert "«في» is only 1 word" in reask  # the first failing rule, as an instruction
    _check(b, article)


def test_five_claims_from_the_cli(upstream: ScriptedUpstream, tmp_path: Path) -> None:
    out = tmp_path / "briefing.json"
    cmd = [sys.executable, "-m", "toolkit.cli", "summarize", str(SEED_ARTICLE_PATH), "--base-url",
           upstream.base_url, "--model", "fixture-model", "--max-reasks", "1", "--output", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENAI_API_KEY": "sk-test"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    _check(Briefing.model_validate(json.loads(out.read_text(encoding="utf-8"))), seed_article())
