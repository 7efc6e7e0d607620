"""The companion contract: what the live engine asks of whatever plays beside the player, one step
of the grid at a time. Every live companion (`live/companion.py`'s language models, one per kind of
encoding, and `live/gan_companion.py`) implements it with these signatures; the engine and the
modes use nothing else. The encoding's own contract is `models/encodings/base.py: Encoding`."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from .metre import Metre
from .notes import NoteSequence
from .tonality import KeyBelief


class Companion(Protocol):
    name: str                 # the preset's name
    metre: Metre              # the bar the engine counts while it plays
    steps_per_quarter: int    # its grid
    can_harmonize: bool       # it can put voices under a melody note as it is struck
    temperature: float        # the temperature knob (read and written)
    density_scale: float      # the density knob: times the corpus's notes per bar
    notes_per_bar: float | None  # the corpus's density it keeps to; None: the model's own (no density knob)
    remembers: bool           # it keeps a memory of this session's music (token encodings)
    memory_amount: float      # the memory knob: 0 the preset alone .. 1 the memory alone (read and written)
    plays_chords: bool        # `step` returns a chord and its bass, drawn only on a beat (accompany mode)
    chord_name: str | None    # the chord it plays now (C, Am, G7), where it plays chords

    def reset(self) -> None:
        """Forget everything heard and played: a new mode starts from silence."""

    def listen(self, phrase: NoteSequence, answer_at: int | None = None) -> None:
        """Start afresh from a phrase the player played (respond primes on it, then answers from grid
        step `answer_at`)."""

    def step(self, forced: Iterable[int] = (), sample: bool = True) -> set[int]:
        """Advance one grid step hearing the player's `forced` pitches; return the pitches it sounds
        during the step (none when `sample` is False: it only listens)."""

    def set_metre(self, metre: Metre) -> None:
        """Count another bar (a jig's 6/8); ValueError where it cannot (a bar its grid cannot count, or
        a phrase GAN's other bar)."""

    def set_key(self, key: KeyBelief | None, pull: float) -> None:
        """Keep to the player's key: a pitch outside it loses `pull` nats (None or 0: no pull)."""

    def voices_under(self, melody: int, count: int, previous: list[int] | None = None) -> Iterator[int]:
        """Up to `count` pitches under `melody`, top down, as they are chosen (the first may sound
        before the next is drawn); `previous` is the last chord (melody first), which part-writing
        rules move from. Raises ValueError where `can_harmonize` is False."""
