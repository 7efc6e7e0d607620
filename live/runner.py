"""The real-time loop: rtmidi's callback only timestamps and queues; this thread runs the engine.

python-rtmidi calls the callback on the MIDI system's own thread (under JACK, its process thread),
so nothing slow may happen there. The loop waits on the queue until the next grid step is due,
hands each message to the engine with its grid position, and loads a new preset off this thread
when a program change asks for one.
"""
from __future__ import annotations

import queue
import sys
import threading
import time

import numpy as np

from .clock import MidiClock
from .midi_bytes import MidiParser

CLOCK_TYPES = {"clock", "start", "stop", "continue", "songpos"}
# rtmidi's callback needs the GIL on the MIDI system's thread (JACK's process thread). Python hands
# the GIL over every 5 ms by default; while the engine computes, a waiting callback would stall
# JACK's cycle. A 0.5 ms switch interval bounds that wait.
GIL_SWITCH_SECONDS = 0.0005


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
    def __init__(self, engine, clock, midi_in, load_companion=None):
        self.engine, self.clock, self.load_companion = engine, clock, load_companion
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.stop_event = threading.Event()
        self.latency = Latency()
        self.next_step = 0
        self.parser = MidiParser()
        self.paused = False          # the MIDI clock stopped or stalled; the companion is released
        self._swap = None
        self._loading = False
        engine.on_program = self.request_program
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        midi_in.set_callback(self._callback)

    def _callback(self, event, data=None) -> None:
        self.queue.put((time.perf_counter(), event[0]))

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
        started = time.perf_counter()
        while not self.stop_event.is_set():
            now = time.perf_counter()
            if duration is not None and now - started >= duration:
                break
            if self.clock.stalled(now) and not self.paused:
                self.pause()
            if self.clock.running and self.clock.next_step_time(self.next_step) <= now:
                self.engine.on_step(self.next_step)
                self.next_step += 1
                continue
            if self._swap is not None:
                companion, self._swap = self._swap, None
                self.engine.set_companion(companion)
            wait = min(0.05, max(0.0, self.clock.next_step_time(self.next_step) - now))
            try:
                batch = [self.queue.get(timeout=wait)]
            except queue.Empty:
                continue
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            self.handle_batch(batch)

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
