"""`musigan play --demo`: a phrase from the bundled Bach chorales played into the companion.

Harmonize gets a chorale's soprano line to harmonise; respond gets two two-bar phrases of it, each
answered; solo gets the companion playing while the melody comes in now and then.
"""
from __future__ import annotations

import mido

from ..models.notes import END, PITCH, START

DEMO_CHORALE = "bwv26.6"  # a well-known four-part chorale shipped with music21


def soprano_line(steps_per_quarter: int):
    """(pitch, start, end) of the chorale's top voice on the companion's grid."""
    from music21 import corpus

    from ..train.readers import read_file

    path = next(p for p in corpus.getComposer("bach") if p.name.startswith(DEMO_CHORALE + "."))
    piece = read_file(path, steps_per_quarter)[0]
    top = max(set(piece.notes[:, 4].tolist()), key=lambda v: piece.notes[piece.notes[:, 4] == v, PITCH].mean())
    notes = piece.notes[piece.notes[:, 4] == top]
    return [(int(n[PITCH]), int(n[START]), int(n[END])) for n in notes]


def demo_events(mode: str, steps_per_quarter: int, answer_bars: int) -> tuple[list, int]:
    """The player's (position, message) list for a mode, and how many steps the demo lasts."""
    bar = 4 * steps_per_quarter
    melody = soprano_line(steps_per_quarter)
    if mode == "respond":
        phrase = [n for n in melody if n[1] < 2 * bar]
        second = [(p, s - 2 * bar, e - 2 * bar) for p, s, e in melody if 2 * bar <= s < 4 * bar]
        offset = 2 * bar + (answer_bars + 1) * bar + bar  # after the first answer has finished
        notes = phrase + [(p, s + offset, e + offset) for p, s, e in second]
        total = offset + 2 * bar + (answer_bars + 2) * bar
    else:
        notes = [n for n in melody if n[1] < 4 * bar]
        if mode == "solo":  # the player joins for bars 3-4 of the companion's solo
            notes = [(p, s + 2 * bar, e + 2 * bar) for p, s, e in notes if s < 2 * bar]
        total = 5 * bar
    events = []
    for pitch, start, end in notes:
        events.append((start + 0.05, mido.Message("note_on", note=pitch, velocity=90)))
        events.append((end - 0.1, mido.Message("note_off", note=pitch)))
    return events, total
