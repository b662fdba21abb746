"""Hand-written articles and briefings for the store tests (our own sentences, not external text).

`briefing(text, source_id, claims, entities)` builds a schema-2.0 `Briefing` whose spans are cut from
`text` by `str.find`, as the toolkit would: each claim is (speaker, kind, evidence quote) plus optional
English name, mention and cue words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.schema import Briefing, Claim, Entity, Evidence, Meta, Speaker, TextSpan


@dataclass
class C:
    """One claim to build: the quote (and mention/cue words) must occur in the article."""

    speaker: str
    kind: str
    quote: str
    name_en: str | None = None
    mention: str | None = None
    cue: str | None = None
    unresolved: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def span(text: str, words: str, after: int = 0) -> TextSpan:
    start = text.index(words, after)
    return TextSpan(start=start, end=start + len(words), text=words)


def briefing(text: str, source_id: str, claims: list[C], entities: list[tuple[str, str]] = ()) -> Briefing:
    out = []
    for i, c in enumerate(claims, 1):
        ev = span(text, c.quote)
        speaker = Speaker(
            name_ar="" if c.unresolved and not c.mention else c.speaker,
            name_en=c.name_en,
            resolution="unresolved" if c.unresolved else "resolved",
            mention=span(text, c.mention) if c.mention else None,
        )
        out.append(
            Claim(
                id=f"c{i}",
                speaker=speaker,
                claim_ar=c.quote,
                kind=c.kind,  # type: ignore[arg-type]
                evidence=Evidence(quote_ar=c.quote, start=ev.start, end=ev.end, method="exact", score=100.0),
                cue=span(text, c.cue) if c.cue else None,
                **c.extra,  # type: ignore[arg-type]
            )
        )
    return Briefing(
        source_id=source_id,
        headline_ar=text.split("\n", 1)[0][:60],
        summary_ar=text[:80],
        claims=out,
        entities=[Entity(name_ar=n, type=t) for n, t in entities],  # type: ignore[arg-type]
        meta=Meta(engine="offline", toolkit_version="test", latency_s=0.0),
    )


# --- a small news week, written for these tests ---------------------------------------------------

TALKS_1 = (
    "قال وزير الخارجية سامي العبدالله إن بلاده شاركت في خمس جولات من المحادثات مع نوفاليا حول مياه البحيرة. "
    "وأضاف العبدالله أن «الأزمة لن تحل بالقوة». "
    "وحذر العبدالله من أن حكومته ستنسحب من اتفاق البحيرة إذا استمر التعنت."
)
TALKS_2 = (
    "قالت المتحدثة باسم حكومة نوفاليا منى الراشد إن الطرفين عقدا ثلاث جولات من المحادثات حول مياه البحيرة فقط. "
    "ونفت الراشد أن تكون نوفاليا قد عرقلت المحادثات حول مياه البحيرة. "
    "وقال مصدر مطلع إن الوفدين سيلتقيان مجدداً."
)
TALKS_3 = (
    "تعهد وزير الخارجية سامي العبدالله بأن تبقى حكومته في اتفاق البحيرة وأن تعمل على حل الأزمة مع نوفاليا. "
    "واتهم الباحث كريم العبدالله نوفاليا بعرقلة المحادثات حول مياه البحيرة. "
    "وقال العبدالله إن الحل ممكن."
)


def week() -> list[tuple[str, str, str, Briefing]]:
    """(source_id, date, text, briefing) for three articles about one dispute."""
    ents = [("نوفاليا", "location"), ("البحيرة", "location"), ("سامي العبدالله", "person")]
    b1 = briefing(
        TALKS_1,
        "talks-1",
        [
            C(
                "سامي العبدالله",
                "statement",
                "بلاده شاركت في خمس جولات من المحادثات مع نوفاليا حول مياه البحيرة",
                name_en="Sami Al-Abdullah",
                mention="سامي العبدالله",
                cue="قال",
            ),
            C("العبدالله", "statement", "«الأزمة لن تحل بالقوة»", mention="العبدالله", cue="وأضاف"),
            C("العبدالله", "warning", "حكومته ستنسحب من اتفاق البحيرة إذا استمر التعنت", cue="وحذر"),
        ],
        ents,
    )
    b2 = briefing(
        TALKS_2,
        "talks-2",
        [
            C(
                "منى الراشد",
                "statement",
                "الطرفين عقدا ثلاث جولات من المحادثات حول مياه البحيرة فقط",
                name_en="Mona Al-Rashed",
                mention="منى الراشد",
                cue="قالت",
            ),
            C("الراشد", "denial", "تكون نوفاليا قد عرقلت المحادثات حول مياه البحيرة", cue="ونفت"),
            C("", "statement", "الوفدين سيلتقيان مجدداً", unresolved=True, mention="مصدر مطلع"),
        ],
        ents,
    )
    b3 = briefing(
        TALKS_3,
        "talks-3",
        [
            C(
                "سامي العبدالله",
                "promise",
                "تبقى حكومته في اتفاق البحيرة وأن تعمل على حل الأزمة مع نوفاليا",
                name_en="Sami Al-Abdullah",
                cue="تعهد",
            ),
            C("كريم العبدالله", "accusation", "نوفاليا بعرقلة المحادثات حول مياه البحيرة", cue="واتهم"),
            C("العبدالله", "statement", "الحل ممكن", cue="وقال"),
        ],
        [*ents, ("كريم العبدالله", "person")],
    )
    return [
        ("talks-1", "2026-03-02", TALKS_1, b1),
        ("talks-2", "2026-03-04", TALKS_2, b2),
        ("talks-3", "2026-03-12", TALKS_3, b3),
    ]
