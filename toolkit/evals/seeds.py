"""Hand-labeled seed articles: loading them and checking that every label is consistent.

A seed is a folder ``seeds/<id>/`` holding ``article.txt`` (the article exactly as published, UTF-8)
and ``label.json`` (a `toolkit.schema.SeedLabel`). Evidence offsets in the label index the article
as a Python ``str``, so the article is read byte-faithfully: strict UTF-8, ``newline=""`` (a CRLF
stays a CRLF) and never normalized, folded or stripped.

`check_seeds` is the gate the eval harness relies on: it reports every problem it finds (never
stops at the first), each naming the seed, the field path and what to fix.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from toolkit.attribution import word_bounded
from toolkit.errors import InputError
from toolkit.schema import CLAIM_KINDS, LabelClaim, SeedLabel

ARTICLE_FILE = "article.txt"
LABEL_FILE = "label.json"


@dataclass(frozen=True)
class Seed:
    """One loaded seed.

    Attributes:
        id: The seed id (its folder name, equal to ``label.id``).
        article: The article text exactly as stored; evidence offsets index this string.
        label: The validated gold label.
        path: The seed's folder.
    """

    id: str
    article: str
    label: SeedLabel
    path: Path


@dataclass(frozen=True)
class SeedProblem:
    """One thing wrong with a seed.

    Attributes:
        seed: The seed (folder) name.
        field: Where the problem is, e.g. ``label.json:claims[2].evidence`` or ``article.txt``.
        message: What is wrong and how to fix it.
    """

    seed: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.seed}: {self.field}: {self.message}"


@dataclass(frozen=True)
class SeedCheck:
    """The outcome of checking a seeds folder.

    Attributes:
        seeds: The seeds whose article and label loaded and validated (they may still have problems).
        problems: Every problem found, in folder order.
    """

    seeds: list[Seed] = field(default_factory=list)
    problems: list[SeedProblem] = field(default_factory=list)

    @property
    def n_claims(self) -> int:
        """Number of gold claims over every loaded seed."""
        return sum(len(s.label.claims) for s in self.seeds)


def _read_article(path: Path) -> str:
    """Read an article byte-faithfully (strict UTF-8, newlines untouched).

    Args:
        path: The ``article.txt`` file.

    Returns:
        The text, not normalized in any way.
    """
    with open(path, encoding="utf-8", errors="strict", newline="") as fh:
        return fh.read()


def _read_label(path: Path) -> SeedLabel:
    """Read and validate a ``label.json``.

    Args:
        path: The ``label.json`` file.

    Returns:
        The validated label.
    """
    with open(path, encoding="utf-8") as fh:
        return SeedLabel.model_validate_json(fh.read())


def load_seed(path: str | Path) -> Seed:
    """Load one seed folder without checking its offsets (use `check_seeds` for that).

    Args:
        path: The seed folder, holding ``article.txt`` and ``label.json``.

    Returns:
        The loaded seed.

    Raises:
        InputError: The folder, article or label is missing, unreadable or invalid.
    """
    folder = Path(path)
    article_path, label_path = folder / ARTICLE_FILE, folder / LABEL_FILE
    for needed in (article_path, label_path):
        if not needed.is_file():
            raise InputError(
                f"seed {folder.name!r} has no {needed.name}",
                hint=f"add {needed} (a seed is article.txt + label.json)",
            )
    try:
        article = _read_article(article_path)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{article_path} is not valid UTF-8 ({exc.reason} at byte {exc.start})",
            hint="re-save the article as UTF-8",
        ) from exc
    try:
        label = _read_label(label_path)
    except ValidationError as exc:
        raise InputError(
            f"{label_path} does not match SeedLabel: {exc.error_count()} error(s)",
            hint="run `khulasa seeds check` to list them",
        ) from exc
    return Seed(id=folder.name, article=article, label=label, path=folder)


def _seed_dirs(root: Path) -> list[Path]:
    """List the seed folders under root (hidden and ``_``-prefixed folders are skipped).

    Args:
        root: The seeds folder.

    Returns:
        The seed folders, sorted by name.

    Raises:
        InputError: root is not a directory.
    """
    if not root.is_dir():
        raise InputError(f"seeds folder not found: {root}", hint="pass --root with the folder of seed dirs")
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")) and not _is_seed_set(p)
    )


def _is_seed_set(folder: Path) -> bool:
    """A folder of seed folders (``seeds/dev``, the development set) is a set of its own, not a seed.

    It is checked on its own (``khulasa seeds check seeds/dev``) and never mixed into the test seeds.
    """
    if (folder / ARTICLE_FILE).exists() or (folder / LABEL_FILE).exists():
        return False
    return any((sub / LABEL_FILE).is_file() for sub in folder.iterdir() if sub.is_dir())


def load_seeds(root: str | Path = "seeds") -> list[Seed]:
    """Load every seed under root, sorted by id.

    Args:
        root: The folder holding one sub-folder per seed.

    Returns:
        The seeds.

    Raises:
        InputError: root is missing or a seed cannot be loaded.
    """
    return [load_seed(p) for p in _seed_dirs(Path(root))]


def _loc(parts: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as ``claims[2].evidence.start``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _check_article(name: str, path: Path, problems: list[SeedProblem]) -> str | None:
    """Check article.txt: present, UTF-8, non-empty, no BOM. Returns the text when readable."""
    where = ARTICLE_FILE
    if not path.is_file():
        problems.append(SeedProblem(name, where, "missing; add the article text as UTF-8"))
        return None
    try:
        text = _read_article(path)
    except UnicodeDecodeError as exc:
        problems.append(
            SeedProblem(name, where, f"not valid UTF-8 ({exc.reason} at byte {exc.start}); re-save as UTF-8")
        )
        return None
    if not text.strip():
        problems.append(SeedProblem(name, where, "empty; put the article text in it"))
    if text.startswith("\ufeff"):
        problems.append(
            SeedProblem(name, where, "starts with a UTF-8 BOM, which shifts every offset; remove it")
        )
    return text


def _check_label_file(name: str, path: Path, problems: list[SeedProblem]) -> SeedLabel | None:
    """Check label.json parses and validates against SeedLabel. Returns the label when valid."""
    where = LABEL_FILE
    if not path.is_file():
        problems.append(SeedProblem(name, where, "missing; add a label.json (see seeds/README.md)"))
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except UnicodeDecodeError as exc:
        problems.append(SeedProblem(name, where, f"not valid UTF-8 ({exc.reason}); re-save as UTF-8"))
        return None
    except json.JSONDecodeError as exc:
        problems.append(
            SeedProblem(name, where, f"invalid JSON at line {exc.lineno} col {exc.colno}: {exc.msg}")
        )
        return None
    try:
        return SeedLabel.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = _loc(tuple(err["loc"]))
            msg = err["msg"]
            if err["loc"] and err["loc"][-1] == "kind":
                msg = f"kind {err.get('input')!r} is invalid; use one of: {', '.join(CLAIM_KINDS)}"
            problems.append(SeedProblem(name, f"{where}:{loc}", f"{msg}; fix it to match SeedLabel"))
        return None


def _duplicates(values: list[str]) -> list[str]:
    """Values occurring more than once, in first-seen order."""
    counts = Counter(values)
    return [v for v in dict.fromkeys(values) if counts[v] > 1]


def _check_consistency(name: str, article: str, label: SeedLabel, problems: list[SeedProblem]) -> None:
    """Check a valid label against its article: ids, offsets, quotes and names."""
    w = LABEL_FILE
    if label.id != name:
        problems.append(
            SeedProblem(name, f"{w}:id", f"is {label.id!r} but the folder is {name!r}; make them equal")
        )
    for dup in _duplicates([c.id for c in label.claims]):
        problems.append(SeedProblem(name, f"{w}:claims", f"duplicate claim id {dup!r}; ids must be unique"))
    for dup in _duplicates([k.id for k in label.key_facts]):
        problems.append(SeedProblem(name, f"{w}:key_facts", f"duplicate key-fact id {dup!r}; make unique"))
    for i, claim in enumerate(label.claims):
        where = f"{w}:claims[{i}]"
        if claim.id != f"c{i + 1}":
            problems.append(
                SeedProblem(name, f"{where}.id", f"is {claim.id!r}; number claims c1..cn in order (c{i + 1})")
            )
        if claim.kind not in CLAIM_KINDS:  # pragma: no cover - the model's Literal already rejects it
            problems.append(SeedProblem(name, f"{where}.kind", f"{claim.kind!r} is not a claim kind"))
        if claim.speaker.name_ar not in article:
            problems.append(
                SeedProblem(
                    name,
                    f"{where}.speaker.name_ar",
                    f"{claim.speaker.name_ar!r} does not occur in the article; write it as the article does",
                )
            )
        ev = claim.evidence
        if not ev.start < ev.end:
            problems.append(
                SeedProblem(name, f"{where}.evidence", f"start {ev.start} must be < end {ev.end}")
            )
        elif ev.end > len(article):
            problems.append(
                SeedProblem(name, f"{where}.evidence", f"end {ev.end} is past the end ({len(article)} chars)")
            )
        if article[ev.start : ev.end] != ev.quote:
            found = article.find(ev.quote)
            fix = (
                f"the quote occurs at start={found} end={found + len(ev.quote)}"
                if found >= 0
                else "the quote does not occur in the article at all; copy it exactly"
            )
            problems.append(
                SeedProblem(
                    name,
                    f"{where}.evidence",
                    f"article[{ev.start}:{ev.end}] != quote; {fix} (compute offsets with str.find)",
                )
            )
        _check_roles(name, article, claim, where, problems)
    for i, entity in enumerate(label.entities):
        if entity.name_ar not in article:
            problems.append(
                SeedProblem(
                    name,
                    f"{w}:entities[{i}].name_ar",
                    f"{entity.name_ar!r} does not occur in the article; write it as the article does",
                )
            )


def check_seed(seed: Seed) -> list[SeedProblem]:
    """The problems `khulasa seeds check` finds in one loaded seed (offsets, ids, names).

    Evals call it before scoring: a label whose offsets are shifted would otherwise be scored
    silently against the wrong spans.

    Args:
        seed: A seed from `load_seed`.

    Returns:
        Every problem; empty when the label is consistent with its article.
    """
    problems: list[SeedProblem] = []
    _check_consistency(seed.id, seed.article, seed.label, problems)
    return problems


def _check_roles(name: str, article: str, claim: LabelClaim, where: str, problems: list[SeedProblem]) -> None:
    """Check a claim's speaker-mention and cue spans: present, exact text, whole words, and outside
    the evidence and each other (seeds/README.md, "Speaker mention and cue")."""
    ev = claim.evidence
    spans = {"speaker.mention": claim.speaker.mention, "cue": claim.cue}
    for role, span in spans.items():
        at = f"{where}.{role}"
        if span is None:
            problems.append(
                SeedProblem(name, at, "missing; label it (start, end, text) as seeds/README.md says")
            )
            continue
        if not 0 <= span.start < span.end <= len(article):
            problems.append(
                SeedProblem(
                    name,
                    at,
                    f"[{span.start}, {span.end}) is not a span of the article ({len(article)} chars)",
                )
            )
            continue
        if article[span.start : span.end] != span.text:
            found = article.find(span.text)
            fix = f"the text occurs at start={found}" if found >= 0 else "the text is not in the article"
            problems.append(SeedProblem(name, at, f"article[{span.start}:{span.end}] != text; {fix}"))
        elif not word_bounded(article, span.start, span.end):
            problems.append(
                SeedProblem(
                    name, at, f"{span.text!r} starts or ends inside a word; take whole words (with clitics)"
                )
            )
        if span.start < ev.end and ev.start < span.end:
            problems.append(
                SeedProblem(
                    name, at, "overlaps the evidence; the evidence and the who/said spans are disjoint"
                )
            )
    m, c = claim.speaker.mention, claim.cue
    if m is not None and c is not None and m.start < c.end and c.start < m.end:
        problems.append(SeedProblem(name, f"{where}.cue", "overlaps the speaker mention; make them disjoint"))


def inspect_seeds(root: str | Path = "seeds") -> SeedCheck:
    """Load and check every seed under root, collecting every problem.

    Args:
        root: The folder holding one sub-folder per seed.

    Returns:
        The seeds that loaded and every problem found.

    Raises:
        InputError: root is not a directory.
    """
    seeds: list[Seed] = []
    problems: list[SeedProblem] = []
    for folder in _seed_dirs(Path(root)):
        name = folder.name
        article = _check_article(name, folder / ARTICLE_FILE, problems)
        label = _check_label_file(name, folder / LABEL_FILE, problems)
        if article is None or label is None:
            continue
        _check_consistency(name, article, label, problems)
        seeds.append(Seed(id=name, article=article, label=label, path=folder))
    return SeedCheck(seeds=seeds, problems=problems)


def check_seeds(root: str | Path = "seeds") -> list[SeedProblem]:
    """Check every seed under root.

    Verifies that article.txt is non-empty valid UTF-8; that label.json validates against
    `SeedLabel` (claim kinds included); that the label id equals the folder name; that claim and
    key-fact ids are unique and claims are numbered c1..cn in order; that every evidence has
    start < end and ``article[start:end] == quote``; that every claim has a speaker mention and a
    cue whose ``article[start:end] == text``, on word boundaries, disjoint from the evidence and from
    each other; and that every claim speaker's and entity's ``name_ar`` occurs in the article.

    Args:
        root: The folder holding one sub-folder per seed.

    Returns:
        Every problem found; empty when the seeds are consistent.

    Raises:
        InputError: root is not a directory.
    """
    return inspect_seeds(root).problems
