"""NoteSequence: the one representation every corpus reader produces and every encoder consumes.

Notes live on a grid of `steps_per_quarter` steps per quarter note. They are kept as a single
(n, 5) int32 array (pitch, start, end, velocity, voice) so that caching (`.npz`), transposition and
encoding are vectorised NumPy, not Python loops over note objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

PITCH, START, END, VELOCITY, VOICE = range(5)
DEFAULT_VELOCITY = 80


def notes_array(rows=()) -> np.ndarray:
    """An (n, 5) int32 note array from rows of (pitch, start, end, velocity, voice)."""
    return np.asarray(list(rows), dtype=np.int32).reshape(-1, 5)


@dataclass(eq=False)
class NoteSequence:
    """Notes on a step grid, plus the tempo and metre needed to write them back out."""

    notes: np.ndarray = field(default_factory=notes_array)
    steps_per_quarter: int = 4
    tempo_bpm: float = 120.0
    time_signature: tuple[int, int] = (4, 4)
    name: str = ""
    voice_names: tuple[str, ...] = ()

    def __post_init__(self):
        self.notes = np.asarray(self.notes, dtype=np.int32).reshape(-1, 5)
        if len(self.notes):
            bad = (self.notes[:, END] <= self.notes[:, START]) | (self.notes[:, START] < 0)
            bad |= (self.notes[:, PITCH] < 0) | (self.notes[:, PITCH] > 127)
            if bad.any():
                raise ValueError(f"{self.name or 'NoteSequence'}: invalid note {self.notes[bad][0].tolist()}"
                                 " (needs 0 <= start < end and 0 <= pitch <= 127)")
        self.notes = self.notes[np.lexsort((self.notes[:, PITCH], self.notes[:, START]))]

    def __len__(self) -> int:
        return len(self.notes)

    def __eq__(self, other) -> bool:
        return (isinstance(other, NoteSequence) and np.array_equal(self.notes, other.notes)
                and self.steps_per_quarter == other.steps_per_quarter)

    @property
    def total_steps(self) -> int:
        return int(self.notes[:, END].max()) if len(self.notes) else 0

    @property
    def steps_per_bar(self) -> int:
        num, den = self.time_signature
        return max(1, round(self.steps_per_quarter * 4 * num / den))

    def with_notes(self, notes: np.ndarray) -> "NoteSequence":
        return replace(self, notes=notes)

    def transpose(self, semitones: int) -> "NoteSequence":
        """Shift every pitch; raises ValueError if a note would leave the MIDI range."""
        notes = self.notes.copy()
        notes[:, PITCH] += semitones
        return self.with_notes(notes)

    def with_max_length(self, steps: int) -> "NoteSequence":
        """Every note cut to at most `steps` long: no note may outlive the music around it."""
        notes = self.notes.copy()
        notes[:, END] = np.minimum(notes[:, END], notes[:, START] + steps)
        return self.with_notes(notes)

    def with_max_polyphony(self, voices: int) -> "NoteSequence":
        """At most `voices` notes sounding at once: a note that would be one too many ends the one that
        has sounded longest (a monophonic corpus's tunes stay one line, legato)."""
        notes = self.notes.copy()
        keep = np.ones(len(notes), bool)
        sounding: list[int] = []  # rows sounding, oldest first
        for row in range(len(notes)):  # sorted by start
            start = notes[row, START]
            sounding = [r for r in sounding if notes[r, END] > start]
            while len(sounding) >= voices:
                oldest = sounding.pop(0)
                notes[oldest, END] = start
                keep[oldest] = start > notes[oldest, START]
            sounding.append(row)
        return self.with_notes(notes[keep])

    def fits_range(self, low: int, high: int) -> bool:
        return not len(self.notes) or (self.notes[:, PITCH].min() >= low and self.notes[:, PITCH].max() <= high)

    def monophonic_per_pitch(self) -> "NoteSequence":
        """One sounding note per pitch at a time, as a MIDI channel can play it.

        Unisons (two voices on one pitch) keep the longer note; a note that a later same-pitch note
        overlaps is cut where the later one starts. Voice and velocity of the kept note survive.
        """
        if not len(self.notes):
            return self
        order = np.lexsort((-self.notes[:, END], self.notes[:, START], self.notes[:, PITCH]))
        notes = self.notes[order].copy()
        same_pitch_next = notes[1:, PITCH] == notes[:-1, PITCH]
        unison = same_pitch_next & (notes[1:, START] == notes[:-1, START])
        keep = np.ones(len(notes), bool)
        keep[1:][unison] = False
        notes = notes[keep]
        same_pitch_next = notes[1:, PITCH] == notes[:-1, PITCH]
        overlap = same_pitch_next & (notes[1:, START] < notes[:-1, END])
        notes[:-1, END][overlap] = notes[1:, START][overlap]
        return self.with_notes(notes)

    def merged_holds(self) -> "NoteSequence":
        """The sequence as a frame view sees it: same-pitch notes that touch or overlap become one.

        This is the documented ambiguity of the `frames` and `pianoroll` encodings (and of the JSB
        data): a held note and repeated notes look the same. Velocity becomes the default, voice 0.
        """
        if not len(self.notes):
            return self
        rows = []
        for pitch in np.unique(self.notes[:, PITCH]):
            spans = self.notes[self.notes[:, PITCH] == pitch][:, [START, END]]
            spans = spans[np.argsort(spans[:, 0], kind="stable")]
            start, end = spans[0]
            for s, e in spans[1:]:
                if s <= end:
                    end = max(end, e)
                else:
                    rows.append((pitch, start, end, DEFAULT_VELOCITY, 0))
                    start, end = s, e
            rows.append((pitch, start, end, DEFAULT_VELOCITY, 0))
        return self.with_notes(notes_array(rows))

    def sounding(self) -> np.ndarray:
        """Boolean (total_steps, 128) matrix of the pitches sounding at each step."""
        roll = np.zeros((self.total_steps, 128), dtype=bool)
        for pitch, start, end, *_ in self.notes:
            roll[start:end, pitch] = True
        return roll

    def slice_steps(self, start: int, end: int) -> "NoteSequence":
        """Notes sounding in [start, end), clipped to it and shifted so `start` becomes step 0."""
        n = self.notes
        inside = (n[:, START] < end) & (n[:, END] > start)
        notes = n[inside].copy()
        notes[:, START] = np.maximum(notes[:, START], start) - start
        notes[:, END] = np.minimum(notes[:, END], end) - start
        return self.with_notes(notes)
