"""Key handling: normalise pieces to C major / A minor, or augment them into other keys."""
from __future__ import annotations


from ..models.notes import PITCH, NoteSequence
from ..models.preset_schema import TRANSPOSE_MODES
from ..models.tonality import estimate_key, home_shift

AUGMENT_SHIFTS = range(-5, 7)  # `augment`: every key, from a fourth down to a fifth up


def normalize_key(sequence: NoteSequence) -> NoteSequence:
    """Transpose to C major or A minor by the smallest shift (-6..+5 semitones)."""
    return sequence.transpose(home_shift(estimate_key(sequence)))


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
