"""Every committed cassette is readable UTF-8 and holds nothing that looks like a secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from vcr_utf8 import CASSETTES, Utf8YamlSerializer

SECRET_PATTERNS = {
    "bearer token": re.compile(r"bearer\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),
    "long hex key": re.compile(r"\b[0-9a-fA-F]{32,}\b"),
    "long base64 key": re.compile(r"[A-Za-z0-9+/]{40,}={0,2}"),
    "key-like header": re.compile(r"^\s*(authorization|api-key|x-api-key|cookie|set-cookie):", re.I | re.M),
}
ESCAPED_ARABIC = re.compile(r"\\u06[0-9a-fA-F]{2}")

CASSETTE_FILES = sorted(CASSETTES.rglob("*.yaml"))


def test_there_are_cassettes() -> None:
    assert CASSETTE_FILES, f"no cassettes under {CASSETTES}"


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_holds_no_secrets_and_readable_arabic(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for what, pattern in SECRET_PATTERNS.items():
        match = pattern.search(text)
        assert match is None, f"{path.name}: looks like a {what}: {match.group(0)[:40]!r}"
    escaped = ESCAPED_ARABIC.search(text)
    assert escaped is None, (
        f"{path.name}: Arabic stored as {escaped.group(0)} escapes; use vcr_utf8's serializer"
    )
    assert re.search(r"[\u0600-\u06FF]{3,}", text), f"{path.name}: no readable Arabic in the cassette"
    assert Utf8YamlSerializer.deserialize(text)["interactions"]


def test_scanner_catches_what_it_should() -> None:
    # The patterns above must fire on these authored strings (else the scan could never fail).
    samples = {
        "bearer token": "Authorization: Bearer abcdefgh12345678",
        "OpenAI-style key": "sk-proj-AbCdEfGhIjKlMnOpQrStUv",
        "long hex key": "0123456789abcdef0123456789abcdef",
        "long base64 key": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlq",
        "key-like header": "  x-api-key: whatever",
    }
    for what, sample in samples.items():
        assert SECRET_PATTERNS[what].search(sample), what
    assert ESCAPED_ARABIC.search('"\\u0627\\u0644"')
