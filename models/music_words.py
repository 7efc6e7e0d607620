"""Pitches and positions as a musician reads them (C4, F#5; bar 3 beat 2): every line a person reads
says these, never MIDI numbers or grid steps."""
from __future__ import annotations

from .metre import Metre

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def pitch_name(pitch: int) -> str:
    """60 -> C4 (middle C), 66 -> F#4."""
    return f"{PITCH_CLASSES[pitch % 12]}{pitch // 12 - 1}"


def pitch_names(pitches) -> str:
    """[60, 64, 67] -> 'C4 E4 G4'; [] -> 'none'."""
    return " ".join(pitch_name(int(p)) for p in pitches) or "none"


def bar_beat(step: float, steps_per_quarter: int, metre: Metre = Metre()) -> str:
    """A grid position as 'bar 3 beat 2' (bars and beats from 1; to the nearest quarter of a beat; in
    6/8 a beat is a dotted quarter)."""
    quarters_of_beats = round(4 * step / metre.steps_per_beat(steps_per_quarter))
    bar, rest = divmod(quarters_of_beats, 4 * metre.beats_per_bar())
    beat = f"{1 + rest / 4:g}"
    return f"bar {bar + 1} beat {beat}"
