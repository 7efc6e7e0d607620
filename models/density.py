"""How many notes a companion starts: its corpus's rate, whatever the temperature or the prompt.

A model sampled on its own drifts from its corpus's density (a cold knob picks unusual notes less
often, and the model then hears music unlike its training data; a briefly trained model simply starts
too many or too few). `DensityGovernor` is an integral controller on one number: a bias, in nats,
added to every note-starting choice (a new key of a pianoroll row, a pitch token that is not a held
one, a NOTE_ON). Each step it moves the bias by how far that step's onsets fell from the target, so
over a bar or two the rate settles on the corpus's while the model still decides where in the bar the
notes go. `scale` is the player's density knob (1: the corpus's rate).
"""
from __future__ import annotations

import numpy as np

BIAS_LIMIT = 4.0        # nats: a governor never overrules the model by more than this
CORRECTION_PER_BAR = 1.6  # nats of bias per bar of onsets one target's worth off


class DensityGovernor:
    def __init__(self, notes_per_bar: float, steps_per_quarter: int):
        if notes_per_bar <= 0:
            raise ValueError(f"notes_per_bar must be > 0, got {notes_per_bar}")
        self.steps_per_bar = 4 * steps_per_quarter
        self.notes_per_bar = notes_per_bar
        self.scale = 1.0
        self.bias, self.onsets = 0.0, 0

    @property
    def target(self) -> float:
        """Onsets per step it steers to."""
        return self.notes_per_bar * self.scale / self.steps_per_bar

    def started(self, count: int = 1) -> None:
        self.onsets += count

    def end_step(self) -> None:
        """Close a step: move the bias by the step's shortfall (or excess), relative to the target."""
        error = (self.target - self.onsets) / max(self.target, 0.25)
        self.bias = float(np.clip(self.bias + CORRECTION_PER_BAR / self.steps_per_bar * error, -BIAS_LIMIT, BIAS_LIMIT))
        self.onsets = 0


def governor_for(preset) -> DensityGovernor | None:
    """The governor of a trained preset whose card records its corpus's notes per bar (else None)."""
    notes_per_bar = preset.card()["data"].get("notes_per_bar") if preset.trained else None
    return DensityGovernor(notes_per_bar, preset.config.data.steps_per_quarter) if notes_per_bar else None


def calibrated_threshold(probs: np.ndarray, onsets: float, cap: int) -> float:
    """The threshold that turns a phrase of key probabilities (steps, keys) into a roll starting about
    `onsets` notes (a GAN's density, as the governor sets an LM's): bisection, since fewer keys pass
    a higher one. At most `cap` keys per step, the likeliest, as the roll is drawn."""
    low, high = 0.02, 0.98
    for _ in range(14):
        middle = (low + high) / 2
        if roll_onsets(threshold_roll(probs, middle, cap)) > onsets:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def threshold_roll(probs: np.ndarray, threshold: float, cap: int) -> np.ndarray:
    """(steps, keys) 0/1: keys above `threshold`, at most `cap` per step (the likeliest)."""
    ranked = np.argsort(-probs, axis=1)[:, :cap]
    roll = np.zeros(probs.shape, np.uint8)
    rows = np.arange(len(probs))[:, None]
    roll[rows, ranked] = probs[rows, ranked] > threshold
    return roll


def roll_onsets(roll: np.ndarray) -> int:
    """Notes a roll starts: keys on at a step and off at the one before."""
    before = np.vstack([np.zeros((1, roll.shape[1]), roll.dtype), roll[:-1]])
    return int((roll.astype(bool) & ~before.astype(bool)).sum())
