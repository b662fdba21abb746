"""vcrpy set-up for cassettes recorded from a real llama.cpp server (or OpenAI), readable as UTF-8.

* Arabic stays Arabic: JSON bodies are re-encoded with `ensure_ascii=False` and the YAML is dumped
  with `allow_unicode=True`, so a reviewer reads the prompt and the model's answer in the cassette.
  Requests still match, because vcr compares JSON bodies after parsing them.
* No secrets: `Authorization` and every key-like header are filtered on record, response cookies and
  organisation headers are dropped; `test_cassettes_hold_no_secrets` scans every cassette.
* Requests match on method + path + body, so re-asks (whose bodies grow) replay in order, whatever
  host or port the server had when it was recorded.

Mode: with KHULASA_TEST_BASE_URL set, a missing cassette is recorded (`once`); with
KHULASA_RECORD=1 as well, cassettes are re-recorded (`all`); otherwise nothing may touch the network
(`none`) and the base URL stored in the cassette is used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vcr
import yaml

CASSETTES = Path(__file__).resolve().parent / "cassettes"

FILTERED_REQUEST_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "proxy-authorization",
]
DROPPED_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project", "x-request-id"}


def _reencode(body: Any) -> Any:
    """A JSON body as compact UTF-8 JSON text (Arabic unescaped); anything else unchanged."""
    if not isinstance(body, str) or not body.lstrip().startswith(("{", "[")):
        return body
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


class Utf8YamlSerializer:
    """vcr serializer: YAML with Arabic left readable (bodies as str, allow_unicode=True)."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        """Dump a cassette dict (bodies already decoded to str by vcr) as readable YAML."""
        for interaction in cassette.get("interactions", []):
            request = interaction["request"]
            request["body"] = _reencode(request.get("body"))
            response = interaction["response"]
            response["body"]["string"] = _reencode(response["body"].get("string"))
            headers = response.get("headers", {})
            for name in list(headers):
                if name.lower() in DROPPED_RESPONSE_HEADERS or name.lower() == "content-length":
                    headers.pop(name)  # content-length: the body was re-encoded
        return yaml.dump(cassette, allow_unicode=True, sort_keys=False, width=120)

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        """Load a cassette written by `serialize`."""
        data: dict[str, Any] = yaml.safe_load(text)
        return data


def _drop_response_headers(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in DROPPED_RESPONSE_HEADERS:
            headers.pop(name)
    return response


def live_base_url() -> str | None:
    """The real server to record from (KHULASA_TEST_BASE_URL), or None to replay."""
    return os.environ.get("KHULASA_TEST_BASE_URL") or None


def record_mode() -> str:
    """`all` to re-record, `once` with a live server, `none` offline."""
    if live_base_url():
        return "all" if os.environ.get("KHULASA_RECORD") == "1" else "once"
    return "none"


def recorder() -> vcr.VCR:
    """The VCR instance every cassette test uses."""
    v = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        serializer="yaml-utf8",
        record_mode=record_mode(),
        match_on=["method", "path", "body"],
        filter_headers=FILTERED_REQUEST_HEADERS,
        before_record_response=_drop_response_headers,
        decode_compressed_response=True,
        # A re-record replaces the cassette: interactions of an older prompt must not be saved with
        # the new ones (vcrpy's "all" mode keeps unmatched loaded interactions otherwise).
        drop_unused_requests=record_mode() == "all",
    )
    v.register_serializer("yaml-utf8", Utf8YamlSerializer())
    return v


def stored_base_url(cassette: Path) -> str | None:
    """The `/v1` base URL a cassette was recorded against (from its first request URI)."""
    if not cassette.is_file():
        return None
    data = Utf8YamlSerializer.deserialize(cassette.read_text(encoding="utf-8"))
    interactions = data.get("interactions") or []
    if not interactions:
        return None
    uri = urlsplit(interactions[0]["request"]["uri"])
    return f"{uri.scheme}://{uri.netloc}/v1"
