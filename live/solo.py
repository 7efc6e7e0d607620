"""Solo mode: the companion plays on, a step at a time, hearing the player's notes as it goes; with
the loop on it repeats its last bars (and a mutation samples one pass of them afresh)."""
from __future__ import annotations

from .modes import Part
from .performance import voice_rank


class Solo(Part):
    name = "solo"

    def __init__(self, engine):
        super().__init__(engine)
        self.sounding: set[int] = set()   # the companion's pitches sounding now

    def step(self, step: int) -> None:
        engine = self.engine
        heard = engine.player.heard()
        if engine.position < engine.count_in_steps:  # counting in: it listens, and starts with the first bar after
            engine.companion.step(heard, sample=False)
            return
        index = self.looper.solo_index(step, engine.steps_per_bar)
        if index is None or self.looper.resampling:
            frame = engine.companion.step(heard)
            if index is not None:
                self.looper.resampled(index, frame)
        else:  # looping: it plays the loop and goes on listening to it and to the player
            frame = set(self.looper.frames[index])
            engine.companion.step(heard | frame, sample=False)
        if index == 0 and not self.looper.resampling:  # the pass now beginning is decided: show it ahead
            engine.show_plan(step, self.looper.frames)
        if index == 0:  # each pass strikes its notes afresh: a note held over the loop's seam is no drone
            for pitch in sorted(self.sounding):
                engine.stop_note(pitch)
            self.sounding = set()
        self.looper.played(frame)
        for pitch in sorted(self.sounding - frame):
            engine.stop_note(pitch)
        for pitch in sorted(frame - self.sounding):
            engine.play_note(pitch, voice=voice_rank(pitch, frame))
        self.sounding = frame

    def release(self, keep_plans: bool = False) -> None:
        self.sounding = set()
