"""`leadsheet`: a melody and the chord under it, step by step, as a lead sheet reads.

Each grid step is spelled as BEAT if a beat of the piece's metre begins there, then its chord (one of
`models/chords.py`'s 49), then the melody note that starts in it (a pitch) or REST where the melody
falls silent, then STEP. The chord comes before the step's melody, so a model trained on it names
the chord of a step from the melody *before* it, as ReaLchords does: the live accompaniment
(`live/accompany.py`) can strike the chord on the beat, with the player, not after. BEAT tells the
model where a chord may change (a lead sheet's chords change on beats), whatever the metre.

Where a piece carries its own chords (chord symbols read from a score, or any voice beside the
melody, such as a MIDI lead sheet's chord track), each step's chord is the one its notes spell; a bare
tune is given chords by `models/harmonic_analysis.py`. Decoding voices the chords: the melody on the
stream's channel, the chord on the next, its root in the bass on the one after.
"""
from __future__ import annotations

import numpy as np

from .. import chords
from ..harmonic_analysis import analyse
from ..metre import Metre
from ..notes import END, PITCH, START, VOICE, NoteSequence
from .base import PitchRange, TokenDecoding
from .stream import StreamDecoder, TimedMessage

CHORD_VOICE = "chords"   # a score's chord symbols are read into a voice of this name (`models/score_file.py`)


def melody_line(sequence: NoteSequence, accompaniment: set[int]) -> np.ndarray:
    """(pitch, start, end) of the top line of the voices that are not the accompaniment: one note at
    a time, each ending where the next begins if it would sound on."""
    notes = sequence.notes[~np.isin(sequence.notes[:, VOICE], list(accompaniment))]
    notes = notes[np.lexsort((-notes[:, PITCH], notes[:, START]))]
    notes = notes[np.r_[True, notes[1:, START] != notes[:-1, START]]]  # the top note of each onset
    line = notes[:, [PITCH, START, END]].copy()
    line[:-1, 2] = np.minimum(line[:-1, 2], line[1:, 1])
    return line


def accompaniment_voices(sequence: NoteSequence) -> set[int]:
    """The voices that hold chords: the one named CHORD_VOICE if any, else every voice but the first."""
    voices = set(np.unique(sequence.notes[:, VOICE]).tolist())
    named = {v for v, name in enumerate(sequence.voice_names) if name == CHORD_VOICE}
    return named if named else voices - {min(voices, default=0)}


class LeadSheetEncoding(TokenDecoding):
    name = "leadsheet"
    rows = False
    holds_repeat = False
    can_harmonize = False
    plays_chords = True
    tokens_per_note = 2

    def __init__(self, low: int = 48, high: int = 96, steps_per_quarter: int = 2):
        self.range = PitchRange(low, high)
        self.steps_per_quarter = steps_per_quarter
        self.rest = self.range.width
        self.step_token = self.rest + 1
        self.beat = self.step_token + 1
        self.first_chord = self.beat + 1
        self.vocab_size = self.first_chord + chords.VOCABULARY
        tokens = np.arange(self.vocab_size)
        self.structural = (tokens == self.rest) | (tokens == self.step_token) | (tokens == self.beat)
        self.waits = tokens == self.step_token
        self.pitch_of = np.where(tokens < self.rest, low + tokens, -1)
        self.is_chord = tokens >= self.first_chord

    def begin(self) -> int:
        return self.step_token

    def release(self, pitch: int) -> int:
        return self.rest

    def chord_token(self, chord: int) -> int:
        return self.first_chord + chord

    def allowed_after(self, token: int | None, sounding: frozenset | None = None) -> np.ndarray:
        """A step is BEAT (where one begins), a chord, then at most one melody token, then STEP."""
        if token is None or token == self.step_token:
            allowed = self.is_chord.copy()
            allowed[self.beat] = True
            return allowed
        if token == self.beat:
            return self.is_chord.copy()
        allowed = np.zeros(self.vocab_size, bool)
        allowed[self.step_token] = True
        if token >= self.first_chord:
            allowed[:self.rest + 1] = True
        return allowed

    def config(self) -> dict:
        return {"name": self.name, "low": self.range.low, "high": self.range.high,
                "steps_per_quarter": self.steps_per_quarter}

    def beats_of(self, sequence: NoteSequence) -> tuple[int, int]:
        """(steps per beat, beats per bar) of the piece's metre; quarter-note beats, four a bar, for one
        the grid cannot count (music21 reads some pickups as 1/16)."""
        metre = Metre(*sequence.time_signature)
        try:
            return metre.steps_per_beat(self.steps_per_quarter), metre.beats_per_bar()
        except ValueError:
            return self.steps_per_quarter, 4

    def chords_per_step(self, sequence: NoteSequence, melody: np.ndarray, steps: int) -> np.ndarray:
        """The chord of every step: spelled by the piece's own chord voices, or analysed from its melody."""
        accompaniment = accompaniment_voices(sequence)
        notes = sequence.notes[np.isin(sequence.notes[:, VOICE], list(accompaniment))]
        if len(notes):
            return np.array([chords.spelled_by(notes[(notes[:, START] <= t) & (notes[:, END] > t), PITCH])
                             for t in range(steps)], dtype=np.int32)
        per_beat, beats = self.beats_of(sequence)
        line = sequence.with_notes(np.c_[melody, np.full((len(melody), 2), (80, 0))])
        return np.repeat(analyse(line, per_beat, beats), per_beat)[:steps]

    def encode(self, sequence: NoteSequence) -> np.ndarray:
        melody = melody_line(sequence, accompaniment_voices(sequence))
        if len(melody) and not (self.range.low <= melody[:, 0].min() and melody[:, 0].max() <= self.range.high):
            raise ValueError(f"{sequence.name or 'sequence'}: melody pitches {melody[:, 0].min()}..{melody[:, 0].max()} "
                             f"leave the encoding's range {self.range.low}..{self.range.high}")
        steps = int(melody[:, 2].max()) if len(melody) else 0
        harmony = self.chords_per_step(sequence, melody, steps)
        starts = dict(zip(melody[:, 1].tolist(), melody[:, 0].tolist()))
        sounding = np.zeros(steps + 1, bool)
        for _, start, end in melody:
            sounding[start:end] = True
        per_beat, _ = self.beats_of(sequence)
        tokens = []
        for t in range(steps):
            if t % per_beat == 0:
                tokens.append(self.beat)
            tokens.append(self.chord_token(int(harmony[t])))
            if t in starts:
                tokens.append(starts[t] - self.range.low)
            elif t and sounding[t - 1] and not sounding[t]:
                tokens.append(self.rest)
            tokens.append(self.step_token)
        return np.asarray(tokens, dtype=np.int32)

    def stream(self, channel: int = 0) -> "LeadSheetStream":
        return LeadSheetStream(self, channel)


class LeadSheetStream(StreamDecoder):
    """The melody on `channel`; the chord, voiced, on the next; its root in the bass on the one after.
    Each part keeps its own held notes, so the melody and a chord tone may share a pitch."""

    def __init__(self, encoding: LeadSheetEncoding, channel: int):
        super().__init__(channel)
        self.encoding = encoding
        self.chord_part, self.bass_part = StreamDecoder(channel + 1), StreamDecoder(channel + 2)
        self.chord = chords.NO_CHORD

    def feed(self, token) -> list[TimedMessage]:
        token, encoding = int(token), self.encoding
        if token == encoding.step_token:
            for part in (self, self.chord_part, self.bass_part):
                part.step += 1
            return []
        if token == encoding.beat:
            return []
        if token == encoding.rest:
            return [m for pitch in list(self.held) for m in self.note_off(pitch)]
        if token < encoding.rest:
            out = [m for pitch in list(self.held) for m in self.note_off(pitch)]
            return out + self.note_on(encoding.range.low + token)
        if not encoding.first_chord <= token < encoding.vocab_size:
            raise ValueError(f"token {token} is outside the leadsheet vocabulary ({encoding.vocab_size})")
        chord = token - encoding.first_chord
        if chord == self.chord:
            return []
        previous = sorted(self.chord_part.held, reverse=True)
        self.chord = chord
        out = self.chord_part.close() + self.bass_part.close()
        out += [m for pitch in chords.voicing(chord, previous) for m in self.chord_part.note_on(pitch)]
        bass = chords.bass_of(chord)
        return out + (self.bass_part.note_on(bass) if bass is not None else [])

    def close(self) -> list[TimedMessage]:
        return super().close() + self.chord_part.close() + self.bass_part.close()
