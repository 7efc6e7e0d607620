"""Progress for long work (ingest, training, evaluation, calibration): a rich bar on a terminal, and a
plain line at least every few seconds when stderr is a pipe or a log, so a piped `musigan train` never
sits silent, however long one step of the work takes."""
from __future__ import annotations

import contextlib
import sys
import threading
import time

PLAIN_EVERY_SECONDS = 5.0


class PlainProgress:
    """The part of rich's Progress API musigan uses, printing `what: n/total (p%), Ns` lines to stderr:
    on an update once `every` seconds have passed, and from a heartbeat thread when no update comes."""

    def __init__(self, every: float = PLAIN_EVERY_SECONDS):
        self.every, self.tasks, self.last = every, {}, time.monotonic()
        self.started = self.last
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def __enter__(self):
        if self.every > 0:
            threading.Thread(target=self._heartbeat, name="musigan progress", daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        return False

    def _heartbeat(self) -> None:
        while not self.stopped.wait(self.every / 5):
            self._report()

    def _report(self, task: int | None = None) -> None:
        """A line for `task` (else the newest), if `every` seconds have passed since the last."""
        with self.lock:
            now = time.monotonic()
            if not self.tasks or now - self.last < self.every:
                return
            self.last = now
            description, done, total = self.tasks.get(task, next(reversed(self.tasks.values())))
            counted = "" if total is None else f" {done}/{total} ({done / max(total, 1):.0%}),"
            print(f"{description}:{counted} {now - self.started:.0f}s", file=sys.stderr, flush=True)

    def add_task(self, description: str, total: int | None) -> int:
        with self.lock:
            self.tasks[len(self.tasks)] = [description, 0, total]
            return len(self.tasks) - 1

    def update(self, task: int, advance: int = 0, description: str | None = None, total: int | None = None,
               completed: int | None = None) -> None:
        with self.lock:
            entry = self.tasks[task]
            entry[0] = description or entry[0]
            entry[1] = (entry[1] if completed is None else completed) + advance
            entry[2] = entry[2] if total is None else total
        self._report(task)

    def advance(self, task: int, advance: int = 1) -> None:
        self.update(task, advance)

    def remove_task(self, task: int) -> None:
        with self.lock:
            self.tasks.pop(task, None)


def progress_display(enabled: bool = True, console=None, columns=()):
    """A rich Progress on a terminal, PlainProgress otherwise; a silent one when not `enabled`."""
    from rich.progress import Progress

    if enabled and not sys.stderr.isatty():
        return PlainProgress()
    return Progress(*columns, console=console, disable=not enabled, transient=True)


@contextlib.contextmanager
def phase(description: str, enabled: bool = True, console=None):
    """One step of work with no count of its own (measuring the test split): a spinner
    on a terminal; on a pipe its name at once, then a line every few seconds while it lasts."""
    from rich.progress import SpinnerColumn, TimeElapsedColumn

    with progress_display(enabled, console, (SpinnerColumn(), "{task.description}", TimeElapsedColumn())) as bar:
        if enabled and isinstance(bar, PlainProgress):
            print(f"{description} ...", file=sys.stderr, flush=True)
        bar.add_task(description, total=None)
        yield
