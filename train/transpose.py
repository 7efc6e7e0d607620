"""Key handling: normalise pieces to C major / A minor, or augment them into other keys."""
from __future__ import annotations

import numpy as np

from ..models.notes import END, PITCH, START, NoteSequence
from ..models.preset_schema import TRANSPOSE_MODES

# Krumhansl & Kessler (1982) key profiles, C major and C minor.
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
AUGMENT_SHIFTS = range(-5, 7)  # `augment`: every key, from a fourth down to a fifth up



def pitch_class_histogram(sequence: NoteSequence) -> np.ndarray:
    """Duration-weighted pitch-class histogram."""
    notes = sequence.notes
    return np.bincount(notes[:, PITCH] % 12, weights=notes[:, END] - notes[:, START], minlength=12)


def estimate_key(sequence: NoteSequence) -> tuple[int, str]:
    """(tonic pitch class, 'major'|'minor') by the Krumhansl-Schmuckler correlation method."""
    hist = pitch_class_histogram(sequence)
    best = max(((np.corrcoef(hist, np.roll(profile, tonic))[0, 1], tonic, mode)
                for mode, profile in (("major", MAJOR), ("minor", MINOR)) for tonic in range(12)),
               key=lambda item: item[0])
    return best[1], best[2]


def normalize_key(sequence: NoteSequence) -> NoteSequence:
    """Transpose to C major or A minor by the smallest shift (-6..+5 semitones)."""
    tonic, mode = estimate_key(sequence)
    target = 0 if mode == "major" else 9
    shift = (target - tonic + 6) % 12 - 6
    return sequence.transpose(shift)


def in_range_shifts(sequence: NoteSequence, shifts, low: int = 21, high: int = 108) -> list[int]:
    """The shifts that keep every note of the piece inside [low, high]."""
    if not len(sequence):
        return []
    lo, hi = int(sequence.notes[:, PITCH].min()), int(sequence.notes[:, PITCH].max())
    return [s for s in shifts if lo + s >= low and hi + s <= high]


def apply_transposition(pieces: list[NoteSequence], mode: str, shifts=AUGMENT_SHIFTS,
                        low: int = 21, high: int = 108) -> list[NoteSequence]:
    """`none`, `normalize` (every piece to C/Am) or `augment` (every piece in every shift that fits)."""
    if mode == "none":
        return list(pieces)
    if mode == "normalize":
        return [normalize_key(p) for p in pieces if len(p)]
    if mode == "augment":
        return [p.transpose(s) for p in pieces for s in in_range_shifts(p, shifts, low, high)]
    raise ValueError(f"unknown transposition {mode!r}; choose one of {', '.join(TRANSPOSE_MODES)}")
