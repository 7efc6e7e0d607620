"""Progress for long work (ingest, training, evaluation): a rich bar on a terminal, and a plain line
every few seconds when stderr is a pipe or a log, so a piped `musigan evaluate` never sits silent."""
from __future__ import annotations

import sys
import time

PLAIN_EVERY_SECONDS = 5.0


class PlainProgress:
    """The part of rich's Progress API musigan uses, printing `what: n/total (p%)` lines to stderr."""

    def __init__(self, every: float = PLAIN_EVERY_SECONDS):
        self.every, self.tasks, self.last = every, {}, time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, description: str, total: int) -> int:
        self.tasks[len(self.tasks)] = [description, 0, total]
        return len(self.tasks) - 1

    def update(self, task: int, advance: int = 0, description: str | None = None) -> None:
        entry = self.tasks[task]
        entry[0] = description or entry[0]
        entry[1] += advance
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            description, done, total = entry
            print(f"{description}: {done}/{total} ({done / max(total, 1):.0%})", file=sys.stderr, flush=True)

    def advance(self, task: int, advance: int = 1) -> None:
        self.update(task, advance)

    def remove_task(self, task: int) -> None:
        self.tasks.pop(task, None)


def progress_display(enabled: bool = True, console=None, columns=()):
    """A rich Progress on a terminal, PlainProgress otherwise; a silent one when not `enabled`."""
    from rich.progress import Progress

    if enabled and not sys.stderr.isatty():
        return PlainProgress()
    return Progress(*columns, console=console, disable=not enabled, transient=True)
