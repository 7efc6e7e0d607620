"""Which key the player is in, note by note, following a modulation at once.

The key of the last 16 notes (Krumhansl-Schmuckler) is steady, which keeps a steady player's answers
in key, but after an abrupt modulation those 16 notes are still mostly in the old key: the companion
harmonized the new melody in the old key for two bars. A musician hears a modulation sooner: two
of the last three notes outside the key are no passing note. Then only the notes since the first of
them count (a fresh estimate from as few as two, growing back to sixteen), so the companion is in the
new key by the second or third note. A single note outside the key (a chromatic passing note, a
blue note) leaves the key alone. For the first notes in a new key the pull towards it is stronger
(BOOST times): the companion's own memory is still full of the old key, and at the usual pull its
voices would lag a bar behind the melody.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from ..models.tonality import MIN_NOTES, key_of, scale_classes

WINDOW = 16        # notes the steady estimate hears
OUTSIDE = 2        # this many of the last LOOK_BACK notes outside the key mean the key has changed
LOOK_BACK = 3
BOOST, BOOST_NOTES = 3.0, 4   # the pull is BOOST times stronger for this many notes after a change


class KeyTracker:
    def __init__(self):
        self.pitches: deque[int] = deque(maxlen=WINDOW)
        self.key: tuple[int, str] | None = None
        self.since_change = BOOST_NOTES   # notes heard since the key last moved

    def hear(self, pitch: int) -> bool:
        """Take the player's next note; True when the key or the pull it asks for has changed."""
        self.pitches.append(pitch)
        modulated = False
        if self.key is not None:
            recent = list(self.pitches)[-LOOK_BACK:]
            inside = scale_classes(self.key)[[p % 12 for p in recent]]
            if (~inside).sum() >= OUTSIDE:  # a modulation: the old key's notes no longer count
                first = int(np.argmin(inside))
                self.pitches = deque(recent[first:], maxlen=WINDOW)
                modulated = True
        key = self.estimate()
        boosted = self.boosted
        self.since_change = 0 if modulated else self.since_change + 1
        changed = key is not None and key != self.key
        if key is not None:
            self.key = key
        return changed or boosted != self.boosted

    @property
    def boosted(self) -> bool:
        return self.since_change < BOOST_NOTES

    def pull(self, pull: float) -> float:
        """The key pull to use now: the player's, stronger just after a modulation."""
        return pull * BOOST if self.boosted else pull

    def estimate(self) -> tuple[int, str] | None:
        """The key of the notes heard since the last change: from MIN_NOTES at the start, from the two
        that announced it after a modulation (a key was heard: two new notes move it, not name it)."""
        return key_of(self.pitches, OUTSIDE if self.key is not None else MIN_NOTES)
