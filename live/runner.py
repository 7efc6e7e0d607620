"""The real-time loop: this thread polls the input, runs the engine and keeps the grid.

No Python runs on the MIDI system's thread: python-rtmidi's callback would take the GIL on JACK's
process thread, and a callback kept waiting stalls JACK's whole cycle (messages of every client are
lost then). rtmidi queues what arrives in C++ without the GIL; this loop drains that queue every
POLL_SECONDS, hands each message to the engine with its grid position, runs each grid step when it
is due, and loads a new preset off this thread when a program change asks for one.
"""
from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np

from .clock import InternalClock, MidiClock
from .midi_bytes import MidiParser
from .realtime import tight_timer_slack

CLOCK_TYPES = {"clock", "start", "stop", "continue", "songpos"}
POLL_SECONDS = 0.0002  # what polling adds to the latency at most; a few percent of one core
IDLE_SECONDS = 0.002    # lines are printed only when no grid step is due sooner than this


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
    def __init__(self, engine, clock, midi_in, load_companion=None, watch=None, clock_out=None, log=None,
                 view=None):
        self.engine, self.clock, self.load_companion = engine, clock, load_companion
        self.view = view  # a ViewFeed (`--view`): what pages asked waits there for an idle turn
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
        engine.route(program=self.request_program, tempo=self.glide if isinstance(clock, InternalClock) else None)

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
            if self.view is not None and self.view.asked:
                self.act_on_view(self.view.asked.popleft())
                continue
            due_in = self.clock.next_step_time(self.next_step) - now
            if self.log is not None and self.log.lines and due_in > IDLE_SECONDS:
                self.log.flush()
                continue
            time.sleep(min(POLL_SECONDS, max(0.0, due_in)))

    def act_on_view(self, request: tuple) -> None:
        """A page's slider, button or preset picker, through the same code as its CC or program change."""
        if request[0] == "knob":
            self.engine.turn(request[1], request[2])
        else:
            self.request_program(request[1])

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
