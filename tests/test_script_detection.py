"""The C-speed script detection in toolkit.arabic gives exactly the values of the per-character definition."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.arabic import _ARABIC_BLOCKS, arabic_ratio, has_arabic

# Every block edge, letters and marks inside the blocks, Latin, digits, spaces, presentation forms.
_EDGES = [chr(c) for lo, hi in _ARABIC_BLOCKS for c in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1)]
_CHARS = st.one_of(
    st.sampled_from(_EDGES),
    st.sampled_from("قال الوزير «إنّ» ٣٥ ـ ﷲ ﻻ ۝ ، Macron said 42 é ß ٪"),
    st.characters(min_codepoint=0x0590, max_codepoint=0x08FF),
    st.characters(min_codepoint=0xFB00, max_codepoint=0xFEFF),
    st.characters(),
)


def _is_arabic_letter(c: str) -> bool:
    return c.isalpha() and any(lo <= ord(c) <= hi for lo, hi in _ARABIC_BLOCKS)


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, max_size=60))
def test_fast_script_detection_equals_the_definition(text: str) -> None:
    letters = [c for c in text if c.isalpha()]
    expected = sum(map(_is_arabic_letter, letters)) / len(letters) if letters else 0.0
    assert arabic_ratio(text) == expected
    assert has_arabic(text) == any(map(_is_arabic_letter, text))
