"""How many notes a companion starts: its corpus's rate, whatever the temperature.

A model sampled on its own drifts from its corpus's density: a cold knob picks unusual notes less
often and the model then hears music unlike its training data, and a briefly trained model simply
starts too many or too few. `DensityGovernor` adds a bias, in nats, to every note-starting choice (a
new key of a pianoroll row, a pitch token that is not a held one, a NOTE_ON, and a release that makes
room for one). The bias has three parts:

- a calibrated offset per temperature (`train/density_calibration.py` finds, for each of a few
  temperatures, the constant bias at which the preset writes its corpus's notes per bar, and the
  card keeps it): a constant leaves the model free to play denser or sparser phrases as the music
  asks, where steering each bar to the median made phrases alike (the chorale LSTM's phrases fell
  from 0.776 to 0.715 mean overlap with held-out ones, `musigan evaluate --music`);
- the log of the player's density knob (`scale`), since a note's odds scale with it;
- a slow integral of what the rate still misses, which is all a card without offsets has.
"""
from __future__ import annotations

import numpy as np


BIAS_LIMIT = 4.0          # nats: a governor never overrules the model by more than this
# nats of integral per bar spent a whole target's worth off: slow beside calibrated offsets (they do
# the work; a fast one would steer every bar to the median), fast for a card without them
SLOW_CORRECTION_PER_BAR, FAST_CORRECTION_PER_BAR = 0.25, 1.6


class DensityGovernor:
    def __init__(self, notes_per_bar: float, steps_per_quarter: int, offsets: dict[float, float] | None = None,
                 integrate: bool = True):
        """`integrate=False`: the offsets and the knob only, a constant bias (what calibration measures)."""
        if notes_per_bar <= 0:
            raise ValueError(f"notes_per_bar must be > 0, got {notes_per_bar}")
        self.steps_per_bar = 4 * steps_per_quarter
        self.notes_per_bar = notes_per_bar
        self.offsets = sorted((offsets or {}).items())
        per_bar = SLOW_CORRECTION_PER_BAR if self.offsets else FAST_CORRECTION_PER_BAR
        self.gain = per_bar / self.steps_per_bar if integrate else 0.0
        self.scale = 1.0
        self.integral, self.onsets = 0.0, 0

    @property
    def target(self) -> float:
        """Onsets per step it steers to."""
        return self.notes_per_bar * self.scale / self.steps_per_bar

    def bias(self, temperature: float) -> float:
        """Nats added to every note-starting choice at this temperature (offsets interpolated)."""
        offset = np.interp(temperature, *zip(*self.offsets)) if self.offsets else 0.0
        return float(np.clip(offset + np.log(self.scale) + self.integral, -BIAS_LIMIT, BIAS_LIMIT))

    def started(self, count: int = 1) -> None:
        self.onsets += count

    def end_step(self) -> None:
        """Close a step: move the integral by the step's shortfall (or excess), relative to the target."""
        error = (self.target - self.onsets) / max(self.target, 0.25)
        self.integral = float(np.clip(self.integral + self.gain * error, -BIAS_LIMIT, BIAS_LIMIT))
        self.onsets = 0


def governor_for(preset) -> DensityGovernor | None:
    """The governor of a trained preset whose card records its corpus's notes per bar (else None),
    with the card's calibrated offsets where it has them."""
    data = preset.card()["data"] if preset.trained else {}
    if not data.get("notes_per_bar"):
        return None
    offsets = {float(t): b for t, b in data.get("density_offsets", {}).items()}
    return DensityGovernor(data["notes_per_bar"], preset.config.data.steps_per_quarter, offsets)
