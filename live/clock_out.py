"""The companion as MIDI clock master (`--clock-out`): 24 ticks a quarter note at the internal
clock's tempo, Start at the beginning, Stop at the end, so a DAW set to Sync follows its tempo
(and a tempo knob's glide)."""
from __future__ import annotations

import mido

from .clock import PPQN


class ClockOut:
    def __init__(self, send, clock):
        self.send, self.clock = send, clock
        self.ticks_per_step = PPQN / clock.steps_per_quarter
        self.ticks = 0
        self.running = False

    def start(self) -> None:
        """Song position 0, then Start: the DAW's transport begins with the companion's first step."""
        self.send(mido.Message("songpos", pos=0))
        self.send(mido.Message("start"))
        self.running = True

    def next_tick_time(self) -> float:
        return self.clock.time_at(self.ticks / self.ticks_per_step)

    def send_due(self, now: float) -> int:
        """Send every tick due by `now` (each at its place on the grid); returns how many."""
        sent = 0
        while self.running and self.next_tick_time() <= now:
            self.send(mido.Message("clock"))
            self.ticks += 1
            sent += 1
        return sent

    def stop(self) -> None:
        if self.running:
            self.send(mido.Message("stop"))
            self.running = False
