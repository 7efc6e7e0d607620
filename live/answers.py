"""Respond mode's material: the player's call as a NoteSequence, and an answer scheduled ahead.

An answer is sampled whole when the call ends and kept as note changes at grid steps, so the engine
only plays what is due at each step; a transport jump moves the changes, a barge-in clears them.
"""
from __future__ import annotations

import math

from ..models.notes import NoteSequence, notes_array
from .performance import voice_rank


def call_sequence(phrase, steps_per_quarter: int) -> NoteSequence:
    """The player's notes, (pitch, start, end, velocity) at float grid positions, on the grid from
    the bar-independent step their first note began in."""
    origin = math.floor(min(start for _, start, _, _ in phrase))
    rows = []
    for pitch, start, end, velocity in phrase:
        begin = round(start - origin)
        rows.append((pitch, begin, max(begin + 1, round(end - origin)), velocity, 0))
    return NoteSequence(notes_array(rows), steps_per_quarter=steps_per_quarter)


def onsets(frames: list[set[int]]) -> list[int]:
    """The pitches each frame starts, in order: what a list of frames plays."""
    return [p for before, after in zip([set()] + frames, frames) for p in sorted(after - before)]


class Schedule:
    """Note changes at grid steps: step -> [("on" | "off", pitch, voice)]."""

    def __init__(self):
        self.changes: dict[int, list[tuple[str, int, int]]] = {}

    def __bool__(self) -> bool:
        return bool(self.changes)

    def clear(self) -> None:
        self.changes.clear()

    def add_frames(self, begin: int, frames: list[set[int]]) -> None:
        """Frames from step `begin` on, each pitch voiced by its rank in its frame, all off at the end."""
        previous: set[int] = set()
        for offset, frame in enumerate(frames + [set()]):
            changes = [("off", p, 0) for p in sorted(previous - frame)]
            changes += [("on", p, voice_rank(p, frame)) for p in sorted(frame - previous)]
            if changes:
                self.changes.setdefault(begin + offset, []).extend(changes)
            previous = frame

    def due(self, step: int) -> list[tuple[str, int, int]]:
        """Take the changes due at or before `step`, in time order."""
        return [change for due in sorted(k for k in self.changes if k <= step) for change in self.changes.pop(due)]

    def shift(self, steps: int) -> None:
        self.changes = {step + steps: changes for step, changes in self.changes.items()}
