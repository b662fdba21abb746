"""The output types of khulasa: the single source of truth for every JSON we emit.

`schemas/*.schema.json` are generated from these models (`python -m toolkit.schema`), and a test
keeps them in sync. This module imports nothing from the rest of `toolkit`.

Field descriptions are written as instructions, because the LLM-facing drafts in
`toolkit.drafts` reuse the same vocabulary and a model reads descriptions as its brief.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

ClaimKind = Literal[
    "statement",
    "call",
    "accusation",
    "denial",
    "warning",
    "promise",
    "assessment",
    "report",
]
"""What kind of speech act a claim is.

statement: a plain declaration; call: a call, demand or urging (دعا، طالب، حض); accusation: blames
someone (اتهم); denial: rejects a claim (نفى); warning: a warning or threat (حذر، هدد); promise:
commits to a future act (وعد، تعهد); assessment: an opinion or evaluation (اعتبر، رأى);
report: a report of fact attributed to the speaker (أفاد، أعلن، كشف).
"""

CLAIM_KINDS: tuple[str, ...] = ClaimKind.__args__  # type: ignore[attr-defined]

EntityType = Literal["person", "organization", "location", "event", "other"]

GroundingMethod = Literal["exact", "fuzzy"]

SCHEMA_VERSION = "2.2"
"""Version of the output format. 2.0: the attribution triple (speaker mention, cue, evidence spans),
`Speaker.resolution`, `Claim.attribution` and typed drop rules; 2.1: span method `lexicon`.
Bumped on every schema change."""

SpanMethod = Literal["exact", "alias", "antecedent", "fuzzy", "lexicon"]
"""How the toolkit found a speaker-mention or cue span in the article.

exact: the words as given, after Arabic folding; alias: another form of the same name (ال dropped,
title stripped, the surname alone when the full name is in the article, a known alias); antecedent:
a pronoun-only follow-up (وأضاف، وزاد) inherits the mention of the claim it continues; fuzzy: aligned
by similarity on whole words; lexicon: a cue the toolkit found itself from its reporting-verb and
source-phrase lexicon (or the colon before a quotation), with no cue words given.
"""

SpeakerResolution = Literal["resolved", "unresolved"]

AttributionFlag = Literal["too_far", "unsupported", "other_subject"]
"""Why a kept claim deserves a second look.

too_far: mention, cue and content are further apart than reported speech allows (not the same
sentence, the previous one, or an explicit carry-over chain); unsupported: the claim text names a
number or name that is not in the evidence sentence(s) (see `Attribution.unsupported`);
other_subject: another named speaker stands right after the reporting verb, where its subject goes
(«وحض ماكرون نظيره…» credited to بوتين), and the claimed speaker is named neither there nor before
the verb in its sentence (see `Attribution.cue_subject`).
"""

DropRule = Literal[
    "ungrounded",
    "speaker_not_in_article",
    "evidence_too_short",
    "not_on_word_boundaries",
    "meaning_changed",
    "numbers_changed",
    "speaker_conflict",
    "no_cue",
]
"""Why a proposed claim was dropped.

ungrounded: the evidence is not in the article; speaker_not_in_article: the speaker is named nowhere
in it; evidence_too_short: fewer words than the minimum (or an ellipsis part too short);
not_on_word_boundaries: the only match starts or ends inside a word; meaning_changed: a fuzzy match
adds or drops a negation or polarity word; numbers_changed: the quote's numbers differ from the
article's span; speaker_conflict: the same evidence was credited to another speaker whose mention is
nearer; no_cue: no reporting verb, source phrase or colon before a quotation within a sentence of the
evidence says anyone said it (the article's own narration credited to a person it mentions).
"""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Label(_Model):
    # Built on first use: only evals and `seeds check` read labels, and building these seven models
    # at import cost every `khulasa summarize` ~5 ms of CPU.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class TextSpan(_Model):
    """A span of the original article, computed by the toolkit: ``article[start:end] == text``."""

    start: int = Field(ge=0, description="Character offset (Python str index) where the span starts.")
    end: int = Field(ge=0, description="Character offset one past the end of the span.")
    text: str = Field(description="The article's own characters between start and end.")


class Speaker(_Model):
    """Who made a claim."""

    name_ar: str = Field(
        max_length=120,
        description="The speaker's name exactly as written in the Arabic article, e.g. 'إيمانويل ماكرون'. "
        "For an institution use its Arabic name, e.g. 'الكرملين'.",
    )
    name_en: str | None = Field(
        default=None,
        max_length=120,
        description="The speaker's usual English name, e.g. 'Emmanuel Macron'. Null if unknown.",
    )
    role: str | None = Field(
        default=None,
        max_length=160,
        description="The speaker's role or title in English as the article gives it, "
        "e.g. 'French President'. "
        "Null if the article gives none.",
    )
    resolution: SpeakerResolution = Field(
        default="resolved",
        description="'resolved' when the speaker is named in the article and the toolkit tied the "
        "name to a mention; 'unresolved' when it could not tell who spoke (rendered as 'speaker "
        "unresolved'; `mention` is then the candidate it considered, if any).",
    )
    mention: TextSpan | None = Field(
        default=None,
        description="Where the article names the speaker: the name, title and name, institution, "
        "statement (بيان للإليزيه) or anonymous-source phrase (مصدر ديبلوماسي); for a pronoun-only "
        "follow-up (وأضاف) the antecedent's mention. Null only for an unresolved speaker with no "
        "candidate, or in briefings older than schema 2.0.",
    )


class Evidence(_Model):
    """The Arabic words that prove a claim, located by the toolkit in the original text."""

    quote_ar: str = Field(
        description="The evidence exactly as it stands in the original article: article[start:end].",
    )
    start: int = Field(ge=0, description="Character offset (Python str index) where the evidence starts.")
    end: int = Field(ge=0, description="Character offset one past the end of the evidence.")
    sentence_ids: list[int] = Field(
        default_factory=list,
        description="0-based ids of the article sentences the evidence overlaps.",
    )
    method: GroundingMethod = Field(
        description="'exact' when the quote matched after Arabic folding; 'fuzzy' when it was aligned "
        "by similarity above the documented threshold.",
    )
    score: float = Field(
        ge=0.0,
        le=100.0,
        description="Alignment score in [0, 100]; 100 for exact matches.",
    )


class Attribution(_Model):
    """How the who/said/what spans of a claim were found, and what a reviewer should check."""

    mention_method: SpanMethod | None = Field(
        default=None, description="How the speaker mention was found; null when there is none."
    )
    cue_method: SpanMethod | None = Field(
        default=None, description="How the cue was found; null when there is none."
    )
    mention_distance: int | None = Field(
        default=None,
        ge=0,
        description="Sentences between the speaker mention and the evidence (0: same sentence).",
    )
    cue_distance: int | None = Field(
        default=None, ge=0, description="Sentences between the cue and the evidence (0: same sentence)."
    )
    flags: list[AttributionFlag] = Field(
        default_factory=list,
        description="Review flags: too_far, unsupported, other_subject (see AttributionFlag).",
    )
    unsupported: list[str] = Field(
        default_factory=list,
        description="Numbers and names in claim_ar/claim_en that the evidence sentence(s) do not contain.",
    )
    cue_subject: str | None = Field(
        default=None,
        description="With the other_subject flag: the article's words naming the other speaker right "
        "after the reporting verb; null otherwise.",
    )


class Claim(_Model):
    """One attributed claim: who said what, of what kind, proven by spans of the article.

    The attribution triple: `speaker.mention` (who), `cue` (said) and `evidence` (what), each located
    by the toolkit in the original text.
    """

    id: str = Field(description="Stable id within the briefing, e.g. 'c1'.")
    speaker: Speaker = Field(description="Who made the claim.")
    claim_ar: str = Field(description="The claim in Arabic, as said or closely paraphrased.")
    claim_en: str | None = Field(
        default=None,
        description="The claim in English. Null when the engine cannot translate (offline engine).",
    )
    kind: ClaimKind = Field(description="The kind of speech act.")
    conditional: bool = Field(
        default=False,
        description="True when the claim only holds under a condition (إذا، في حال، إن، لو).",
    )
    condition: str | None = Field(
        default=None,
        description="The condition, in the article's words or in English; null when not conditional.",
    )
    attributed_via: str | None = Field(
        default=None,
        description="The channel of reported speech, e.g. 'Élysée statement' or 'بيان الكرملين'; "
        "null when the speaker is quoted directly.",
    )
    evidence: Evidence = Field(description="The Arabic words that prove the claim, with their offsets.")
    cue: TextSpan | None = Field(
        default=None,
        description="The reporting verb or phrase that makes it reported speech (وحض، ووفق بيان، أكدت، "
        "قائلاً, or the colon before «…»). Null only when none was found, or before schema 2.0.",
    )
    attribution: Attribution | None = Field(
        default=None, description="How the spans were found and the review flags; null before schema 2.0."
    )


class Entity(_Model):
    """A named entity the article is about."""

    name_ar: str = Field(max_length=120, description="The name as written in the Arabic article.")
    name_en: str | None = Field(default=None, max_length=120, description="The usual English name, or null.")
    type: EntityType = Field(description="person, organization, location, event or other.")
    aliases: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="Other forms of the name found in the article (Arabic) or in English usage.",
    )


class KeyPoint(_Model):
    """One key point of the article."""

    text_ar: str = Field(description="The key point in Arabic.")
    text_en: str | None = Field(default=None, description="The key point in English, or null.")


class AttemptUsage(_Model):
    """Tokens spent by one call to the model, whatever its outcome."""

    attempt: int = Field(ge=1, description="1-based attempt number within this summarize() call.")
    outcome: Literal["ok", "invalid", "transport_error"] = Field(
        description="ok: the output validated; invalid: the output failed validation (it was re-asked, "
        "or salvaged after the last re-ask); transport_error: the HTTP call failed (no tokens known)."
    )
    prompt_tokens: int = Field(
        default=0, ge=0, description="Prompt tokens the endpoint reported (0 if none)."
    )
    completion_tokens: int = Field(default=0, ge=0, description="Completion tokens the endpoint reported.")


class DroppedClaim(_Model):
    """A claim the model proposed that could not be grounded, and why."""

    quote_ar: str = Field(description="The evidence quote the model gave.")
    speaker_ar: str | None = Field(default=None, description="The speaker the model gave, if any.")
    claim_ar: str | None = Field(default=None, description="The claim text the model gave, if any.")
    reason: str = Field(description="Why it was dropped, e.g. 'quote not found in article (best 61.2 < 90)'.")
    rule: DropRule = Field(default="ungrounded", description="The rule that dropped it (see DropRule).")


class Meta(_Model):
    """How a briefing was produced: engine, model, prompts, usage, cost and what was dropped."""

    schema_version: str = Field(
        default=SCHEMA_VERSION, description="Version of this output format (toolkit.schema.SCHEMA_VERSION)."
    )
    engine: str = Field(description="'openai_compat', 'local_gguf' or 'offline'.")
    model: str | None = Field(default=None, description="Model name as sent to the endpoint.")
    base_url_host: str | None = Field(default=None, description="Host[:port] of the endpoint; never a key.")
    prompt_version: str | None = Field(
        default=None, description="sha256 prefix of the prompt templates' source; null for offline."
    )
    toolkit_version: str = Field(description="khulasa version that produced this output.")
    attempts: list[AttemptUsage] = Field(
        default_factory=list, description="Every model call, failed ones included."
    )
    cost_usd: float | None = Field(
        default=None, description="Cost over every attempt when the model's price is known, else null."
    )
    latency_s: float = Field(ge=0.0, description="Wall-clock seconds for the whole summarize() call.")
    dropped_claims: list[DroppedClaim] = Field(
        default_factory=list,
        description="Claims the model proposed that could not be grounded, with reasons.",
    )
    chunks: int = Field(default=1, ge=1, description="How many chunks the article was split into.")
    cached: bool = Field(default=False, description="True when this briefing came from the response cache.")

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # The totals below are serialized for readers but derived from `attempts`: accept them back
        # (so a saved Briefing round-trips) and recompute them, rather than trust a stale copy.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def n_attempts(self) -> int:
        """Number of model calls."""
        return len(self.attempts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def prompt_tokens(self) -> int:
        """Prompt tokens summed over every attempt."""
        return sum(a.prompt_tokens for a in self.attempts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def completion_tokens(self) -> int:
        """Completion tokens summed over every attempt."""
        return sum(a.completion_tokens for a in self.attempts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_tokens(self) -> int:
        """All tokens summed over every attempt, failed ones included."""
        return self.prompt_tokens + self.completion_tokens


class Briefing(_Model):
    """The structured result of summarizing one Arabic news article."""

    source_id: str | None = Field(default=None, description="Caller-given id of the article, if any.")
    headline_ar: str = Field(description="A one-line Arabic headline.")
    headline_en: str | None = Field(default=None, description="A one-line English headline, or null.")
    summary_ar: str = Field(description="A faithful summary in Arabic (2-4 sentences).")
    summary_en: str | None = Field(default=None, description="The summary in English, or null offline.")
    key_points: list[KeyPoint] = Field(default_factory=list, description="3-5 key points.")
    claims: list[Claim] = Field(default_factory=list, description="Every grounded attributed claim.")
    entities: list[Entity] = Field(default_factory=list, description="Named entities of the article.")
    meta: Meta = Field(description="How this briefing was produced.")


# --- the seed-label format (hand-labeled gold in seeds/<id>/label.json) -------------------------


class LabelSpan(_Label):
    """A gold span of the article: article[start:end] must equal text."""

    start: int = Field(ge=0, description="Character offset where the span starts.")
    end: int = Field(ge=0, description="Character offset one past the end of the span.")
    text: str = Field(min_length=1, description="The span's text, equal to article[start:end].")


class LabelSpeaker(_Label):
    """The gold speaker of a claim, with every acceptable English name."""

    name_ar: str = Field(description="The speaker's name as written in the article.")
    aliases_en: list[str] = Field(
        min_length=1,
        description="Acceptable English names, most usual first, e.g. ['Emmanuel Macron', 'Macron'].",
    )
    aliases_ar: list[str] = Field(default_factory=list, description="Other Arabic forms, e.g. ['ماكرون'].")
    role: str | None = Field(default=None, description="Role in English, if the article gives one.")
    mention: LabelSpan | None = Field(
        default=None,
        description="Gold speaker mention: where the article names the speaker (for a pronoun-only "
        "follow-up, the antecedent's mention).",
    )


class LabelEvidence(_Label):
    """Gold evidence span: article[start:end] must equal quote."""

    start: int = Field(ge=0, description="Character offset where the evidence starts.")
    end: int = Field(ge=0, description="Character offset one past the end of the evidence.")
    quote: str = Field(min_length=1, description="The evidence text, equal to article[start:end].")


class LabelClaim(_Label):
    """One gold claim."""

    id: str = Field(description="Claim id unique within the seed, e.g. 'c1'.")
    speaker: LabelSpeaker = Field(description="Who made the claim.")
    kind: ClaimKind = Field(description="The kind of speech act.")
    conditional: bool = Field(default=False, description="True when the claim holds only under a condition.")
    attributed_via: str | None = Field(default=None, description="The channel of reported speech, or null.")
    claim_en: str | None = Field(default=None, description="A short English gloss of the claim.")
    evidence: LabelEvidence = Field(description="The gold evidence span.")
    cue: LabelSpan | None = Field(default=None, description="Gold cue: the reporting verb or phrase.")


class LabelKeyFact(_Label):
    """A fact a good summary must carry, with the terms or numbers that show it is there."""

    id: str = Field(description="Key-fact id unique within the seed, e.g. 'k1'.")
    fact_en: str = Field(description="The fact in English, for humans.")
    must_include: list[str] = Field(
        min_length=1,
        description="Terms (Arabic or English) or numbers any of which shows the fact in a summary; "
        "matched after Arabic folding and digit normalization.",
    )


class LabelEntity(_Label):
    """One gold entity with its aliases."""

    name_ar: str = Field(description="The name as written in the article.")
    name_en: str = Field(description="The usual English name.")
    type: EntityType = Field(description="person, organization, location, event or other.")
    aliases: list[str] = Field(default_factory=list, description="Other Arabic and English forms.")


class SeedLabel(_Label):
    """The hand label of one seed article (seeds/<id>/label.json)."""

    id: str = Field(description="Same as the seed's folder name.")
    title_en: str = Field(description="A short English title of the seed.")
    covers: list[str] = Field(default_factory=list, description="Which phenomena this seed exercises.")
    headline_en: str = Field(description="Reference English headline.")
    summary_ar: str = Field(description="Reference Arabic summary, 2-4 sentences, numbers as in the article.")
    summary_en: str = Field(description="Reference English summary.")
    key_facts: list[LabelKeyFact] = Field(
        default_factory=list, description="Facts a good summary must carry."
    )
    claims: list[LabelClaim] = Field(
        default_factory=list, description="Every attributed claim of the article."
    )
    entities: list[LabelEntity] = Field(default_factory=list, description="Named entities with aliases.")


EXPORTED_SCHEMAS: dict[str, type[BaseModel]] = {
    "briefing": Briefing,
    "claim": Claim,
    "entity": Entity,
    "meta": Meta,
    "seed-label": SeedLabel,
}
"""File stem in `schemas/` → model. `python -m toolkit.schema` writes them."""


def json_schemas() -> dict[str, str]:
    """Render every exported model's JSON Schema as the text committed under `schemas/`.

    Returns:
        A mapping of file name (e.g. ``briefing.schema.json``) to its JSON text.
    """
    import json

    out: dict[str, str] = {}
    for stem, model in EXPORTED_SCHEMAS.items():
        schema = model.model_json_schema(mode="serialization")
        out[f"{stem}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


if __name__ == "__main__":  # pragma: no cover - a maintenance entry point
    import pathlib
    import sys

    target = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")
    target.mkdir(exist_ok=True)
    for name, text in json_schemas().items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {target / name}")
