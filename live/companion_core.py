"""What every live companion shares, language model or GAN: its name, its model and encoding, its
metre, and the player's temperature and density knobs on its `sampler`. The contract the engine
relies on is `models/contracts.py: Companion`."""
from __future__ import annotations

from ..models.metre import Metre


class CompanionCore:
    remembers = False      # it keeps a memory of the session (`models/session_memory.py`)
    memory_amount = 0.0    # how much it borrows from that memory (the memory knob)
    plays_chords = False   # it names a chord under the player's melody (`live/chord_companion.py`)
    chord_name = None      # the chord it plays now, for what a player reads

    def __init__(self, name: str, stepper, encoding, sampler, metre: Metre):
        self.name, self.stepper, self.encoding, self.sampler = name, stepper, encoding, sampler
        self.metre = metre  # the bar the engine counts while this companion plays

    def set_metre(self, metre: Metre) -> None:
        """Count another bar (a jig's 6/8): the bar lines, the beats accompany strikes, the metronome.
        Raises ValueError for a bar its grid cannot count."""
        metre.steps_per_bar(self.steps_per_quarter)
        self.metre = metre

    @property
    def steps_per_quarter(self) -> int:
        return self.encoding.steps_per_quarter

    @property
    def notes_per_bar(self) -> float | None:
        """The corpus's density the companion keeps to (None: the model's own)."""
        return None if self.sampler.density is None else self.sampler.density.notes_per_bar

    @property
    def density_scale(self) -> float:
        return 1.0 if self.sampler.density is None else self.sampler.density.scale

    @density_scale.setter
    def density_scale(self, value: float) -> None:
        if self.sampler.density is not None:
            self.sampler.density.scale = value

    @property
    def temperature(self) -> float:
        return self.sampler.temperature

    @temperature.setter
    def temperature(self, value: float) -> None:
        self.sampler.temperature = value
