"""The OpenAPI document is a contract: committed, in sync with the code, served as committed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the serve extra")

from servers.khulasa_http import LiveServer

from toolkit.serve import EngineSettings, ServeSettings, create_app
from toolkit.serve.openapi import document_text

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "schemas" / "openapi.json"


def test_committed_openapi_is_in_sync() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == document_text(), (
        "schemas/openapi.json is stale: run `python -m toolkit.serve.openapi`"
    )


def test_the_server_serves_the_committed_document_whatever_its_settings(tmp_path: Path) -> None:
    app = create_app(
        ServeSettings(
            token="t",
            max_body=4096,
            concurrency=9,
            engine=EngineSettings(model="offline"),
            store_url=str(tmp_path / "s.db"),
        )
    )
    with LiveServer(app) as srv:
        served = srv.call("GET", "/openapi.json").json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_every_operation_documents_its_errors_with_one_shape() -> None:
    doc = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert doc["openapi"].startswith("3.")
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert path == "/healthz" or path.startswith("/v1/"), path
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorResponse"), (method, path, status)
            if path.startswith("/v1/"):
                assert "401" in op["responses"], (method, path)


def test_importing_the_toolkit_or_its_cli_does_not_import_the_server() -> None:
    code = (
        "import sys, toolkit, toolkit.cli; "
        "bad = sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'toolkit.serve') if m in sys.modules); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
