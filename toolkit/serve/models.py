"""Request and error bodies of the HTTP API. Responses reuse the toolkit's own models (`Briefing`, the
store's rows), so the OpenAPI document and the JSON files describe the same types.

The article text's rules are written into the schema as a `pattern` *and* checked by the same regular
expression, so what the document promises is exactly what the server accepts: an API fuzzer that
generates text from the pattern gets 200s, and text outside it gets 422s.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from toolkit.arabic import has_arabic

ID_PATTERN = "^[A-Za-z0-9\u0621-\u064a][A-Za-z0-9_.:\u0621-\u064a-]{0,199}$"
"""Article ids: 1-200 ASCII letters/digits, Arabic letters, '_', '.', ':' or '-' (safe in a URL path)."""

_CONTROLS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f"
# Lone surrogates (JSON's "\\ud800") cannot be written back as UTF-8; refused by the validator, kept
# out of the pattern because ECMA-262/Rust regex engines reject surrogate ranges.
_SURROGATES = "\\ud800-\\udfff"


def _letter_ranges() -> list[tuple[int, int]]:
    """Code-point ranges of the characters `has_arabic` counts as Arabic letters (all in U+0600-U+FEFF)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x0600, 0xFF00):
        if not has_arabic(chr(cp)):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


@cache
def text_pattern() -> str:
    """The article text's pattern: no control character but tab/LF/CR, at least one Arabic letter."""
    letters = "".join(f"{chr(lo)}-{chr(hi)}" if lo != hi else chr(lo) for lo, hi in _letter_ranges())
    return f"^[^{_CONTROLS}]*[{letters}][^{_CONTROLS}]*$"


@cache
def _control_re() -> re.Pattern[str]:
    return re.compile(f"[{_CONTROLS}{_SURROGATES}]")


def _iso_date(value: object) -> object:
    # Lax pydantic would take 0 or "1700000000" as a Unix time; the document promises YYYY-MM-DD only.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.date):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class BriefingRequest(BaseModel):
    """One article to summarize (and file in the claim store)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=ID_PATTERN,
        description="Your id for the article (becomes `briefing.source_id`); posting the same id again "
        "with the same text changes nothing, with a new text replaces the stored briefing.",
        examples=["eastern-ghouta-2018-02-25"],
    )
    text: str = Field(
        description="The Arabic article as UTF-8 text, untouched: evidence offsets index it. At least "
        "one Arabic letter; no control characters other than tab, LF and CR.",
        json_schema_extra={"pattern": text_pattern()},
        examples=["قال الرئيس الفرنسي إيمانويل ماكرون إن فرنسا ستبقى ملتزمة بالحل السياسي."],
    )
    date: IsoDate | None = Field(default=None, description="Publication date (YYYY-MM-DD), if known.")
    title: str | None = Field(default=None, max_length=500, description="The article's title, if known.")
    url: str | None = Field(default=None, max_length=2000, description="Where the article was published.")

    @field_validator("text")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        # Empty, non-Arabic or too long text is left to the pipeline's own checks (InputError, 422);
        # only what the pipeline would tolerate but JSON output cannot carry is refused here.
        bad = _control_re().search(value)
        if bad:
            raise PydanticCustomError(
                "input_error",
                "the text contains a control character (U+{code:04X} at position {pos})",
                {"code": ord(bad.group()), "pos": bad.start(), "hint": "send plain UTF-8 text"},
            )
        return value


class ErrorDetail(BaseModel):
    """What went wrong, in one line, and what to do about it."""

    type: str = Field(description="Error class: InputError, LLMError, Timeout, NotFound, Unauthorized, ...")
    status: int = Field(description="The HTTP status, repeated.")
    message: str = Field(description="One line saying what went wrong.")
    hint: str | None = Field(default=None, description="One line saying what to do about it.")
    details: list[dict[str, object]] | None = Field(
        default=None, description="For invalid requests: each problem with its location in the request."
    )


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer of the API."""

    error: ErrorDetail = Field(description="The error.")


class Health(BaseModel):
    """The server is up, and what it runs."""

    status: str = Field(description="Always 'ok' when the server answers.")
    version: str = Field(description="khulasa version.")
    engine: str = Field(description="The engine briefings are made with: offline, openai_compat, local_gguf.")
    model: str | None = Field(default=None, description="The model name, for model engines.")
    store: str = Field(description="The claim store backend: sqlite or postgresql.")
    auth: bool = Field(description="True when requests need the bearer token.")
