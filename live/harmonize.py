"""Harmonize mode: voices under each note the player strikes, at once, released with it (or with the
pedal); at each grid step the companion hears what sounded, so the next chord follows on."""
from __future__ import annotations

from ..models.encodings import HARMONIZE_NEEDS
from ..models.music_words import pitch_name, pitch_names
from .modes import Part
from .player_notes import GRACE_STEPS


class Harmonize(Part):
    name = "harmonize"

    def __init__(self, engine):
        super().__init__(engine)
        self.harmony: dict[int, list[int]] = {}   # melody pitch -> the voices sounding under it
        self.pedal_held: set[int] = set()          # melodies let go under the sustain pedal
        self.chord: list[int] | None = None        # the last melody note and its voices, top down
        self.let_go: dict[int, float] = {}         # voices released since the last step -> when

    @staticmethod
    def refusal(companion) -> str | None:
        return None if companion.can_harmonize else f"{HARMONIZE_NEEDS}; {companion.name} cannot"

    def key_down(self, pitch: int, velocity: int, position: float, answer: bool) -> None:
        if not answer:
            return
        engine = self.engine
        self._release_voices(pitch)
        voices = []
        for index, voice in enumerate(engine.companion.voices_under(pitch, engine.settings.voices, self.chord)):
            engine.play_note(voice, velocity, index)
            voices.append(voice)
        self.harmony[pitch] = voices
        self.chord = [pitch, *voices]
        engine.log(f"heard {pitch_name(pitch)} at {engine.where(position)}; voices under it {pitch_names(voices)}")

    def key_up(self, pitch: int) -> None:
        if self.engine.player.sustain:
            self.pedal_held.add(pitch)
        else:
            self._release_voices(pitch)

    def pedal_up(self) -> None:
        for melody in sorted(self.pedal_held - set(self.engine.player.down)):
            self._release_voices(melody)
        self.pedal_held.clear()

    def _release_voices(self, melody: int) -> None:
        for voice in self.harmony.pop(melody, []):
            self.let_go[voice] = self.engine.position
            self.engine.stop_note(voice)

    def step(self, step: int) -> None:
        self.engine.companion.step(self.sounding_at(step), sample=False)

    def sounding_at(self, step: int) -> set[int]:
        """The music at this step boundary: the player's and the voices' notes sounding, and those let
        go a moment before it (legato, not a rest)."""
        player = self.engine.player
        recent = {p for p, when in self.let_go.items() if when > step - GRACE_STEPS} | player.recent(step)
        self.let_go.clear()
        return set(player.down) | self.engine.sounding() | recent

    def release(self, keep_plans: bool = False) -> None:
        self.harmony.clear()
        self.pedal_held.clear()
