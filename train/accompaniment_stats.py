"""How a song's accompaniment is judged, as ReaLchords judges its chords: how often the chord
changes in a bar, how much of the melody lies in the chord sounding under it (on the beats, and all
its notes), how many chord changes fall on a beat, and which chords it uses.

Every figure is read from notes, so the tunes' own chords (a lead sheet's chord symbols, or the
analysis' chords), an accompanied clip's chord track and a chorale's voices are measured alike
(`bench/accompany.py`, and the accompaniment tests)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models import chords
from ..models.metre import Metre
from ..models.notes import END, PITCH, START, VOICE, NoteSequence


def chord_per_step(sequence: NoteSequence, voices, steps: int) -> np.ndarray:
    """The chord the notes of `voices` spell at each step (NO_CHORD where none sound)."""
    notes = sequence.notes[np.isin(sequence.notes[:, VOICE], list(voices))]
    sounding = [[] for _ in range(steps)]
    for pitch, start, end in notes[:, [PITCH, START, END]]:
        for t in range(max(0, start), min(steps, end)):
            sounding[t].append(pitch)
    return np.array([chords.spelled_by(pitches) for pitches in sounding], dtype=np.int32)


@dataclass
class Accompaniment:
    """One tune's melody (pitch, start) and the chord sounding at each of its steps."""

    melody: np.ndarray        # (n, 2): pitch, start step of each melody note
    harmony: np.ndarray       # (steps,) chord tokens
    steps_per_beat: int
    steps_per_bar: int

    @classmethod
    def of(cls, piece: NoteSequence, melody_voice: int, chord_voices) -> "Accompaniment":
        metre = Metre(*piece.time_signature)
        melody = piece.notes[piece.notes[:, VOICE] == melody_voice][:, [PITCH, START]]
        steps = int(piece.notes[piece.notes[:, VOICE] == melody_voice, END].max())
        return cls(melody, chord_per_step(piece, chord_voices, steps),
                   metre.steps_per_beat(piece.steps_per_quarter), metre.steps_per_bar(piece.steps_per_quarter))

    def changes(self) -> np.ndarray:
        """The steps where a new chord begins (from one chord to another; silence is no chord)."""
        played = np.flatnonzero(self.harmony != chords.NO_CHORD)
        if not len(played):
            return played
        moved = self.harmony[played[1:]] != self.harmony[played[:-1]]
        return played[1:][moved]

    def changes_per_bar(self) -> float:
        played = np.flatnonzero(self.harmony != chords.NO_CHORD)
        bars = len(played) / self.steps_per_bar
        return len(self.changes()) / bars if bars else float("nan")

    def on_beat_share(self) -> float:
        changes = self.changes()
        return float(np.mean(changes % self.steps_per_beat == 0)) if len(changes) else float("nan")

    def melody_in_chord(self, on_beats: bool = False) -> float:
        """The share of the melody's notes (only those struck on a beat, if asked) whose pitch class
        is one of the chord sounding as they are struck; notes under no chord are not counted."""
        inside = []
        for pitch, start in self.melody:
            if start >= len(self.harmony) or self.harmony[start] == chords.NO_CHORD:
                continue
            if on_beats and start % self.steps_per_beat:
                continue
            inside.append(chords.holds(int(self.harmony[start]), int(pitch)))
        return float(np.mean(inside)) if inside else float("nan")

    def vocabulary(self) -> set[int]:
        return set(np.unique(self.harmony).tolist()) - {chords.NO_CHORD}


FIGURES = ("changes per bar", "melody in chord, beats", "melody in chord, all", "changes on a beat")


def figures(accompaniments: list[Accompaniment]) -> dict[str, float]:
    """The mean of each figure over the tunes, and the number of distinct chords used."""
    rows = np.array([(a.changes_per_bar(), a.melody_in_chord(on_beats=True), a.melody_in_chord(), a.on_beat_share())
                     for a in accompaniments], dtype=float)
    counted = ~np.isnan(rows)  # a figure a tune has none of (no chord change: no share of them on a beat)
    means = np.where(counted.any(0), np.where(counted, rows, 0).sum(0) / np.maximum(counted.sum(0), 1), np.nan)
    vocabulary = set().union(*(a.vocabulary() for a in accompaniments))
    return {**dict(zip(FIGURES, means.tolist())), "chords used": len(vocabulary)}
