"""Chords as a band's keyboard player names and plays them: a small vocabulary (major, minor,
dominant seventh and diminished on each of the 12 roots, and no chord), what pitch classes each
holds, which one a set of sounding notes spells, and how it is voiced over a bass.

The song accompaniment (`models/encodings/leadsheet.py`, `live/accompany.py`) speaks this vocabulary;
a chord is a token 0..48: `root * 4 + quality`, and NO_CHORD."""
from __future__ import annotations

import numpy as np

from .music_words import PITCH_CLASSES

QUALITIES = (("", (0, 4, 7)), ("m", (0, 3, 7)), ("7", (0, 4, 7, 10)), ("dim", (0, 3, 6)))
CHORDS = 12 * len(QUALITIES)
NO_CHORD = CHORDS
VOCABULARY = CHORDS + 1

# bool (49, 12): the pitch classes of each chord (no chord holds none)
TONES = np.zeros((VOCABULARY, 12), bool)
for _root in range(12):
    for _quality, (_, _intervals) in enumerate(QUALITIES):
        TONES[_root * len(QUALITIES) + _quality, [(_root + i) % 12 for i in _intervals]] = True

VOICING_LOW, VOICING_HIGH = 53, 72   # the chord's top three or four notes lie within F3..C5
BASS_LOW = 36                        # the bass plays the root within C2..B2


def chord(root: int, quality: str = "") -> int:
    """The token of a chord: chord(7, '7') is G7."""
    return (root % 12) * len(QUALITIES) + [q for q, _ in QUALITIES].index(quality)


def root_of(token: int) -> int:
    return token // len(QUALITIES)


def chord_name(token: int) -> str:
    """A chord as a lead sheet writes it: C, F#m, G7, Bdim; N.C. for none."""
    if token == NO_CHORD:
        return "N.C."
    return PITCH_CLASSES[root_of(token)] + QUALITIES[token % len(QUALITIES)][0]


def transposed(token: int, semitones: int) -> int:
    if token == NO_CHORD:
        return token
    return chord(root_of(token) + semitones, QUALITIES[token % len(QUALITIES)][0])


def holds(token: int, pitch: int) -> bool:
    """The pitch is one of the chord's tones (in any octave)."""
    return bool(TONES[token, pitch % 12])


def spelled_by(pitches) -> int:
    """The chord a set of sounding pitches spells best: the most of its tones, the fewest strangers, a
    triad before a seventh when both fit, and the lowest note as its root on a tie; NO_CHORD for silence."""
    pitches = sorted(int(p) for p in pitches)
    if not pitches:
        return NO_CHORD
    present = np.zeros(12, bool)
    present[[p % 12 for p in pitches]] = True
    fit = (TONES[:CHORDS] & present).sum(1) - 1.5 * (present & ~TONES[:CHORDS]).sum(1)
    fit = fit - 0.25 * TONES[:CHORDS].sum(1)  # a missing tone costs a little: C-E-G is C, not C7
    fit = fit + 0.5 * (np.arange(CHORDS) // len(QUALITIES) == pitches[0] % 12)
    return int(np.argmax(fit))


def voicing(token: int, previous: list[int] | None = None) -> list[int]:
    """The chord's tones, one each, within VOICING_LOW..VOICING_HIGH, as close to the `previous` voicing
    as they can lie (a keyboard player's smooth comping); top down. None for no chord."""
    if token == NO_CHORD:
        return []
    classes = np.flatnonzero(TONES[token])
    candidates = [p for p in range(VOICING_LOW, VOICING_HIGH + 1) if p % 12 in classes]
    centre = np.mean(previous) if previous else (VOICING_LOW + VOICING_HIGH) / 2 + 2
    chosen = []
    for pitch_class in classes:
        options = [p for p in candidates if p % 12 == pitch_class]
        chosen.append(min(options, key=lambda p: abs(p - centre)))
    return sorted(chosen, reverse=True)


def bass_of(token: int) -> int | None:
    """The chord's root in the bass's octave; None for no chord."""
    return None if token == NO_CHORD else BASS_LOW + root_of(token)
