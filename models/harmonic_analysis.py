"""Chords for a tune that has none written: the offline analysis the song accompaniment learns from.

O'Neill's dance tunes carry no chord symbols, so a player's accompaniment is worked out the way a
folk band's keyboard player would choose one: chords of the tune's key (its seven triads, the
dominant seventh, and the dominant's major chord in minor), one per beat, scored by how much of the
melody each holds (the notes that start on the beat counting most), and chosen by a Viterbi pass
that charges for every change of chord, least on the bar's first beat, more in mid-bar, most on a
weak beat. ReaLchords learns its online model from an offline one in the same spirit; here the
offline one is this rule, whose weights were set against the human chords of music21's lead sheets
(docs/RESULTS.md, "Accompany a song")."""
from __future__ import annotations

import numpy as np

from .chords import CHORDS, TONES, chord
from .notes import END, PITCH, START, NoteSequence
from .tonality import estimate_key

# (degree in semitones above the tonic, quality, prior chance) for each mode's candidate chords
CANDIDATES = {
    "major": ((0, "", .30), (7, "", .20), (5, "", .18), (9, "m", .10), (2, "m", .08), (7, "7", .08), (4, "m", .03),
              (2, "", .03)),
    "minor": ((0, "m", .30), (7, "", .12), (7, "7", .10), (5, "m", .12), (3, "", .12), (10, "", .12), (8, "", .06),
              (7, "m", .06)),
}
STRUCK = 1.5          # a melody note struck on the beat weighs this much more than one held into it
STRANGER = 1.5        # a melody note outside the chord costs this much (one inside earns 1)
PRIOR = 0.3           # weight of the chords' prior chances
CHANGE = {"bar": 0.1, "half": 0.6, "beat": 1.6}   # the cost of a chord change on each kind of beat


def beat_kinds(beats: int, beats_per_bar: int) -> list[str]:
    """Each beat's place: the bar's first, its middle (beat 3 of 4, beat 2 of 2), or another."""
    half = beats_per_bar // 2 if beats_per_bar % 2 == 0 else None
    return ["bar" if b % beats_per_bar == 0 else "half" if half and b % beats_per_bar == half else "beat"
            for b in range(beats)]


def fit_per_beat(melody: NoteSequence, steps_per_beat: int, beats: int) -> np.ndarray:
    """(beats, CHORDS): how well each chord holds the melody sounding in each beat."""
    fit = np.zeros((beats, CHORDS))
    inside = np.where(TONES[:CHORDS], 1.0, -STRANGER)  # (chords, 12)
    for pitch, start, end in melody.notes[:, [PITCH, START, END]]:
        for beat in range(start // steps_per_beat, min(beats, -(-end // steps_per_beat))):
            overlap = min(end, (beat + 1) * steps_per_beat) - max(start, beat * steps_per_beat)
            weight = overlap / steps_per_beat * (STRUCK if start == beat * steps_per_beat else 1.0)
            fit[beat] += weight * inside[:, pitch % 12]
    return fit


def analyse(melody: NoteSequence, steps_per_beat: int, beats_per_bar: int) -> np.ndarray:
    """One chord token per beat of the melody (the last beat the tune's last note sounds in)."""
    beats = max(1, -(-melody.total_steps // steps_per_beat))
    tonic, mode = estimate_key(melody)
    options = [chord(tonic + degree, quality) for degree, quality, _ in CANDIDATES[mode]]
    prior = PRIOR * np.log([chance for *_, chance in CANDIDATES[mode]])
    score = fit_per_beat(melody, steps_per_beat, beats)[:, options] + prior
    score[-1, 0] += 2.0  # a tune ends at home
    kinds = beat_kinds(beats, beats_per_bar)
    best, back = score[0].copy(), []
    for beat in range(1, beats):
        move = best.max() - CHANGE[kinds[beat]]
        stay = best >= move
        back.append(np.where(stay, np.arange(len(options)), int(best.argmax())))
        best = np.where(stay, best, move) + score[beat]
    path = [int(best.argmax())]
    for choice in reversed(back):
        path.append(int(choice[path[-1]]))
    return np.array([options[i] for i in reversed(path)], dtype=np.int32)
