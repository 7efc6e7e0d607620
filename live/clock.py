"""Grid time: the internal tempo, or the DAW's MIDI clock (24 ppqn), as step positions.

Both clocks answer the same two questions for the runner: where on the grid is time `t` (a float
step position), and when does the next step begin.
"""
from __future__ import annotations

import math

PPQN = 24


class InternalClock:
    """The companion's own tempo. A tempo change glides: the step length moves a little at each step
    boundary (`begin_step`), and the grid is re-anchored there, so no position ever jumps."""

    def __init__(self, bpm: float, steps_per_quarter: int, start: float):
        self.steps_per_quarter = steps_per_quarter
        self.anchor_step, self.anchor_time = 0, start
        self.target_bpm, self.glide_per_step = bpm, 0.0
        self.set_bpm(bpm)

    def restart(self, start: float) -> None:
        """Grid step 0 is at `start` (a session that waited before it began: the demo, for its view)."""
        self.anchor_step, self.anchor_time = 0, start

    def set_bpm(self, bpm: float) -> None:
        if bpm <= 0:
            raise ValueError(f"bpm must be positive, got {bpm}")
        self.bpm = bpm
        self.step_seconds = 60.0 / bpm / self.steps_per_quarter

    def glide_to(self, bpm: float, steps: int) -> None:
        """Reach `bpm` over the next `steps` grid steps, a straight line in bpm."""
        self.target_bpm = bpm
        self.glide_per_step = (bpm - self.bpm) / max(1, steps)

    def begin_step(self, step: int) -> None:
        """Grid step `step` begins: move the tempo one step along its glide, anchoring the grid here."""
        if self.bpm == self.target_bpm:
            return
        self.anchor_time, self.anchor_step = self.next_step_time(step), step
        moved = self.bpm + self.glide_per_step
        self.set_bpm(self.target_bpm if (self.target_bpm - moved) * self.glide_per_step <= 0 else moved)

    def position(self, t: float) -> float:
        return self.anchor_step + (t - self.anchor_time) / self.step_seconds

    def next_step_time(self, step: int) -> float:
        """When grid step `step` begins (at the present tempo)."""
        return self.time_at(step)

    def time_at(self, position: float) -> float:
        """When the grid reaches `position` (a float step) at the present tempo."""
        return self.anchor_time + (position - self.anchor_step) * self.step_seconds

    @property
    def running(self) -> bool:
        return True

    def stalled(self, now: float) -> bool:
        return False


class MidiClock:
    """Follows start/stop/continue, song position and 24-per-quarter clock ticks from the DAW.

    `feed` returns the grid step that a tick begins (or None), so steps land on the DAW's grid.
    Between ticks, positions are interpolated with the measured tick interval.
    """

    def __init__(self, steps_per_quarter: int):
        if PPQN % steps_per_quarter:
            raise ValueError(f"MIDI clock follow needs steps per quarter dividing 24, got {steps_per_quarter}")
        self.steps_per_quarter = steps_per_quarter
        self.ticks_per_step = PPQN // steps_per_quarter
        self.ticks, self.running = 0, False
        self.last_tick_time: float | None = None
        self.tick_seconds = 60.0 / 120 / PPQN  # until measured

    @property
    def bpm(self) -> float:
        return 60.0 / (self.tick_seconds * PPQN)

    def feed(self, message, t: float) -> int | None:
        kind = message.type
        if kind == "start":
            self.ticks, self.running, self.last_tick_time = 0, True, None
            return 0
        if kind in ("continue", "stop"):
            self.running = kind == "continue"
            self.last_tick_time = None  # the pause is no tick interval: the tempo is measured afresh
        elif kind == "songpos":
            self.ticks = message.pos * 6  # song position counts 16th notes, 6 ticks each
        elif kind == "clock" and self.running:
            if self.last_tick_time is not None:
                interval = t - self.last_tick_time
                if 0 < interval < 1.0:  # smooth, and ignore the gap after a stop
                    self.tick_seconds += 0.1 * (interval - self.tick_seconds)
            self.last_tick_time = t
            self.ticks += 1
            if self.ticks % self.ticks_per_step == 0:
                return self.ticks // self.ticks_per_step
        return None

    def stalled(self, now: float) -> bool:
        """Running, but no tick for more than two beats at the last tempo: the DAW has gone away."""
        return self.running and self.last_tick_time is not None and now - self.last_tick_time > 2 * PPQN * self.tick_seconds

    @property
    def ticks_position(self) -> float:
        """The transport's position in grid steps, as the ticks counted so far put it."""
        return self.ticks / self.ticks_per_step

    def position(self, t: float) -> float:
        since = 0.0 if self.last_tick_time is None or not self.running else (t - self.last_tick_time)
        fraction = min(since / self.tick_seconds, 1.0)
        return (self.ticks + fraction) / self.ticks_per_step

    def next_step_time(self, step: int) -> float:
        """Only a tick starts a step; no step is due on its own."""
        return math.inf
