"""A GAN preset as a live companion: whole phrases, conditioned on the bar the player just played.

It keeps the same contract as the language models (`models/contracts.py: Companion`), so the engine's respond and solo modes
use it unchanged: `listen(phrase)` conditions the next phrase on the phrase's last bar, and each
`step()` plays the next step of the generated phrase (a new one when it runs out). Its rows are drawn
as a sigmoid language model's are, so the temperature and density knobs work as they do there.
Harmonize needs a model that hears the player's notes as they come, and is refused.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from ..models.encodings import HARMONIZE_NEEDS
from ..models.metre import Metre
from ..models.phrase_gan import condition_bar, generate_bars, keys_in_range
from ..models.preset_schema import Model
from ..models.sampling import Sampler
from ..models.stepper import load_stepper
from ..models.tonality import KeyBelief, key_bias
from .companion_core import CompanionCore


class GanCompanion(CompanionCore):
    can_harmonize = False

    def __init__(self, name: str, stepper, encoding, model: Model, sampler: Sampler, max_notes: int = 4,
                 pitch_range: tuple[int, int] = (36, 96), trained_keys: np.ndarray | None = None,
                 metre: Metre = Metre()):
        super().__init__(name, stepper, encoding, sampler, metre)  # its phrases are bars of this metre
        self.bar = metre.steps_per_bar(encoding.steps_per_quarter)
        self.phrase_bars, self.noise, self.max_notes = model.phrase_bars, model.noise, max_notes
        low = encoding.range.low
        self.allowed = np.zeros(encoding.vocab_size, bool)
        self.allowed[max(pitch_range[0] - low, 0):pitch_range[1] - low + 1] = True
        if trained_keys is not None:
            self.allowed &= trained_keys
        self.key_bias = np.zeros(encoding.vocab_size)
        self.reset()

    def set_metre(self, metre: Metre) -> None:
        if metre != self.metre:
            raise ValueError(f"{self.name} writes phrases of {self.metre} bars; it cannot play in {metre}")

    @classmethod
    def from_preset(cls, preset, temperature=None, top_p=None, seed=None, **kwargs) -> "GanCompanion":
        """The card's sampling (key counts, density); `top_p` does not apply to rows of keys."""
        encoding = preset.encoding()
        trained = keys_in_range(preset.card(), encoding.range.low, encoding.vocab_size)
        return cls(preset.name, load_stepper(preset), encoding, preset.config.model,
                   Sampler.from_preset(preset, temperature, top_p, seed), trained_keys=trained,
                   metre=preset.metre, **kwargs)

    def reset(self) -> None:
        self.recent = deque(maxlen=self.bar)   # the last bar heard or played, as rows
        self.pending: deque = deque()

    def _row(self, pitches) -> np.ndarray:
        row = np.zeros(self.encoding.vocab_size, np.float32)
        for pitch in pitches:
            if 0 <= pitch - self.encoding.range.low < len(row):
                row[pitch - self.encoding.range.low] = 1
        return row

    def condition(self) -> np.ndarray:
        return condition_bar(list(self.recent), self.encoding.vocab_size, self.bar)

    def listen(self, phrase, answer_at: int | None = None) -> None:
        """Condition the next answer on the last bar of the player's phrase."""
        self.reset()
        roll = self.encoding.encode(phrase) if len(phrase) else np.zeros((0, self.encoding.vocab_size))
        for row in roll[-self.bar:]:
            self.recent.append(row.astype(np.float32))

    def step(self, forced=(), sample: bool = True) -> set[int]:
        if not self.pending:
            self.pending.extend(generate_bars(self.stepper, self.sampler, self.condition(), self.phrase_bars,
                                              self.phrase_bars, self.noise, self.max_notes, self.allowed,
                                              self.key_bias))
        row = self.pending.popleft()
        own = {self.encoding.range.low + int(i) for i in np.flatnonzero(row)} if sample else set()
        self.recent.append(self._row(own | set(forced)))
        return own

    def set_key(self, key: KeyBelief | None, pull: float) -> None:
        """Answer in the player's key: each pitch outside it loses `pull` nats, as with a language
        model (the phrases drawn from then on feel it)."""
        self.key_bias = key_bias(self.encoding.range.low + np.arange(self.encoding.vocab_size), key, pull)

    def voices_under(self, melody: int, count: int, previous: list[int] | None = None):
        raise ValueError(f"{HARMONIZE_NEEDS}; {self.name} is a phrase GAN")
