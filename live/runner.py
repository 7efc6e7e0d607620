"""The real-time loop: this thread polls the input, runs the engine and keeps the grid.

No Python runs on the MIDI system's thread: python-rtmidi's callback would take the GIL on JACK's
process thread, and a callback kept waiting stalls JACK's whole cycle (messages of every client are
lost then). rtmidi queues what arrives in C++ without the GIL; this loop drains that queue every
POLL_SECONDS, hands each message to the engine with its grid position, runs each grid step when it
is due, and loads a new preset off this thread when a program change asks for one.
"""
from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time
from collections import deque

import numpy as np

from .clock import InternalClock, MidiClock
from .midi_bytes import MidiParser

CLOCK_TYPES = {"clock", "start", "stop", "continue", "songpos"}
POLL_SECONDS = 0.0002  # what polling adds to the latency at most; a few percent of one core
PR_SET_TIMERSLACK = 29


def tight_timer_slack() -> None:
    """Linux lets a sleep overrun by the thread's timer slack (50 us by default); 1 us keeps each poll
    on time. Elsewhere (or without libc's prctl) nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0)
    except (OSError, AttributeError):
        pass


REALTIME_PRIORITY = 10  # below JACK's own threads (70 and up), above every ordinary process
SHORT_LOCK_TURN = 0.0005  # seconds another thread may hold the interpreter lock while a note waits
IDLE_SECONDS = 0.002    # lines are printed only when no grid step is due sooner than this


def realtime_scheduling() -> str:
    """Run this thread (the engine's) in real time where the system grants it, as a DAW's audio and
    MIDI threads run: a busy machine then cannot keep a note waiting behind its other work. Returns
    what was granted, in words, for the ready line."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
        return f"real-time scheduling (FIFO {REALTIME_PRIORITY})"
    except (AttributeError, OSError) as exc:  # not Linux, or not granted (no rtprio limit, no audio group)
        reason = getattr(exc, "strerror", None) or "not on this system"
        return f"ordinary scheduling (real time not granted: {reason}; on Linux, join the audio group)"


def short_lock_turns() -> None:
    """Another Python thread (the terminal's status line, the sysex guard, a controller's callback)
    may hold the interpreter lock when a note is due; Python lets it run on for its switch interval
    (5 ms) before handing the lock over. A turn of 0.5 ms bounds that wait (measured:
    `python bench/tail_suspects.py`, suspect 4)."""
    sys.setswitchinterval(SHORT_LOCK_TURN)


def keep_collector_out() -> None:
    """Everything made at start-up (music21, NumPy, the preset) is frozen out of the garbage
    collector's sight: a full collection would otherwise walk that heap in the middle of a note.
    What the session makes is collected young and cheaply, as before."""
    gc.collect()
    gc.freeze()


class DeferredLog:
    """The lines a session prints, held until the loop is idle: a print (a write to a terminal, or to
    a pipe whose reader is slow) never sits between a note and its answer."""

    def __init__(self, write):
        self.write, self.lines = write, deque()

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    def flush(self) -> None:
        while self.lines:
            self.write(self.lines.popleft())


class Latency:
    """Seconds from the callback's timestamp to the engine having answered a note-on."""

    def __init__(self):
        self.samples: list[float] = []

    def add(self, seconds: float) -> None:
        self.samples.append(seconds)

    def summary(self) -> str:
        if not self.samples:
            return "latency -"
        p50, p99 = np.percentile(np.asarray(self.samples) * 1e3, [50, 99])
        return f"latency p50 {p50:.2f} ms p99 {p99:.2f} ms"


class Runner:
    def __init__(self, engine, clock, midi_in, load_companion=None, watch=None, clock_out=None, log=None):
        self.engine, self.clock, self.load_companion = engine, clock, load_companion
        self.log = log  # a DeferredLog, printed from when nothing is due
        self.clock_out = clock_out   # --clock-out: ticks for the DAW to follow
        self.source, self.watch = midi_in, watch
        self.failure: str | None = None  # why the loop stopped itself (the MIDI server died)
        self.stop_event = threading.Event()
        self.latency = Latency()
        self.next_step = 0
        self.parser = MidiParser()
        self.paused = False          # the MIDI clock stopped or stalled; the companion is released
        self._swap = None
        self._loading = False
        engine.on_program = self.request_program
        if isinstance(clock, InternalClock):
            engine.on_tempo = self.glide

    def glide(self, bpm: float) -> None:
        """The tempo knob: glide there over `glide_beats`, never a jump (a DAW following would lurch)."""
        self.clock.glide_to(bpm, round(self.engine.settings.glide_beats * self.clock.steps_per_quarter))

    def request_program(self, program: int) -> None:
        """Program change: load the preset on another thread; swap it in at the next loop turn."""
        if self.load_companion is None or self._loading:
            return
        self._loading = True

        def load():
            try:
                self._swap = self.load_companion(program)
            except Exception as exc:  # noqa: BLE001 - a bad preset must not stop the session
                self.engine.log(f"program {program}: {exc}")
            finally:
                self._loading = False

        threading.Thread(target=load, daemon=True).start()

    def stop(self) -> None:
        self.stop_event.set()

    def run(self, duration: float | None = None) -> None:
        tight_timer_slack()
        started = time.perf_counter()
        while not self.stop_event.is_set():
            now = time.perf_counter()
            if duration is not None and now - started >= duration:
                break
            if self.clock.stalled(now) and not self.paused:
                self.pause()
            if self.watch and (reason := self.watch.check(now)):
                self.failure = reason
                break
            if self.clock_out:
                if self.engine.notes_in or self.engine.settings.mode == "solo":
                    self.clock_out.cue()
                self.clock_out.send_due(now)
            if self.clock.running and self.clock.next_step_time(self.next_step) <= now:
                self.clock.begin_step(self.next_step)
                self.engine.on_step(self.next_step)
                self.next_step += 1
                continue
            if self._swap is not None:
                companion, self._swap = self._swap, None
                self.engine.set_companion(companion)
            batch = self.source.poll()
            if batch:
                self.handle_batch(batch)
                continue
            due_in = self.clock.next_step_time(self.next_step) - now
            if self.log is not None and self.log.lines and due_in > IDLE_SECONDS:
                self.log.flush()
                continue
            time.sleep(min(POLL_SECONDS, max(0.0, due_in)))

    def handle_batch(self, batch) -> None:
        """Handle queued messages in order. Under a flood, a note whose note-off is already queued
        behind it is over before we could answer it: it is heard (and recorded) but not answered."""
        messages = [(t, message) for t, data in batch for message in self.parser.feed(data)]
        for index, (t, message) in enumerate(messages):
            stale = message.type == "note_on" and message.velocity > 0 and any(
                later.type in ("note_off", "note_on") and later.note == message.note and
                (later.type == "note_off" or later.velocity == 0) for _, later in messages[index + 1:])
            self.handle(t, message, answer=not stale)

    def pause(self) -> None:
        self.paused = True
        self.engine.pause()

    def handle(self, t: float, message, answer: bool = True) -> None:
        if message.type in CLOCK_TYPES:
            if isinstance(self.clock, MidiClock):
                self.follow_clock(t, message)
            return
        self.engine.on_message(message, self.clock.position(t), answer)
        if answer and message.type == "note_on" and message.velocity > 0:
            self.latency.add(time.perf_counter() - t)

    def follow_clock(self, t: float, message) -> None:
        """The DAW's transport: a stop releases the companion; Start and song position move what is
        scheduled with the jump; each tick that begins a grid step runs it."""
        before = self.clock.ticks_position
        step = self.clock.feed(message, t)
        if message.type == "stop":
            self.pause()
        elif message.type in ("start", "songpos") and self.clock.ticks_position != before:
            self.engine.jump(self.clock.ticks_position - before)
        if message.type in ("start", "continue", "clock") and self.clock.running:
            self.paused = False
        if step is not None:
            self.next_step = step
            self.engine.on_step(step)
