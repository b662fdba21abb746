"""What a model fills in: the LLM-facing drafts of a briefing, and their validators.

A draft has no offsets: the model gives a verbatim quote and the toolkit locates it. Validator
messages are written as instructions to the model, because instructor sends them back verbatim as
the re-ask prompt. Grounding and language checks read a `DraftContext` passed as pydantic's
validation context, so the same models also validate leniently (to salvage the grounded part of an
output whose re-asks ran out).

Every string and list is bounded: a small model otherwise loops until `max_tokens`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from toolkit.arabic import arabic_ratio, has_arabic
from toolkit.attribution import Attributed, Attributor, conflicts
from toolkit.grounding import Grounder, Span
from toolkit.schema import Briefing, Claim, ClaimKind, Entity, EntityType, KeyPoint, Meta

UNKNOWN_SPEAKER = "غير معروف"
"""What a model writes as `speaker_ar` when the article does not say who spoke (an unresolved speaker)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: Any) -> Any:
    # llama.cpp's schema grammar lets raw control characters into strings; drop them (tabs and
    # newlines become spaces) rather than fail a whole briefing over invisible bytes.
    if isinstance(value, str):
        return _CONTROL.sub("", value).replace("\t", " ").replace("\r", " ").replace("\n", " ").strip()
    return value


Text = Annotated[str, BeforeValidator(_clean_text)]


@dataclass
class DraftContext:
    """Validation context for drafts.

    Attributes:
        grounder: Locates quotes in the article; None skips grounding.
        strict_grounding: Fail validation (→ re-ask) on a quote not in the article. When False the
            claim is kept in the draft and the pipeline drops and records it.
        require_english: Require the English fields (LLM engines); the offline engine leaves them None.
    """

    grounder: Grounder | None = None
    strict_grounding: bool = True
    require_english: bool = True


_ACTIVE: ContextVar[DraftContext | None] = ContextVar("khulasa_draft_context", default=None)


@contextmanager
def draft_context(ctx: DraftContext) -> Iterator[DraftContext]:
    """Make `ctx` the validation context of drafts validated in this thread/task.

    Engines use this instead of instructor's `context=` argument: instructor also renders every
    message as a Jinja template with that context, which would evaluate template syntax that happens
    to be in an article (`{{ … }}`) instead of showing the article verbatim.

    Args:
        ctx: The context to activate.

    Yields:
        The same context.
    """
    token = _ACTIVE.set(ctx)
    try:
        yield ctx
    finally:
        _ACTIVE.reset(token)


def _ctx(info: ValidationInfo) -> DraftContext:
    ctx = info.context
    if isinstance(ctx, DraftContext):
        return ctx
    if isinstance(ctx, dict) and isinstance(ctx.get("draft"), DraftContext):
        return ctx["draft"]  # type: ignore[no-any-return]
    active = _ACTIVE.get()
    return active if active is not None else DraftContext(grounder=None, require_english=False)


_SCHEMA_CACHE: dict[Any, dict[str, Any]] = {}


class _Draft(BaseModel):
    # Extra keys are ignored rather than rejected: small models add chatter fields.
    model_config = ConfigDict(extra="ignore")


class ClaimDraft(_Draft):
    """One attributed claim as the model reports it."""

    speaker_ar: Text = Field(
        max_length=120,
        description="The speaker's name exactly as written in the Arabic article (a person, an "
        "institution, a statement such as 'بيان للإليزيه' or a source such as 'مصدر دبلوماسي'). "
        f"Write '{UNKNOWN_SPEAKER}' when the article does not say who said it.",
    )
    speaker_en: Text | None = Field(default=None, max_length=120, description="The speaker's English name.")
    speaker_role: Text | None = Field(
        default=None, max_length=160, description="The speaker's role in English, e.g. 'French President'."
    )
    kind: ClaimKind = Field(
        description="statement, call (call/demand/urging), accusation, denial, warning (warning/threat), "
        "promise, assessment (opinion/evaluation) or report (report of fact)."
    )
    claim_ar: Text = Field(max_length=400, description="The claim in Arabic, briefly.")
    claim_en: Text | None = Field(default=None, max_length=400, description="The claim in English, briefly.")
    quote_ar: Text = Field(
        min_length=2,
        max_length=400,
        description="Evidence: words copied character for character from ONE sentence of the article "
        "that prove the claim. Never paraphrase.",
    )
    cue_ar: Text | None = Field(
        default=None,
        max_length=60,
        description="The reporting verb or phrase that introduces the claim, copied from the article "
        "as written (e.g. 'وحض', 'أكدت', 'ووفق بيان', 'قائلاً'). Null if there is none.",
    )
    conditional: bool = Field(default=False, description="True only if the claim depends on a condition.")
    condition: Text | None = Field(default=None, max_length=300, description="The condition, or null.")
    attributed_via: Text | None = Field(
        default=None,
        max_length=160,
        description="The statement/spokesperson/outlet the claim is reported through, or null if direct.",
    )

    # Where an extractor saw the quote, the speaker's mention and the cue in the original text (never
    # part of the model-facing schema): grounding prefers these occurrences and spans. A model engine
    # leaves them None and the toolkit finds the spans from the words alone.
    _start_hint: int | None = PrivateAttr(default=None)
    _mention_hint: tuple[int, int] | None = PrivateAttr(default=None)
    _cue_hint: tuple[int, int] | None = PrivateAttr(default=None)
    _unresolved: bool = PrivateAttr(default=False)

    @property
    def start_hint(self) -> int | None:
        """Original-text offset where the quote was seen, when the producer knows it."""
        return self._start_hint

    @property
    def mention_hint(self) -> tuple[int, int] | None:
        """Original-text (start, end) of the speaker's mention, when the producer knows it."""
        return self._mention_hint

    @property
    def cue_hint(self) -> tuple[int, int] | None:
        """Original-text (start, end) of the reporting cue, when the producer knows it."""
        return self._cue_hint

    @property
    def unresolved(self) -> bool:
        """True when the producer could not tell who spoke (`speaker_ar` is only a candidate)."""
        return self._unresolved

    def at(
        self,
        start: int,
        *,
        mention: tuple[int, int] | None = None,
        cue: tuple[int, int] | None = None,
        unresolved: bool = False,
    ) -> ClaimDraft:
        """Record where the producer saw the quote, mention and cue in the original text; return self.

        Args:
            start: Original-text offset of the quote.
            mention: Original-text (start, end) of the speaker's mention (the antecedent's for a
                pronoun-only follow-up).
            cue: Original-text (start, end) of the reporting verb or phrase.
            unresolved: The speaker could not be determined; `speaker_ar` is the candidate considered.

        Returns:
            This draft.
        """
        self._start_hint = start
        self._mention_hint = mention
        self._cue_hint = cue
        self._unresolved = unresolved
        return self

    @field_validator("quote_ar")
    @classmethod
    def _quote_is_in_article(cls, quote: str, info: ValidationInfo) -> str:
        ctx = _ctx(info)
        if ctx.grounder is None or not ctx.strict_grounding:
            return quote
        located = ctx.grounder.locate(quote)
        if located.span is None:
            # The message names the rule and says what to do; it becomes the re-ask. Passed as a
            # context value: a quote may contain braces that pydantic would read as placeholders.
            raise PydanticCustomError(f"evidence_{located.rule}", "{message}", {"message": located.message})
        return quote


class EntityDraft(_Draft):
    """A named entity as the model reports it."""

    name_ar: Text = Field(max_length=120, description="The name as written in the article.")
    name_en: Text | None = Field(default=None, max_length=120, description="The usual English name.")
    type: EntityType = Field(description="person, organization, location, event or other.")
    aliases: list[Text] = Field(default_factory=list, max_length=8, description="Other forms of the name.")


class KeyPointDraft(_Draft):
    """A key point as the model reports it."""

    text_ar: Text = Field(max_length=300, description="The key point in Arabic.")
    text_en: Text | None = Field(default=None, max_length=300, description="The key point in English.")


class BriefingDraft(_Draft):
    """A structured briefing of one Arabic news article: summaries, key points, claims and entities."""

    headline_ar: Text = Field(max_length=200, description="A one-line headline in Arabic.")
    headline_en: Text | None = Field(
        default=None, max_length=200, description="A one-line headline in English."
    )
    # 1000, not more: llama.cpp turns maxLength into nested grammar rules and, above ~1100, fails to
    # parse its own grammar and segfaults (server and in-process alike). tests/test_grammar_bounds.py.
    summary_ar: Text = Field(max_length=1000, description="A faithful 2-4 sentence summary in Arabic.")
    summary_en: Text | None = Field(
        default=None, max_length=1000, description="The same summary in English (2-4 sentences)."
    )
    key_points: list[KeyPointDraft] = Field(default_factory=list, max_length=5, description="3-5 key points.")
    claims: list[ClaimDraft] = Field(
        default_factory=list,
        max_length=20,
        description="Every attributed claim in the article (none if none).",
    )
    entities: list[EntityDraft] = Field(default_factory=list, max_length=20, description="Named entities.")

    @field_validator("summary_ar", "headline_ar")
    @classmethod
    def _arabic_side_is_arabic(cls, value: str, info: ValidationInfo) -> str:
        if arabic_ratio(value) < 0.5:
            raise PydanticCustomError(
                "wrong_language",
                "{field} must be written in Arabic script; it is not. Rewrite {field} in Arabic.",
                {"field": info.field_name},
            )
        return value

    @field_validator("summary_en", "headline_en")
    @classmethod
    def _english_side_is_english(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if has_arabic(value) and arabic_ratio(value) > 0.2:
            raise PydanticCustomError(
                "wrong_language",
                "{field} must be written in English, but it contains Arabic. Translate {field} into English.",
                {"field": info.field_name},
            )
        return value

    @model_validator(mode="after")
    def _english_present(self, info: ValidationInfo) -> BriefingDraft:
        if _ctx(info).require_english and not (self.summary_en and self.headline_en):
            raise PydanticCustomError(
                "missing_english",
                "summary_en and headline_en are required: write them in English.",
            )
        return self

    @model_validator(mode="after")
    def _speakers_are_in_article(self, info: ValidationInfo) -> BriefingDraft:
        ctx = _ctx(info)
        if ctx.grounder is None or not ctx.strict_grounding or not self.claims:
            return self
        attributor = Attributor.for_grounder(ctx.grounder, self.entities)
        missing = [
            f"claim {n} («{c.speaker_ar}»)"
            for n, c in enumerate(self.claims, 1)
            if not attributor.speaker_found(c.speaker_ar)
        ]
        if missing:
            raise PydanticCustomError(
                "speaker_not_in_article",
                "The speaker of {claims} is not named anywhere in the article. Write speaker_ar exactly "
                "as the article names the speaker (a name, a title, an institution, a statement or a "
                "source such as «مصدر دبلوماسي»); write «{unknown}» if the article does not say who "
                "said it; or remove the claim.",
                {"claims": ", ".join(missing), "unknown": UNKNOWN_SPEAKER},
            )
        return self

    @model_validator(mode="after")
    def _attribution_holds(self, info: ValidationInfo) -> BriefingDraft:
        # Who and said, on one attribution pass per validation (each check used to run its own).
        # Evidence no cue introduces is re-asked, then dropped (no_cue). Another name right after
        # the verb is a re-ask, never a drop: when the model keeps its speaker, the lenient parse
        # keeps the claim and the pipeline flags it other_subject. One evidence, one speaker.
        ctx = _ctx(info)
        if ctx.grounder is None or not ctx.strict_grounding or not self.claims:
            return self
        numbered: list[tuple[int, ClaimDraft, Span]] = []
        for n, c in enumerate(self.claims, 1):  # 1-based, as the re-ask names them
            span = ctx.grounder.locate(c.quote_ar, near=c.start_hint).span
            if span is not None:
                numbered.append((n, c, span))
        results = Attributor.for_grounder(ctx.grounder, self.entities).attribute(
            [(c, s) for _, c, s in numbered]
        )
        for check in (_narration_error, _speaker_after_verb_error, _conflict_error):
            error = check(numbered, results)
            if error is not None:
                raise error
        return self

    def to_briefing(
        self,
        *,
        claims: list[Claim],
        meta: Meta,
        entities: list[Entity] | None = None,
        source_id: str | None = None,
    ) -> Briefing:
        """The output `Briefing` of this draft, given its grounded claims and its meta.

        Args:
            claims: The grounded claims (offsets computed by `toolkit.grounding`).
            meta: How the briefing was produced.
            entities: Entities to use instead of the draft's own (e.g. merged across chunks).
            source_id: Caller-given article id.

        Returns:
            The briefing.
        """
        if entities is None:
            entities = [
                Entity(name_ar=e.name_ar, name_en=e.name_en, type=e.type, aliases=list(e.aliases))
                for e in self.entities
            ]
        return Briefing(
            source_id=source_id,
            headline_ar=self.headline_ar,
            headline_en=self.headline_en,
            summary_ar=self.summary_ar,
            summary_en=self.summary_en,
            key_points=[KeyPoint(text_ar=k.text_ar, text_en=k.text_en) for k in self.key_points],
            claims=claims,
            entities=entities,
            meta=meta,
        )

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The JSON schema, generated once per (class, arguments) and copied on every call.

        instructor asks for it on every request; generating it costs milliseconds of CPU that a
        concurrent batch cannot spare. Callers may mutate the result, hence the deep copy.
        """
        key = (cls, args, tuple(sorted(kwargs.items())))
        cached = _SCHEMA_CACHE.get(key)
        if cached is None:
            cached = _SCHEMA_CACHE[key] = super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(cached)

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Any = None,
        context: Any | None = None,
        **kwargs: Any,
    ) -> BriefingDraft:
        """Parse JSON leniently about raw control characters inside strings, then validate.

        llama.cpp's grammar lets unescaped newlines/tabs into JSON strings, which a strict JSON parser
        rejects; `json.loads(strict=False)` accepts them and `_clean_text` removes them.
        """
        text = json_data.decode("utf-8") if isinstance(json_data, bytes | bytearray) else json_data
        try:
            data = json.loads(text, strict=False)
        except (json.JSONDecodeError, RecursionError):
            # Let pydantic produce its own error (it becomes a re-ask telling the model the JSON is bad);
            # its parser also refuses JSON nested too deeply, where json.loads overflows the stack.
            return super().model_validate_json(json_data, strict=strict, context=context, **kwargs)
        return cls.model_validate(data, strict=strict, context=context, **kwargs)


_Numbered = list[tuple[int, ClaimDraft, Span]]


def _narration_error(numbered: _Numbered, results: list[Attributed]) -> PydanticCustomError | None:
    narration = [f"claim {n}" for (n, _, _), r in zip(numbered, results, strict=True) if r.rule == "no_cue"]
    if not narration:
        return None
    return PydanticCustomError(
        "no_cue",
        "Nothing in the article around the evidence of {claims} says that anyone said it (no "
        "reporting verb such as قال، أكد، أعلن, no source phrase such as وفق, no colon before a "
        "quotation): those words are the article's own narration. Quote only words the article "
        "reports as said, or remove the claim.",
        {"claims": ", ".join(narration)},
    )


def _speaker_after_verb_error(numbered: _Numbered, results: list[Attributed]) -> PydanticCustomError | None:
    questioned = [
        f"claim {n} («{c.speaker_ar}»: the reporting verb «{r.cue.text}» is followed by "
        f"«{r.attribution.cue_subject}»)"
        for (n, c, _), r in zip(numbered, results, strict=True)
        if r.cue is not None and r.attribution.cue_subject and r.rule is None
    ]
    if not questioned:
        return None
    return PydanticCustomError(
        "speaker_after_verb",
        "Check the speaker of {claims}. In Arabic the one who speaks usually stands right after "
        "the reporting verb, and the article names someone else there. If those words are that "
        "person's, write speaker_ar as the article names them; if the article does not say who "
        "said them, write «{unknown}»; if the article does give them to your speaker, leave the "
        "claim as it is.",
        {"claims": "; ".join(questioned), "unknown": UNKNOWN_SPEAKER},
    )


def _conflict_error(numbered: _Numbered, results: list[Attributed]) -> PydanticCustomError | None:
    lost = conflicts([r.contender() for r in results])
    if not lost:
        return None
    pairs = "; ".join(
        f"claims {numbered[w][0]} and {numbered[loser][0]} («{numbered[w][1].speaker_ar}» and "
        f"«{numbered[loser][1].speaker_ar}»)"
        for loser, w in lost.items()
    )
    return PydanticCustomError(
        "speaker_conflict",
        "These claims quote overlapping evidence but credit it to different speakers: {pairs}. "
        "One piece of evidence has one speaker: keep the claim whose speaker the article names "
        "for these words and remove the other, or quote each speaker's own words.",
        {"pairs": pairs},
    )


def parse_lenient(raw: str, grounder: Grounder) -> BriefingDraft:
    """Parse a model's raw JSON with every check except grounding (no re-ask is left).

    Ungrounded claims stay in the draft; the pipeline drops and records them. Used after the last
    re-ask and for Batch API answers, which cannot be re-asked.

    Args:
        raw: The model's JSON output.
        grounder: The article's grounder (language and other checks still apply).

    Returns:
        The draft.

    Raises:
        pydantic.ValidationError: Something other than grounding is wrong.
    """
    context = {"draft": DraftContext(grounder=grounder, strict_grounding=False)}
    return BriefingDraft.model_validate_json(raw, context=context)
