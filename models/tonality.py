"""Keys: which key a piece or a player's phrase is in (Krumhansl-Schmuckler), and its scale.

Shared by training (normalising and augmenting keys), the music statistics, and the live companion,
which answers in the key the player is playing in.
"""
from __future__ import annotations

import numpy as np

from .notes import END, PITCH, START, NoteSequence

# Krumhansl & Kessler (1982) key profiles, C major and C minor.
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
# a key's pitch classes from its tonic; minor with its leading tone (G sharp in A minor) as in Bach
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10, 11)}
MIN_NOTES = 4  # fewer notes than this name no key


def pitch_class_histogram(sequence: NoteSequence) -> np.ndarray:
    """Duration-weighted pitch-class histogram."""
    notes = sequence.notes
    return np.bincount(notes[:, PITCH] % 12, weights=notes[:, END] - notes[:, START], minlength=12)


def _standardised(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(axis=-1, keepdims=True)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


# the 24 keys' profiles, standardised once: one matrix product correlates a histogram with all of them
KEYS = [(tonic, mode) for mode in ("major", "minor") for tonic in range(12)]
PROFILES = _standardised(np.stack([np.roll(MAJOR if mode == "major" else MINOR, tonic) for tonic, mode in KEYS]))


def key_of_histogram(hist) -> tuple[int, str]:
    """(tonic pitch class, 'major'|'minor'): the key profile the histogram correlates with best."""
    return KEYS[int(np.argmax(PROFILES @ _standardised(np.asarray(hist, float))))]


def estimate_key(sequence: NoteSequence) -> tuple[int, str]:
    return key_of_histogram(pitch_class_histogram(sequence))


def key_of(pitches, min_notes: int = MIN_NOTES) -> tuple[int, str] | None:
    """The key of a run of pitches (a player's last notes), or None for fewer than `min_notes` or a
    single pitch class."""
    pitches = np.asarray(list(pitches), int)
    hist = np.bincount(pitches % 12, minlength=12)
    if len(pitches) < min_notes or np.count_nonzero(hist) < 2:
        return None
    return key_of_histogram(hist)


def home_shift(key: tuple[int, str]) -> int:
    """The smallest transposition (-6..+5 semitones) that takes `key` to C major or A minor, the two
    keys a key-normalised corpus is in."""
    tonic, mode = key
    return ((0 if mode == "major" else 9) - tonic + 6) % 12 - 6


def scale_classes(key: tuple[int, str]) -> np.ndarray:
    """bool[12]: the pitch classes of `key`'s scale."""
    tonic, mode = key
    classes = np.zeros(12, bool)
    classes[[(tonic + step) % 12 for step in SCALES[mode]]] = True
    return classes


def key_bias(pitches, key: tuple[int, str] | None, pull: float) -> np.ndarray:
    """Offsets to the logits of `pitches`: 0 in `key`'s scale, -`pull` nats outside it (all 0 for no
    key or no pull). How the companion answers in the player's key."""
    pitches = np.asarray(pitches, int)
    if key is None or not pull:
        return np.zeros(len(pitches))
    return np.where(scale_classes(key)[pitches % 12], 0.0, -float(pull))


def in_key_share(pitches, key: tuple[int, str]) -> float:
    pitches = np.asarray(list(pitches), int)
    return float(scale_classes(key)[pitches % 12].mean()) if len(pitches) else 0.0
