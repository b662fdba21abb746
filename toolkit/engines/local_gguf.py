"""A GGUF model in process through llama-cpp-python: nothing leaves the machine.

Same prompts, same `BriefingDraft` schema and the same re-ask rules as the OpenAI-compatible engine:

* Decoding is constrained by a grammar built from the draft's JSON Schema (`LlamaGrammar`), so the
  output is always JSON of the right shape; the validators (grounding, language) still run on it.
* An output that fails validation is sent back with the validation errors as a new user message,
  up to `max_reasks` times; then the last output is parsed leniently (`strict_grounding=False`) so a
  briefing whose only fault is ungrounded quotes is kept and the pipeline drops and records them.
* Tokens are recorded per attempt as `AttemptUsage`.

Install with `pip install 'khulasa[local]'` (builds llama-cpp-python from source; on machines whose
CPU may differ from the build machine's, set `CMAKE_ARGS="-DGGML_NATIVE=OFF"`).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from toolkit.drafts import BriefingDraft, DraftContext, parse_lenient
from toolkit.engines.base import EngineRequest, EngineResult
from toolkit.errors import ConfigurationError, LLMError, OutputValidationError
from toolkit.prompts import load_prompts
from toolkit.schema import AttemptUsage

_INSTALL_HINT = (
    "pip install 'khulasa[local]' (on a CPU other than the build machine's, first "
    'export CMAKE_ARGS="-DGGML_NATIVE=OFF")'
)

_MODELS: dict[tuple[str, int, int], Any] = {}
"""Loaded `Llama` instances by (path, n_ctx, n_threads): loading costs seconds, so it happens once."""
_LOCKS: dict[tuple[str, int, int], threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    # Free the models while llama_cpp's module globals still exist: left to the garbage collector
    # at interpreter shutdown, Llama.__del__ fails with "'NoneType' object is not callable".
    with _REGISTRY_LOCK:
        for llm in _MODELS.values():
            with contextlib.suppress(Exception):
                llm.close()
        _MODELS.clear()


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise ConfigurationError(
            "the in-process engine (model 'local:PATH') needs llama-cpp-python, which is not installed",
            hint=_INSTALL_HINT,
        ) from exc
    return llama_cpp


def _load(path: Path, n_ctx: int, n_threads: int) -> tuple[Any, threading.Lock]:
    key = (str(path), n_ctx, n_threads)
    with _REGISTRY_LOCK:
        if key not in _MODELS:
            llama_cpp = _import_llama_cpp()
            try:
                _MODELS[key] = llama_cpp.Llama(
                    model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, seed=0, verbose=False
                )
            except (ValueError, RuntimeError) as exc:
                raise ConfigurationError(
                    f"llama.cpp could not load {path}: {exc}",
                    hint="pass a GGUF model file (e.g. local:/path/SmolLM2-135M-Instruct.Q4_1.gguf)",
                ) from exc
            _LOCKS[key] = threading.Lock()  # a Llama instance is not safe to use from two threads
        return _MODELS[key], _LOCKS[key]


def _reask_message(error: ValidationError) -> str:
    lines = [f"- {'.'.join(str(p) for p in e['loc']) or 'output'}: {e['msg']}" for e in error.errors()[:12]]
    return (
        "Your JSON answer has these errors:\n"
        + "\n".join(lines)
        + "\nReturn the whole corrected JSON object, and nothing else."
    )


@dataclass
class _Attempts:
    usage: list[AttemptUsage] = field(default_factory=list)
    last_raw: str | None = None

    def add(self, outcome: Literal["ok", "invalid"], response: dict[str, Any]) -> None:
        usage = response.get("usage") or {}
        self.usage.append(
            AttemptUsage(
                attempt=len(self.usage) + 1,
                outcome=outcome,
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
            )
        )


class LocalGGUFEngine:
    """Produces drafts with a GGUF model loaded in this process (kept loaded across calls)."""

    name = "local_gguf"

    def __init__(
        self,
        path: str | Path,
        *,
        max_reasks: int = 2,
        n_ctx: int = 8192,
        n_threads: int = 2,
        max_tokens: int = 4096,
        temperature: float = 0.0,
    ) -> None:
        """Check the model file and the extra; the model itself loads on first use.

        Args:
            path: The .gguf file.
            max_reasks: Validation re-asks after the first attempt.
            n_ctx: Context window in tokens (prompt + output + re-asks).
            n_threads: CPU threads for generation.
            max_tokens: Output budget per call; Arabic needs up to ~1 token per character.
            temperature: Sampling temperature (0: greedy, reproducible).

        Raises:
            ConfigurationError: llama-cpp-python is missing, or the file does not exist.
        """
        # The file first: a wrong path is the likelier mistake, and its fix needs no install.
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise ConfigurationError(
                f"model file not found: {self.path}",
                hint="pass an existing GGUF file as --model local:/path/to/model.gguf",
            )
        _import_llama_cpp()
        self.max_reasks = max_reasks
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.prompts = load_prompts()
        self._grammar: Any = None

    def _grammar_for_draft(self) -> Any:
        if self._grammar is None:
            from llama_cpp.llama_grammar import LlamaGrammar

            schema = json.dumps(BriefingDraft.model_json_schema())
            self._grammar = LlamaGrammar.from_json_schema(schema, verbose=False)
        return self._grammar

    def _complete(self, llm: Any, messages: list[dict[str, str]], attempt: int) -> dict[str, Any] | None:
        try:
            response: dict[str, Any] = llm.create_chat_completion(
                messages=messages,
                grammar=self._grammar_for_draft(),
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                seed=0,
            )
        except ValueError as exc:  # llama-cpp raises ValueError when the prompt exceeds n_ctx
            if attempt > 1:
                return None  # a re-ask no longer fits: stop re-asking and salvage what we have
            raise LLMError(
                f"{self.path.name}: {exc}",
                hint="raise n_ctx (LocalGGUFEngine(n_ctx=...)) or pass a shorter article",
            ) from exc
        return response

    def run(self, request: EngineRequest) -> EngineResult:
        """Generate, validate and re-ask; return the draft and its per-attempt usage."""
        llm, lock = _load(self.path, self.n_ctx, self.n_threads)
        messages = self.prompts.messages(request.sentences)
        strict = {"draft": DraftContext(grounder=request.grounder)}
        attempts = _Attempts()
        with lock:
            for attempt in range(1, self.max_reasks + 2):
                response = self._complete(llm, messages, attempt)
                if response is None:
                    break
                choice = (response.get("choices") or [{}])[0]
                raw = (choice.get("message") or {}).get("content") or ""
                attempts.last_raw = raw
                if choice.get("finish_reason") == "length":
                    attempts.add("invalid", response)
                    raise self._invalid(
                        "the output was cut off by max_tokens (finish_reason=length)",
                        attempts,
                        hint="raise max_tokens (Arabic needs up to ~1 token per character)",
                    )
                try:
                    draft = BriefingDraft.model_validate_json(raw, context=strict)
                except ValidationError as exc:
                    attempts.add("invalid", response)
                    messages = [
                        *messages,
                        {"role": "assistant", "content": raw},
                        {"role": "user", "content": _reask_message(exc)},
                    ]
                    continue
                attempts.add("ok", response)
                return self._result(draft, attempts, salvaged=False)
        return self._salvage(request, attempts)

    async def arun(self, request: EngineRequest) -> EngineResult:
        """Async twin of `run`: generation runs in a worker thread (one at a time per model)."""
        return await asyncio.to_thread(self.run, request)

    def _salvage(self, request: EngineRequest, attempts: _Attempts) -> EngineResult:
        try:
            draft = parse_lenient(attempts.last_raw or "", request.grounder)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise self._invalid(
                f"the output stayed invalid: {exc.error_count()} error(s), first: {where}: {first['msg']}",
                attempts,
            ) from exc
        return self._result(draft, attempts, salvaged=True)

    def _result(self, draft: BriefingDraft, attempts: _Attempts, *, salvaged: bool) -> EngineResult:
        return EngineResult(
            draft=draft,
            attempts=attempts.usage,
            model=self.path.name,
            base_url_host=None,
            prompt_version=self.prompts.version,
            cost_usd=None,  # local: no per-token price, so null rather than a made-up zero
            raw_output=attempts.last_raw,
            salvaged=salvaged,
        )

    def _invalid(self, what: str, attempts: _Attempts, hint: str | None = None) -> OutputValidationError:
        n = len(attempts.usage)
        return OutputValidationError(
            f"{self.path.name} (in process): {what} after {n} attempt(s)",
            attempts=n,
            last_output=attempts.last_raw,
            usage=[a.model_dump() for a in attempts.usage],
            hint=hint or "try a larger GGUF model or raise max_reasks",
        )
