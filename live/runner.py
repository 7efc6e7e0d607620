"""The real-time loop: rtmidi's callback only timestamps and queues; this thread runs the engine.

python-rtmidi calls the callback on the MIDI system's own thread (under JACK, its process thread),
so nothing slow may happen there. The loop waits on the queue until the next grid step is due,
hands each message to the engine with its grid position, and loads a new preset off this thread
when a program change asks for one.
"""
from __future__ import annotations

import queue
import threading
import time

import mido
import numpy as np

from .clock import MidiClock

CLOCK_TYPES = {"clock", "start", "stop", "continue", "songpos"}


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
        self._swap = None
        self._loading = False
        engine.on_program = self.request_program
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
            if self.clock.running and self.clock.next_step_time(self.next_step) <= now:
                self.engine.on_step(self.next_step)
                self.next_step += 1
                continue
            if self._swap is not None:
                companion, self._swap = self._swap, None
                self.engine.set_companion(companion)
            wait = min(0.05, max(0.0, self.clock.next_step_time(self.next_step) - now))
            try:
                t, data = self.queue.get(timeout=wait)
            except queue.Empty:
                continue
            self.handle(t, data)

    def handle(self, t: float, data) -> None:
        try:
            message = mido.Message.from_bytes(data)
        except (ValueError, TypeError):
            return  # a fragment or a message mido does not know: nothing to play
        if message.type in CLOCK_TYPES:
            if isinstance(self.clock, MidiClock):
                step = self.clock.feed(message, t)
                if step is not None:
                    self.next_step = step
                    self.engine.on_step(step)
            return
        self.engine.on_message(message, self.clock.position(t))
        if message.type == "note_on" and message.velocity > 0:
            self.latency.add(time.perf_counter() - t)
