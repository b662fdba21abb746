"""The OpenAPI document, committed as `schemas/openapi.json` (a test keeps it in sync).

Regenerate after changing an endpoint or a model it uses: `python -m toolkit.serve.openapi`.
The document does not depend on how a server is started (engine, store, token, limits), so every
server serves the committed document.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

COMMITTED = Path("schemas") / "openapi.json"


def document() -> dict[str, Any]:
    """The OpenAPI document of the API, as FastAPI generates it from the typed endpoints."""
    from toolkit.serve.app import create_app
    from toolkit.serve.settings import EngineSettings, ServeSettings

    # An in-memory store: generating the document must not create the user's store file.
    settings = ServeSettings(engine=EngineSettings(model="offline"), store_url=":memory:")
    return create_app(settings).openapi()


def document_text() -> str:
    """The document as the committed text (UTF-8, Arabic unescaped, sorted only as FastAPI emits it)."""
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintenance entry point
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else COMMITTED
    target.write_text(document_text(), encoding="utf-8")
    print(f"wrote {target}")
