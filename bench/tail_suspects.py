"""Where a late note comes from: each suspect of the live path's tail, measured on and off, in process.

    python bench/tail_suspects.py [--notes 2000]

1. The garbage collector: how long a full collection takes with the live path, music21 and a preset
   loaded, before and after `gc.freeze()` (what `musigan play` now does at start-up); a full
   collection can start on any allocation, so its length is a pause some note will meet.
2. Printing on the note path: a harmonize note's log line printed to a pipe whose reader is busy
   (as a terminal or a DAW's log window can be), against the line kept for later (`DeferredLog`).
3. The model itself: `voices_under` for three voices (NumPy steps), per note: what no scheduling
   removes, the floor of the companion's latency.
Each figure beside its "off" counterpart from the same run: p50, p99 and max in ms.
"""
from __future__ import annotations

import argparse
import gc
import os
import threading
import time

import mido
import numpy as np

from musigan.live.companion import companion_for
from musigan.live.engine import Engine
from musigan.live.runner import DeferredLog
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock
from musigan.models.presets import get_preset


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


if __name__ == "__main__":
    main()
