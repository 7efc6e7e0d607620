"""The GAN's generator as the live path runs it: NumPy only, on the same stepper as the LMs.

The generator is a recurrent network whose input at each of a phrase's steps is a row of
[per-step noise, phrase noise, the condition bar's row at that position]; its sigmoid output is the
probability of each key sounding at that step. `models/gan.py` builds and trains it in Keras.
"""
from __future__ import annotations

import numpy as np

from .density import calibrated_threshold, threshold_roll

STEPS_PER_BAR = 16


def generator_width(noise: int, keys: int) -> int:
    return 2 * noise + keys


def noise_spread(temperature: float) -> float:
    """What the temperature knob means for a GAN: the noise's spread, its training noise (1) up to
    temperature 1, then wider (1.1 at 2). Narrower noise (the truncation trick) would make the
    phrases more typical, but this generator's typical phrase holds its chords: too few notes for
    the corpus's density however low the threshold (measured on `bach-gan`, 8 bars from silence, 32
    seeds: 12.1 notes a bar at 0.91, 12.4 at 1, 12.7 at 1.1, against the chorales' 12.4-16.4)."""
    return max(1.0, 0.9 + 0.1 * temperature)


def generator_rows(rng: np.random.Generator, condition: np.ndarray, steps: int, noise: int,
                   spread: float = 1.0) -> np.ndarray:
    """(steps, 2*noise + keys) generator inputs: fresh noise per step, one phrase noise, and the
    condition bar (the bar before the phrase) repeated under the phrase. `spread` scales the noise
    (the truncation trick): below 1 the phrases keep closer to the generator's typical ones."""
    keys = condition.shape[1]
    rows = np.zeros((steps, generator_width(noise, keys)), np.float32)
    rows[:, :noise] = spread * rng.standard_normal((steps, noise))
    rows[:, noise:2 * noise] = spread * rng.standard_normal(noise)
    rows[:, 2 * noise:] = np.tile(condition, (steps // len(condition) + 1, 1))[:steps]
    return rows


def condition_bar(rows, keys: int) -> np.ndarray:
    """The bar a phrase is conditioned on: the last bar of `rows`, silence before it if shorter."""
    condition = np.zeros((STEPS_PER_BAR, keys), np.float32)
    last = np.asarray(rows[-STEPS_PER_BAR:], np.float32).reshape(-1, keys)
    if len(last):
        condition[-len(last):] = last
    return condition


def generate_phrase(stepper, rng, condition: np.ndarray, steps: int, noise: int, max_notes: int = 6,
                    allowed: np.ndarray | None = None, spread: float = 1.0,
                    onsets: float | None = None) -> np.ndarray:
    """One phrase as a (steps, keys) 0/1 roll: the generator's probabilities above a threshold, at
    most `max_notes` keys per step (the likeliest), only `allowed` keys (default all). The threshold
    is 0.5, or the one that starts about `onsets` notes in the phrase (its corpus's density)."""
    stepper.reset()
    probs = np.array([1.0 / (1.0 + np.exp(-stepper.step(row)))
                      for row in generator_rows(rng, condition, steps, noise, spread)])
    if allowed is not None:
        probs = np.where(allowed, probs, 0.0)
    threshold = 0.5 if onsets is None else calibrated_threshold(probs, onsets, max_notes)
    return threshold_roll(probs, threshold, max_notes)


def generate_bars(stepper, rng, condition: np.ndarray, bars: int, phrase_bars: int, noise: int,
                  max_notes: int = 6, allowed: np.ndarray | None = None, spread: float = 1.0,
                  notes_per_bar: float | None = None) -> np.ndarray:
    """`bars` bars as one roll: phrase after phrase, each conditioned on the bar before it, each
    starting `notes_per_bar` notes a bar where given."""
    phrases = []
    onsets = None if notes_per_bar is None else notes_per_bar * phrase_bars
    while sum(len(p) for p in phrases) < bars * STEPS_PER_BAR:
        phrase = generate_phrase(stepper, rng, condition, phrase_bars * STEPS_PER_BAR, noise,
                                 max_notes=max_notes, allowed=allowed, spread=spread, onsets=onsets)
        phrases.append(phrase)
        condition = phrase[-STEPS_PER_BAR:].astype(np.float32)
    return np.concatenate(phrases)[: bars * STEPS_PER_BAR]


def keys_in_range(card: dict, low_key: int, keys: int) -> np.ndarray:
    """The keys inside the pitch range the GAN was trained on (its card's `data.pitch_range`):
    a briefly trained generator's stray notes far outside it are noise, not music."""
    low, high = card["data"]["pitch_range"]
    pitches = low_key + np.arange(keys)
    return (pitches >= low) & (pitches <= high)
