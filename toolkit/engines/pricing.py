"""Known model prices, so `meta.cost_usd` is filled when the price is known and null otherwise.

Prices are USD per million tokens (input, output) from the providers' public price pages; they
change, so a user can override or add one with `KHULASA_PRICE="model=in,out;model2=in,out"`.
Local models (llama.cpp, Ollama, vLLM on your own hardware) cost nothing per token: their names are
not here, so their cost stays null rather than a made-up zero.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from toolkit.schema import AttemptUsage

PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
}


def _env_prices() -> dict[str, tuple[float, float]]:
    prices: dict[str, tuple[float, float]] = {}
    for item in os.environ.get("KHULASA_PRICE", "").split(";"):
        name, _, pair = item.partition("=")
        parts = pair.split(",")
        if name.strip() and len(parts) == 2:
            try:
                prices[name.strip()] = (float(parts[0]), float(parts[1]))
            except ValueError:
                continue
    return prices


def price_of(model: str) -> tuple[float, float] | None:
    """Price (input, output) per million tokens of a model, or None when unknown.

    Args:
        model: Model name as sent to the endpoint (a dated suffix like `-2025-04-14` is ignored).
    """
    table = {**PRICES_PER_MTOK, **_env_prices()}
    if model in table:
        return table[model]
    base = model.rsplit("-20", 1)[0]
    return table.get(base)


def cost_usd(model: str | None, attempts: Iterable[AttemptUsage]) -> float | None:
    """Cost of every attempt (failed ones included) when the model's price is known.

    Args:
        model: Model name.
        attempts: Per-attempt usage.

    Returns:
        USD, or None when the price is unknown.
    """
    price = price_of(model) if model else None
    if price is None:
        return None
    prompt = sum(a.prompt_tokens for a in attempts)
    completion = sum(a.completion_tokens for a in attempts)
    return round((prompt * price[0] + completion * price[1]) / 1_000_000, 8)
