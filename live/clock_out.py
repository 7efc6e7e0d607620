"""The companion as MIDI clock master (`--clock-out`): 24 ticks a quarter note at the internal
clock's tempo from launch, so a DAW set to Sync locks to its tempo (and follows a tempo knob's
glide); the DAW's transport starts on a bar line once the music does, and stops with the session.

A DAW usually connects after musigan starts (its virtual port does not exist before), so a Start
sent at launch would go unheard. Instead the transport starts at the first bar after the player's
first note (solo: its first bar), with Song Position Pointer + Continue: the DAW's bar lines fall on
the companion's, wherever its grid had got to.
"""
from __future__ import annotations

import mido

from ..models.metre import Metre
from .clock import PPQN

SIXTEENTH = PPQN // 4  # Song Position Pointer counts 16th notes


class ClockOut:
    def __init__(self, send, clock, metre: Metre = Metre()):
        self.send, self.clock = send, clock
        self.ticks_per_step = PPQN / clock.steps_per_quarter
        self.ticks_per_bar = metre.steps_per_bar(PPQN)  # ticks are a grid of PPQN steps a quarter
        self.ticks = 0
        self.cued = False       # the music has begun: start the DAW's transport at the next bar
        self.transport = False  # the DAW's transport is running

    def next_tick_time(self) -> float:
        return self.clock.time_at(self.ticks / self.ticks_per_step)

    def cue(self) -> None:
        self.cued = True

    def send_due(self, now: float) -> int:
        """Send every tick due by `now` (each at its place on the grid), starting the transport on
        the first bar line after the cue; returns how many ticks went out."""
        sent = 0
        while self.next_tick_time() <= now:
            if self.cued and not self.transport and self.ticks % self.ticks_per_bar == 0:
                self.send(mido.Message("songpos", pos=min(self.ticks // SIXTEENTH, 16383)))
                self.send(mido.Message("continue"))
                self.transport = True
            self.send(mido.Message("clock"))
            self.ticks += 1
            sent += 1
        return sent

    def stop(self) -> None:
        """The session ends: stop the DAW's transport (if it was started)."""
        if self.transport:
            self.send(mido.Message("stop"))
            self.transport = False
