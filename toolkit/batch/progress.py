"""Live progress of a batch: a rich bar on a terminal, plain periodic lines otherwise (CI, logs)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any


@dataclass
class BatchStats:
    """Running counts of a batch (what the progress line and the final report show).

    Attributes:
        total: Items in the input, if known.
        skipped: Items already in the results file (not run again).
        done: Items that succeeded in this run.
        failed: Items that failed in this run.
        outstanding_failed: Ids whose newest result is a failure, earlier runs' included — the count
            the progress line, the summary and the exit code all use.
        cached: Of `done`, answered from the response cache.
        duplicates: Input items whose id was already seen in this input (ignored).
        tokens: Tokens spent in this run (cache hits spend none).
        cost_usd: Cost spent in this run (known prices only; cache hits cost nothing).
        started: `time.monotonic()` at the start.
    """

    total: int | None = None
    skipped: int = 0
    done: int = 0
    failed: int = 0
    outstanding_failed: int = 0
    cached: int = 0
    duplicates: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        """Items finished in this run."""
        return self.done + self.failed

    def rate(self) -> float:
        """Items per second in this run."""
        elapsed = time.monotonic() - self.started
        return self.finished / elapsed if elapsed > 0 else 0.0

    def eta_s(self) -> float | None:
        """Seconds left, from the current rate, when the total is known."""
        if self.total is None:
            return None
        left = self.total - self.skipped - self.duplicates - self.finished
        rate = self.rate()
        return left / rate if rate > 0 and left >= 0 else None

    def line(self, limit: int | None = None) -> str:
        """One plain status line."""
        total = "?" if self.total is None else str(self.total - self.skipped - self.duplicates)
        eta = self.eta_s()
        parts = [
            f"{self.finished}/{total}",
            f"ok {self.done} (cached {self.cached})",
            f"failed {self.outstanding_failed}",
            f"{self.rate():.1f}/s",
            f"eta {_fmt_s(eta)}",
            f"tokens {self.tokens:,}",
            f"${self.cost_usd:.4f}",
        ]
        if self.skipped:
            parts.append(f"skipped {self.skipped}")
        if limit is not None:
            parts.append(f"concurrency {limit}")
        return "batch: " + " | ".join(parts)


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Shows `BatchStats` on stderr: rich bar on a TTY, else a plain line every `interval` s."""

    def __init__(
        self,
        stats: BatchStats,
        *,
        enabled: bool = True,
        interval: float = 10.0,
        stream: IO[str] | None = None,
    ) -> None:
        """Create the display (nothing is shown until `start`).

        Args:
            stats: The counts to show (updated by the runner).
            enabled: False shows nothing at all.
            interval: Seconds between plain lines when the stream is not a terminal.
            stream: Where to write; default stderr.
        """
        self.stats = stats
        self.enabled = enabled
        self.interval = interval
        self.stream = stream or sys.stderr
        self._rich: Any = None
        self._task: Any = None
        self._last = 0.0

    def start(self) -> None:
        """Start the bar (TTY) or the periodic lines."""
        if not self.enabled:
            return
        self._last = time.monotonic()
        if not self.stream.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self._rich = RichProgress(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[info]}"),
            console=Console(file=self.stream),
            transient=False,
        )
        self._rich.start()
        self._task = self._rich.add_task("batch", total=self._todo(), info="")

    def _todo(self) -> int | None:
        s = self.stats
        return None if s.total is None else max(0, s.total - s.skipped - s.duplicates)

    def update(self, limit: int | None = None) -> None:
        """Refresh after an outcome (plain mode prints at most once per interval)."""
        if not self.enabled:
            return
        s = self.stats
        if self._rich is not None:
            info = (
                f"ok {s.done} (cached {s.cached}) failed {s.outstanding_failed} {s.rate():.1f}/s "
                f"tokens {s.tokens:,} ${s.cost_usd:.4f}" + (f" c={limit}" if limit is not None else "")
            )
            self._rich.update(self._task, completed=s.finished, total=self._todo(), info=info)
            return
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            print(self.stats.line(limit), file=self.stream, flush=True)

    def stop(self) -> None:
        """Stop the bar; print the final line."""
        if not self.enabled:
            return
        if self._rich is not None:
            self._rich.stop()
        print(self.stats.line(), file=self.stream, flush=True)
