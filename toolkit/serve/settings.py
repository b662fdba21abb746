"""What `khulasa serve` is started with, and the rule for who may connect. No web framework here.

Kept free of FastAPI/uvicorn imports so the CLI can check the settings (and refuse a bad bind with a
one-line error) before paying for the server's imports.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

from toolkit.errors import ConfigurationError
from toolkit.pipeline import MAX_CHARS

DEFAULT_MAX_BODY = 2 * 1024 * 1024
"""Largest request body accepted, in bytes: a MAX_CHARS Arabic article is ~0.4 MB as UTF-8 JSON and
~1.2 MB with every character \\u-escaped, so 2 MiB holds any article the pipeline accepts."""

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def is_loopback(host: str) -> bool:
    """Tell whether a bind address only accepts connections from this machine.

    Args:
        host: A host name or IP address as given to `--host`.

    Returns:
        True for `localhost`, 127.0.0.0/8 and ::1.
    """
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class EngineSettings:
    """The engine options of `summarize`, resolved once when the server starts.

    Attributes:
        model: Model name, `offline` or `local:PATH`; None = KHULASA_MODEL / the default.
        base_url: OpenAI-compatible endpoint; None = KHULASA_BASE_URL.
        mode: Instructor mode.
        max_reasks: Validation re-asks.
        max_tokens: Output budget per call.
        timeout: Per-request timeout of the model endpoint, seconds.
        chunk_chars: Chunk budget for long articles (None = the engine's default).
        max_chars: Longest article accepted, in characters.
    """

    model: str | None = None
    base_url: str | None = None
    mode: str | None = None
    max_reasks: int = 2
    max_tokens: int | None = None
    timeout: float | None = None
    chunk_chars: int | None = None
    max_chars: int = MAX_CHARS


@dataclass(frozen=True)
class ServeSettings:
    """Everything the server is started with.

    Attributes:
        host: Bind address (loopback by default).
        port: TCP port (0 = any free port).
        token: The bearer token; None = no authentication (allowed on loopback only).
        store_url: Claim store URL; None = KHULASA_STORE, then the default SQLite file.
        concurrency: At most this many briefings are made at once; the rest wait their turn.
        request_timeout: Seconds a briefing request may take, waiting included, before a 504.
        max_body: Largest request body in bytes (413 above it, refused before it is read).
        engine: Engine options.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    store_url: str | None = None
    concurrency: int = 4
    request_timeout: float = 600.0
    max_body: int = DEFAULT_MAX_BODY
    engine: EngineSettings = field(default_factory=EngineSettings)

    def checked(self) -> ServeSettings:
        """Validate the settings and return them.

        Returns:
            self.

        Raises:
            ConfigurationError: A non-loopback bind without a token, or a nonsensical limit.
        """
        if self.token is not None and not self.token.strip():
            raise ConfigurationError(
                "the token is empty", hint="pass a long random token, e.g. --token $(openssl rand -hex 24)"
            )
        if not is_loopback(self.host) and self.token is None:
            raise ConfigurationError(
                f"refusing to listen on {self.host} without a token: anyone on the network could use it",
                hint="set KHULASA_TOKEN (or --token) to a long random secret, or bind to 127.0.0.1",
            )
        if self.concurrency < 1:
            raise ConfigurationError(f"--concurrency must be at least 1 (got {self.concurrency})")
        if self.max_body < 1024:
            raise ConfigurationError(f"--max-body must be at least 1024 bytes (got {self.max_body})")
        if self.request_timeout <= 0:
            raise ConfigurationError(f"--request-timeout must be positive (got {self.request_timeout})")
        return self


def token_from_env(token: str | None) -> str | None:
    """The token given on the command line, else KHULASA_TOKEN, else None (empty counts as unset)."""
    return token if token is not None else (os.environ.get("KHULASA_TOKEN") or None)
