"""OpenAI's Batch API: half the price, a 24-hour window, OpenAI does the scaling.

Three steps, each a command, with local state in `<output>.openai-batch.json` so that `status` and
`collect` need nothing but `-o`:

* `submit`: stream the input into a Batch JSONL (one `/v1/chat/completions` request per article,
  `custom_id` = the article id, the same prompts as the live path, and `BriefingDraft`'s JSON
  schema as a strict `response_format`), upload it (Files API, purpose `batch`), create the batch.
* `status`: retrieve the batch (validating → in_progress → finalizing → completed / failed / expired).
* `collect`: download the output and error files and write the usual results JSONL: each body is
  parsed with `BriefingDraft`, grounded against the article by `toolkit.pipeline.assemble`
  (ungrounded claims are dropped and recorded in `meta.dropped_claims`); error lines, unparsable
  bodies and ids with no answer become failure lines. Re-running `collect` skips ids already written.

The articles are read again from the input at collect time (offsets must index the exact text);
their sha256, stored at submit, proves the input did not change in between.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from toolkit.arabic import split_sentences
from toolkit.batch.inputs import iter_items
from toolkit.batch.results import Outcome, ResultsFile
from toolkit.drafts import BriefingDraft, parse_lenient
from toolkit.engines.base import EngineResult
from toolkit.engines.pricing import cost_usd
from toolkit.errors import ConfigurationError, InputError, ToolkitError
from toolkit.grounding import Grounder
from toolkit.pipeline import DEFAULT_OPENAI_MODEL, assemble, check_input
from toolkit.prompts import load_prompts
from toolkit.schema import AttemptUsage

BATCH_DISCOUNT = 0.5
"""Batch API requests cost half the synchronous price (OpenAI pricing page)."""

MAX_REQUESTS = 50_000
"""OpenAI's limit of requests per batch."""

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


@dataclass
class BatchState:
    """What `submit` remembers next to the output file.

    Attributes:
        batch_id: The batch's id.
        input_file_id: The uploaded request file's id.
        source: Absolute path of the input (read again at collect).
        model: Model name sent.
        base_url: Endpoint base URL (None: OpenAI's).
        prompt_version: Prompt templates' version hash.
        ids: Article id → sha256 of its text, in input order.
        local_failures: Items that could not be sent (unreadable, not Arabic...): id → [type, message].
        status: Last status seen.
    """

    batch_id: str
    input_file_id: str
    source: str
    model: str
    base_url: str | None
    prompt_version: str
    ids: dict[str, str] = field(default_factory=dict)
    local_failures: dict[str, list[str]] = field(default_factory=dict)
    status: str = "validating"


@dataclass
class CollectReport:
    """What `collect` did.

    Attributes:
        status: The batch's status.
        finished: True when the batch reached a terminal status and results were written.
        written: Lines written now.
        ok: Successes written now.
        failed: Failures written now.
        skipped: Ids already in the results file.
        output: The results file.
    """

    status: str
    finished: bool
    written: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    output: str = ""

    def summary(self) -> str:
        """One human line."""
        if not self.finished:
            return f"batch is {self.status}; nothing collected yet (run status later, or collect --wait)"
        return (
            f"batch {self.status}: wrote {self.ok} ok, {self.failed} failed "
            f"({self.skipped} already there) to {self.output}"
        )


def state_path(output: str | Path) -> Path:
    """Where the local state of the batch for `output` lives."""
    return Path(f"{output}.openai-batch.json")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- strict JSON schema ----------------------------------------------------------------------------

_UNSUPPORTED = ("default", "maxLength", "minLength", "title")


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema made compatible with OpenAI's strict structured outputs.

    Strict mode wants every object closed (`additionalProperties: false`) with every property
    required (optional ones are nullable instead), and rejects some keywords (`default`, string
    `maxLength`/`minLength`); the lengths are still enforced when the answer is parsed.

    Args:
        model: A pydantic model.

    Returns:
        The schema dict.
    """
    return _strict(model.model_json_schema())  # type: ignore[no-any-return]


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):  # their keys are names, not keywords
            out[key] = {name: _strict(sub) for name, sub in value.items()}
        elif key not in _UNSUPPORTED:
            out[key] = _strict(value)
    if out.get("type") == "object" and "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out["properties"])
    return out


def response_format() -> dict[str, Any]:
    """The `response_format` of each batch request."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "BriefingDraft", "strict": True, "schema": strict_json_schema(BriefingDraft)},
    }


def request_line(item_id: str, article: str, *, model: str, max_tokens: int) -> dict[str, Any]:
    """One line of the Batch input file for one article."""
    messages = load_prompts().messages(split_sentences(article))
    body = {
        "model": model,
        "messages": messages,
        "response_format": response_format(),
        "max_tokens": max_tokens,
        "temperature": 0.0,
    }
    return {"custom_id": item_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


# --- the client ---------------------------------------------------------------------------------


def _client(base_url: str | None, http_client: Any = None) -> Any:
    import os

    import openai

    key = os.environ.get("OPENAI_API_KEY")
    if base_url is None and not key:
        raise ConfigurationError(
            "the Batch API needs OpenAI's API key",
            hint="set OPENAI_API_KEY (or --base-url for a compatible server)",
        )
    return openai.OpenAI(
        api_key=key or "not-needed", base_url=base_url, http_client=http_client, max_retries=3
    )


def _write_requests(
    source: str | Path, path: Path, model: str, max_tokens: int
) -> tuple[dict[str, str], dict[str, list[str]]]:
    ids: dict[str, str] = {}
    failures: dict[str, list[str]] = {}
    with open(path, "w", encoding="utf-8") as fh:
        for item in iter_items(source):
            if item.id in ids or item.id in failures:
                continue
            try:
                if item.text is None:
                    raise item.error or InputError("unreadable")
                article = check_input(item.text)
            except ToolkitError as exc:
                failures[item.id] = [type(exc).__name__, exc.message]
                continue
            ids[item.id] = _sha(article)
            fh.write(
                json.dumps(
                    request_line(item.id, article, model=model, max_tokens=max_tokens), ensure_ascii=False
                )
            )
            fh.write("\n")
    if len(ids) > MAX_REQUESTS:
        raise InputError(
            f"{len(ids):,} requests exceed the Batch API's {MAX_REQUESTS:,} per batch",
            hint="split the input into several files and submit each with its own -o",
        )
    return ids, failures


def submit(
    source: str | Path,
    output: str | Path,
    *,
    model: str | None = None,
    base_url: str | None = None,
    max_tokens: int | None = None,
    http_client: Any = None,
) -> BatchState:
    """Build the Batch input, upload it and create the batch; remember it next to `output`.

    Args:
        source: Folder of `.txt` files or JSONL of {"id", "text"}.
        output: The results JSONL that `collect` will write.
        model: Model name (default: gpt-4.1-mini).
        base_url: Endpoint (default: OpenAI's).
        max_tokens: Output budget per request (default 4096).
        http_client: Injected httpx client (tests).

    Returns:
        The saved state.

    Raises:
        InputError: A batch for this output is still pending, or the input is too large.
        ConfigurationError: No API key.
    """
    spath = state_path(output)
    if spath.exists() and json.loads(spath.read_text(encoding="utf-8")).get("status") not in TERMINAL:
        raise InputError(
            f"a batch for {output} is already pending ({spath})",
            hint="run --openai-batch status / collect first, or use another -o",
        )
    model = model or DEFAULT_OPENAI_MODEL
    requests_path = Path(f"{output}.openai-batch-input.jsonl")
    ids, failures = _write_requests(source, requests_path, model, max_tokens or 4096)
    client = _client(base_url, http_client)
    with open(requests_path, "rb") as fh:
        uploaded = client.files.create(file=fh, purpose="batch")
    batch = client.batches.create(
        input_file_id=uploaded.id,
        endpoint="/v1/chat/completions",
        completion_window="24h",
        metadata={"tool": "khulasa", "output": Path(output).name[:500]},
    )
    state = BatchState(
        batch.id,
        uploaded.id,
        str(Path(source).resolve()),
        model,
        base_url,
        load_prompts().version,
        ids,
        failures,
        batch.status,
    )
    _save(spath, state)
    return state


def _save(path: Path, state: BatchState) -> None:
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps(asdict(state), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    finally:  # never leave a half-written .tmp beside the state
        tmp.unlink(missing_ok=True)


def load_state(output: str | Path) -> BatchState:
    """The state saved by `submit` for `output`.

    Raises:
        InputError: There is none.
    """
    path = state_path(output)
    if not path.is_file():
        raise InputError(
            f"no Batch API state for {output} ({path} is missing)",
            hint="submit first: khulasa batch INPUT -o OUTPUT --openai-batch submit",
        )
    return BatchState(**json.loads(path.read_text(encoding="utf-8")))


def status(output: str | Path, *, base_url: str | None = None, http_client: Any = None) -> Any:
    """Retrieve the batch (and record its status in the state file).

    Returns:
        The OpenAI `Batch` object.
    """
    state = load_state(output)
    client = _client(base_url or state.base_url, http_client)
    batch = client.batches.retrieve(state.batch_id)
    state.status = batch.status
    _save(state_path(output), state)
    return batch


def describe(batch: Any) -> str:
    """One line about a batch."""
    counts = batch.request_counts
    done = (
        f"{counts.completed} completed, {counts.failed} failed of {counts.total}"
        if counts
        else "no counts yet"
    )
    return f"{batch.id}: {batch.status} ({done})"


def collect(
    output: str | Path,
    *,
    base_url: str | None = None,
    wait: bool = False,
    poll_s: float = 30.0,
    http_client: Any = None,
) -> CollectReport:
    """Write the batch's answers, grounded, into the results JSONL (idempotent).

    Args:
        output: The results JSONL given at submit.
        base_url: Endpoint override (default: the one used at submit).
        wait: Poll until the batch is in a terminal status.
        poll_s: Seconds between polls.
        http_client: Injected httpx client (tests).

    Returns:
        What was written.
    """
    state = load_state(output)
    client = _client(base_url or state.base_url, http_client)
    batch = client.batches.retrieve(state.batch_id)
    while wait and batch.status not in TERMINAL:
        time.sleep(poll_s)
        batch = client.batches.retrieve(state.batch_id)
    state.status = batch.status
    _save(state_path(output), state)
    if batch.status not in TERMINAL:
        return CollectReport(batch.status, finished=False, output=str(output))
    answers = _download(client, batch.output_file_id) | _download(client, batch.error_file_id)
    return _write_results(state, answers, output, batch)


def _download(client: Any, file_id: str | None) -> dict[str, dict[str, Any]]:
    if not file_id:
        return {}
    text = client.files.content(file_id).text
    rows = (json.loads(line) for line in text.splitlines() if line.strip())
    return {str(r["custom_id"]): r for r in rows}


def _articles(state: BatchState) -> Iterator[tuple[str, str | None]]:
    for item in iter_items(state.source):
        if item.id in state.ids:
            yield item.id, item.text


def _write_results(
    state: BatchState, answers: dict[str, dict[str, Any]], output: str | Path, batch: Any
) -> CollectReport:
    results = ResultsFile(output)
    done = results.open()  # locked and checked before anything is written
    report = CollectReport(batch.status, finished=True, output=str(output))
    pending: list[Outcome] = []
    seen: set[str] = set()
    for item_id, text in _articles(state):
        seen.add(item_id)
        if item_id in done.ok or item_id in done.failed:
            report.skipped += 1
            continue
        pending.append(_outcome(item_id, text, answers.get(item_id), state, batch.status))
    for item_id in state.ids.keys() - seen:
        pending.append(
            Outcome(item_id, error_type="InputError", error_message="the article is no longer in the input")
        )
    for item_id, (kind, message) in state.local_failures.items():
        if item_id not in done.ok and item_id not in done.failed:
            pending.append(Outcome(item_id, error_type=kind, error_message=message))
    try:
        for chunk_start in range(0, len(pending), 500):
            results.append(pending[chunk_start : chunk_start + 500])
    finally:
        results.close()
    report.written = len(pending)
    report.ok = sum(o.ok for o in pending)
    report.failed = report.written - report.ok
    return report


def _outcome(
    item_id: str, text: str | None, answer: dict[str, Any] | None, state: BatchState, status: str
) -> Outcome:
    if text is None or _sha(text) != state.ids[item_id]:
        return Outcome(
            item_id,
            error_type="InputError",
            error_message="the article changed since submit; offsets would not index it (submit again)",
        )
    if answer is None:
        return Outcome(
            item_id, error_type="LLMError", error_message=f"no answer in the batch (batch {status})"
        )
    response = answer.get("response") or {}
    if answer.get("error") or response.get("status_code") != 200:
        detail = answer.get("error") or (response.get("body") or {}).get("error") or {}
        message = detail.get("message") if isinstance(detail, dict) else str(detail)
        return Outcome(
            item_id,
            error_type="LLMError",
            error_message=f"batch request failed (HTTP {response.get('status_code')}): {message}",
        )
    try:
        return Outcome(item_id, briefing=_ground(item_id, text, response["body"], state))
    except (ValidationError, KeyError, IndexError, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        return Outcome(
            item_id, error_type="OutputValidationError", error_message=f"unparsable batch answer: {first}"
        )


def _ground(item_id: str, article: str, body: dict[str, Any], state: BatchState) -> Any:
    started = time.perf_counter()
    content = body["choices"][0]["message"]["content"]
    sentences = split_sentences(article)
    grounder = Grounder(article, sentences)
    # Lenient grounding: there is no re-ask in a batch, so ungrounded claims are kept in the draft
    # and dropped-and-recorded by assemble, like the live path after its last re-ask.
    draft = parse_lenient(content, grounder)
    usage = body.get("usage") or {}
    attempts = [
        AttemptUsage(
            attempt=1,
            outcome="ok",
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
        )
    ]
    full = cost_usd(state.model, attempts)
    result = EngineResult(
        draft=draft,
        attempts=attempts,
        model=state.model,
        base_url_host=_host(state.base_url),
        prompt_version=state.prompt_version,
        cost_usd=None if full is None else round(full * BATCH_DISCOUNT, 8),
        raw_output=content,
    )
    return assemble(result, grounder, engine_name="openai_batch", started=started, source_id=item_id)


def _host(base_url: str | None) -> str:
    from urllib.parse import urlsplit

    return urlsplit(base_url).netloc.rsplit("@", 1)[-1] if base_url else "api.openai.com"
