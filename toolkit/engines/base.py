"""The one small interface every engine implements.

An engine turns an article (already checked and segmented) into a `BriefingDraft` plus what it cost.
It never computes offsets: grounding does, in the pipeline, against the original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from toolkit.arabic import Sentence
from toolkit.drafts import BriefingDraft
from toolkit.grounding import Grounder
from toolkit.schema import AttemptUsage


@dataclass(frozen=True)
class EngineRequest:
    """What an engine is given.

    Attributes:
        article: The original, untouched article text.
        sentences: Its sentences (offsets into `article`).
        grounder: Locates quotes in `article`; shared with the pipeline so folding happens once.
    """

    article: str
    sentences: list[Sentence]
    grounder: Grounder


@dataclass
class EngineResult:
    """What an engine returns.

    Attributes:
        draft: The briefing draft; its claims may still include ungrounded quotes when re-asks ran
            out (`salvaged`), which the pipeline drops and records.
        attempts: Every model call, failed ones included.
        model: Model name as sent, if any.
        base_url_host: host[:port] of the endpoint, if any.
        prompt_version: Hash of the prompt templates used, if any.
        cost_usd: Cost over every attempt when the price is known.
        raw_output: The last raw model output (JSON text), for eval drill-down.
        salvaged: True when validation re-asks ran out and the draft was parsed leniently.
    """

    draft: BriefingDraft
    attempts: list[AttemptUsage] = field(default_factory=list)
    model: str | None = None
    base_url_host: str | None = None
    prompt_version: str | None = None
    cost_usd: float | None = None
    raw_output: str | None = None
    salvaged: bool = False


@runtime_checkable
class Engine(Protocol):
    """A way of producing a `BriefingDraft`."""

    name: str

    def run(self, request: EngineRequest) -> EngineResult:
        """Produce a draft synchronously."""
        ...

    async def arun(self, request: EngineRequest) -> EngineResult:
        """Produce a draft without blocking the event loop."""
        ...
