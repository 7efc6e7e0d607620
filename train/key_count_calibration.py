"""A pianoroll preset's key-count tilt (`models/key_count.py`), fitted so that what it writes from
silence sounds, and starts, as many keys per step as its corpus's training split does.

The plain tilt (each count weighted by its share of the corpus) keeps the model's own leaning: the
chorale LSTM moves a voice on nearly every beat, where Bach holds all four through one beat in
eight. So each round scales the weights by (corpus share / share it wrote), iterative proportional
fitting, damped because a round's sample is noisy.
"""
from __future__ import annotations

import numpy as np

from ..models.density import DensityGovernor
from ..models.generation import generate_piece
from ..models.key_count import FLOOR, KeyCounts, count_table, key_count_shares
from .corpus_filters import preset_corpus

ROUNDS = 12
DAMPING = 0.8              # each round moves the log-weights this share of the way
SEEDS = range(100, 164)    # not the music report's 0..63
BARS = 8
MIN_WEIGHT = 1e-6


def corpus_shares(preset) -> list[list[float]]:
    """The key-count shares of the preset's training split (what the card keeps)."""
    data = preset.config.data
    corpus, _ = preset_corpus(preset)
    return key_count_shares(corpus.resplit(data.split).split("train"))


def written_shares(preset, key_counts: KeyCounts, seeds=SEEDS, bars: int = BARS) -> np.ndarray:
    """The key-count shares of what the preset writes from silence at temperature 1 with this tilt and
    no density bias (the offsets are calibrated after, on top of it)."""
    size = len(key_counts.weights)
    table = np.zeros((size, size))
    notes_per_bar = preset.card()["data"]["notes_per_bar"]
    for seed in seeds:
        unbiased = DensityGovernor(notes_per_bar, preset.config.data.steps_per_quarter, {1.0: 0.0}, integrate=False)
        piece = generate_piece(preset, bars, None, seed, 1.0, density=unbiased, key_counts=key_counts)
        table += count_table(piece.sounding(), size)
    return table / table.sum()


def fit_key_counts(preset, shares, rounds: int = ROUNDS, seeds=SEEDS, progress=None) -> list[list[float]]:
    """The tilt's weights after `rounds` of proportional fitting to `shares`, rounded for the card."""
    target = np.asarray(shares, float)
    weights = KeyCounts.from_shares(target).weights
    for index in range(rounds):
        written = written_shares(preset, KeyCounts(weights), seeds)
        weights = np.tril(np.maximum(weights * ((target + FLOOR) / (written + FLOOR)) ** DAMPING, MIN_WEIGHT))
        weights /= weights.max()
        if progress:
            progress(index + 1, rounds)
    return [[float(f"{w:.4g}") for w in row] for row in weights]
