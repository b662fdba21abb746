"""Conflict candidates between claims: pairs for a person to judge, each with both evidences.

A claim's **topics** are the article's entities that its evidence or claim text names (the entity's
Arabic name key, see `toolkit.store.text.name_key`, all of whose words occur in
the claim). Every rule needs two claims that share at least one topic.

- **quantity** — both evidences count the same noun with different numbers («خمس جولات» vs «ثلاث
  جولات», «40 قتيلاً» vs «25 قتيلاً»). A count is a number (digits in any script, or a number word
  ثلاث … عشرة, with مئة/ألف/مليون/مليار scales) directly before a noun; years (1900–2100) are not
  counts. Two counts in the same article need different speakers.
- **denial** — one claim is a denial (kind `denial`), the other is not, they are not the same
  store speaker's, and their evidences say the same thing: with the shared topic words left out, at
  least two content stems in common and a Jaccard overlap of at least `DENIAL_OVERLAP` («نفت أن تكون
  نوفاليا قد عرقلت المحادثات» vs «اتهم نوفاليا بعرقلة المحادثات»: عرقل، محادث). Stems are light
  (`stem`: article, one clitic, one suffix), so «عرقلت» meets «بعرقلة».
- **stance** — the same store speaker, in two different articles, a warning or accusation on a topic
  and a promise on the same topic: the stance changed over time (warning → promise or back).

For speed each new claim is compared, per rule, with at most `CANDIDATES` of the most recent claims
that rule could pair it with (see `candidates`); pairs further back are missed, never invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from toolkit.store._db import Connection
from toolkit.store.text import strip_article, tokens

CANDIDATES = 50
"""Most recent claims one new claim is compared with, per rule and per topic or counted noun."""

DENIAL_OVERLAP = 0.5
"""Jaccard overlap of content stems (topic words left out) a denial and another claim must reach."""

_NUMBER_WORDS = {
    "واحد": 1,
    "واحده": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "ثلاث": 3,
    "ثلاثه": 3,
    "اربع": 4,
    "اربعه": 4,
    "خمس": 5,
    "خمسه": 5,
    "ست": 6,
    "سته": 6,
    "سبع": 7,
    "سبعه": 7,
    "ثماني": 8,
    "ثمانيه": 8,
    "ثمان": 8,
    "تسع": 9,
    "تسعه": 9,
    "عشر": 10,
    "عشره": 10,
    "عشرين": 20,
    "عشرون": 20,
    "ثلاثين": 30,
    "ثلاثون": 30,
    "اربعين": 40,
    "اربعون": 40,
    "خمسين": 50,
    "خمسون": 50,
    "مئه": 100,
    "مائه": 100,
    "الف": 1000,
}
_SCALES = {
    "مئه": 100,
    "مائه": 100,
    "الف": 1000,
    "آلاف": 1000,
    "الاف": 1000,
    "مليون": 10**6,
    "ملايين": 10**6,
    "مليار": 10**9,
    "مليارات": 10**9,
}
_DIGITS_RE = re.compile(r"^\d+(?:[.,]\d+)*$")
_STOP = frozenset(
    tokens(
        "في من على إلى الى عن أن إن ان كان كانت قد لم لن لا ما هذا هذه ذلك تلك التي الذي الذين مع بعد "
        "قبل بين حتى كل أي او أو ثم وقد وقال قال قالت وأضاف أكد اكد أكدت وأكد نفى نفت ونفى أمس اليوم "
        "خلال عند عبر غير هو هي هم نحن ضد منذ لدى بين إنه انه أنه إنها أنها حول بشأن إزاء نحو ضمن "
        "وفق أمام تكون يكون تكن يكن سوف the a of to and in is"
    )
)
_HOSTILE = frozenset({"warning", "accusation"})
_CONCILIATORY = frozenset({"promise"})


@lru_cache(maxsize=131072)
def _number(word: str) -> float | None:
    if _DIGITS_RE.match(word):
        value = float(word.replace(",", "")) if "," in word else float(word)
        return value
    return _NUMBER_WORDS.get(strip_article(word))


def quantities(text: str) -> list[tuple[str, str]]:
    """The counts in a text: (noun key, number as text), e.g. «خمس جولات» → ('جولات', '5').

    Args:
        text: An evidence quote.

    Returns:
        The counts in order.
    """
    return quantities_in(tokens(text))


def quantities_in(toks: list[str]) -> list[tuple[str, str]]:
    """`quantities` of a text already split by `tokens`."""
    out = []
    i = 0
    while i < len(toks) - 1:
        value = _number(toks[i])
        if value is None or (toks[i].isdigit() and len(toks[i]) == 4 and 1900 <= value <= 2100):
            i += 1
            continue
        j = i + 1
        while j < len(toks) and toks[j] in _SCALES:  # 120 مليون دينار, ثلاثة آلاف
            value *= _SCALES[toks[j]]
            j += 1
        if j < len(toks) and _number(toks[j]) is None and toks[j] not in _STOP:
            out.append((strip_article(toks[j]), f"{value:g}"))
        i = j
    return out


_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "هم", "ه", "ت", "ي")


@lru_cache(maxsize=131072)
def stem(token: str) -> str:
    """A light stem for overlap: no article, one leading clitic, one suffix («بعرقلة», «عرقلت» → عرقل)."""
    word = strip_article(token)
    if word == token and word[:1] in "وفبلك" and len(word) >= 5:
        word = strip_article(word[1:])
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    """Content stems of a text for overlap: 3+ letters, no stop words or numbers, `stem`med."""
    return content_stems(tokens(text))


def content_stems(toks: list[str]) -> frozenset[str]:
    """`content_words` of a text already split by `tokens`."""
    return frozenset(stem(t) for t in toks if len(t) >= 3 and t not in _STOP and _number(t) is None)


def stance(kind: str) -> str | None:
    """hostile (warning, accusation), conciliatory (promise), or None."""
    if kind in _HOSTILE:
        return "hostile"
    if kind in _CONCILIATORY:
        return "conciliatory"
    return None


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules compare about one stored claim."""

    id: int
    article_id: str
    speaker_id: str | None
    kind: str
    sort_key: str
    words: frozenset[str]
    counts: tuple[tuple[str, str], ...]
    topics: frozenset[str]
    names: tuple[tuple[str, str], ...] = ()
    """(topic key, the entity's name as written) pairs, for showing the topic."""


@dataclass(frozen=True)
class Pair:
    """A candidate pair found by a rule (a is the earlier claim)."""

    rule: str
    a: int
    b: int
    reason: str
    topic: tuple[str, ...]


RULES = ("quantity", "denial", "stance")


def judge(new: ClaimFacts, old: ClaimFacts, rules: Sequence[str] = RULES) -> list[Pair]:
    """The rules' verdicts on one pair of claims (they must share a topic).

    Args:
        new: The claim being added.
        old: A stored claim.
        rules: Which rules to apply.

    Returns:
        The candidate pairs (zero, one or more rules).
    """
    shared = new.topics & old.topics
    if not shared or new.id == old.id:
        return []
    first, second = _ordered(new, old)
    found: list[tuple[str, str]] = []  # (rule, reason): the cheap checks first, the pair built after
    if "quantity" in rules and new.counts and old.counts:
        counted = _count_clash(first, second)
        if counted:
            found.append(("quantity", counted))
    if "denial" in rules:
        denied = _denial_overlap(new, old, shared)
        if denied:
            found.append(("denial", f"denial of a claim sharing: {denied}"))
    if (
        "stance" in rules
        and new.speaker_id
        and new.speaker_id == old.speaker_id
        and new.article_id != old.article_id
        and {stance(new.kind), stance(old.kind)} == {"hostile", "conciliatory"}
    ):
        found.append(("stance", f"{first.kind} → {second.kind}"))
    if not found:
        return []
    shown = dict(old.names) | dict(new.names)
    topic = tuple(sorted(shown.get(k, k) for k in shared))
    return [Pair(rule, first.id, second.id, reason, topic) for rule, reason in found]


def _ordered(new: ClaimFacts, old: ClaimFacts) -> tuple[ClaimFacts, ClaimFacts]:
    """The pair in time order (then id): the earlier claim first."""
    return (old, new) if (old.sort_key, old.id) <= (new.sort_key, new.id) else (new, old)


@lru_cache(maxsize=65536)
def _topic_stems(shared: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(t) for key in shared for t in key.split())


def _denial_overlap(new: ClaimFacts, old: ClaimFacts, shared: frozenset[str]) -> str | None:
    if (new.kind == "denial") == (old.kind == "denial"):
        return None
    if new.speaker_id is not None and new.speaker_id == old.speaker_id:
        return None  # one speaker taking words back is the stance rule's business
    topic_words = _topic_stems(shared)
    a, b = new.words - topic_words, old.words - topic_words
    common = a & b
    if len(common) >= 2 and len(common) / len(a | b) >= DENIAL_OVERLAP:
        return "، ".join(sorted(common)[:4])
    return None


def _count_clash(a: ClaimFacts, b: ClaimFacts) -> str | None:
    if a.article_id == b.article_id and a.speaker_id == b.speaker_id:
        return None
    a_counts: dict[str, set[str]] = {}
    for noun, value in a.counts:
        a_counts.setdefault(noun, set()).add(value)
    for noun, value in b.counts:
        values = a_counts.get(noun)
        if values and value not in values:
            return f"{noun}: {', '.join(sorted(values))} vs {value}"
    return None


def find_pairs(
    new: Sequence[ClaimFacts], stored: dict[int, ClaimFacts], wanted: Sequence[dict[str, list[int]]]
) -> list[Pair]:
    """The pairs each new claim forms with its candidates, rule by rule, deduplicated.

    Args:
        new: The claims being added (or re-checked).
        stored: Facts of every candidate, by claim id.
        wanted: For each new claim, rule -> candidate ids (from `candidates`).

    Returns:
        The pairs.
    """
    seen: dict[tuple[str, int, int], Pair] = {}
    for claim, by_rule in zip(new, wanted, strict=True):
        topics, words = claim.topics, claim.words
        for rule, ids in by_rule.items():
            # Most candidates fail on a cheap set test (no shared topic; for denial, fewer than the
            # two common stems it needs), so those tests run in comprehensions before `judge`.
            others = [o for o in map(stored.get, ids) if o is not None and not topics.isdisjoint(o.topics)]
            if rule == "denial":
                others = [o for o in others if len(words & o.words) >= 2]
            for other in others:
                if other.id != claim.id:
                    for pair in judge(claim, other, (rule,)):
                        seen.setdefault((pair.rule, pair.a, pair.b), pair)
    return list(seen.values())


def load_facts(conn: Connection, ids: Sequence[int]) -> list[ClaimFacts]:
    """Read the rule inputs of stored claims.

    Args:
        conn: The store's connection.
        ids: Claim ids.

    Returns:
        Their facts (missing ids are skipped).
    """
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT id, article_id, speaker_id, kind, sort_key, ev_text, words FROM claims "
        f"WHERE id IN ({marks})",
        list(ids),
    ).fetchall()
    topics: dict[int, set[str]] = {}
    names: dict[int, list[tuple[str, str]]] = {}
    counts: dict[int, list[tuple[str, str]]] = {}
    for claim_id, ftype, key, value in conn.execute(
        f"SELECT claim_id, type, key, value FROM facts WHERE claim_id IN ({marks})", list(ids)
    ).fetchall():
        if ftype == "topic":
            topics.setdefault(claim_id, set()).add(key)
            names.setdefault(claim_id, []).append((key, value))
        else:
            counts.setdefault(claim_id, []).append((key, value))
    return [
        ClaimFacts(
            int(r[0]),
            r[1],
            r[2],
            r[3],
            r[4],
            frozenset(r[6].split()) if r[6] is not None else content_words(r[5]),
            tuple(counts.get(r[0], ())),
            frozenset(topics.get(r[0], ())),
            tuple(names.get(r[0], ())),
        )
        for r in rows
    ]


def candidates(conn: Connection, claim: ClaimFacts) -> dict[str, list[int]]:
    """Ids of the most recent stored claims each rule could pair with `claim` (at most `CANDIDATES`).

    Each query walks an index backwards from the newest row and stops at the limit, so its cost
    does not grow with the store: quantity — the same counted noun with another number; denial —
    a claim sharing a topic on the other side of denial/non-denial; stance — the same speaker's
    claims of the opposite stance.

    Args:
        conn: The store's connection.
        claim: A claim already written (its own row is skipped by the caller).

    Returns:
        rule -> ids (newest first).
    """
    out: dict[str, list[int]] = {}
    limit = f" ORDER BY claim_id DESC LIMIT {CANDIDATES}"
    if claim.topics:
        for noun, value in claim.counts:
            rows = conn.execute(
                "SELECT claim_id FROM facts WHERE type = 'qty' AND key = ? AND value <> ?" + limit,
                (noun, value),
            ).fetchall()
            out.setdefault("quantity", []).extend(int(r[0]) for r in rows)
        side = "kind <> 'denial'" if claim.kind == "denial" else "kind = 'denial'"
        for topic in sorted(claim.topics):
            rows = conn.execute(
                f"SELECT claim_id FROM facts WHERE type = 'topic' AND key = ? AND {side}" + limit, (topic,)
            ).fetchall()
            out.setdefault("denial", []).extend(int(r[0]) for r in rows)
    mine = stance(claim.kind)
    if claim.topics and claim.speaker_id and mine:
        wanted = sorted(_CONCILIATORY if mine == "hostile" else _HOSTILE)
        rows = conn.execute(
            f"SELECT id FROM claims WHERE speaker_id = ? AND kind IN ({','.join('?' * len(wanted))}) "
            f"ORDER BY id DESC LIMIT {CANDIDATES}",
            (claim.speaker_id, *wanted),
        ).fetchall()
        out["stance"] = [int(r[0]) for r in rows]
    return {rule: list(dict.fromkeys(ids)) for rule, ids in out.items()}


class FactsCache:
    """A bounded LRU of `ClaimFacts` by claim id."""

    def __init__(self, size: int = 20000) -> None:
        """Keep at most `size` entries."""
        from collections import OrderedDict

        self.size = size
        self._items: OrderedDict[int, ClaimFacts] = OrderedDict()

    def put(self, facts: ClaimFacts) -> None:
        """Remember one claim's facts (the oldest entry goes when full)."""
        self._items[facts.id] = facts
        self._items.move_to_end(facts.id)
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def get_many(self, ids: set[int]) -> dict[int, ClaimFacts]:
        """The cached facts among these ids."""
        return {i: self._items[i] for i in ids if i in self._items}

    def clear(self) -> None:
        """Forget everything (speakers changed, or an article was replaced)."""
        self._items.clear()
