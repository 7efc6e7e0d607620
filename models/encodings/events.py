"""`events` encoding: NOTE_ON(p), NOTE_OFF(p), STEP and optional VELOCITY(bin) tokens.

Lossless on the grid for pitch, start and end once the sequence plays one note per pitch at a time
(`NoteSequence.monophonic_per_pitch`); velocity survives as its bin, voice does not.
"""
from __future__ import annotations

import numpy as np

from ..notes import DEFAULT_VELOCITY, END, PITCH, START, VELOCITY, NoteSequence
from .base import PitchRange, TokenDecoding
from .stream import StreamDecoder, TimedMessage

NOTE_ON, NOTE_OFF, STEP, VELOCITY_BASE = 0, 128, 256, 257


class EventsEncoding(TokenDecoding):
    name = "events"
    rows = False
    holds_repeat = False
    plays_chords = False
    tokens_per_note = 3   # a note-on, its note-off and maybe a velocity token
    can_harmonize = False

    def __init__(self, velocity_bins: int = 0, steps_per_quarter: int = 4):
        if not 0 <= velocity_bins <= 127:
            raise ValueError(f"velocity_bins must be in 0..127, got {velocity_bins}")
        self.velocity_bins = velocity_bins
        self.steps_per_quarter = steps_per_quarter
        self.vocab_size = VELOCITY_BASE + velocity_bins
        self.step_token = STEP
        self.range = PitchRange(0, 127)
        tokens = np.arange(self.vocab_size)
        self.structural = tokens >= NOTE_OFF  # releases, the step's end and loudness: all but which note
        self.waits = tokens == STEP          # a release makes room for the next note: it is no wait
        self.pitch_of = np.where(tokens < STEP, tokens % NOTE_OFF, -1)

    def begin(self) -> int:
        return STEP

    def allowed_after(self, token=None, sounding: frozenset | None = None) -> np.ndarray:
        """Only a sounding note can end (`encode` never releases a silent pitch); None: what sounds is
        not followed, anything may come. A polyphonic model that spells the release of a pitch it is
        not holding loses that release, and the note it meant to end sounds on: `bench/polyphony.py`."""
        allowed = np.ones(self.vocab_size, bool)
        if sounding is not None:
            allowed[NOTE_OFF:STEP] = False
            allowed[NOTE_OFF + np.fromiter(sounding, int, len(sounding))] = True
        return allowed

    def release(self, pitch: int) -> int:
        """The token that ends a sounding `pitch` (sampling lets go of a note the model held too long)."""
        return NOTE_OFF + pitch

    def config(self) -> dict:
        return {"name": self.name, "velocity_bins": self.velocity_bins,
                "steps_per_quarter": self.steps_per_quarter}

    def velocity_bin(self, velocity: int) -> int:
        return (int(velocity) - 1) * self.velocity_bins // 127

    def bin_velocity(self, bin_index: int) -> int:
        """The velocity a bin decodes to: the top of its range, so 127 survives unchanged."""
        return ((bin_index + 1) * 127 + self.velocity_bins - 1) // self.velocity_bins

    def encode(self, sequence: NoteSequence) -> np.ndarray:
        notes = sequence.monophonic_per_pitch().notes
        # (time, kind, pitch, velocity): offs sort before ons, and each STEP after both at its time.
        offs = [(int(n[END]), 0, int(n[PITCH]), 0) for n in notes]
        ons = [(int(n[START]), 1, int(n[PITCH]), int(n[VELOCITY])) for n in notes]
        steps = [(t, 2, 0, 0) for t in range(sequence.total_steps)]
        tokens, current_bin = [], None
        for _, kind, pitch, velocity in sorted(offs + ons + steps):
            if kind == 0:
                tokens.append(NOTE_OFF + pitch)
            elif kind == 2:
                tokens.append(STEP)
            else:
                if self.velocity_bins and self.velocity_bin(velocity) != current_bin:
                    current_bin = self.velocity_bin(velocity)
                    tokens.append(VELOCITY_BASE + current_bin)
                tokens.append(NOTE_ON + pitch)
        return np.asarray(tokens, dtype=np.int32)

    def stream(self, channel: int = 0) -> "EventsStream":
        return EventsStream(self, channel)

    def token_name(self, token: int) -> str:
        if token < NOTE_OFF:
            return f"ON{token}"
        if token < STEP:
            return f"OFF{token - NOTE_OFF}"
        return "STEP" if token == STEP else f"VEL{token - VELOCITY_BASE}"


class EventsStream(StreamDecoder):
    def __init__(self, encoding: EventsEncoding, channel: int):
        super().__init__(channel, DEFAULT_VELOCITY)
        self.encoding = encoding

    def feed(self, token) -> list[TimedMessage]:
        token = int(token)
        if token < NOTE_OFF:
            return self.note_on(token)
        if token < STEP:
            return self.note_off(token - NOTE_OFF)
        if token == STEP:
            self.step += 1
        elif token < self.encoding.vocab_size:
            self.velocity = self.encoding.bin_velocity(token - VELOCITY_BASE)
        else:
            raise ValueError(f"token {token} is outside the events vocabulary ({self.encoding.vocab_size})")
        return []
