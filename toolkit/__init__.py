"""khulasa: Arabic news in, grounded bilingual briefings out.

    >>> from toolkit import summarize
    >>> briefing = summarize(article_text, model="gpt-4.1-mini")

The public API is what `__all__` lists; everything else is internal and may change.

Names are imported on first use (PEP 562 `__getattr__`), so `import toolkit` costs next to nothing
and loads neither pydantic, openai, instructor, httpx, rich nor jinja2 until something needs them;
the `TYPE_CHECKING` block gives type checkers and IDEs the same names statically.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# public name -> the module that defines it (keep in step with the TYPE_CHECKING imports above)
_LAZY = {
    "Briefing": "toolkit.schema",
    "Claim": "toolkit.schema",
    "Entity": "toolkit.schema",
    "Evidence": "toolkit.schema",
    "Meta": "toolkit.schema",
    "Speaker": "toolkit.schema",
    "ConfigurationError": "toolkit.errors",
    "InputError": "toolkit.errors",
    "LLMError": "toolkit.errors",
    "OutputValidationError": "toolkit.errors",
    "ToolkitError": "toolkit.errors",
    "asummarize": "toolkit.pipeline",
    "summarize": "toolkit.pipeline",
    "asummarize_many": "toolkit.batch",
    "summarize_many": "toolkit.batch",
    "render_briefing": "toolkit.render",
    "render_review": "toolkit.render",
}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
