"""`frames` and `pianoroll` encodings: what sounds at each step, the JSB benchmark's view.

Held and repeated notes look alike (see `NoteSequence.merged_holds`); velocity and voice are lost.
`frames` spells each step as its pitch tokens in a fixed order, then STEP; descending order puts
the melody first, which is what the live harmonize mode conditions on. `pianoroll` gives each step
as one multi-hot row, for sigmoid heads and the GAN.
"""
from __future__ import annotations

import numpy as np

from ..notes import NoteSequence
from .base import PitchRange, TokenDecoding
from .stream import StreamDecoder, TimedMessage, decode_with

ORDERS = ("ascending", "descending")


class StepFrameStream(StreamDecoder):
    """Collects one step's pitches; at the step's end emits offs for what stopped, ons for what began."""

    def __init__(self, low: int, channel: int = 0):
        super().__init__(channel)
        self.low = low
        self.frame: set[int] = set()

    def end_step(self) -> list[TimedMessage]:
        out = [m for p in sorted(set(self.held) - self.frame) for m in self.note_off(p)]
        out += [m for p in sorted(self.frame - set(self.held)) for m in self.note_on(p)]
        self.frame = set()
        self.step += 1
        return out


class FramesEncoding(TokenDecoding):
    name = "frames"
    rows = False
    holds_repeat = True
    plays_chords = False
    tokens_per_note = 1

    def __init__(self, low: int = 21, high: int = 108, order: str = "descending", steps_per_quarter: int = 4):
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
        self.range = PitchRange(low, high)
        self.order = order
        self.steps_per_quarter = steps_per_quarter
        self.step_token = self.range.width
        self.vocab_size = self.range.width + 1
        self.structural = np.arange(self.vocab_size) == self.step_token
        self.waits = self.structural
        self.pitch_of = np.where(self.structural, -1, low + np.arange(self.vocab_size))

    @property
    def can_harmonize(self) -> bool:
        return self.order == "descending"

    def begin(self) -> int:
        return self.step_token

    def release(self, pitch: int) -> None:
        """A note ends where a step no longer spells it: no token releases one."""
        return None

    def allowed_after(self, token: int | None, sounding: frozenset | None = None) -> np.ndarray:
        """Which tokens may follow `token` within a step: pitches keep the encoding's order."""
        tokens = np.arange(self.vocab_size)
        if token is None or token == self.step_token:
            return np.ones(self.vocab_size, bool)
        allowed = tokens < token if self.order == "descending" else tokens > token
        allowed[self.step_token] = True
        return allowed

    def config(self) -> dict:
        return {"name": self.name, "low": self.range.low, "high": self.range.high, "order": self.order,
                "steps_per_quarter": self.steps_per_quarter}

    def encode(self, sequence: NoteSequence) -> np.ndarray:
        roll = self.range.window(sequence)
        if self.order == "descending":
            roll = roll[:, ::-1]
        tokens = []
        for row in roll:
            idx = np.flatnonzero(row)
            tokens.extend((self.range.width - 1 - idx) if self.order == "descending" else idx)
            tokens.append(self.step_token)
        return np.asarray(tokens, dtype=np.int32)

    def stream(self, channel: int = 0) -> "FramesStream":
        return FramesStream(self, channel)

    def token_pitch(self, token: int) -> int:
        return self.range.low + int(token)

    def token_name(self, token: int) -> str:
        return "STEP" if token == self.step_token else f"P{self.token_pitch(token)}"


class FramesStream(StepFrameStream):
    def __init__(self, encoding: FramesEncoding, channel: int):
        super().__init__(encoding.range.low, channel)
        self.encoding = encoding

    def feed(self, token) -> list[TimedMessage]:
        token = int(token)
        if token == self.encoding.step_token:
            return self.end_step()
        if not 0 <= token < self.encoding.step_token:
            raise ValueError(f"token {token} is outside the frames vocabulary ({self.encoding.vocab_size})")
        self.frame.add(self.encoding.token_pitch(token))
        return []


class PianorollEncoding:
    name = "pianoroll"
    rows = True
    holds_repeat = True
    plays_chords = False
    step_token = None
    tokens_per_note = 1
    can_harmonize = False

    def __init__(self, width: int = 88, steps_per_quarter: int = 4):
        if width not in (88, 128):
            raise ValueError(f"pianoroll width must be 88 or 128, got {width}")
        self.range = PitchRange(21, 108) if width == 88 else PitchRange(0, 127)
        self.steps_per_quarter = steps_per_quarter
        self.vocab_size = width
        self.structural = self.waits = np.zeros(width, bool)  # rows: `Sampler.bernoulli` keeps the density itself
        self.pitch_of = self.range.low + np.arange(width)  # each column of a row is a pitch

    def begin(self) -> np.ndarray:
        return np.zeros(self.vocab_size, np.float32)

    def release(self, pitch: int) -> None:
        """A note ends where a step no longer spells it: no token releases one."""
        return None

    def allowed_after(self, token=None, sounding: frozenset | None = None) -> np.ndarray:
        return np.ones(self.vocab_size, bool)

    def config(self) -> dict:
        return {"name": self.name, "width": self.vocab_size, "steps_per_quarter": self.steps_per_quarter}

    def encode(self, sequence: NoteSequence) -> np.ndarray:
        return self.range.window(sequence).astype(np.uint8)

    def decode(self, rows, **meta) -> NoteSequence:
        rows = np.asarray(rows).reshape(-1, self.vocab_size)
        return decode_with(self.stream(), rows, self.steps_per_quarter, **meta)

    def stream(self, channel: int = 0) -> "PianorollStream":
        return PianorollStream(self.range.low, channel)


class PianorollStream(StepFrameStream):
    def feed(self, row) -> list[TimedMessage]:
        self.frame = set((self.low + np.flatnonzero(np.asarray(row) > 0.5)).tolist())
        return self.end_step()
