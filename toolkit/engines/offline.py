"""The offline engine: a deterministic Arabic extractor that needs no model, key or network.

It is what `khulasa summarize` uses when nothing is configured, and the baseline row of every eval.

What it does:

- **Claims** from attribution cues, matched on folded text (`toolkit.arabic.fold`) and cut from the
  original through the fold's offset map, so every quote grounds exactly:
  reporting verbs in their common forms (قال، أضاف، أكد، أوضح، أشار، أفاد، اعتبر، رأى، نفى، حذر، دعا،
  حض، حث، طالب، أعلن، كشف، زعم، شدد، لفت، تابع، ختم، زاد، اتهم، هدد، وعد، تعهد، رفض، نوه، صرح، بيّن،
  ذكر، أقر، توقع، رجح، أعرب… with و/ف, feminine, plural, present and participle forms such as مشيراً،
  مؤكدةً، قائلاً, and the masdar بالإشارة), source phrases (وفق، وفقاً لـ، بحسب، حسب، نقلاً عن، طبقاً لـ),
  statements as speakers (بيان للإليزيه، أفاد البيان، بيان صادر عن المكتب الصحفي للكرملين) and
  direct quotations in « » / “ ” / "…" after a verb or a colon.
- **Speakers**: VSO (وحض ماكرون نظيره…), SVO (فإن ماكرون دعا، وكانت الرئاسة الفرنسية أكدت، أنه
  (ماكرون) «حض…»), titles stripped from names (رئيس الأركان الفرنسي الجنرال فرنسوا لوكوانتر →
  فرنسوا لوكوانتر; a bare title such as الرئيس الفرنسي is resolved when the article introduced the name
  with it), a surname resolved to the full name introduced earlier (ماكرون → إيمانويل ماكرون; between
  two people sharing a surname, by the verb's gender, then by recency), institutions, anonymous
  sources (مصدر في البنك المركزي), and pronoun-only follow-ups (وأضاف، وزاد: «…»، مشيراً إلى أن)
  carried over from the previous claim within two sentences. A speech verb inside a statement's
  reported words with its own subject (أفاد البيان بأن الرئيس الفرنسي «أبرز…») makes the person the
  speaker and the statement the channel.
- **attributed_via**: the statement, source phrase or spokesperson, in the article's Arabic words.
- **kind** from the verb (نفى/رفض → denial, حذر/هدد → warning, دعا/حض/طالب → call, اتهم → accusation,
  وعد/تعهد → promise, اعتبر/رأى/توقع → assessment, أفاد/أعلن/كشف → report, else statement), then from
  the words (لن تتساهل، رد حازم → warning; ضرورة at the start → call; an institution's statement
  asserting facts → report).
- **conditional** when the claim's clause has إذا، في حال، لو, or إن spelled with hamza below and
  followed by a verb from a short list (إن لم، إن كان، إن ثبت…). Not: أن/إنّ complementizers, ما إذا
  ("whether"), في أي حال ("in any case").
- **Summary/headline/key points**: extractive (`_offline_summary`); **entities**: speakers, titled
  names, and small gazetteers of institutions and places.

What it does not do: English (all English fields are None; renderers say "English requires an LLM");
speaker roles; coreference beyond the rules above (هو، الوزير alone, a name mentioned three sentences
back); claims without a cue (a bare quotation with no verb, نُقل عن in passive voice); reported
speech split over several sentences; entities that are neither speakers, titled names nor in the
gazetteers (most people named without a title, companies, events); morphology beyond listed forms.
"""

from __future__ import annotations

import re

from toolkit.arabic import fold
from toolkit.drafts import BriefingDraft, ClaimDraft, KeyPointDraft
from toolkit.engines._offline_claims import ClaimExtractor
from toolkit.engines._offline_summary import entities, headline, key_points, score_sentences, summary
from toolkit.engines.base import EngineRequest, EngineResult
from toolkit.schema import EntityType

MAX_CLAIMS = 20


class OfflineEngine:
    """Deterministic extractor: no model, no network, no randomness."""

    name = "offline"

    def run(self, request: EngineRequest) -> EngineResult:
        """Extract a briefing draft from the article.

        Args:
            request: The article and its sentences.

        Returns:
            The draft (Arabic fields only), with no model, prompt, attempts or cost.
        """
        return EngineResult(draft=extract(request))

    async def arun(self, request: EngineRequest) -> EngineResult:
        """Same as `run` (it takes milliseconds, so it runs inline rather than in a thread)."""
        import asyncio  # not at module level: the CLI's offline path never needs it

        await asyncio.sleep(0)
        return self.run(request)


_ARABIC_RUN = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")


def extract(request: EngineRequest) -> BriefingDraft:
    """Build the briefing draft for one article.

    Args:
        request: The article and its sentences.

    Returns:
        A draft whose claim quotes are exact substrings of the article.
    """
    folded = fold(request.article)
    extractor = ClaimExtractor(request.article, request.sentences, folded)
    claims = extractor.run()[:MAX_CLAIMS]
    scored = score_sentences(request.sentences, folded)
    head = headline(request.sentences, scored)
    text = summary(scored, len(request.article.split()))
    if not head or not text:  # no Arabic sentence long enough: fall back to the Arabic words
        # Runs of Arabic-script characters, not whole words: a "word" like «hٻµý» is mostly Latin and
        # would fail the drafts' Arabic check (found by fuzzing the HTTP API).
        words = " ".join(_ARABIC_RUN.findall(request.article))
        head = head or words[:200].rsplit(" ", 1)[0] or words[:200]
        text = text or words[:1000].rsplit(" ", 1)[0]
    speakers = _speaker_types(claims, extractor)
    return BriefingDraft(
        headline_ar=head,
        summary_ar=text,
        key_points=[KeyPointDraft(text_ar=k) for k in key_points(scored)],
        claims=claims,
        entities=entities(extractor.sents, speakers),
    )


def _speaker_types(claims: list[ClaimDraft], extractor: ClaimExtractor) -> list[tuple[str, EntityType]]:
    # Anonymous sources (مصدر في الوزارة) are speakers but not named entities.
    types: dict[str, EntityType] = {
        "person": "person",
        "organization": "organization",
        "location": "location",
    }
    out: list[tuple[str, EntityType]] = []
    for c in claims:
        etype = types.get(extractor.speaker_types.get(c.speaker_ar, ""))
        if etype is not None:
            out.append((c.speaker_ar, etype))
    return out
