"""Row types the claim store returns: one Pydantic model per answer, shared by the CLI and the server.

Every claim row carries its article id, date and the grounded evidence span, so any answer can be
checked against the article text (``StoredArticle.text[start:end] == evidence.text``). Offsets are
the toolkit's own, stored as they came in the briefing and never recomputed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from toolkit.schema import Attribution, Briefing, ClaimKind, TextSpan

SpeakerRule = Literal[
    "correction",
    "same-name",
    "english-name",
    "surname-in-article",
    "new-speaker",
    "unresolved",
    "ambiguous-surname",
]
"""Why a claim was filed under its store speaker (or under none); see `toolkit.store.speakers`.

correction: a person merged or split this name (`khulasa store merge/split`); same-name: the folded
name (titles and ال dropped) is a known alias; english-name: the same full English name;
surname-in-article: a one-word name that is the surname of exactly one speaker named in full in the
same article; new-speaker: no known speaker matched, a new one was made; unresolved: the briefing
itself left the speaker unresolved; ambiguous-surname: a one-word name that is the surname of one or
more known speakers, left unfiled rather than guessed.
"""

ConflictRule = Literal["quantity", "denial", "stance"]
"""Which rule proposed a conflict pair (candidates for a person to judge, never verdicts).

quantity: the same counted noun with different numbers about the same topic («خمس جولات» vs
«ثلاث جولات»); denial: one claim denies what another states; stance: one speaker's kind of claim on
a topic changes over time (a warning, later a promise). See `toolkit.store.conflicts`.
"""


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddResult(_Row):
    """What adding one briefing did."""

    article_id: str = Field(description="The store's id of the article (stable: from source id + text hash).")
    source_id: str = Field(description="The caller's id of the article (batch id, file stem).")
    status: Literal["added", "replaced", "unchanged"] = Field(
        description="added: new article; replaced: a newer briefing of the same article replaced the "
        "old one; unchanged: the same briefing was already stored."
    )
    claims: int = Field(ge=0, description="Claims stored for the article.")


class IngestProblem(_Row):
    """One input that could not be added (the rest went in)."""

    path: str = Field(description="The file.")
    line: int | None = Field(default=None, description="1-based line number in a JSONL file, if any.")
    message: str = Field(description="What is wrong and what to do about it.")


class IngestReport(_Row):
    """What adding files did."""

    added: int = Field(default=0, ge=0, description="New articles.")
    replaced: int = Field(default=0, ge=0, description="Articles whose briefing was replaced.")
    unchanged: int = Field(default=0, ge=0, description="Articles already stored as given.")
    skipped_failures: int = Field(
        default=0, ge=0, description="Batch lines that record a failure (no briefing to store)."
    )
    claims: int = Field(default=0, ge=0, description="Claims stored by added or replaced articles.")
    problems: list[IngestProblem] = Field(default_factory=list, description="Inputs that were not added.")

    def summary(self) -> str:
        """One human line."""
        text = (
            f"{self.added} added, {self.replaced} replaced, {self.unchanged} unchanged ({self.claims} claims)"
        )
        if self.skipped_failures:
            text += f", {self.skipped_failures} failed batch line(s) skipped"
        if self.problems:
            text += f", {len(self.problems)} problem(s)"
        return text


class ArticleInfo(_Row):
    """An article's metadata."""

    article_id: str = Field(description="The store's id of the article.")
    source_id: str = Field(description="The caller's id of the article.")
    title: str | None = Field(default=None, description="Title, when known.")
    published: str | None = Field(default=None, description="Publication date (ISO 8601), when known.")
    url: str | None = Field(default=None, description="Where the article was published, when known.")
    text_sha256: str = Field(description="sha256 of the exact article text.")
    added_at: str = Field(description="When the current briefing was stored (UTC, ISO 8601).")


class StoredArticle(ArticleInfo):
    """An article with its text and its current briefing."""

    text: str = Field(description="The untouched article text every offset indexes.")
    briefing: Briefing = Field(description="The briefing as it was added.")


class ClaimRow(_Row):
    """One stored claim with everything needed to check it against its article."""

    id: int = Field(description="The store's id of this claim row.")
    article_id: str = Field(description="The store's id of the article.")
    source_id: str = Field(description="The caller's id of the article.")
    title: str | None = Field(default=None, description="The article's title, when known.")
    published: str | None = Field(default=None, description="The article's date (ISO 8601), when known.")
    url: str | None = Field(default=None, description="The article's URL, when known.")
    claim_id: str = Field(description="The claim's id within its briefing, e.g. 'c1'.")
    speaker_id: str | None = Field(
        default=None, description="The store speaker it is filed under; null when unresolved."
    )
    speaker: str | None = Field(
        default=None, description="The store speaker's canonical name; null when unresolved."
    )
    speaker_as_written: str = Field(description="The speaker's name as the briefing gives it (may be '').")
    speaker_en: str | None = Field(default=None, description="The briefing's English name of the speaker.")
    role: str | None = Field(default=None, description="The briefing's role of the speaker.")
    speaker_rule: SpeakerRule = Field(description="Why it is filed under this speaker (see SpeakerRule).")
    kind: ClaimKind = Field(description="The kind of speech act.")
    claim_ar: str = Field(description="The claim in Arabic.")
    claim_en: str | None = Field(default=None, description="The claim in English, if any.")
    conditional: bool = Field(default=False, description="True when the claim holds only under a condition.")
    condition: str | None = Field(default=None, description="The condition, if any.")
    attributed_via: str | None = Field(default=None, description="The channel of reported speech, if any.")
    evidence: TextSpan = Field(description="The grounded evidence: article text[start:end].")
    method: str = Field(description="How the evidence was grounded: exact or fuzzy.")
    mention: TextSpan | None = Field(default=None, description="Where the article names the speaker.")
    cue: TextSpan | None = Field(default=None, description="The reporting cue, if the briefing has one.")
    attribution: Attribution | None = Field(default=None, description="How the spans were found, flags.")


class ClaimPage(_Row):
    """A page of claims in time order, and the cursor of the next page."""

    items: list[ClaimRow] = Field(default_factory=list, description="The claims of this page.")
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null at the end."
    )


class SpeakerAlias(_Row):
    """One form of a store speaker's name."""

    alias: str = Field(description="The form as written (Arabic name, English name or role).")
    key: str = Field(description="The folded key it is matched by.")
    kind: Literal["ar", "en", "role"] = Field(description="Arabic name, English name, or role.")
    claims: int = Field(ge=0, description="Claims filed through this form.")


class SpeakerSummary(_Row):
    """A store speaker with counts."""

    speaker_id: str = Field(description="The store's id of the speaker.")
    name: str = Field(description="Canonical name: the most frequent Arabic form.")
    name_en: str | None = Field(default=None, description="The most frequent English name, if any.")
    claims: int = Field(ge=0, description="Claims filed under this speaker.")
    articles: int = Field(ge=0, description="Articles with at least one of them.")
    first: str | None = Field(default=None, description="Earliest article date, if any is known.")
    last: str | None = Field(default=None, description="Latest article date, if any is known.")
    aliases: list[str] = Field(default_factory=list, description="Every form of the name, most used first.")


class SpeakerDetail(SpeakerSummary):
    """A store speaker with every alias, its roles, kinds and corrections."""

    alias_rows: list[SpeakerAlias] = Field(default_factory=list, description="Every form with its count.")
    roles: list[str] = Field(default_factory=list, description="Roles the briefings give, most used first.")
    kinds: dict[str, int] = Field(default_factory=dict, description="Claims per kind.")
    corrections: list[str] = Field(
        default_factory=list, description="Keys a person pinned to this speaker (merge/split)."
    )


class TimelineRow(_Row):
    """Claims of one speaker in one ISO week, by kind."""

    week: str = Field(description="ISO week, e.g. '2018-W09'; 'undated' for articles without a date.")
    kind: ClaimKind = Field(description="The kind of speech act.")
    claims: int = Field(ge=1, description="How many.")


class ConflictPair(_Row):
    """Two claims a rule flags as possibly contradicting each other: a candidate, not a verdict."""

    rule: ConflictRule = Field(description="Which rule proposed the pair (see ConflictRule).")
    reason: str = Field(description="What the rule saw, in words, e.g. 'جولات: 5 vs 3'.")
    topic: list[str] = Field(default_factory=list, description="The shared topic terms or entities.")
    a: ClaimRow = Field(description="The earlier claim.")
    b: ClaimRow = Field(description="The later claim.")
