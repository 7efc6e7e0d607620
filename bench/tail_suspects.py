"""Where a late note comes from: each suspect of the live path's tail, measured on and off, in process.

    python bench/tail_suspects.py [--notes 2000]

1. The garbage collector: how long a full collection takes with the live path, music21 and a preset
   loaded, before and after `gc.freeze()` (what `musigan play` now does at start-up); a full
   collection can start on any allocation, so its length is a pause some note will meet.
2. Printing on the note path: a harmonize note's log line printed to a pipe whose reader is busy
   (as a terminal or a DAW's log window can be), against the line kept for later (`DeferredLog`).
3. The model itself: `voices_under` for three voices (NumPy steps), per note: what no scheduling
   removes, the floor of the companion's latency.
4. Timer wake-ups: how late a thread that sleeps until a note is due wakes (the engine's loop waits
   so), alone, with the terminal's status line redrawn by its own thread 4 times a second (what a
   player in a terminal has), and with a pure-Python busy thread beside it (the worst a thread
   holding the interpreter lock can do); each at Python's default switch interval (5 ms: how long a
   waiting thread lets the holder run before asking for the lock) and at the 0.5 ms `musigan play`
   now sets (`live/runner.py: short_lock_turns`).
Each figure beside its "off" counterpart from the same run: p50, p99 and max in ms.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time

import mido
import numpy as np

from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.runner import SHORT_LOCK_TURN, DeferredLog
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock
from musigan.models.presets import get_preset


DEFAULT_SWITCH = sys.getswitchinterval()


def stats(seconds) -> str:
    ms = np.asarray(seconds) * 1e3
    return f"p50 {np.percentile(ms, 50):7.3f}  p99 {np.percentile(ms, 99):7.3f}  max {ms.max():7.3f} ms"


def full_collections(times: int = 20) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        gc.collect()
        spent.append(time.perf_counter() - started)
    return spent


def slow_pipe_writer():
    """A file on a pipe whose reader takes 2 ms per read, as a busy terminal or log viewer might."""
    read, write = os.pipe()

    def drain():
        while os.read(read, 256):
            time.sleep(0.002)

    threading.Thread(target=drain, daemon=True).start()
    return os.fdopen(write, "w", buffering=1)


def note_path(engine, notes: int) -> list[float]:
    """Seconds each harmonize note-on takes in the engine (voices chosen, sent, logged)."""
    spent = []
    for i in range(notes):
        pitch = 72 + i % 12
        started = time.perf_counter()
        engine.on_message(mido.Message("note_on", note=pitch, velocity=90), i * 4.0)
        spent.append(time.perf_counter() - started)
        engine.on_message(mido.Message("note_off", note=pitch), i * 4.0 + 3.5)
        engine.on_step(i * 4)
    return spent


def wake_lateness(notes: int, period: float = 0.002) -> list[float]:
    """Seconds late each wake-up is, for a loop that sleeps until the next due time."""
    late, due = [], time.perf_counter()
    for _ in range(notes):
        due += period
        remaining = due - time.perf_counter()
        if remaining > 0:
            time.sleep(remaining)
        late.append(time.perf_counter() - due)
    return late


def status_line_thread(stop: threading.Event):
    """The status view `musigan play` shows on a terminal (rich Live, 4 redraws a second)."""
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    console = Console(file=open(os.devnull, "w"), force_terminal=True, width=120)
    line = lambda: Text("bach-harmony | harmonize | bar 12 beat 3 | 120 bpm | heard 321 played 963 | "  # noqa: E731
                        "answer p50 0.3 ms p99 0.4 ms | Ctrl-C to stop")

    def run():
        with Live(get_renderable=line, refresh_per_second=4, console=console, transient=True):
            stop.wait()
    return threading.Thread(target=run, daemon=True)


def busy_thread(stop: threading.Event):
    def run():
        total = 0
        while not stop.is_set():
            total += sum(range(1000))
    return threading.Thread(target=run, daemon=True)


def lateness_beside(make_thread, notes: int, interval: float) -> list[float]:
    sys.setswitchinterval(interval)
    stop = threading.Event()
    thread = make_thread(stop) if make_thread else None
    if thread:
        thread.start()
        time.sleep(0.3)
    try:
        return wake_lateness(notes)
    finally:
        stop.set()
        if thread:
            thread.join()
        sys.setswitchinterval(DEFAULT_SWITCH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    import music21.corpus  # noqa: F401 - the heap `musigan play` has (the demo and readers import it)

    preset = get_preset("bach-harmony")
    settings = LiveSettings(mode="harmonize", voices=3)

    def engine(log):
        return Engine(companion_for(preset, seed=0), MemoryOutput(SimulatedClock()).send, settings, log=log)

    before = full_collections()
    gc.freeze()
    after = full_collections()
    gc.unfreeze()
    print(f"1. a full garbage collection, heap of {len(gc.get_objects())} objects")
    print(f"   not frozen (before)          {stats(before)}")
    print(f"   frozen at start-up (now)     {stats(after)}")

    pipe = slow_pipe_writer()
    printed = note_path(engine(lambda line: print(line, file=pipe, flush=True)), args.notes)
    deferred_log = DeferredLog(lambda line: None)
    deferred = note_path(engine(deferred_log), args.notes)
    print(f"2. a harmonize note in the engine, its line printed to a pipe read slowly, {args.notes} notes")
    print(f"   printed on the note (before) {stats(printed)}")
    print(f"   kept for later (now)         {stats(deferred)}")
    silent = note_path(engine(None), args.notes)
    print(f"3. the same note with no line at all (the model's own work) {stats(silent)}")
    print(f"4. how late a thread wakes for a note due every 2 ms, {args.notes} wake-ups")
    for label, thread in (("alone", None), ("status line redrawn", status_line_thread), ("a busy thread", busy_thread)):
        for interval in (DEFAULT_SWITCH, SHORT_LOCK_TURN):
            print(f"   {label + ',':20} switch {interval * 1e3:3.1f} ms  {stats(lateness_beside(thread, args.notes, interval))}")


if __name__ == "__main__":
    main()
