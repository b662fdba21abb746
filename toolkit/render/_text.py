"""Small text helpers shared by the Markdown and HTML renderers: name identity across articles."""

from __future__ import annotations

from collections.abc import Iterable

from toolkit.arabic import fold_text
from toolkit.schema import Claim


def fold(text: str) -> str:
    """Fold text into a comparison key: `toolkit.arabic.fold_text`, casefolded and space-trimmed.

    Args:
        text: Any text, Arabic or Latin.

    Returns:
        The folded key.
    """
    return fold_text(text).strip().casefold()


class NameIndex:
    """Decides which names are "the same" across claims or entities and articles.

    An identity is the English name when there is one, else the folded Arabic name. An Arabic-only
    name (offline output) whose folded form was seen elsewhere *with* an English name joins that
    English identity, so an article summarized offline and one summarized by an LLM still group
    under one heading.
    """

    def __init__(self, pairs: Iterable[tuple[str, str | None]]) -> None:
        """Learn Arabic → English name pairs.

        Args:
            pairs: ``(name_ar, name_en)`` for every name that will be looked up later.
        """
        self._en_of_ar: dict[str, str] = {}
        for name_ar, name_en in pairs:
            if name_en and name_en.strip():
                self._en_of_ar.setdefault(fold(name_ar), name_en.strip())

    def english(self, name_ar: str, name_en: str | None) -> str | None:
        """Return the English name, borrowed from another occurrence when this one lacks it.

        Args:
            name_ar: The Arabic name.
            name_en: The English name, if this occurrence has one.

        Returns:
            The English name, or None when no occurrence gives one.
        """
        if name_en and name_en.strip():
            return name_en.strip()
        return self._en_of_ar.get(fold(name_ar))

    def key(self, name_ar: str, name_en: str | None) -> str:
        """Return the identity key of a name.

        Args:
            name_ar: The Arabic name.
            name_en: The English name, if any.

        Returns:
            ``"en:<folded English name>"`` or ``"ar:<folded Arabic name>"``.
        """
        english = self.english(name_ar, name_en)
        return f"en:{fold(english)}" if english else f"ar:{fold(name_ar)}"


UNRESOLVED = "speaker unresolved"
"""Shown instead of a name for a speaker the toolkit could not tie to the article (never its words)."""


def is_unresolved(claim: Claim) -> bool:
    """Tell whether the claim's speaker is unresolved (rendered as `UNRESOLVED`, grouped apart)."""
    return claim.speaker.resolution == "unresolved"


def flag_notes(claim: Claim) -> list[str]:
    """Plain-English notes for a claim's review flags, empty when it has none.

    Args:
        claim: The claim.

    Returns:
        One note per flag: ``too far apart: …`` (with the sentence distances) and ``not in the
        evidence: …`` (the unsupported numbers and names), and ``check the speaker: …`` (another name
        right after the verb).
    """
    a = claim.attribution
    if a is None:
        return []
    notes = []
    if "too_far" in a.flags:
        parts = [
            f"{what} {d} sentence{'' if d == 1 else 's'} from the evidence"
            for what, d in (("speaker named", a.mention_distance), ("cue", a.cue_distance))
            if d
        ]
        notes.append("too far apart: " + (", ".join(parts) or "speaker named after the evidence"))
    if "other_subject" in a.flags:
        notes.append(f"check the speaker: the reporting verb is followed by «{a.cue_subject}»")
    if "unsupported" in a.flags:
        notes.append("not in the evidence: " + ", ".join(a.unsupported))
    return notes


def speaker_index(claims: Iterable[Claim]) -> NameIndex:
    """Build the speaker identity rules from every claim that will be grouped.

    Args:
        claims: All claims.

    Returns:
        A `NameIndex` over the claims' speakers.
    """
    return NameIndex((c.speaker.name_ar, c.speaker.name_en) for c in claims if not is_unresolved(c))


def group_by_speaker(claims: Iterable[Claim], index: NameIndex) -> dict[str, list[Claim]]:
    """Group claims by speaker identity, in order of each speaker's first claim.

    Args:
        claims: Claims in document order.
        index: The speaker identity rules.

    Returns:
        Identity key → that speaker's claims (insertion-ordered, so deterministic); unresolved
        speakers share the key ``"unresolved"``.
    """
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        sp = claim.speaker
        key = "unresolved" if is_unresolved(claim) else index.key(sp.name_ar, sp.name_en)
        groups.setdefault(key, []).append(claim)
    return groups
