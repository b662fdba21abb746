"""Run the application on uvicorn: the access log without query strings, a clean stop on Ctrl-C."""

from __future__ import annotations

import logging
import sys
from typing import Any

from toolkit.serve.app import create_app
from toolkit.serve.settings import ServeSettings, is_loopback


def _log_config() -> dict[str, Any]:
    # uvicorn's default config plus our access logger on stderr, one line per request.
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG, "loggers": dict(LOGGING_CONFIG["loggers"])}
    config["loggers"]["khulasa.serve"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def banner(settings: ServeSettings, engine: str, store: str) -> str:
    """The line printed before the server starts (never the token; uvicorn then prints the URL)."""
    who = "token required" if settings.token else "no token"
    where = "this machine only" if is_loopback(settings.host) else "the network"
    return f"khulasa serve: engine {engine} · store {store} · {who} · reachable from {where}"


def run(settings: ServeSettings) -> None:
    """Start the server and block until it is stopped.

    Args:
        settings: The server settings (checked here: a non-loopback host needs a token).

    Raises:
        ConfigurationError: Bad settings or engine configuration (before anything listens).
    """
    import uvicorn

    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,  # uvicorn's line includes the query string (a ?token=); ours does not
        log_config=_log_config(),
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    svc = app.state.service
    logging.getLogger("khulasa.serve").info("%s", banner(settings, svc.engine.name, svc.store.label))
    server.run()
    if not server.started:  # e.g. the port is taken; uvicorn logged why
        sys.exit(1)
