"""Every error khulasa raises on purpose. Imports nothing from the rest of `toolkit`.

Each error carries a one-line message and a `hint` that tells the user the exact fix; the CLI
prints both and exits non-zero without a traceback.
"""

from __future__ import annotations

import re
from typing import Any

# Credentials an endpoint may echo back in an error body (a proxy repeating the request headers, a
# server quoting the bad key): removed before any message is stored, printed or written to a report.
_SECRETS = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 [redacted]"),
    (re.compile(r"\b(sk|rk|pk)-[A-Za-z0-9_-]{6,}"), r"\1-[redacted]"),
    (
        re.compile(r"(?i)(api[_-]?key|x-api-key|authorization|access[_-]?token)([\"']?\s*[:=]\s*[\"']?)(?!(?i:bearer|basic)\s)[^\s\"',}]{4,}"),
        r"\1\2[redacted]",
    ),
)


def redact(text: str) -> str:
    """Remove API keys and bearer tokens from text (error bodies, exception messages).

    Args:
        text: Any text.

    Returns:
        The text with `Bearer sk-...`, `sk-...` keys and `api_key=...` values replaced by `[redacted]`.
    """
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class ToolkitError(Exception):
    """Base of every khulasa error.

    Attributes:
        hint: What the user should do about it, in one line.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nhint: {self.hint}"


class ConfigurationError(ToolkitError):
    """No usable model/engine configuration (missing model, extra not installed, bad path)."""

    exit_code = 3


class InputError(ToolkitError):
    """The article cannot be summarized as given (empty, binary, no Arabic, too long)."""

    exit_code = 2


class OutputError(ToolkitError):
    """The output cannot be written: a folder that is a file, read-only, full disk, or another run
    holding it. Nothing already written is lost; re-running after the fix resumes."""

    exit_code = 6


class CacheError(ToolkitError):
    """A response-cache entry does not load (it is removed; the next try calls the model)."""


class LLMError(ToolkitError):
    """The endpoint kept failing after every transport retry.

    Attributes:
        status: The last HTTP status, or None for connection errors/timeouts.
        attempts: How many HTTP calls were made.
    """

    exit_code = 4

    def __init__(
        self, message: str, *, status: int | None = None, attempts: int = 0, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.attempts = attempts


class OutputValidationError(ToolkitError):
    """The model's output stayed invalid after every validation re-ask.

    Attributes:
        attempts: How many calls were made.
        last_output: The last raw output of the model (possibly truncated JSON).
        usage: Per-attempt token usage as plain dicts.
    """

    exit_code = 5

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 0,
        last_output: str | None = None,
        usage: list[dict[str, Any]] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.attempts = attempts
        self.last_output = last_output
        self.usage = usage or []
