"""OpenAI Batch API path against a local server implementing the Files and Batches endpoints.

The server (tests/servers/fake_openai.py) follows the shapes of OpenAI's API reference; the answers
in its output file are authored FIXTURES (each quotes the article, plus one fabricated claim that
must be dropped and recorded; articles containing POISON land in the error file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from servers.articles import article
from servers.fake_openai import FABRICATED_QUOTE, POISON, FakeOpenAI

from toolkit.batch import latest_outcomes
from toolkit.batch.openai_batch import request_line, state_path, strict_json_schema
from toolkit.cli import main
from toolkit.drafts import BriefingDraft


def _schema_nodes(node: object) -> list[dict]:
    out: list[dict] = []
    if isinstance(node, dict):
        out.append(node)
        for key, value in node.items():
            out += (
                [n for v in value.values() for n in _schema_nodes(v)]
                if key in ("properties", "$defs")
                else _schema_nodes(value)
            )
    elif isinstance(node, list):
        for value in node:
            out += _schema_nodes(value)
    return out


def test_schema_is_strict_compatible() -> None:
    schema = strict_json_schema(BriefingDraft)
    objects = [n for n in _schema_nodes(schema) if n.get("type") == "object"]
    assert objects and all(n["additionalProperties"] is False for n in objects)
    assert all(set(n["required"]) == set(n["properties"]) for n in objects)
    assert not any("default" in n or "maxLength" in n for n in _schema_nodes(schema))


def test_request_line_uses_the_live_prompts() -> None:
    from toolkit.arabic import split_sentences
    from toolkit.prompts import load_prompts

    text = article(4)
    line = request_line("x", text, model="gpt-4.1-mini", max_tokens=100)
    assert line["custom_id"] == "x" and line["method"] == "POST" and line["url"] == "/v1/chat/completions"
    assert line["body"]["messages"] == load_prompts().messages(split_sentences(text))
    assert line["body"]["response_format"]["json_schema"]["strict"] is True


def test_submit_status_collect_roundtrip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    src = tmp_path / "in.jsonl"
    texts = {f"b{i}": article(i, extra=POISON if i == 2 else "") for i in range(5)}
    texts["english"] = "not Arabic at all"
    src.write_text(
        "".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in texts.items()),
        encoding="utf-8",
    )
    out = tmp_path / "results.jsonl"
    with FakeOpenAI() as srv:
        base = ["batch", "-o", str(out), "--base-url", srv.base_url]
        assert main([*base[:1], str(src), *base[1:], "--openai-batch", "submit"]) == 0
        assert "batch_0001" in capsys.readouterr().out and state_path(out).is_file()
        assert main([*base, "--openai-batch", "submit"]) != 0  # still pending: refuses a second submit
        uploaded = next(iter(srv.state.files.values()))
        assert uploaded["object"]["purpose"] == "batch"
        assert len(uploaded["content"].decode().splitlines()) == 5  # the non-Arabic item was not sent
        statuses = []
        for _ in range(2):
            assert main([*base, "--openai-batch", "status"]) == 0
            statuses.append(capsys.readouterr().out.split(": ")[1].split(" ")[0])
        assert statuses == ["in_progress", "completed"]
        assert main([*base, "--openai-batch", "collect"]) == 1  # 1: some items failed (recorded)
        assert main([*base, "--openai-batch", "collect"]) == 0  # idempotent: nothing new written
    got = latest_outcomes(out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6 == len(got)
    assert got["b2"]["error"]["type"] == "LLMError" and "500" in got["b2"]["error"]["message"]
    assert got["english"]["error"]["type"] == "InputError"
    for key in ("b0", "b1", "b3", "b4"):
        briefing = got[key]["briefing"]
        assert briefing["meta"]["engine"] == "openai_batch"
        for claim in briefing["claims"]:
            ev = claim["evidence"]
            assert texts[key][ev["start"] : ev["end"]] == ev["quote_ar"]
        assert [d["quote_ar"] for d in briefing["meta"]["dropped_claims"]] == [FABRICATED_QUOTE]


def test_collect_without_submit_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "-o", str(tmp_path / "r.jsonl"), "--openai-batch", "collect"]) == 2
    assert "submit first" in capsys.readouterr().err
