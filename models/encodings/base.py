"""The Encoding interface every encoding implements, as note-seq's `EncoderDecoder` declares one:
generation, datasets and the live companion use these members and nothing else, so a capability
is a declared attribute, never a guess from the encoding's name."""
from __future__ import annotations

from typing import Protocol

import numpy as np

from ..notes import PITCH, NoteSequence
from .stream import StreamDecoder, as_tokens, decode_with

HARMONIZE_NEEDS = ("harmonize needs a preset whose steps put the melody first (frames in descending order, "
                   "like bach-harmony)")


class PitchRange:
    """The contiguous pitch window an encoding covers (88 piano keys by default)."""

    def __init__(self, low: int = 21, high: int = 108):
        if not 0 <= low <= high <= 127:
            raise ValueError(f"pitch range must satisfy 0 <= low <= high <= 127, got {low}..{high}")
        self.low, self.high = low, high
        self.width = high - low + 1

    def window(self, sequence: NoteSequence) -> np.ndarray:
        """The (steps, width) sounding matrix; raises ValueError naming a pitch out of range."""
        if not sequence.fits_range(self.low, self.high):
            pitches = sequence.notes[:, PITCH]
            raise ValueError(f"{sequence.name or 'sequence'}: pitches {pitches.min()}..{pitches.max()} "
                             f"leave the encoding's range {self.low}..{self.high}")
        return sequence.sounding()[:, self.low:self.high + 1]


class TokenDecoding:
    """`decode` for the token encodings: their stream decoder run over a whole sequence, so what `generate`
    writes and what the live engine plays come from the same code."""

    def decode(self, tokens, **meta) -> NoteSequence:
        return decode_with(self.stream(), as_tokens(tokens), self.steps_per_quarter, **meta)


class Encoding(Protocol):
    name: str
    steps_per_quarter: int
    vocab_size: int
    range: PitchRange        # the pitches it can spell
    rows: bool               # one multi-hot row per step (sigmoid heads) rather than token ids
    step_token: int | None   # the token that ends a step; None for rows
    tokens_per_note: int     # the most tokens one note costs within a step (caps a sampled step)
    can_harmonize: bool      # each step starts with its top note: the live harmonize mode needs that
    holds_repeat: bool       # a held note is spelled again at each step it sounds (frames)
    plays_chords: bool       # each step names a chord under a melody (leadsheet): the accompany mode needs that
    structural: np.ndarray   # bool over the vocabulary: tokens that shape time or loudness (a step's end,
                             # a release, a velocity), drawn at temperature 1 so the temperature picks
                             # notes, not silence; the others start notes (what the density governor counts)
    waits: np.ndarray        # bool over the vocabulary: tokens that let time pass with nothing changed (the
                             # step's end); the density governor's bias goes to every other token
    pitch_of: np.ndarray     # int over the vocabulary: the pitch a token starts or holds (or, if structural,
                             # ends); -1 for none (rows encodings: unused). The session memory hears intervals

    def begin(self):
        """What the model sees before the first step of a piece."""

    def allowed_after(self, token: int | None, sounding: frozenset | None = None) -> np.ndarray:
        """Which tokens may follow `token` while the `sounding` pitches are held (None: not followed)
        (bool, vocabulary-wide): the encoding's grammar, as its training data obeys it."""

    def release(self, pitch: int) -> int | None:
        """The token that ends a sounding `pitch`; None where the encoding spells no releases (a note
        ends when a step no longer spells it)."""

    def encode(self, sequence: NoteSequence) -> np.ndarray: ...

    def decode(self, tokens, **meta) -> NoteSequence: ...

    def stream(self, channel: int = 0) -> StreamDecoder: ...

    def config(self) -> dict: ...
