"""HAND-WRITTEN Briefing fixtures for the renderer tests. They are authored, NOT model output.

They describe the project's seed article (the Macron-Putin call on Eastern Ghouta) the way a good
engine would, so the renderers can be tested without a model. Evidence offsets are computed here with
`str.find` on the real article text, so `article[start:end] == quote_ar` holds by construction.

- `english_briefing()`: as an LLM engine would return it (English fields filled, usage, a dropped claim,
  two claims whose evidence spans overlap). Speaker mentions, cues and flags are computed by the
  toolkit's attribution step from the authored names, as for any engine.
- `offline_briefing()`: the same article as the offline engine returns it (every English field None).
- `second_article()` / `second_briefing()`: a short second article, also hand-written here, summarized
  offline, to exercise the digest (same speakers under other spellings, a shared topic).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.arabic import has_arabic
from toolkit.attribution import Attributor
from toolkit.grounding import Grounder, Span
from toolkit.schema import (
    AttemptUsage,
    Briefing,
    Claim,
    DroppedClaim,
    Entity,
    Evidence,
    KeyPoint,
    Meta,
    Speaker,
)

_REPO = Path(__file__).resolve().parent.parent
SEED_ID = "eastern-ghouta-macron-putin"
_CANDIDATES = (
    _REPO / "seeds" / SEED_ID / "article.txt",
    Path("/work/shared/seed-article") / f"{SEED_ID}.txt",
)


def seed_article() -> str:
    """The seed article's exact text (the repo's copy under seeds/ when present)."""
    for path in _CANDIDATES:
        if path.is_file():
            # newline="" keeps the bytes exactly as stored: offsets depend on them.
            with open(path, encoding="utf-8", newline="") as fh:
                return fh.read()
    raise FileNotFoundError(f"seed article not found in {[str(p) for p in _CANDIDATES]}")


def evidence(article: str, quote: str, *, method: str = "exact") -> Evidence:
    """Locate `quote` in `article` with `str.find`; fail loudly if the fixture text drifted."""
    start = article.find(quote)
    assert start >= 0, f"fixture quote not in article: {quote!r}"
    return Evidence(quote_ar=quote, start=start, end=start + len(quote), method=method, score=100.0)  # type: ignore[arg-type]


MACRON = ("إيمانويل ماكرون", "Emmanuel Macron", "French President")
PUTIN = ("فلاديمير بوتين", "Vladimir Putin", "Russian President")
KREMLIN = ("الكرملين", "Kremlin", None)
ELYSEE = ("الإليزيه", "Élysée Palace", "French presidency")
PRESIDENCY = ("الرئاسة الفرنسية", "French Presidency", None)
LECOINTRE = ("فرنسوا لوكوانتر", "François Lecointre", "French Chief of the Defence Staff")

# (id, speaker, kind, quote, claim_ar, claim_en, conditional, condition, via)
_SEED_CLAIMS = [
    (
        "c1",
        MACRON,
        "call",
        "وضع نهاية للتصعيد العسكري في سورية",
        "ماكرون حض بوتين على وضع نهاية للتصعيد العسكري في سورية",
        "Macron urged Putin to end the military escalation in Syria.",
        False,
        None,
        None,
    ),
    (
        "c2",
        MACRON,
        "call",
        "ماكرون دعا موسكو إلى «استخدام نفوذها في إنهاء الصراع في سورية واستئناف المفاوضات الرامية إلى "
        "التحرك نحو انتقال سياسي»",
        "دعا موسكو إلى استخدام نفوذها لإنهاء الصراع واستئناف المفاوضات نحو انتقال سياسي",
        "Macron called on Moscow to use its influence to end the conflict and resume talks on a political "
        "transition.",
        False,
        None,
        "Élysée statement",
    ),
    # Overlaps the start of c2's evidence on purpose ("ماكرون دعا موسكو" is in both).
    (
        "c3",
        ELYSEE,
        "report",
        "ووفق بيان للإليزيه، فإن ماكرون دعا موسكو",
        "بيان الإليزيه أفاد بأن ماكرون دعا موسكو",
        "The Élysée said Macron had called on Moscow.",
        False,
        None,
        None,
    ),
    (
        "c4",
        PRESIDENCY,
        "warning",
        "باريس وواشنطن «لن تتساهلا «على صعيد «الإفلات من العقاب» إذا «تأكد استخدام» أسلحة كيمياوية في سورية",
        "باريس وواشنطن لن تتساهلا مع الإفلات من العقاب إذا تأكد استخدام أسلحة كيمياوية",
        "Paris and Washington will not tolerate impunity if chemical weapons use is confirmed.",
        True,
        "if the use of chemical weapons in Syria is confirmed",
        None,
    ),
    (
        "c5",
        LECOINTRE,
        "statement",
        "إذا اضطرت باريس إلى أن اتخاذ قرار بتوجيه ضربة إلى سورية، «فإن ذلك سيحصل بالتنسيق مع الأميركيين، "
        "بلا شك»",
        "أي ضربة فرنسية لسورية ستحصل بالتنسيق مع الأميركيين",
        "Any French strike on Syria would be coordinated with the Americans.",
        True,
        "إذا اضطرت باريس إلى اتخاذ قرار بتوجيه ضربة إلى سورية",
        None,
    ),
    (
        "c6",
        PUTIN,
        "report",
        "تحدّث بوتين عن العملية غير المسبوقة من حيث الحجم لإنقاذ المدنيين في هذه المنطقة وإخراج المسلحين",
        "بوتين تحدث عن عملية غير مسبوقة لإنقاذ المدنيين وإخراج المسلحين",
        "Putin described an unprecedented operation to rescue civilians and remove the militants.",
        False,
        None,
        "Kremlin statement",
    ),
    (
        "c7",
        KREMLIN,
        "report",
        "استمر تبادل الآراء حول المسألة السورية",
        "استمر تبادل الآراء حول المسألة السورية",
        "The exchange of views on Syria continued.",
        False,
        None,
        None,
    ),
]

_SEED_ENTITIES = [
    ("إيمانويل ماكرون", "Emmanuel Macron", "person", ["ماكرون"]),
    ("فلاديمير بوتين", "Vladimir Putin", "person", ["بوتين"]),
    ("الغوطة الشرقية", "Eastern Ghouta", "location", []),
    ("سورية", "Syria", "location", ["سوريا"]),
    ("الكرملين", "Kremlin", "organization", []),
    ("فرنسوا لوكوانتر", "François Lecointre", "person", ["لوكوانتر"]),
]


@dataclass
class _Proposal:
    """An authored claim as a producer gives it to the toolkit's attribution step."""

    speaker_ar: str
    claim_ar: str
    claim_en: str | None
    cue_ar: str | None = None
    mention_hint: tuple[int, int] | None = None
    cue_hint: tuple[int, int] | None = None
    unresolved: bool = False


def _claims(article: str, english: bool) -> list[Claim]:
    # The speaker mentions, cues and flags are computed by the toolkit (as for any engine), from the
    # authored names and the evidence located with str.find.
    grounder = Grounder(article)
    rows = []
    for cid, (ar, en, role), kind, quote, claim_ar, claim_en, cond, condition, via in _SEED_CLAIMS:
        ev = evidence(article, quote)
        found = grounder.find(quote, near=ev.start)
        assert found is not None
        span = Span(ev.start, ev.end, "exact", 100.0, found.sentence_ids)
        ev = ev.model_copy(update={"sentence_ids": list(span.sentence_ids)})
        rows.append((cid, ar, en, role, kind, claim_ar, claim_en, cond, condition, via, ev, span))
    entities = _entities(english)
    attributed = Attributor.for_grounder(grounder, entities).attribute(
        [(_Proposal(r[1], r[5], r[6] if english else None), r[11]) for r in rows]
    )
    out = []
    for (cid, ar, en, role, kind, claim_ar, claim_en, cond, condition, via, ev, _), who in zip(
        rows, attributed, strict=True
    ):
        assert who.rule is None, (cid, who.reason)
        out.append(
            Claim(
                id=cid,
                speaker=Speaker(
                    name_ar=ar, name_en=en if english else None, role=role if english else None, mention=who.mention
                ),
                claim_ar=claim_ar,
                claim_en=claim_en if english else None,
                kind=kind,  # type: ignore[arg-type]
                conditional=cond,
                # Offline keeps only a condition quoted in Arabic; an English gloss needs a model.
                condition=condition if (english or has_arabic(condition or "")) else None,
                attributed_via=via if english else (None if via is None else "بيان"),
                evidence=ev,
                cue=who.cue,
                attribution=who.attribution,
            )
        )
    return out


def _entities(english: bool) -> list[Entity]:
    return [
        Entity(name_ar=ar, name_en=en if english else None, type=t, aliases=al)  # type: ignore[arg-type]
        for ar, en, t, al in _SEED_ENTITIES
    ]


_DROPPED = DroppedClaim(
    quote_ar="ماكرون هدد بضرب دمشق فوراً",
    speaker_ar="إيمانويل ماكرون",
    claim_ar="ماكرون هدد بضرب دمشق",
    reason="quote not found in article (best 61.2 < 90)",
)


def english_briefing() -> Briefing:
    """The seed article as an LLM engine would summarize it (hand-written)."""
    article = seed_article()
    return Briefing(
        source_id=SEED_ID,
        headline_ar="ماكرون يحض بوتين على إنهاء التصعيد في الغوطة الشرقية",
        headline_en="Macron presses Putin to end the escalation in Eastern Ghouta",
        summary_ar="ناقش ماكرون وبوتين هاتفياً الوضع في الغوطة الشرقية. حض ماكرون روسيا على إنهاء التصعيد، "
        "وحذرت باريس من رد حازم إذا تأكد استخدام أسلحة كيمياوية.",
        summary_en="Macron and Putin discussed Eastern Ghouta by phone. Macron urged Russia to end the "
        "escalation; Paris warned of a firm response if chemical weapons use is confirmed.",
        key_points=[
            KeyPoint(
                text_ar="اتصال هاتفي بين ماكرون وبوتين حول الغوطة الشرقية",
                text_en="Macron and Putin spoke by phone about Eastern Ghouta.",
            ),
            KeyPoint(
                text_ar="ماكرون حض روسيا على وقف التصعيد العسكري",
                text_en="Macron urged Russia to stop the military escalation.",
            ),
            KeyPoint(
                text_ar="باريس تهدد برد حازم إذا تأكد استخدام الكيمياوي",
                text_en="Paris threatens a firm response if chemical weapons use is confirmed.",
            ),
            KeyPoint(
                text_ar="الكرملين تحدث عن عملية لإنقاذ المدنيين",
                text_en="The Kremlin described an operation to rescue civilians.",
            ),
        ],
        claims=_claims(article, english=True),
        entities=_entities(english=True),
        meta=Meta(
            engine="openai_compat",
            model="qwen2.5-7b-instruct",
            base_url_host="127.0.0.1:8080",
            prompt_version="3f2a9c1d0b7e",
            toolkit_version="0.1.0",
            attempts=[
                AttemptUsage(attempt=1, outcome="invalid", prompt_tokens=1210, completion_tokens=388),
                AttemptUsage(attempt=2, outcome="ok", prompt_tokens=1402, completion_tokens=415),
            ],
            cost_usd=None,
            latency_s=14.25,
            dropped_claims=[_DROPPED],
        ),
    )


def offline_briefing() -> Briefing:
    """The seed article as the offline engine would return it: no English anywhere (hand-written)."""
    article = seed_article()
    return Briefing(
        source_id=SEED_ID,
        headline_ar="ناقش الرئيسان الفرنسي إيمانويل ماكرون، والروسي فلاديمير بوتين هاتفياً أمس",
        summary_ar="ناقش الرئيسان الفرنسي إيمانويل ماكرون، والروسي فلاديمير بوتين هاتفياً أمس، تطورات الوضع "
        "الميداني في الغوطة الشرقية.",
        key_points=[
            KeyPoint(text_ar="وحض ماكرون نظيره الروسي على وضع نهاية للتصعيد العسكري في سورية"),
            KeyPoint(text_ar="رداً حازماً سيوجّه، بالتنسيق التام مع حلفائنا الأميركيين"),
            KeyPoint(text_ar="أطلع نظيره الفرنسي على نتائج القمة الثلاثية للدول الضامنة"),
        ],
        claims=_claims(article, english=False),
        entities=_entities(english=False),
        meta=Meta(engine="offline", toolkit_version="0.1.0", latency_s=0.03),
    )


SECOND_ID = "kremlin-ankara-visit"


def second_article() -> str:
    """A short second article, written by hand for the digest tests (not a real news report)."""
    return (
        "أعلن الكرملين أن الرئيس فلاديمير بوتين سيزور أنقرة الشهر المقبل لبحث الوضع في سورية.\n"
        "وقال الرئيس الفرنسي ايمانويل ماكرون إن فرنسا «لن تقف مكتوفة الأيدي» في سورية."
    )


def second_briefing() -> Briefing:
    """`second_article()` as the offline engine would summarize it; speakers spelled differently."""
    article = second_article()
    kremlin = "الرئيس فلاديمير بوتين سيزور أنقرة الشهر المقبل لبحث الوضع في سورية"
    macron = "فرنسا «لن تقف مكتوفة الأيدي» في سورية"
    return Briefing(
        source_id=SECOND_ID,
        headline_ar="بوتين يزور أنقرة الشهر المقبل",
        summary_ar="أعلن الكرملين زيارة بوتين إلى أنقرة، وقال ماكرون إن فرنسا لن تقف مكتوفة الأيدي.",
        key_points=[KeyPoint(text_ar="زيارة مرتقبة لبوتين إلى أنقرة")],
        claims=[
            Claim(
                id="c1",
                speaker=Speaker(name_ar="الكرملين"),
                claim_ar=kremlin,
                kind="report",
                evidence=evidence(article, kremlin),
            ),
            # "ايمانويل" without hamza: the digest must still group it with "إيمانويل ماكرون".
            Claim(
                id="c2",
                speaker=Speaker(name_ar="ايمانويل ماكرون"),
                claim_ar=macron,
                kind="warning",
                evidence=evidence(article, macron),
            ),
        ],
        entities=[
            Entity(name_ar="الكرملين", type="organization"),
            Entity(name_ar="فلاديمير بوتين", type="person"),
            Entity(name_ar="سورية", type="location"),
            Entity(name_ar="أنقرة", type="location"),
        ],
        meta=Meta(engine="offline", toolkit_version="0.1.0", latency_s=0.01),
    )
