"""The song accompanist's companion: a `leadsheet` preset that hears the player's melody a step at a
time and names the chord of each beat as the beat begins (`live/accompany.py` plays it).

It keeps the companion contract (`models/contracts.py`): `step(forced, sample=True)`, which the part
calls as a beat begins, draws that beat's chord from what it has heard so far and returns its
pitches (the chord voiced, its root in the bass); `step(forced, sample=False)` holds the chord and
only listens. A key-normalised preset
hears the player transposed to C / Am and its chords are moved back, as every companion's notes are."""
from __future__ import annotations

import numpy as np

from ..models import chords
from ..models.tonality import key_bias
from .companion import LanguageModelCompanion


class ChordCompanion(LanguageModelCompanion):
    def start_from(self, primer) -> None:
        super().start_from(primer)
        self.melody: int | None = None            # the player's top note sounding, as the model heard it
        self.chord = chords.NO_CHORD              # the chord it names now, in the model's key
        self.voicing: list[int] = []              # that chord's tones, top down, in the model's key

    plays_chords = True

    @property
    def chord_name(self) -> str:
        """The chord it plays now, in the player's key (C, Am, G7; N.C. before the first)."""
        return chords.chord_name(chords.transposed(self.chord, self.shift))

    def _step(self, forced: set[int], sample: bool) -> set[int]:
        """The step that ends is the melody the player sounded in it, then STEP; the step that begins
        is its chord, drawn on a beat (`sample`), else held: as the encoding spells a lead sheet, the
        chord of a step comes from the melody before it."""
        encoding = self.encoding
        if self.chord != chords.NO_CHORD:  # a step is open: the melody heard in it closes it
            top = max(forced) if forced else None
            if top is not None and top != self.melody:
                self._feed(self._in_range(top) - encoding.range.low)
            elif top is None and self.melody is not None:
                self._feed(encoding.rest)
            self.melody = top
            self._feed(encoding.step_token)
        if sample:  # a beat begins: the one place a lead sheet's chord changes
            self._feed(encoding.beat)
        if sample or self.chord == chords.NO_CHORD:
            self.chord = self._draw_chord()
            self.voicing = chords.voicing(self.chord, self.voicing)
        self._feed(encoding.chord_token(self.chord))
        if not sample:
            return set()
        self.sampler.end_step()
        return {*self.voicing, chords.bass_of(self.chord)}

    def _draw_chord(self) -> int:
        """The chord of the step beginning. Keeping the chord shapes the harmonic rhythm, as a step's
        end shapes a melody's: whether it changes is drawn at temperature 1, and only which chord it
        changes to feels the temperature. A band plays through: never no chord."""
        encoding = self.encoding
        allowed = encoding.is_chord.copy()
        allowed[encoding.chord_token(chords.NO_CHORD)] = False
        keep = np.zeros(encoding.vocab_size, bool)
        keep[encoding.chord_token(self.chord)] = self.chord != chords.NO_CHORD
        token = self.sampler.categorical(self.chances(), allowed, keep, np.ones(encoding.vocab_size, bool))
        return token - encoding.first_chord

    def bias_for(self, key, pull: float) -> np.ndarray:
        """The key's pull on chords too: a chord loses `pull` nats times the share of its tones likely
        outside the player's key, so after a modulation the chords move as soon as the key does."""
        bias = super().bias_for(key, pull)
        tones = chords.TONES[:chords.CHORDS]
        outside = key_bias(np.arange(12), key, pull)  # per pitch class
        bias[self.encoding.first_chord:self.encoding.first_chord + chords.CHORDS] = (
            tones @ outside / tones.sum(axis=1))
        return bias

    def _in_range(self, pitch: int) -> int:
        """A melody note outside the model's range, heard an octave (or more) nearer it."""
        low, high = self.encoding.range.low, self.encoding.range.high
        while pitch < low:
            pitch += 12
        while pitch > high:
            pitch -= 12
        return pitch

