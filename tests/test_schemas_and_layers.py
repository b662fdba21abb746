"""The committed JSON Schemas match the Pydantic models; the import layers hold; the API is small."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import toolkit
from toolkit.schema import EXPORTED_SCHEMAS, json_schemas

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_committed_schema_is_in_sync(name: str) -> None:
    committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == json_schemas()[name], (
        f"schemas/{name} is stale: run `python -m toolkit.schema schemas`"
    )


def test_every_exported_model_has_a_schema_file_and_no_strays() -> None:
    files = {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert files == {f"{stem}.schema.json" for stem in EXPORTED_SCHEMAS}


def test_every_schema_field_is_described() -> None:
    from toolkit import drafts, schema

    models = [
        m
        for m in vars(schema).values()
        if isinstance(m, type) and issubclass(m, schema._Model) and m is not schema._Model
    ]
    models += [
        m
        for m in vars(drafts).values()
        if isinstance(m, type) and issubclass(m, drafts._Draft) and m is not drafts._Draft
    ]
    undocumented = [
        f"{m.__name__}.{name}"
        for m in models
        for name, field in m.model_fields.items()
        if not field.description
    ]
    assert undocumented == []


def test_public_api_is_small_and_importable() -> None:
    from toolkit import Briefing, Claim, summarize  # noqa: F401

    assert set(toolkit.__all__) >= {"summarize", "asummarize", "Briefing", "Claim", "Entity", "ToolkitError"}
    assert all(hasattr(toolkit, name) for name in toolkit.__all__)


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_import_layers_hold() -> None:
    proc = subprocess.run(["lint-imports"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_saved_briefing_round_trips_with_its_computed_totals() -> None:
    from toolkit.schema import AttemptUsage, Briefing, Meta

    meta = Meta(
        engine="openai_compat",
        toolkit_version="0",
        latency_s=1.0,
        attempts=[AttemptUsage(attempt=1, outcome="invalid", prompt_tokens=10, completion_tokens=5)],
    )
    b = Briefing(headline_ar="عنوان", summary_ar="ملخص", meta=meta)
    text = b.model_dump_json()
    assert '"total_tokens":15' in text
    again = Briefing.model_validate_json(text)
    assert again == b and again.meta.total_tokens == 15
