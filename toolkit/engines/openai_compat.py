"""Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp's server) through instructor.

Two separate policies:

* **Transport retries** (tenacity, here): 429 honouring `Retry-After`, 408, 409, 5xx, timeouts and
  connection errors, with capped exponential back-off and jitter. The openai client's own retries are
  switched off so that there is exactly one retry policy and every HTTP attempt is counted.
* **Validation re-asks** (instructor's `max_retries`): an output that fails the draft's validators is
  sent back with the validator's message. When re-asks run out, the last output is parsed leniently:
  if only quotes failed, the rest of the briefing is kept and the pipeline drops and records them.

Tokens are recorded per HTTP response through instructor's `completion:response` hook, so failed
attempts are counted too.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import random
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from instructor.v2.core.function_calls import response_schema
from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from toolkit.drafts import BriefingDraft, DraftContext, draft_context, parse_lenient
from toolkit.engines import _deadline
from toolkit.engines.base import EngineRequest, EngineResult
from toolkit.engines.pricing import cost_usd
from toolkit.errors import ConfigurationError, LLMError, OutputValidationError
from toolkit.prompts import load_prompts
from toolkit.schema import AttemptUsage

MODES: dict[str, instructor.Mode] = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
"""Instructor modes by name. `tools` is the default: it works with OpenAI and llama.cpp's server
(which accepts only `text`/`json_object` as `response_format`, so `json_schema` gets HTTP 500 there).
Use `json_schema` with vLLM and Ollama, which constrain decoding to the schema."""

_RETRYABLE_STATUS = frozenset({408, 409, 429})

# instructor logs every failed attempt at ERROR; we report failures as typed errors and in
# meta.attempts, so keep its log lines off the user's stderr unless they configure logging.
logging.getLogger("instructor").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class TransportPolicy:
    """How HTTP failures are retried (separate from validation re-asks).

    Attributes:
        max_attempts: HTTP attempts per model call, the first included.
        initial_wait: First back-off in seconds; doubles each retry.
        max_wait: Cap on any single wait, `Retry-After` included.
        timeout: Per-request timeout in seconds.
        jitter: Uniform random seconds added to exponential waits (spreads synchronized clients).
    """

    max_attempts: int = 5
    initial_wait: float = 1.0
    max_wait: float = 60.0
    timeout: float = 300.0
    jitter: float = 0.5


@dataclass
class OpenAICompatConfig:
    """Everything needed to reach an endpoint.

    Attributes:
        model: Model name sent to the endpoint.
        base_url: Endpoint base URL (`.../v1`); None means OpenAI's.
        api_key: Key; llama.cpp/vLLM/Ollama accept any non-empty string.
        mode: Instructor mode name (see `MODES`).
        max_reasks: Validation re-asks after the first attempt.
        max_tokens: Output budget per call; Arabic needs up to ~1 token per character.
        temperature: Sampling temperature.
        transport: The transport retry policy.
        http_client: Injected httpx client (tests pass a mock transport; no global patching).
        async_http_client: Same, for the async twin.
        extra_body: Extra JSON merged into each request (e.g. llama.cpp sampling options).
    """

    model: str
    base_url: str | None = None
    api_key: str | None = None
    mode: str = "tools"
    max_reasks: int = 2
    max_tokens: int = 4096
    temperature: float = 0.0
    transport: TransportPolicy = field(default_factory=TransportPolicy)
    http_client: Any = None
    async_http_client: Any = None
    extra_body: dict[str, Any] | None = None

    @property
    def base_url_host(self) -> str:
        """host[:port] of the endpoint, never credentials or paths."""
        return urlsplit(self.base_url).netloc.rsplit("@", 1)[-1] if self.base_url else "api.openai.com"


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, json.JSONDecodeError):  # the openai client raises it raw for a garbled HTTP body
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


# The instructor clients are built once per engine (building them, and wrapping the response model,
# costs milliseconds of CPU per call — enough to starve a 64-way batch). The per-call recorder
# reaches the shared retrying `create` through a context variable: each asyncio task and each
# thread sees its own.
_RECORDER: ContextVar[_Recorder] = ContextVar("khulasa_recorder")
_RESPONSE_MODEL: Any = None


def _response_model() -> Any:
    # Pre-wrapped once, so instructor skips re-creating the wrapper model on every call.
    global _RESPONSE_MODEL
    if _RESPONSE_MODEL is None:
        _RESPONSE_MODEL = response_schema(BriefingDraft)
    return _RESPONSE_MODEL


class _Recorder:
    """Collects one `AttemptUsage` per HTTP attempt, via instructor hooks and tenacity callbacks."""

    def __init__(self) -> None:
        self.attempts: list[AttemptUsage] = []
        self.last_raw: str | None = None

    def _add(self, outcome: str, prompt: int = 0, completion: int = 0) -> None:
        self.attempts.append(
            AttemptUsage(
                attempt=len(self.attempts) + 1,
                outcome=outcome,
                prompt_tokens=prompt,
                completion_tokens=completion,
            )
        )

    def on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        self._add("ok", getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0)
        self.last_raw = raw_output(response)

    def on_parse_error(self, error: Exception, **_: Any) -> None:
        if self.attempts:
            self.attempts[-1] = self.attempts[-1].model_copy(update={"outcome": "invalid"})

    def on_transport_retry(self, state: RetryCallState) -> None:
        self._add("transport_error")

    def hooks(self) -> Hooks:
        hooks = Hooks()  # instructor 1.17 exports Hooks from instructor.core.hooks, not the top level
        hooks.on("completion:response", self.on_response)
        hooks.on("parse:error", self.on_parse_error)
        return hooks


class _LoopClient:
    """One event loop's async openai client and instructor function."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.instructor: Any = None
        self._closer: AsyncGenerator[None, None] | None = None
        self._closed = False

    async def close_with_loop(self) -> None:
        """Arrange for the client to close when the loop shuts down its async generators.

        `asyncio.run` (and pytest-asyncio, and `asyncio.Runner`) call `loop.shutdown_asyncgens()`
        before closing the loop: that runs this generator's `finally` inside the loop, where an
        async client can still close its connections.
        """

        async def closer() -> AsyncGenerator[None, None]:
            try:
                yield
            finally:
                await self._close_client()

        self._closer = closer()  # kept here: the loop holds its async generators weakly
        await anext(self._closer)

    async def close(self) -> None:
        """Close the client now (inside its loop); closing twice is a no-op."""
        closer, self._closer = self._closer, None
        if closer is not None:
            await closer.aclose()  # runs its finally: closes the client
        await self._close_client()

    async def _close_client(self) -> None:
        if not self._closed:
            self._closed = True
            await self.client.close()


def raw_output(response: Any) -> str | None:
    """The model's raw structured output (tool-call arguments or message content) from a completion.

    Args:
        response: An OpenAI `ChatCompletion`.

    Returns:
        The JSON text the model produced, or None if there is none.
    """
    choices = getattr(response, "choices", None) or []
    if not choices:
        return None
    message = choices[0].message
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return str(calls[0].function.arguments)
    content = getattr(message, "content", None)
    return str(content) if content is not None else None


class OpenAICompatEngine:
    """Produces drafts through instructor over the official openai client."""

    name = "openai_compat"

    def __init__(self, config: OpenAICompatConfig) -> None:
        if config.mode not in MODES:
            raise ConfigurationError(
                f"unknown instructor mode {config.mode!r}",
                hint=f"use one of: {', '.join(MODES)} (KHULASA_MODE or --mode)",
            )
        self.config = config
        self.prompts = load_prompts()
        key = config.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed"
        common: dict[str, Any] = {
            "api_key": key,
            "base_url": config.base_url,
            "max_retries": 0,  # one retry policy only: ours
            "timeout": config.transport.timeout,
        }
        self._common = common
        # Our own sync client (unless one is injected) gives each attempt a total deadline.
        self._client = openai.OpenAI(http_client=config.http_client or _deadline.sync_http_client(), **common)
        self._lock = threading.Lock()  # one engine serves many threads (and event loops)
        self._sync_instructor: Any = None
        # An async HTTP client's connections belong to the event loop that opened them, so each loop
        # gets its own client and instructor function; a loop's entry goes when the loop does.
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopClient] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def _aclient(self) -> Any:
        """The running event loop's async openai client."""
        return self._loop_client().client

    def _loop_client(self) -> _LoopClient:
        loop = asyncio.get_running_loop()
        with self._lock:
            side = self._loops.get(loop)
            if side is None:
                client = openai.AsyncOpenAI(http_client=self.config.async_http_client, **self._common)
                side = self._loops[loop] = _LoopClient(client)
        return side

    @property
    def _url(self) -> str:
        return f"{(self.config.base_url or 'https://api.openai.com/v1').rstrip('/')}/chat/completions"

    def close(self) -> None:
        """Close the sync HTTP client's connections (the engine is unusable for sync calls after)."""
        self._client.close()

    async def aclose(self) -> None:
        """Close the async HTTP client's connections, inside the event loop that opened them.

        Without it, the client closes itself when `asyncio.run` (or any runner that shuts down
        async generators) ends the loop.
        """
        with self._lock:
            side = self._loops.pop(asyncio.get_running_loop(), None)
        if side is not None:
            await side.close()

    # --- transport retries -------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        policy = self.config.transport
        exc = state.outcome.exception() if state.outcome else None
        hinted = _retry_after(exc) if exc else None
        if hinted is not None:
            return min(hinted, policy.max_wait)
        backoff = policy.initial_wait * 2 ** (state.attempt_number - 1)
        return float(min(backoff + random.uniform(0, policy.jitter), policy.max_wait))

    def _retry_kwargs(self) -> dict[str, Any]:
        recorder = _RECORDER.get()
        return {
            "stop": stop_after_attempt(self.config.transport.max_attempts),
            "wait": self._wait,
            "retry": retry_if_exception(_is_transient),
            "before_sleep": recorder.on_transport_retry,
            "reraise": True,
        }

    def _sync_create(self) -> Callable[..., Any]:
        def create(*args: Any, **kwargs: Any) -> Any:
            try:
                for attempt in Retrying(**self._retry_kwargs()):
                    with attempt, _deadline.deadline(self.config.transport.timeout):
                        return self._client.chat.completions.create(*args, **kwargs)
            except Exception as exc:
                raise self._llm_error(exc, _RECORDER.get()) from exc
            raise AssertionError("unreachable")  # pragma: no cover

        return create

    def _async_create(self) -> Callable[..., Awaitable[Any]]:
        async def create(*args: Any, **kwargs: Any) -> Any:  # runs in the loop whose client it uses
            try:
                async for attempt in AsyncRetrying(**self._retry_kwargs()):
                    with attempt:  # a total deadline per attempt, not only per read
                        call = self._aclient.chat.completions.create(*args, **kwargs)
                        return await _deadline.within(call, self.config.transport.timeout, self._url)
            except Exception as exc:
                raise self._llm_error(exc, _RECORDER.get()) from exc
            raise AssertionError("unreachable")  # pragma: no cover

        return create

    def _llm_error(self, exc: Exception, recorder: _Recorder) -> Exception:
        if not isinstance(exc, openai.OpenAIError | json.JSONDecodeError):
            return exc
        if not _is_transient(exc) and not isinstance(exc, openai.APIStatusError):
            return exc
        recorder._add("transport_error")  # the final failed HTTP attempt
        http_attempts = sum(1 for a in recorder.attempts if a.outcome == "transport_error")
        status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
        what = f"HTTP {status}" if status else type(exc).__name__
        if isinstance(exc, json.JSONDecodeError):
            what = "the response body is not valid JSON"
        detail = str(getattr(exc, "message", "") or exc)[:300]
        hint = (
            "check the model name and the API key (OPENAI_API_KEY)"
            if status in (401, 403, 404)
            else "check that the endpoint is up (KHULASA_BASE_URL / --base-url), or retry later"
        )
        if status == 400 and "context" in detail.lower():  # llama.cpp/vLLM: prompt + max_tokens > n_ctx
            hint = "the prompt plus --max-tokens exceed the model's context: start the server with a larger "
            hint += "context (llama.cpp: --n_ctx 8192) or lower --max-tokens"
        return LLMError(
            f"{self.config.base_url_host} failed after {http_attempts} attempt(s): {what}: {detail}",
            status=status,
            attempts=http_attempts,
            hint=hint,
        )

    # --- the instructor call -----------------------------------------------------------------

    def _request(self, request: EngineRequest, recorder: _Recorder) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "response_model": _response_model(),
            "messages": self.prompts.messages(request.sentences),
            "model": self.config.model,
            "max_retries": self.config.max_reasks,
            # No instructor `context=`: it would Jinja-render the article. See `draft_context`.
            "strict": False,
            "hooks": recorder.hooks(),
            "max_tokens": self.config.max_tokens,
            "temperature": self.config.temperature,
        }
        if self.config.extra_body:
            kwargs["extra_body"] = self.config.extra_body
        return kwargs

    def _patched(self, create: Callable[..., Any]) -> Any:
        # instructor's documented `patch(create=...)`: the patched function validates and re-asks.
        # (Wrapping it in an `instructor.Instructor` as well only walks the response model's
        # validators once more per call.)
        return instructor.patch(create=create, mode=MODES[self.config.mode])

    def run(self, request: EngineRequest) -> EngineResult:
        """Call the model, re-asking on invalid output, and return the draft and its cost."""
        if self._sync_instructor is None:
            with self._lock:
                self._sync_instructor = self._sync_instructor or self._patched(self._sync_create())
        recorder = _Recorder()
        token = _RECORDER.set(recorder)
        try:
            with draft_context(DraftContext(grounder=request.grounder)):
                draft = self._sync_instructor(**self._request(request, recorder))
        except (InstructorRetryException, IncompleteOutputException) as exc:
            return self._salvage(exc, request, recorder)
        finally:
            _RECORDER.reset(token)
        return self._result(draft, recorder, salvaged=False)

    async def arun(self, request: EngineRequest) -> EngineResult:
        """Async twin of `run`."""
        side = self._loop_client()
        if side.instructor is None:
            side.instructor = self._patched(self._async_create())
            await side.close_with_loop()
        recorder = _Recorder()
        token = _RECORDER.set(recorder)
        try:
            with draft_context(DraftContext(grounder=request.grounder)):
                draft = await side.instructor(**self._request(request, recorder))
        except (InstructorRetryException, IncompleteOutputException) as exc:
            return self._salvage(exc, request, recorder)
        finally:
            _RECORDER.reset(token)
        return self._result(draft, recorder, salvaged=False)

    def _result(self, draft: BriefingDraft, recorder: _Recorder, *, salvaged: bool) -> EngineResult:
        attempts = recorder.attempts
        return EngineResult(
            draft=draft,
            attempts=attempts,
            model=self.config.model,
            base_url_host=self.config.base_url_host,
            prompt_version=self.prompts.version,
            cost_usd=cost_usd(self.config.model, attempts),
            raw_output=recorder.last_raw,
            salvaged=salvaged,
        )

    def _salvage(self, exc: Exception, request: EngineRequest, recorder: _Recorder) -> EngineResult:
        """After the last re-ask: keep what validates except grounding, or raise a typed error."""
        cause = exc.__cause__
        if isinstance(cause, LLMError | openai.OpenAIError):
            raise cause
        if isinstance(exc, IncompleteOutputException) or self._hit_max_tokens(recorder):
            # llama.cpp in tools mode reports finish_reason="tool_calls" even when it stopped at
            # max_tokens, so a last output that used the whole budget counts as cut off too.
            raise self._invalid(
                "the output was cut off by max_tokens",
                recorder,
                hint="raise --max-tokens (Arabic needs up to ~1 token per character) or use a larger model",
            ) from exc
        if recorder.last_raw is not None:
            try:
                draft = parse_lenient(recorder.last_raw, request.grounder)
            except ValidationError:
                pass
            else:
                return self._result(draft, recorder, salvaged=True)
        raise self._invalid(f"the output stayed invalid: {_first_line(exc)}", recorder) from exc

    def _hit_max_tokens(self, recorder: _Recorder) -> bool:
        last = recorder.attempts[-1] if recorder.attempts else None
        return last is not None and last.outcome != "ok" and last.completion_tokens >= self.config.max_tokens

    def _invalid(self, what: str, recorder: _Recorder, hint: str | None = None) -> OutputValidationError:
        n = len(recorder.attempts)
        return OutputValidationError(
            f"{self.config.model} at {self.config.base_url_host}: {what} after {n} attempt(s)",
            attempts=n,
            last_output=recorder.last_raw,
            usage=[a.model_dump() for a in recorder.attempts],
            hint=hint
            or "try a larger model, raise --max-reasks, or --mode json_schema if the endpoint supports it",
        )


def _first_line(exc: BaseException) -> str:
    # instructor's retry exception renders as "<failed_attempts>…": report the last validation error.
    failed = getattr(exc, "failed_attempts", None) or []
    last = getattr(failed[-1], "exception", None) if failed else None
    if isinstance(last, ValidationError):
        first = last.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{last.error_count()} validation error(s), first: {where}: {first['msg']}"[:300]
    text = str(last or exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__
