"""Every error khulasa raises on purpose. Imports nothing from the rest of `toolkit`.

Each error carries a one-line message and a `hint` that tells the user the exact fix; the CLI
prints both and exits non-zero without a traceback.
"""

from __future__ import annotations

from typing import Any


class ToolkitError(Exception):
    """Base of every khulasa error.

    Attributes:
        hint: What the user should do about it, in one line.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
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
