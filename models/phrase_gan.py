"""The GAN's generator as the live path runs it: NumPy only, on the same stepper as the LMs.

The generator is autoregressive, as in C-RNN-GAN (Mogren 2016): its input at each step of a phrase is
a row of [per-step noise, phrase noise, the condition bar's row at that position, the row it played
the step before], and its sigmoid output scores each key for this step. A row is drawn from those
scores exactly as a language model's is (`Sampler.bernoulli`: the card's key counts and density,
the temperature on which keys), then fed back. An earlier generator saw only noise and the condition
and was thresholded: not knowing what it had played, it could not hold a voice or move one (mean
music overlap 0.60 against held-out phrases). `models/gan.py` builds it in Keras.
"""
from __future__ import annotations

import numpy as np


def generator_width(noise: int, keys: int) -> int:
    return 2 * noise + 2 * keys


def generator_rows(rng: np.random.Generator, condition: np.ndarray, steps: int, noise: int) -> np.ndarray:
    """(steps, 2*noise + keys): the inputs that do not depend on what the generator plays: fresh noise
    per step, one phrase noise, and the condition bar (the bar before the phrase) repeated under it."""
    keys = condition.shape[1]
    rows = np.zeros((steps, 2 * noise + keys), np.float32)
    rows[:, :noise] = rng.standard_normal((steps, noise))
    rows[:, noise:2 * noise] = rng.standard_normal(noise)
    rows[:, 2 * noise:] = np.tile(condition, (steps // len(condition) + 1, 1))[:steps]
    return rows


def condition_bar(rows, keys: int, bar: int) -> np.ndarray:
    """The bar (`bar` steps: the preset's metre on its grid) a phrase is conditioned on: the last bar
    of `rows`, silence before it if shorter."""
    condition = np.zeros((bar, keys), np.float32)
    last = np.asarray(rows[-bar:], np.float32).reshape(-1, keys)
    if len(last):
        condition[-len(last):] = last
    return condition


def generate_phrase(stepper, sampler, condition: np.ndarray, steps: int, noise: int, max_notes: int = 6,
                    allowed: np.ndarray | None = None, bias: np.ndarray | float = 0.0) -> np.ndarray:
    """One phrase as a (steps, keys) 0/1 roll, each row drawn by `sampler` (whose generator also draws
    the noise) from the generator's scores plus `bias` and fed back; at most `max_notes` keys a step,
    only `allowed` keys (default all). The step before the phrase is the condition bar's last row."""
    stepper.reset()
    previous = condition[-1].astype(np.float32)
    roll = np.zeros((steps, condition.shape[1]), np.uint8)
    for step, row in enumerate(generator_rows(sampler.rng, condition, steps, noise)):
        logits = stepper.step(np.concatenate([row, previous])) + bias
        roll[step] = sampler.bernoulli(logits, allowed, max_notes, previous.astype(bool))
        previous = roll[step].astype(np.float32)
    return roll


def generate_bars(stepper, sampler, condition: np.ndarray, bars: int, phrase_bars: int, noise: int,
                  max_notes: int = 6, allowed: np.ndarray | None = None, bias: np.ndarray | float = 0.0) -> np.ndarray:
    """`bars` bars (each as long as the `condition` bar) as one roll: phrase after phrase, each
    conditioned on the bar before it."""
    bar, phrases = len(condition), []
    while sum(len(p) for p in phrases) < bars * bar:
        phrase = generate_phrase(stepper, sampler, condition, phrase_bars * bar, noise,
                                 max_notes=max_notes, allowed=allowed, bias=bias)
        phrases.append(phrase)
        condition = phrase[-bar:].astype(np.float32)
    return np.concatenate(phrases)[: bars * bar]


def keys_in_range(card: dict, low_key: int, keys: int) -> np.ndarray:
    """The keys inside the pitch range the GAN was trained on (its card's `data.pitch_range`):
    a briefly trained generator's stray notes far outside it are noise, not music."""
    low, high = card["data"]["pitch_range"]
    pitches = low_key + np.arange(keys)
    return (pitches >= low) & (pitches <= high)
