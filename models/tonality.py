"""Keys: which key a piece is in (Krumhansl-Schmuckler), its scale, and the chance of each key given
a player's notes (Temperley's profiles).

Shared by training (normalising and augmenting keys), the music statistics, and the live companion,
which answers in the key the player is playing in.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .notes import END, PITCH, START, NoteSequence

# Krumhansl & Kessler (1982) key profiles, C major and C minor.
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
# a key's pitch classes from its tonic; minor with its leading tone (G sharp in A minor) as in Bach
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10, 11)}
MIN_NOTES = 4  # fewer notes than this name no key
# Temperley (2007), "Music and Probability", from the Kostka-Payne textbook's excerpts: how likely each
# pitch class (from the tonic) is to sound in a stretch of music in a major / minor key (the same
# figures as music21's TemperleyKostkaPayne, BSD licence). A note outside the key is five to ten times
# less likely than one in it, sharper than the ratings above, so a few notes already tell keys apart.
TKP_MAJOR = np.array([0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400])
TKP_MINOR = np.array([0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330])


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


# each key's chance of each pitch class (rows: KEYS), in logs; and its scale, as 0/1
_NOTE_CHANCES = np.stack([np.roll(TKP_MAJOR if mode == "major" else TKP_MINOR, tonic) for tonic, mode in KEYS])
LOG_NOTE_CHANCES = np.log(_NOTE_CHANCES / _NOTE_CHANCES.sum(axis=1, keepdims=True))
SCALE_TABLE = np.stack([scale_classes(key) for key in KEYS]).astype(float)
HOME_SHIFTS = np.array([home_shift(key) for key in KEYS])


def normalised(log_chances: np.ndarray) -> np.ndarray:
    """Chances that sum to 1 from log chances known only up to a constant."""
    chances = np.exp(log_chances - log_chances.max())
    return chances / chances.sum()


@dataclass(frozen=True)
class KeyBelief:
    """The player's key as far as it is known: the chance of each of the 24 (KEYS)."""
    chances: np.ndarray

    @property
    def in_key(self) -> np.ndarray:
        """float[12]: each pitch class's chance of being in the key (1 or 0 when the key is certain; in
        between while F# and A# alone could be F# major, B major or D# minor)."""
        return self.chances @ SCALE_TABLE

    def home_shift_chances(self) -> np.ndarray:
        """float[12]: the chance that each transposition -6..+5 (index + 6) takes the key home to C
        major or A minor (a major key and its relative minor share one)."""
        return np.bincount(HOME_SHIFTS + 6, weights=self.chances, minlength=12)

    def transposed(self, semitones: int) -> KeyBelief:
        return KeyBelief(np.roll(self.chances.reshape(2, 12), semitones, axis=1).reshape(-1))


def key_bias(pitches, key: KeyBelief | None, pull: float) -> np.ndarray:
    """Offsets to the logits of `pitches`: each loses `pull` nats times its chance of being outside the
    player's key (all 0 for no key or no pull). How the companion answers in the player's key."""
    pitches = np.asarray(pitches, int)
    if key is None or not pull:
        return np.zeros(len(pitches))
    return -float(pull) * (1.0 - key.in_key[pitches % 12])


def in_key_share(pitches, key: tuple[int, str]) -> float:
    pitches = np.asarray(list(pitches), int)
    return float(scale_classes(key)[pitches % 12].mean()) if len(pitches) else 0.0
