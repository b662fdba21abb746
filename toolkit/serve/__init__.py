"""`khulasa serve`: the HTTP API and the web pages over summarize() and the claim store.

    >>> from toolkit.serve import ServeSettings, create_app, run
    >>> run(ServeSettings(port=8000))          # blocks; Ctrl-C stops it

Imports FastAPI and uvicorn (the `serve` extra); nothing else in the toolkit imports this package
except the CLI, lazily, so `import toolkit` and `khulasa --help` stay light.
"""

from __future__ import annotations

from toolkit.serve.app import API_VERSION, create_app
from toolkit.serve.runner import run
from toolkit.serve.settings import EngineSettings, ServeSettings

__all__ = ["API_VERSION", "EngineSettings", "ServeSettings", "create_app", "run"]
