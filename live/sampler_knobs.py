"""The player's temperature and density knobs, shared by every companion (language model or GAN):
each keeps its sampling settings on a `sampler`."""
from __future__ import annotations


class SamplerKnobs:
    """The player's temperature and density knobs, on the companion's `sampler`."""

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
