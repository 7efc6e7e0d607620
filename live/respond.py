"""Respond mode: listen to a call, and when it has ended (or, past --max-listen, while it goes on)
answer it on the grid; on a bar, play the loop again or a mutation of the last answer. A note the
player strikes while an answer sounds cuts it short."""
from __future__ import annotations

import math

from ..models.music_words import pitch_names
from ..models.notes import PITCH, NoteSequence
from .answers import Schedule, call_sequence, onsets
from .modes import Part


class Respond(Part):
    name = "respond"

    def __init__(self, engine):
        super().__init__(engine)
        self.schedule = Schedule()   # the answer's note changes ahead
        self.cutting_in = False      # an answer past --max-listen: the player plays on under it

    @property
    def answering(self) -> bool:
        return bool(self.schedule)

    def key_down(self, pitch: int, velocity: int, position: float, answer: bool) -> None:
        engine = self.engine
        if engine.answering and not self.cutting_in:
            engine.log(f"you played at {engine.where(position)}: answer cut short")
            engine.release_all()

    def step(self, step: int) -> None:
        self.play_due(step)
        self.think(step)
        self.play_due(step)  # an answer found at this step begins at it

    def play_due(self, step: int) -> None:
        for kind, pitch, voice in self.schedule.due(step):
            self.engine.play_note(pitch, voice=voice) if kind == "on" else self.engine.stop_note(pitch)

    def think(self, step: int) -> None:
        engine, player, settings = self.engine, self.engine.player, self.engine.settings
        if not self.schedule:
            self.cutting_in = False
        on_bar = step % engine.steps_per_bar == 0
        if on_bar and self.looper.call is not None and self.looper.take_mutation():
            engine.release_all()
            variation = self.sample(self.looper.call, len(self.looper.frames), step)
            self.looper.keep(variation, self.looper.call)  # loop on, the variation is what repeats
            self.plan(step, variation)
            return
        if on_bar and self.looper.on and self.looper.frames and not self.schedule and not player.down:
            self.plan(step, self.looper.frames)
            return
        began = player.first_start()
        if began is None or engine.answering:
            return
        gap = settings.phrase_gap_beats * engine.companion.steps_per_quarter
        ended = player.phrase and not player.down and not player.sustain and step - player.last_release >= gap
        if ended and player.last_release - began >= settings.min_listen_bars * engine.steps_per_bar:
            self.answer(step)
        elif (bars := settings.max_listen_bars) and step - began >= bars * engine.steps_per_bar:
            player.cut(step)
            self.cutting_in = True
            self.answer(step)

    def answer(self, step: int) -> None:
        """Answer the call at once, on the grid: the silence that ended it already took its time."""
        engine = self.engine
        phrase = call_sequence(engine.player.take_phrase(), engine.companion.steps_per_quarter)
        per_beat = engine.companion.steps_per_quarter
        bars = engine.settings.answer_bars
        length = bars * engine.steps_per_bar if bars else math.ceil(phrase.total_steps / per_beat) * per_beat
        frames = self.sample(phrase, length, step)
        self.looper.keep(frames, phrase)
        self.plan(step, frames)
        notes = onsets(frames)
        engine.log(f"heard {len(phrase)} notes {pitch_names(phrase.notes[:, PITCH])}; answering {len(notes)} "
                   f"notes {pitch_names(notes)} from {engine.where(step)}")

    def plan(self, step: int, frames: list[set[int]]) -> None:
        """Schedule frames from `step` on, and show them ahead of the playhead."""
        self.schedule.add_frames(step, frames)
        self.engine.show_plan(step, frames)

    def sample(self, call: NoteSequence, length: int, step: int) -> list[set[int]]:
        companion = self.engine.companion
        companion.listen(call, answer_at=step)
        return [companion.step() for _ in range(length)]

    def release(self, keep_plans: bool = False) -> None:
        if not keep_plans:
            self.schedule.clear()

    def shift(self, steps: int) -> None:
        self.schedule.shift(steps)
