"""Accompany mode: a band's keyboard player under the player's melody. On each beat the companion
names the chord of that beat from the melody heard so far (`live/chord_companion.py`), so the chord
sounds on the beat, with the player, not after them; it is played in a comping pattern over a bass
on its own channel, at the player's loudness, from the first note the player plays until a bar has
passed without one."""
from __future__ import annotations

from .modes import Part

COMPING = ("held", "pulse", "arpeggio")   # held chords; a stab on every beat; the chord's tones in turn
CHORD_VOICE, BASS_VOICE = 0, 1


class Accompany(Part):
    name = "accompany"

    def __init__(self, engine):
        super().__init__(engine)
        self.chord: list[int] = []       # the chord's tones now, top down, in the player's key
        self.bass: int | None = None     # its root in the bass
        self.sounding: set[int] = set()  # the chord tones sounding now
        self.last_heard: int | None = None  # the last step the player sounded a note in

    @staticmethod
    def refusal(companion) -> str | None:
        if companion.plays_chords:
            return None
        return f"accompany needs a preset that plays chords under a melody (like folk-chords); {companion.name} cannot"

    def step(self, step: int) -> None:
        engine = self.engine
        heard = engine.player.heard()
        if heard:
            self.last_heard = step
        per_beat = engine.companion.metre.steps_per_beat(engine.companion.steps_per_quarter)
        beat_step = step % engine.steps_per_bar % per_beat
        pitches = engine.companion.step(heard, sample=beat_step == 0)
        if self.last_heard is None or step - self.last_heard > engine.steps_per_bar:
            self.release_notes()  # the player stopped: so does the band, until they play again
            return
        if beat_step == 0:
            self.on_beat(step, sorted(pitches, reverse=True))
        else:
            self.within_beat(beat_step, per_beat)

    def on_beat(self, step: int, pitches: list[int]) -> None:
        engine = self.engine
        chord, bass = pitches[:-1], pitches[-1]
        changed = chord != self.chord or not self.sounding
        bar_start = step % engine.steps_per_bar == 0
        pattern = engine.settings.comping
        if changed or bar_start or bass != self.bass:
            if self.bass is not None:
                engine.stop_note(self.bass)
            self.bass = bass
            engine.play_note(bass, voice=BASS_VOICE, channel=engine.settings.bass_channel)
        if changed:
            engine.log(f"{engine.companion.chord_name} at {engine.where(step)}")
        self.chord = chord
        if pattern == "arpeggio":
            self.strike([chord[-1]])
        elif pattern == "pulse" or changed or bar_start:
            self.strike(chord)

    def within_beat(self, beat_step: int, per_beat: int) -> None:
        pattern = self.engine.settings.comping
        if pattern == "arpeggio" and self.chord:
            rising = self.chord[::-1]
            self.strike([rising[beat_step % len(rising)]])
        elif pattern == "pulse" and beat_step == max(1, per_beat // 2):
            self.strike([])  # a stab lasts half a beat

    def strike(self, pitches: list[int]) -> None:
        """Let go of the chord tones sounding and strike `pitches` afresh."""
        for pitch in sorted(self.sounding):
            self.engine.stop_note(pitch)
        for pitch in pitches:
            self.engine.play_note(pitch, voice=CHORD_VOICE)
        self.sounding = set(pitches)

    def release_notes(self) -> None:
        self.strike([])
        if self.bass is not None:
            self.engine.stop_note(self.bass)
        self.chord, self.bass = [], None

    def release(self, keep_plans: bool = False) -> None:
        self.chord, self.bass, self.sounding = [], None, set()
