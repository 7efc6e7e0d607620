"""Streaming decoding: tokens become MIDI messages one token at a time, and back into notes.

The live engine feeds sampled tokens to a `StreamDecoder` and sends what comes out; offline
`decode` runs the very same decoder, so what you hear live and what `generate` writes agree.
"""
from __future__ import annotations

from dataclasses import dataclass

import mido
import numpy as np

from ..notes import DEFAULT_VELOCITY, NoteSequence, notes_array


@dataclass(frozen=True)
class TimedMessage:
    """A MIDI message and the grid step it belongs to."""

    step: int
    message: mido.Message


class StreamDecoder:
    """Keeps the notes it has started so that every note-on it emits gets its note-off."""

    def __init__(self, channel: int = 0, velocity: int = DEFAULT_VELOCITY):
        self.channel = channel
        self.velocity = velocity
        self.step = 0
        self.held: dict[int, int] = {}  # pitch -> step it started

    def feed(self, token) -> list[TimedMessage]:
        raise NotImplementedError

    def note_on(self, pitch: int) -> list[TimedMessage]:
        out = self.note_off(pitch) if pitch in self.held else []
        self.held[pitch] = self.step
        return out + [self._message("note_on", pitch, self.velocity)]

    def note_off(self, pitch: int) -> list[TimedMessage]:
        if self.held.pop(pitch, None) is None:
            return []
        return [self._message("note_off", pitch, 0)]

    def close(self) -> list[TimedMessage]:
        """Release every held note (end of the stream, or panic)."""
        return [m for pitch in sorted(self.held) for m in self.note_off(pitch)]

    def _message(self, kind: str, pitch: int, velocity: int) -> TimedMessage:
        return TimedMessage(self.step, mido.Message(kind, channel=self.channel, note=int(pitch),
                                                    velocity=int(velocity)))


def sequence_from_messages(messages, steps_per_quarter: int, **meta) -> NoteSequence:
    """Pair note-ons with note-offs into notes; zero-length notes (on and off in one step) are dropped."""
    started: dict[tuple[int, int], tuple[int, int]] = {}
    rows = []
    for timed in messages:
        msg = timed.message
        key = (msg.channel, msg.note)
        if key in started and msg.type in ("note_on", "note_off"):
            start, velocity = started.pop(key)
            if timed.step > start:
                rows.append((msg.note, start, timed.step, velocity, msg.channel))
        if msg.type == "note_on" and msg.velocity > 0:
            started[key] = (timed.step, msg.velocity)
    return NoteSequence(notes_array(rows), steps_per_quarter=steps_per_quarter, **meta)


def decode_with(decoder: StreamDecoder, tokens, steps_per_quarter: int, **meta) -> NoteSequence:
    """Run a stream decoder over a whole token sequence and collect the notes it plays."""
    messages = [m for token in tokens for m in decoder.feed(token)]
    messages += decoder.close()
    return sequence_from_messages(messages, steps_per_quarter, **meta)


def as_tokens(tokens) -> np.ndarray:
    return np.asarray(tokens, dtype=np.int32).reshape(-1)
