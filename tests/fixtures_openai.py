"""HAND-WRITTEN OpenAI-format responses (authored fixtures, NOT recorded from any model).

They let the offline tests script exactly what an endpoint answers — a valid briefing, a fabricated
quote, a 429 with Retry-After, a 500 — through an injected `httpx2.MockTransport`, so no test patches
globals or touches the network. Recorded interactions with a real server live in `tests/cassettes/`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE_PATH = ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt"


def seed_article() -> str:
    """The founding seed article, exactly as committed."""
    return SEED_ARTICLE_PATH.read_text(encoding="utf-8")


GOOD_QUOTE = "استخدام نفوذها في إنهاء الصراع في سورية واستئناف المفاوضات الرامية إلى التحرك نحو انتقال سياسي"
FABRICATED_QUOTE = "فرنسا ستسحب قواتها من سورية خلال أسبوع"


def claim(quote: str = GOOD_QUOTE, **overrides: Any) -> dict[str, Any]:
    """An authored claim draft; `quote` decides whether it grounds."""
    base = {
        "speaker_ar": "ماكرون",
        "speaker_en": "Emmanuel Macron",
        "speaker_role": "French President",
        "kind": "call",
        "claim_ar": "دعا ماكرون موسكو إلى استخدام نفوذها لإنهاء الصراع",
        "claim_en": "Macron urged Moscow to use its influence to end the conflict.",
        "quote_ar": quote,
        "conditional": False,
        "condition": None,
        "attributed_via": "بيان للإليزيه",
    }
    base.update(overrides)
    return base


def briefing(claims: list[dict[str, Any]] | None = None, **overrides: Any) -> dict[str, Any]:
    """An authored BriefingDraft payload."""
    base: dict[str, Any] = {
        "headline_ar": "ماكرون وبوتين يبحثان الوضع في الغوطة الشرقية",
        "headline_en": "Macron and Putin discuss Eastern Ghouta",
        "summary_ar": "بحث الرئيسان الفرنسي والروسي هاتفياً الوضع في الغوطة الشرقية، ودعا ماكرون موسكو إلى إنهاء التصعيد.",
        "summary_en": "Macron and Putin discussed Eastern Ghouta by phone; Macron urged Moscow to end the escalation.",
        "key_points": [{"text_ar": "اتصال هاتفي بين ماكرون وبوتين", "text_en": "Macron-Putin phone call"}],
        "claims": claims if claims is not None else [claim()],
        "entities": [
            {"name_ar": "إيمانويل ماكرون", "name_en": "Emmanuel Macron", "type": "person", "aliases": []}
        ],
    }
    base.update(overrides)
    return base


def completion(
    payload: dict[str, Any] | str,
    *,
    prompt_tokens: int = 1000,
    completion_tokens: int = 200,
    finish_reason: str = "tool_calls",
) -> dict[str, Any]:
    """An authored chat.completion whose tool call carries `payload` as its arguments."""
    arguments = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return {
        "id": "chatcmpl-fixture",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "fixture-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_fixture",
                            "type": "function",
                            "function": {"name": "BriefingDraft", "arguments": arguments},
                        }
                    ],
                },
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


Step = httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]


class Script:
    """Plays scripted steps in order; each request consumes one step. Records requests and times."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx2.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        import time

        self.requests.append(request)
        self.times.append(time.monotonic())
        if not self.steps:
            raise AssertionError(f"unexpected extra request #{len(self.requests)}")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if callable(step) and not isinstance(step, httpx2.Response):
            return step(request)
        return step

    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies sent, in order."""
        return [json.loads(r.content) for r in self.requests]

    def client(self) -> httpx2.Client:
        """An httpx2 client whose transport plays this script."""
        return httpx2.Client(transport=httpx2.MockTransport(self))

    def async_client(self) -> httpx2.AsyncClient:
        """An async httpx2 client whose transport plays this script."""
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self))


def ok(payload: dict[str, Any] | str, **kw: Any) -> httpx2.Response:
    """HTTP 200 with an authored completion."""
    return httpx2.Response(200, json=completion(payload, **kw))


def status(code: int, headers: dict[str, str] | None = None) -> httpx2.Response:
    """An authored HTTP error in OpenAI's error format."""
    body = {"error": {"message": f"fixture error {code}", "type": "server_error", "code": None}}
    return httpx2.Response(code, json=body, headers=headers or {})
