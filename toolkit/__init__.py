"""khulasa: Arabic news in, grounded bilingual briefings out.

    >>> from toolkit import summarize
    >>> briefing = summarize(article_text, model="gpt-4.1-mini")

The public API is what `__all__` lists; everything else is internal and may change.
"""

from toolkit.batch import asummarize_many, summarize_many
from toolkit.errors import (
    ConfigurationError,
    InputError,
    LLMError,
    OutputValidationError,
    ToolkitError,
)
from toolkit.pipeline import asummarize, summarize
from toolkit.render import render_briefing, render_review
from toolkit.schema import Briefing, Claim, Entity, Evidence, Meta, Speaker

__all__ = [
    "Briefing",
    "Claim",
    "ConfigurationError",
    "Entity",
    "Evidence",
    "InputError",
    "LLMError",
    "Meta",
    "OutputValidationError",
    "Speaker",
    "ToolkitError",
    "asummarize",
    "asummarize_many",
    "render_briefing",
    "render_review",
    "summarize",
    "summarize_many",
]
