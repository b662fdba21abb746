"""The hard budget of a batch run (`--max-cost`): reserve the worst case, settle on billed usage.

Two levels, one ledger (`Budget`):

* **Per item, before it starts** (`Budget.admit`): the item's worst case is reserved — its prompt
  estimated conservatively from the request it will send (one token per character: Arabic runs about
  that, everything else runs less), plus `max_tokens` at the output price, for the first call and
  every re-ask it may make (each re-ask re-sends the prompt, the previous output and the validator's
  message), for every chunk of a long article and its merge call. An item starts only when
  `spent + reserved + its worst case <= max_cost`; otherwise it waits for calls in flight to settle
  (their unused reservations come back), and when nothing is left in flight it is left undone.
* **Per HTTP attempt, at the transport** (`GatedTransport` calls `begin_attempt`/`end_attempt`): the
  attempt's worst case is computed from the exact request body and drawn from the item's reservation;
  an attempt the reservation does not cover (a transport retry after a timeout) needs free budget, or
  it is not sent. The answer's `usage` settles it at the billed price; 429/5xx answers cost nothing;
  an attempt lost after it was sent (timeout, reset mid-answer, cancelled) may have been billed by
  the server, so it is charged at its worst case. An answer with no usage under a budget stops the
  run unless `--allow-unmetered`, and is charged at its worst case either way.

So `spent + reserved <= max_cost` holds at every moment as long as the server bills no more than the
worst case of what it was sent — the invariant the soak benchmark checks against the server's bill.
"""

from __future__ import annotations

import asyncio
import json
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from toolkit.chunking import chunk_limit, plan_chunks
from toolkit.engines.base import Engine
from toolkit.engines.pricing import price_of
from toolkit.errors import ConfigurationError

MESSAGE_OVERHEAD_TOKENS = 16
"""Tokens a chat template adds per message (role markers), rounded up."""

REASK_MESSAGE_TOKENS = 500
"""Fixed part of a validation re-ask message, on top of the repeated output (rounded up)."""

DEFAULT_MAX_TOKENS = 4096


@dataclass
class Hold:
    """One item's reservation.

    Attributes:
        budget: The ledger it belongs to.
        reserved: What was reserved when the item was admitted (its worst case).
        remaining: Reserved and not yet drawn by an attempt.
        billed: Settled cost of its finished attempts.
        attempts: Attempts the transport accounted for (0: settle from the briefing instead).
        refused: An attempt was not sent because the budget could not cover it.
    """

    budget: Budget
    reserved: float
    remaining: float
    billed: float = 0.0
    attempts: int = 0
    refused: bool = False


CURRENT_HOLD: ContextVar[Hold | None] = ContextVar("khulasa_budget_hold", default=None)
"""The hold of the item whose HTTP requests are being sent (set per worker task)."""


@dataclass
class Budget:
    """The ledger of a run with `--max-cost` (single event loop: no locks, one condition to wait on).

    Attributes:
        max_cost: The budget in USD.
        price: (input, output) USD per million tokens of the model.
        endpoint: host[:port] of the endpoint, for messages.
        allow_unmetered: Accept answers without `usage` (charged at their worst case).
        spent: Billed cost settled so far (plus worst cases of lost or unmetered attempts).
        reserved: Reserved for items in flight and not yet settled.
        unused: Reserved and given back unbilled, over the run (how conservative the reservations were).
        lost: Of `spent`, charged at the worst case for attempts lost after they were sent.
        unmetered: Answers that came without usage.
        overrun: Of `spent`, billed beyond an attempt's worst case (the estimate was too low).
        stopped: Why nothing new starts any more, or None.
        left_undone_need: The worst case of the first item that could not be admitted.
    """

    max_cost: float
    price: tuple[float, float]
    endpoint: str = "the endpoint"
    allow_unmetered: bool = False
    spent: float = 0.0
    reserved: float = 0.0
    unused: float = 0.0
    lost: float = 0.0
    unmetered: int = 0
    overrun: float = 0.0
    stopped: str | None = None
    left_undone_need: float | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """USD of some tokens at this model's price."""
        return (prompt_tokens * self.price[0] + completion_tokens * self.price[1]) / 1_000_000

    def _fits(self, amount: float) -> bool:
        return self.spent + self.reserved + amount <= self.max_cost + 1e-12

    async def admit(self, worst: float) -> Hold | None:
        """Reserve an item's worst case, waiting while calls in flight may still free enough.

        Returns:
            The hold, or None when the item cannot start (the budget would be exceeded, or the run
            was stopped); then `stopped` says why.
        """
        while not self.stopped:
            if self._fits(worst):
                self.reserved += worst
                return Hold(self, worst, worst)
            if self.reserved <= 1e-12:  # nothing in flight will give anything back
                self.left_undone_need = worst
                self.stop(
                    f"--max-cost ${self.max_cost:.4f} reached: the next article could cost up to "
                    f"${worst:.4f}, ${max(0.0, self.max_cost - self.spent):.4f} is left"
                )
                break
            # No await between the check and clear(): one event loop, so no release is missed.
            self._changed.clear()
            await self._changed.wait()
        return None

    def release(self, hold: Hold, *, fallback_cost: float | None = None, zero_usage: bool = False) -> None:
        """Settle an item: give back what it did not use, and wake the items waiting to start.

        Args:
            hold: The item's hold.
            fallback_cost: The item's cost from its briefing/error, used when the transport saw none
                of its attempts (an engine passed in by the caller).
            zero_usage: With `fallback_cost`: the item reported attempts with no tokens (unmetered).
        """
        zero_usage = zero_usage and self.price != (0.0, 0.0)  # the offline engine meters nothing
        if hold.attempts == 0 and (zero_usage or fallback_cost is not None):
            drawn, hold.remaining = hold.remaining, 0.0
            if zero_usage:
                self._unmetered(hold, drawn)
            else:
                self._settle(hold, drawn, fallback_cost or 0.0)
        self.reserved -= hold.remaining
        self.unused += hold.remaining
        hold.remaining = 0.0
        self._changed.set()

    def stop(self, reason: str) -> None:
        """Stop admitting items (budget reached, a write failure, an unmetered answer)."""
        if not self.stopped:
            self.stopped = reason
        self._changed.set()

    def begin_attempt(self, hold: Hold, worst: float) -> bool:
        """Draw one HTTP attempt's worst case; False when it cannot be covered (do not send it)."""
        if worst <= hold.remaining + 1e-12:
            hold.remaining -= worst
            return True
        extra = worst - hold.remaining
        if not self._fits(extra):
            hold.refused = True
            return False
        self.reserved += extra
        hold.remaining = 0.0
        return True

    def end_attempt(self, hold: Hold, worst: float, billed: float | None, *, lost: bool = False) -> None:
        """Settle one attempt drawn with `begin_attempt`.

        Args:
            hold: The item's hold.
            worst: What `begin_attempt` drew.
            billed: The billed cost from the answer's usage; None when the answer had no usage.
            lost: The attempt was lost after it was sent: charge its worst case.
        """
        hold.attempts += 1
        if lost:
            self.lost += worst
            self._settle(hold, worst, worst)
        elif billed is None:
            self._unmetered(hold, worst)
        else:
            self._settle(hold, worst, billed)

    def _settle(self, hold: Hold, drawn: float, billed: float) -> None:
        self.reserved -= drawn
        self.spent += billed
        hold.billed += billed
        if billed > drawn + 1e-9:
            self.overrun += billed - drawn
        else:
            self.unused += drawn - billed

    def _unmetered(self, hold: Hold, drawn: float) -> None:
        self.unmetered += 1
        self._settle(hold, drawn, drawn)
        if not self.allow_unmetered:
            self.stop(
                f"{self.endpoint} answered without token usage, so --max-cost cannot be enforced; "
                "pass --allow-unmetered to run on, charging each such answer at its worst case"
            )

    def summary(self, left_undone: int | None) -> str:
        """One line for the end of the run: spent, reserved-but-unused, left undone."""
        parts = [
            f"budget ${self.max_cost:.4f}: spent ${self.spent:.4f}",
            f"reserved but unused ${self.unused:.4f}",
        ]
        if self.lost:
            parts.append(f"of the spent, ${self.lost:.4f} charged at worst case for attempts lost in transit")
        if self.unmetered:
            parts.append(f"{self.unmetered} answer(s) without usage charged at worst case")
        if self.overrun:
            parts.append(f"WARNING: billed ${self.overrun:.4f} beyond the estimated worst case")
        if left_undone:
            need = f" (the next needed up to ${self.left_undone_need:.4f})" if self.left_undone_need else ""
            parts.append(f"left undone: {left_undone} item(s){need}")
        return "; ".join(parts)


def make_budget(
    max_cost: float | None, engine: Engine, *, allow_unmetered: bool = False
) -> Budget | None:
    """The ledger for `max_cost` with this engine's price, or None when there is no budget.

    Raises:
        ConfigurationError: The budget is negative, or the model's price is unknown (it could not
            be enforced).
    """
    if max_cost is None:
        return None
    if max_cost < 0:
        raise ConfigurationError(f"--max-cost must be >= 0, got {max_cost}", hint="pass --max-cost 5")
    config = getattr(engine, "config", None)
    endpoint = str(getattr(config, "base_url_host", None) or getattr(engine, "name", "the engine"))
    if getattr(engine, "name", None) == "offline":  # no tokens, no cost
        return Budget(max_cost, (0.0, 0.0), endpoint, allow_unmetered=True)
    model = getattr(config, "model", None) or getattr(engine, "model", None)
    price = price_of(str(model)) if model else None
    if price is None:
        raise ConfigurationError(
            f"--max-cost cannot be enforced: the price of model {model!r} is unknown",
            hint=f"set KHULASA_PRICE='{model}=IN,OUT' (USD per million tokens), or drop --max-cost",
        )
    return Budget(max_cost, price, endpoint, allow_unmetered=allow_unmetered)


# --- worst cases --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema_chars() -> int:
    from toolkit.drafts import BriefingDraft

    return len(json.dumps(BriefingDraft.model_json_schema(), ensure_ascii=False))


def _messages_tokens(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content") or "")) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def _call_worst(budget: Budget, prompt_tokens: int, max_tokens: int, calls: int) -> float:
    """A call and its re-asks: call k re-sends the prompt plus k rounds of (output + validator message)."""
    growth = 2 * max_tokens + REASK_MESSAGE_TOKENS
    return sum(budget.cost(prompt_tokens + k * growth, max_tokens) for k in range(calls))


def item_worst_case(budget: Budget, engine: Engine, text: str, chunk_chars: int | None) -> float:
    """The most one article can cost: every chunk call and the merge call, each with every re-ask.

    Args:
        budget: The ledger (for the price).
        engine: The engine that will run it.
        text: The article.
        chunk_chars: The chunk budget passed to summarize.

    Returns:
        USD (0 for the offline engine).
    """
    if budget.price == (0.0, 0.0):
        return 0.0
    from toolkit.arabic import split_sentences

    config = getattr(engine, "config", None)
    max_tokens = int(getattr(config, "max_tokens", None) or DEFAULT_MAX_TOKENS)
    calls = 1 + int(getattr(config, "max_reasks", 0) or 0)
    prompts = getattr(engine, "prompts", None)
    sentences = split_sentences(text)
    limit = chunk_limit(engine, chunk_chars)
    plans = plan_chunks(sentences, limit) if limit is not None and len(text) > limit else []
    # A chunk's prompt shows its own sentences (ids renumbered from 0: never longer than these).
    requests = [[sentences[i] for i in p.sentence_ids] for p in plans] if len(plans) > 1 else [sentences]
    static = _schema_chars()
    total = 0.0
    for chunk in requests:
        if prompts is not None and hasattr(prompts, "messages"):
            prompt = _messages_tokens(prompts.messages(chunk)) + static
        else:  # an engine without our prompts: the text, plus a generous allowance for its template
            prompt = sum(len(s.text) + 8 for s in chunk) + static + 4000
        total += _call_worst(budget, prompt, max_tokens, calls)
    if len(requests) > 1:  # the merge call reads every chunk's summary (each at most one output)
        base = _messages_tokens(prompts.messages([])) if prompts is not None else 4000
        total += _call_worst(budget, base + static + len(requests) * max_tokens, max_tokens, calls)
    return total


def _strings_chars(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(k)) + _strings_chars(v) for k, v in value.items())
    if isinstance(value, list):
        return sum(_strings_chars(v) + 1 for v in value)
    return len(str(value)) if value is not None else 0


def attempt_worst_case(budget: Budget, body: bytes) -> float:
    """The most one HTTP request can cost, from its exact JSON body.

    Prompt tokens are counted as the characters of every message and of the tool/schema definitions
    (one token per character), plus the per-message overhead; the output as the request's
    `max_tokens` (or `max_completion_tokens`).
    """
    try:
        data = json.loads(body) if body else {}
    except (ValueError, RecursionError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    messages = data.get("messages") or []
    prompt = _strings_chars(messages) + MESSAGE_OVERHEAD_TOKENS * (len(messages) + 1)
    prompt += _strings_chars(data.get("tools")) + _strings_chars(data.get("response_format"))
    if not messages:  # not a chat request we can read: the body's size bounds what it says
        prompt = max(prompt, len(body))
    max_tokens = data.get("max_tokens") or data.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
    return budget.cost(prompt, int(max_tokens))


def billed_cost(budget: Budget, body: bytes) -> float | None:
    """The billed cost of a 200 answer from its `usage`, or None when it has none."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if not isinstance(prompt, int) or not isinstance(completion, int) or prompt + completion <= 0:
        return None
    return budget.cost(prompt, completion)
