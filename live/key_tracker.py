"""Which key the player is in, note by note, following a modulation at once.

The tracker holds a belief over the 24 keys, from the notes heard since the key last changed
(Temperley's profiles: how often each pitch class sounds in each key). The companion's pitches lose
the key pull in proportion to their chance of being outside the key, so while the key is still
ambiguous (F# and A# alone fit F# major, B major, D# minor) the voices keep to what the candidates
share, instead of betting on one of them.

A change: the last note or two are CHANGE times likelier under a fresh key (any of the 24 alike)
than under the belief so far (the count that says it more strongly marks where the new key began).
A chromatic passing note never gets there (at most 7 times, for the major third in a minor key); two
notes in a row outside the key do. A note outside the key reached by a leap counts LEAP times more,
since an ornament is reached by step and a new key often by a leap (C to F#). After a change only
the notes since count, from a belief that keeps the old one at a KEEP share: a false alarm (a blue
note leapt to) gives way to the next notes in the old key. For the first notes in a new key the pull
is stronger (BOOST times): the companion's own memory is still full of the old key, and at the usual
pull its voices would lag a bar behind the melody.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from ..models.tonality import KEYS, LOG_NOTE_CHANCES, MIN_NOTES, SCALE_TABLE, KeyBelief, normalised

WINDOW = 16        # notes the belief hears at most
CHANGE = 8.0       # how much likelier under a fresh key the last notes must be to announce one
LEAP = 3.0         # how much likelier a leap to a note outside the key makes a change
LEAP_SEMITONES = 2  # more than a whole tone is a leap
KEEP = 0.2         # the old belief's share after a change, so a false alarm can be undone
BOOST, BOOST_NOTES = 3.0, 4   # the pull is BOOST times stronger for this many notes after a change
ALL_ALIKE = np.full(len(KEYS), 1 / len(KEYS))


class KeyTracker:
    def __init__(self):
        self.pitches: deque[int] = deque(maxlen=WINDOW)   # the notes heard since the key last changed
        self.prior = ALL_ALIKE                              # the belief before them
        self.belief: KeyBelief | None = None                # None until MIN_NOTES notes name a key
        self.since_change = BOOST_NOTES                     # notes heard since the key last changed

    def hear(self, pitch: int) -> None:
        """Take the player's next note (before any voice is chosen under it: it counts)."""
        self.pitches.append(pitch)
        so_far = self._log_chances()
        changed = self.belief is not None and self._changed(so_far)
        self.since_change = 0 if changed else self.since_change + 1
        if self.belief is not None or len(self.pitches) >= MIN_NOTES:
            self.belief = KeyBelief(normalised((self._log_chances() if changed else so_far)[:, -1]))

    def _log_chances(self) -> np.ndarray:
        """float[24, notes]: up to each note since the change, the log chance of the notes so far in each key."""
        return np.cumsum(LOG_NOTE_CHANCES[:, np.array(self.pitches) % 12], axis=1) + np.log(self.prior)[:, None]

    def _changed(self, so_far: np.ndarray) -> bool:
        """Do the last one or two notes announce a new key (whichever count says it more strongly)? If
        so, only they count from now on."""
        notes = list(self.pitches)
        best, since, before_change = CHANGE, 0, None
        for recent in (1, 2):
            heard = len(notes) - recent
            if heard < MIN_NOTES:
                continue
            before = normalised(so_far[:, heard - 1])
            likelihoods = np.exp(so_far[:, -1] - so_far[:, heard - 1])
            outside = 1.0 - before @ SCALE_TABLE
            leaps = sum(outside[notes[i] % 12] for i in range(heard, len(notes))
                        if abs(notes[i] - notes[i - 1]) > LEAP_SEMITONES)
            evidence = likelihoods.mean() / (before @ likelihoods) * LEAP ** leaps
            if evidence > best:
                best, since, before_change = evidence, heard, before
        if before_change is None:
            return False
        self.pitches = deque(notes[since:], maxlen=WINDOW)
        self.prior = KEEP * before_change + (1 - KEEP) * ALL_ALIKE
        return True

    @property
    def boosted(self) -> bool:
        return self.since_change < BOOST_NOTES

    def pull(self, pull: float) -> float:
        """The key pull to use now: the player's, stronger just after a modulation."""
        return pull * BOOST if self.boosted else pull
