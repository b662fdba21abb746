"""Arabic text utilities: folding with an offset map, sentence segmentation, script detection.

Imports nothing from the rest of `toolkit` (see DESIGN.md): everything downstream that needs offsets
into the original article gets them from here, through `Folded.offsets`.

Folding makes two spellings of the same Arabic text compare equal (diacritics, tatweel, hamza/alef
variants, digit scripts, punctuation, whitespace) while remembering, for every folded character, which
character of the original it came from. Grounding searches the folded text and maps hits back.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import pairwise

__all__ = [
    "Folded",
    "Sentence",
    "arabic_ratio",
    "fold",
    "fold_text",
    "has_arabic",
    "is_arabic",
    "is_hard_wrapped",
    "is_removed",
    "normalize_digits",
    "split_sentences",
]

# --- character classes ------------------------------------------------------------------------------

TATWEEL = "\u0640"


def _chars(*ranges: tuple[int, int]) -> frozenset[str]:
    return frozenset(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


#: Tashkeel and Quranic annotation marks (all combining): harakat, tanwin, shadda, sukun, hamza
#: above/below (U+0654/U+0655, so a decomposed أ folds like the precomposed one), superscript alef.
TASHKEEL: frozenset[str] = _chars(
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),
    (0x08E3, 0x08FF),
)

#: Invisible formatting characters: zero-width, bidi embeddings/isolates, Arabic letter mark, BOM.
#: U+2060 (word joiner) is not in the original brief but is the same kind of invisible character.
INVISIBLE: frozenset[str] = _chars(
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2060), (0x2066, 0x2069), (0x061C, 0x061C), (0xFEFF, 0xFEFF)
)

#: Everything `fold` deletes outright.
REMOVED: frozenset[str] = TASHKEEL | INVISIBLE | {TATWEEL}

_DIGITS = {chr(0x0660 + d): str(d) for d in range(10)} | {chr(0x06F0 + d): str(d) for d in range(10)}

#: One-to-one replacements applied in both folding modes.
_MAP_COMMON: dict[str, str] = {
    **dict.fromkeys("أإآٱٲٳ", "ا"),
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    # Persian yeh and keheh show up in Arabic news copied through Persian keyboards.
    "ی": "ي",
    "ک": "ك",
    **_DIGITS,
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",  # Arabic decimal separator, so ٣٫٥ folds like 3.5
    "٬": ",",  # Arabic thousands separator
    **dict.fromkeys("«»“”„″", '"'),
}

# Every code point for which str.isspace() is true (Python 3.11's Unicode 14 database), as a literal:
# scanning all 1,114,112 code points at import cost ~60 ms of CPU on every start of the CLI.
# tests/test_arabic.py checks that it still equals the scan.
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _table(mapping: dict[str, str]) -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(k): v for k, v in mapping.items()}
    table.update({ord(c): None for c in REMOVED})
    table.update({ord(c): " " for c in _WHITESPACE})
    return table


_TABLE_MATCH = _table({**_MAP_COMMON, "ة": "ه"})
_TABLE_DISPLAY = _table(_MAP_COMMON)
_DIGIT_TABLE = {ord(k): v for k, v in _DIGITS.items()}

# Presentation forms need NFKC (one char may become several), so they take the slow path.
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_SPACE_RUN_RE = re.compile(" {2,}")
_KEPT_RUN_RE = re.compile("[^" + "".join(sorted(REMOVED)) + "]+")


def is_removed(char: str) -> bool:
    """Tell whether `fold` deletes this character (diacritic, tatweel, invisible mark).

    Args:
        char: A single character.

    Returns:
        True for tashkeel, tatweel and zero-width/bidi marks.
    """
    return char in REMOVED


def _is_attached_mark(char: str) -> bool:
    # A combining mark that fold removed: it belongs to the preceding letter's grapheme.
    return char in TASHKEEL or (char in REMOVED and unicodedata.category(char).startswith("M"))


# --- folding ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Folded:
    """Folded text plus the map back to the original.

    Attributes:
        text: The folded text.
        offsets: ``len(text) + 1`` entries; ``offsets[i]`` is the index in the original of folded
            character ``i`` and ``offsets[-1] == len(original)``. Non-decreasing (a presentation-form
            ligature expands to several folded characters sharing one original index).
        original: The text that was folded (used to keep combining marks with their letter).
    """

    text: str
    offsets: tuple[int, ...]
    original: str = field(default="", repr=False)

    def span_to_original(self, fstart: int, fend: int) -> tuple[int, int]:
        """Map a folded span ``[fstart, fend)`` to a tight original span ``[start, end)``.

        Tight means the span starts on the original of folded char ``fstart`` (never on a removed
        mark, tatweel, invisible char or collapsed whitespace before it) and ends just after the
        original of folded char ``fend - 1``, plus any removed combining marks (harakat) attached to
        that last letter: cutting a letter from its shadda or tanwin would split a grapheme. Removed
        tatweel, bidi marks and whitespace after it are never included.

        Args:
            fstart: Start index in the folded text.
            fend: End index (exclusive) in the folded text.

        Returns:
            ``(start, end)`` indices into the original text.

        Raises:
            ValueError: If the folded span is out of range or reversed.
        """
        if not 0 <= fstart <= fend <= len(self.text):
            raise ValueError(f"folded span [{fstart}, {fend}) outside [0, {len(self.text)}]")
        if fstart == fend:
            return self.offsets[fstart], self.offsets[fstart]
        start = self.offsets[fstart]
        end = self.offsets[fend - 1] + 1
        limit = self.offsets[fend]  # everything in [end, limit) was removed or collapsed by fold
        while end < limit and end < len(self.original) and _is_attached_mark(self.original[end]):
            end += 1
        return start, end

    def to_folded(self, index: int) -> int:
        """Map an original index to the first folded index at or after it.

        Args:
            index: Index into the original text (0..len(original)).

        Returns:
            The smallest folded index ``i`` with ``offsets[i] >= index``.
        """
        return bisect_left(self.offsets, index)


def fold(text: str, *, for_matching: bool = True) -> Folded:
    """Fold Arabic text for comparison, keeping a map back to the original.

    Removes tashkeel (harakat, shadda, sukun, tanwin, superscript alef, Quranic marks), tatweel and
    zero-width/bidi marks; maps alef variants (أ إ آ ٱ ٲ ٳ) to ا, ى and ئ to ي, ؤ to و, Persian ی/ک to
    ي/ك, and ة to ه when ``for_matching``; Arabic-Indic and Persian digits to ASCII; ، ؛ ؟ ٪ to , ; ? %;
    « » “ ” „ ″ to a straight double quote; NFKC-folds presentation forms (U+FB50–U+FDFF,
    U+FE70–U+FEFE) per character; collapses each run of whitespace to one space (not stripped).

    Args:
        text: The original text.
        for_matching: Also fold ة to ه (models and writers mix them up). Use False for display.

    Returns:
        The folded text and its offset map.
    """
    table = _TABLE_MATCH if for_matching else _TABLE_DISPLAY
    if _PRESENTATION_RE.search(text):
        return _fold_slow(text, table)
    # Fast path: every surviving character maps 1:1, so offsets are the indices of kept characters.
    flat = text.translate(table)
    kept: list[int] = []
    for m in _KEPT_RUN_RE.finditer(text):  # runs of kept characters: C-speed even on long articles
        kept.extend(range(m.start(), m.end()))
    if "  " in flat:
        kept, flat = _collapse_spaces(flat, kept)
    kept.append(len(text))
    return Folded(flat, tuple(kept), text)


def _collapse_spaces(flat: str, kept: list[int]) -> tuple[list[int], str]:
    # Keep the first space of each run (its offset points at the first whitespace char of the run).
    out_offsets: list[int] = []
    prev = 0
    for m in _SPACE_RUN_RE.finditer(flat):
        out_offsets.extend(kept[prev : m.start() + 1])
        prev = m.end()
    out_offsets.extend(kept[prev:])
    return out_offsets, _SPACE_RUN_RE.sub(" ", flat)


def _fold_slow(text: str, table: dict[int, str | None]) -> Folded:
    chars: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        pieces = unicodedata.normalize("NFKC", c) if _PRESENTATION_RE.match(c) else c
        folded = pieces.translate(table)
        if len(pieces) > 1 and not folded.strip():
            continue  # isolated harakat forms (U+FE70...) normalize to " " + mark: drop them whole
        for f in folded:
            if f == " " and chars and chars[-1] == " ":
                continue
            chars.append(f)
            offsets.append(i)
    offsets.append(len(text))
    return Folded("".join(chars), tuple(offsets), text)


def fold_text(text: str) -> str:
    """Return only the folded text (``fold(text).text``).

    Args:
        text: The original text.

    Returns:
        The folded text, folded for matching.
    """
    # The text of `fold` without building its offset map (the store folds every claim it indexes).
    if _PRESENTATION_RE.search(text):
        return _fold_slow(text, _TABLE_MATCH).text
    flat = text.translate(_TABLE_MATCH)
    return _SPACE_RUN_RE.sub(" ", flat) if "  " in flat else flat


def normalize_digits(text: str) -> str:
    """Map Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII, touching nothing else.

    Args:
        text: Any text.

    Returns:
        The text with ASCII digits.
    """
    return text.translate(_DIGIT_TABLE)


# --- script detection -------------------------------------------------------------------------------

_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
# The same blocks as a character class: the scans below run in C (the re module and str.isalpha over
# map), not one Python call per character; the draft validators run them on every model answer.
_ARABIC_BLOCK_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _ARABIC_BLOCKS) + "]")


def _is_arabic_letter(char: str) -> bool:
    cp = ord(char)
    return char.isalpha() and any(lo <= cp <= hi for lo, hi in _ARABIC_BLOCKS)


def arabic_ratio(text: str) -> float:
    """Share of letters (``str.isalpha``) that are in Arabic script.

    Args:
        text: Any text.

    Returns:
        A value in [0, 1]; 0.0 when the text has no letters.
    """
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0.0
    return sum(map(str.isalpha, _ARABIC_BLOCK_RE.findall(text))) / letters


def is_arabic(text: str, threshold: float = 0.5) -> bool:
    """Tell whether the text is mostly Arabic script.

    Args:
        text: Any text.
        threshold: Minimum `arabic_ratio` to count as Arabic.

    Returns:
        True if ``arabic_ratio(text) >= threshold`` and the text has letters.
    """
    ratio = arabic_ratio(text)
    return ratio > 0.0 and ratio >= threshold


def has_arabic(text: str) -> bool:
    """Tell whether the text contains at least one Arabic letter.

    Args:
        text: Any text.

    Returns:
        True if any character is an Arabic-script letter.
    """
    return any(m.group().isalpha() for m in _ARABIC_BLOCK_RE.finditer(text))


# --- sentence segmentation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article.

    Attributes:
        id: 0-based position in the article.
        start: Offset into the original text.
        end: Offset into the original text; ``text == original[start:end]``.
        text: The sentence, without surrounding whitespace.
    """

    id: int
    start: int
    end: int
    text: str


_TERMINATORS = frozenset(".!?؟…\u06d4\uff01\uff1f")
_CLOSERS = frozenset("»”)]\"'’")
#: Pairs whose inside is never split. « » and “ ” do not nest in news copy: a second opener before a
#: closer means the first was a typo (the seed article has «لن تتساهلا «على صعيد «الإفلات...»).
_FLAT_PAIRS = {"«": "»", "“": "”"}
_NESTING_PAIRS = {"(": ")", "[": "]"}
#: A quotation longer than this is assumed to be an unbalanced quote pairing with a stray closer.
MAX_QUOTE_CHARS = 800
_TERMINATOR_RUN_RE = re.compile("[" + re.escape("".join(sorted(_TERMINATORS))) + "]+")
_QUOTE_CHAR_RE = re.compile('[«»“”()\\[\\]"]')
_LINE_RE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+")
#: Abbreviations that end in a full stop without ending the sentence (besides single letters and
#: dotted initialisms such as U.S. or ق.م, which are recognised by shape).
ABBREVIATIONS = frozenset({"Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Jr", "Sr", "No", "vs", "Gen", "Col", "Lt"})


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with offsets into the original.

    Splits after . ! ? ؟ … and the Arabic full stop (U+06D4) when followed by whitespace or the end,
    and at every line break — unless the text is hard-wrapped (see `is_hard_wrapped`): then a single
    line break inside a sentence is whitespace, and a sentence ends at a terminator, at a line ending
    in one, at a paragraph break (a blank line) and after a line that stands alone (a title or
    heading: short, no terminator, at the start or after a line that ended a sentence). Never splits
    inside « », “ ”, straight "…" quotes or (…): a terminator inside a quotation ends the sentence only
    when the quotation closes right after it. Respects decimals (3.5), single-letter abbreviations
    (د. أ. م.), dotted initialisms (U.S. ق.م.) and a few English titles. Unbalanced quotes cannot
    swallow the article: quotes are matched per line (per wrapped block), « » and “ ” do not nest (a
    second opener replaces a stray first one), and a quotation longer than `MAX_QUOTE_CHARS` is ignored.

    Args:
        text: The original article.

    Returns:
        Non-empty sentences, stripped, numbered from 0, with ``text[start:end] == sentence.text``.
    """
    sentences: list[Sentence] = []
    for start, end in _blocks(text):
        cuts = _line_cuts(text[start:end], start)
        for a, b in pairwise([start, *cuts, end]):
            _append_stripped(sentences, text, a, b)
    return sentences


# --- hard-wrapped text --------------------------------------------------------------------------------

#: Hard-wrapped text has most of its lines (those not ending a sentence) within this fraction of the
#: median such line's length...
WRAP_TOLERANCE = 0.2
#: ...and that median between these bounds (the EASC articles wrap at ~75 characters).
WRAP_WIDTH = (40, 120)
#: A line shorter than this fraction of the wrap width that ends no sentence and stands alone is a
#: title or heading.
SHORT_LINE = 0.6
_BREAK_RE = re.compile("\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
_LINE_END_RE = re.compile(  # a line that ends a sentence: a terminator, then closing marks
    "[" + re.escape("".join(sorted(_TERMINATORS))) + "][" + re.escape("".join(sorted(_CLOSERS))) + "]*$"
)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line with visible text, stripped of surrounding whitespace."""
    out = []
    for m in _LINE_RE.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _wrap_width(text: str, lines: list[tuple[int, int]]) -> float | None:
    """The wrap width if the lines are hard-wrapped, else None."""
    open_lines = [b - a for a, b in lines if not _LINE_END_RE.search(text, a, b)]
    if len(lines) < 3 or len(open_lines) < 2 or len(open_lines) * 10 < len(lines) * 3:
        return None
    width = statistics.median(open_lines)
    if not WRAP_WIDTH[0] <= width <= WRAP_WIDTH[1]:
        return None
    near = sum(1 for n in open_lines if abs(n - width) <= WRAP_TOLERANCE * width)
    return width if near * 10 >= len(open_lines) * 6 else None


def is_hard_wrapped(text: str) -> bool:
    """Tell whether a text is hard-wrapped: line breaks inside sentences at a fixed width.

    Many lines of similar length (a median of 40-120 characters, 60% within 20% of it) that do not
    end with a terminator, making up at least 30% of the lines. An article with one paragraph per
    line is not: its lines end sentences and vary in length.

    Args:
        text: The original article.

    Returns:
        True when line breaks should be read as spaces inside sentences.
    """
    return _wrap_width(text, _lines(text)) is not None


def _blocks(text: str) -> list[tuple[int, int]]:
    """Regions segmented as one line: every line, or for hard-wrapped text runs of wrapped lines."""
    lines = _lines(text)
    width = _wrap_width(text, lines)
    if width is None:
        return lines
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    ended = True  # the previous line ended a sentence (or there is none)
    for i, (a, b) in enumerate(lines):
        start = a if start is None else start
        terminated = _LINE_END_RE.search(text, a, b) is not None
        nxt = lines[i + 1][0] if i + 1 < len(lines) else len(text)
        paragraph_break = len(_BREAK_RE.findall(text, b, nxt)) >= 2
        # A short line that ends with ":" or "," introduces what follows («وقال الوزير:»): no title.
        standalone = ended and not terminated and b - a < SHORT_LINE * width and text[b - 1] not in ":,،؛"
        # A line ending in a terminator ends the sentence, unless a quotation is still open there
        # («…الأولى.\nوالثانية…»): the terminator rules decide inside it, as in an unwrapped line.
        closes = terminated and not _quote_open(text, start, b)
        if closes or paragraph_break or standalone or i + 1 == len(lines):
            blocks.append((start, b))
            start = None
        ended = closes or paragraph_break or standalone
    return blocks


def _quote_open(text: str, start: int, end: int) -> bool:
    """Tell whether a quotation opened in ``text[start:end]`` is still open at ``end``.

    « » and “ ” are open when their last opener comes after their last closer; straight quotes when
    their count is odd. One opened more than `MAX_QUOTE_CHARS` before ``end`` is a stray and counts
    as closed, so an unbalanced quote cannot glue a paragraph together.
    """
    block = text[start:end]
    openers = [block.rfind(o) for o, c in _FLAT_PAIRS.items() if block.rfind(o) > block.rfind(c)]
    if block.count('"') % 2 == 1:
        openers.append(block.rfind('"'))
    return any(len(block) - at <= MAX_QUOTE_CHARS for at in openers)


def _append_stripped(out: list[Sentence], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        out.append(Sentence(len(out), a, b, text[a:b]))


def _line_cuts(line: str, base: int) -> list[int]:
    """Return absolute cut positions (sentence ends) inside one line."""
    quotes = sorted(_quote_spans(line))
    opens = [q[0] for q in quotes]
    cuts: list[int] = []
    for m in _TERMINATOR_RUN_RE.finditer(line):
        i, j = m.start(), m.end()
        end = _sentence_end(line, i, j, _innermost_closer(quotes, opens, i))
        if end is not None:
            cuts.append(base + end)
    return cuts


def _innermost_closer(quotes: list[tuple[int, int]], opens: list[int], pos: int) -> int:
    """Closer index of the innermost quotation around ``pos`` (0 if none)."""
    k = bisect_left(opens, pos) - 1
    # Quotes are at most MAX_QUOTE_CHARS long, so only the last few openers can enclose pos.
    while k >= 0 and pos - opens[k] <= MAX_QUOTE_CHARS:
        if quotes[k][1] > pos:
            return quotes[k][1]
        k -= 1
    return 0


def _sentence_end(line: str, i: int, j: int, closer: int) -> int | None:
    """Decide whether the terminator run ``line[i:j]`` ends a sentence; return where it ends."""
    n = len(line)
    single_dot = j - i == 1 and line[i] == "."
    if closer:
        # Inside a quotation: only a quote that closes right after the terminator ends the sentence.
        if j != closer:
            return None
        j += 1
    while j < n and line[j] in _CLOSERS:
        j += 1
    if j < n and not line[j].isspace():
        return None  # 3.5, U.S, example.com, «...».وقال
    if single_dot and j == i + 1 and _is_abbreviation(line, i):
        return None
    return j


def _is_abbreviation(line: str, dot: int) -> bool:
    """Tell whether the single full stop at ``dot`` ends an abbreviation like د. or U.S."""
    start = dot
    while start > 0 and not line[start - 1].isspace() and line[start - 1] not in '«“("[':
        start -= 1
    word = line[start:dot]
    if not word or any(c in _CLOSERS for c in word):
        return False
    letters = word.split(".")
    if all(len(part) == 1 and part.isalpha() for part in letters):
        return True  # د.  أ.  م.  U.S.  ق.م.
    return word in ABBREVIATIONS


def _quote_spans(line: str) -> list[tuple[int, int]]:
    """Find matched quotation/bracket pairs ``(open, close)`` in one line, tolerating strays."""
    spans: list[tuple[int, int]] = []
    flat_open: dict[str, int] = {}
    stacks: dict[str, list[int]] = {o: [] for o in _NESTING_PAIRS}
    straight: int | None = None
    closers_flat = {v: k for k, v in _FLAT_PAIRS.items()}
    closers_nest = {v: k for k, v in _NESTING_PAIRS.items()}
    for m in _QUOTE_CHAR_RE.finditer(line):
        i, c = m.start(), m.group()
        if c in _FLAT_PAIRS:
            flat_open[c] = i  # replaces a stray earlier opener
        elif c in closers_flat:
            o = flat_open.pop(closers_flat[c], None)
            if o is not None and i - o <= MAX_QUOTE_CHARS:
                spans.append((o, i))
        elif c in _NESTING_PAIRS:
            stacks[c].append(i)
        elif c in closers_nest:
            stack = stacks[closers_nest[c]]
            if stack:
                o = stack.pop()
                if i - o <= MAX_QUOTE_CHARS:
                    spans.append((o, i))
        elif c == '"':
            straight = _straight_quote(line, i, straight, spans)
    return spans


def _straight_quote(line: str, i: int, open_at: int | None, spans: list[tuple[int, int]]) -> int | None:
    # A straight quote opens when preceded by space/start and followed by a non-space; else it closes.
    before = line[i - 1] if i else " "
    after = line[i + 1] if i + 1 < len(line) else " "
    opens = (before.isspace() or before in "([«“") and not after.isspace()
    if opens:
        return i
    if open_at is not None and i - open_at <= MAX_QUOTE_CHARS:
        spans.append((open_at, i))
    return None
