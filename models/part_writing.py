"""Part-writing marks a musician would make on a four-part harmonization (soprano, alto, tenor, bass
as voices 0..3): parallel fifths and octaves, voice crossings, spacing, root position. What
`bench/voice_leading.py` counts for musigan and for Bach, and what harmonize mode avoids."""
from __future__ import annotations

import numpy as np

from .notes import END, PITCH, START, VOICE, NoteSequence

PERFECT = (0, 7)  # octave (or unison) and fifth, as pitch-class intervals


def chords(piece: NoteSequence) -> list[tuple[int, int, int, int]]:
    """The four voices' pitches (soprano .. bass) at every onset where all four sound, in order,
    repeated chords dropped."""
    notes = piece.notes
    out = []
    for t in np.unique(notes[:, START]):
        sounding = notes[(notes[:, START] <= t) & (notes[:, END] > t)]
        chord = []
        for voice in range(4):
            mine = sounding[sounding[:, VOICE] == voice]
            if not len(mine):
                break
            chord.append(int(mine[np.argmax(mine[:, START]), PITCH]))
        if len(chord) == 4 and (not out or tuple(chord) != out[-1]):
            out.append(tuple(chord))
    return out


def parallels(before, after) -> int:
    """Pairs of voices moving the same way from one perfect interval to the same one."""
    count = 0
    for upper in range(4):
        for lower in range(upper + 1, 4):
            was, now = abs(before[upper] - before[lower]) % 12, abs(after[upper] - after[lower]) % 12
            moves = np.sign(after[upper] - before[upper]), np.sign(after[lower] - before[lower])
            if was == now and now in PERFECT and moves[0] == moves[1] != 0:
                count += 1
    return count


def root(chord) -> int:
    """The root pitch class: the chord tone over which the others stack best as thirds and a fifth."""
    classes = {p % 12 for p in chord}

    def fits(r):
        return sum(((c - r) % 12) in (0, 3, 4, 7, 10) for c in classes) + 0.5 * (((r + 7) % 12) in classes)

    return max(sorted(classes), key=fits)


def marks(pieces) -> dict:
    changes = fifths = crossings = spacing = rooted = total = 0
    for piece in pieces:
        sequence = chords(piece)
        for before, after in zip(sequence, sequence[1:]):
            changes += 1
            fifths += parallels(before, after)
        for chord in sequence:
            total += 1
            crossings += any(chord[v] < chord[v + 1] for v in range(3))
            spacing += chord[0] - chord[1] > 12 or chord[1] - chord[2] > 12
            rooted += chord[3] % 12 == root(chord)
    per = 100 / max(changes, 1)
    return {"chord changes": changes, "parallels": fifths * per, "crossings": crossings * per,
            "spacing": spacing * per, "root position": rooted / max(total, 1)}
