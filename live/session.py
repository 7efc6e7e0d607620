"""One live session, from its ports opening to their closing: the one place a session starts and ends.

`Session.run` opens the input and the output, builds the engine and the real-time loop on the chosen
clock, schedules the threads (`live/realtime.py`), routes SIGTERM, SIGHUP and SIGQUIT to a clean stop,
and, whatever ends it (Ctrl-C, a signal, --duration, an error on any thread, the MIDI server gone),
shuts down in one order: every note released and All Notes Off first, the last messages let through
to every peer, the recording saved (or a fallback beside it), then the ports closed under a watchdog.
`musigan play` and its demo both run through it; the CLI keeps the flags, messages and exit codes.
`Session.simulate` is the same session on in-memory ports and a simulated clock (no MIDI system).
"""
from __future__ import annotations

import contextlib
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from ..models.files import save_or_fallback
from .clock import InternalClock, MidiClock
from .engine import Engine
from .ports import TransportWatch, open_input, open_output
from .realtime import (
    foreign_threads,
    keep_collector_out,
    native_threads,
    realtime_scheduling,
    short_lock_turns,
)
from .recorder import Recorder
from .takes import write_card
from .runner import DeferredLog, Runner
from .simulation import MemoryOutput, SimulatedClock, drive
from .watchdog import (
    CLOSE_SECONDS,
    backstop,
    disarm,
    exit_within,
    leave_now,
    watch_threads,
)


@dataclass
class Connection:
    """Where a session listens and plays, and on which clock."""

    api: str
    input: str | None = None      # a port's name (substring), 'virtual', or None: the first hardware input
    output: str | None = None     # an existing port instead of the virtual 'musigan' output
    clock: str = "internal"       # or 'midi': follow the DAW's clock on the input
    clock_out: bool = False       # be the DAW's clock
    duration: float | None = None  # stop after this many seconds


@dataclass
class SessionEnd:
    code: int                  # 0, or 1 when something failed (every note it could reach was released)
    failure: str | None        # why, in words
    released: int              # notes released at the end
    heard: int                 # the player's notes
    played: int                # the companion's note-ons


class Session:
    """`record`: a file for the recording; `keep`: a file in the sessions folder for the take (its
    card beside it), or None to keep nothing."""

    def __init__(self, companion, settings, record=None, say=print, warn=print, load_companion=None,
                 keep: Path | None = None, view=None):
        self.companion, self.settings = companion, settings
        self.say, self.warn, self.load_companion = say, warn, load_companion
        self.record, self.keep, self.began = record, keep, time.time()
        metre = (companion.metre.numerator, companion.metre.denominator)
        self.recorder = Recorder(record or keep, companion.steps_per_quarter, settings.bpm,
                                 f"musigan {companion.name}", metre) if record or keep else None
        self.engine: Engine | None = None
        self.view = view  # a ViewServer (`--view`): the session in a browser

    def run(self, connection: Connection, status=None, on_ready=None, started: float | None = None) -> SessionEnd:
        """Play until stopped. Raises PortError or ViewError (nothing started) when a port, or the
        view's address, cannot be opened.
        `status(engine, runner)` is a context manager shown while it plays; `on_ready(runner)` is
        called once everything listens (the demo starts its player there)."""
        started = time.perf_counter() if started is None else started
        if self.view is not None:
            self.view.bind()
        with contextlib.ExitStack() as ports:  # the output drains and closes first, before the input (and
            # its JACK sysex guard) leave the graph: a graph change in the drain can drop the last note-offs
            if self.view is not None:
                ports.callback(self.view.stop)
            before = native_threads()
            source = ports.enter_context(open_input(connection.api, connection.input))
            output = ports.enter_context(open_output(connection.api, connection.output))
            log = DeferredLog(self.say)
            engine = self.engine = Engine(self.companion, output.send, self.settings, self.recorder, log)
            if self.view is not None:
                engine.show_to(self.view.feed)
            watch = TransportWatch(connection.api, [source, output], log, engine.release_sounding)
            runner = self._runner(engine, source, output, connection, watch, log)
            for line in self.view.serve(engine, runner) if self.view is not None else ():
                self.say(line)
            scheduling = realtime_scheduling(foreign_threads(before))
            self.say(f"ready in {time.perf_counter() - started:.2f}s: {engine.companion.name} in "
                     f"{self.settings.mode} mode, listening on {source.description}, playing on "
                     f"{output.description} ({connection.api}, clock {connection.clock}; {scheduling})")
            failures = watch_threads(runner)
            keep_collector_out()
            short_lock_turns()
            if on_ready:
                on_ready(runner)
            try:
                with status(engine, runner) if status else contextlib.nullcontext():
                    runner.run(connection.duration)
            except KeyboardInterrupt:
                pass
            except Exception as exc:  # noqa: BLE001 - a bug must still end in silence and one line, not a hung note
                failures.append(f"internal error ({type(exc).__name__}: {exc})")
            finally:
                released = self._silence(engine, runner, source, log)
            if runner.failure:
                failures.append(runner.failure)
            end = SessionEnd(1 if failures else 0, failures[0] if failures else None, released,
                             engine.notes_in, engine.tracker.sent_on)
            self.say(f"stopped: {released} note(s) released, {end.heard} heard, {end.played} played, "
                     f"{runner.parser.dropped} malformed message(s) dropped; {runner.latency.summary()}")
            self.save_recording(end.played)  # before the ports close: a port that will not close cannot cost it
            if end.failure:
                self.warn(f"stopped: {end.failure}; every note it could reach was released")
            if runner.failure:  # the MIDI server is gone: its clients can only be left, not closed
                leave_now(end.code)
            closing = exit_within(CLOSE_SECONDS, end.code)
        closing.cancel()  # the ports closed
        disarm()
        return end

    def _silence(self, engine, runner, source, log) -> int:
        """The first thing every ending does: release every note, then let the last messages out."""
        signal.signal(signal.SIGINT, lambda *_: None)  # a second Ctrl-C must not interrupt the release
        backstop()
        released = engine.close()
        if runner.clock_out:
            runner.clock_out.stop()
        if not runner.failure:
            source.settle()  # the last note-offs reach every peer before any port closes
        log.flush()
        return released

    def _runner(self, engine, source, output, connection: Connection, watch, log) -> Runner:
        """The real-time loop on the chosen clock, and every signal that ends a session (a closed
        terminal or a dropped ssh too) stopping it cleanly."""
        spq = engine.companion.steps_per_quarter
        clock = MidiClock(spq) if connection.clock == "midi" else InternalClock(self.settings.bpm, spq,
                                                                                time.perf_counter())
        clock_out = None
        if connection.clock_out:
            from .clock_out import ClockOut

            clock_out = ClockOut(output.send, clock, engine.companion.metre)
        runner = Runner(engine, clock, source, watch=watch, clock_out=clock_out, log=log,
                        load_companion=self.load_companion, view=self.view.feed if self.view else None)
        for ending in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(ending, lambda *_: runner.stop())
        return runner

    def simulate(self, events, steps: int) -> SessionEnd:
        """The session on in-memory ports and a simulated clock: `events` are (grid position, message)."""
        clock = SimulatedClock()
        engine = self.engine = Engine(self.companion, MemoryOutput(clock).send, self.settings, self.recorder, self.say)
        try:
            drive(engine, clock, events, steps)
        finally:
            released = engine.close()
        self.save_recording(engine.tracker.sent_on)
        return SessionEnd(0, None, released, engine.notes_in, engine.tracker.sent_on)

    def save_recording(self, played: int) -> None:
        """The session's file and its kept take, or a fallback beside each that the line names: a
        recording is never lost."""
        if self.record:
            saved = save_or_fallback(self.recorder.save, self.record, "the recording")
            self.say(f"recorded {saved} (your part and musigan's on separate tracks)")
        if self.keep:
            kept = save_or_fallback(self.recorder.save, self.keep, "the take")
            try:
                write_card(self.recorder, kept, self.companion.name, self.settings.mode, self.began, played)
            except OSError as exc:
                self.warn(f"the take's card was not written ({exc.strerror or exc}); the take is kept")
            self.say(f"kept this take: {kept} (`musigan sessions` lists them; --no-keep keeps none)")
