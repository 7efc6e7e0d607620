"""A preset's density offsets: for each of a few temperatures, the constant onset bias
(`models/density.py`) at which it writes its corpus's notes per bar, found by bisection on what it
writes from silence; for a pianoroll preset, first its key-count tilt (`key_count_calibration.py`).
The card keeps them (`musigan evaluate NAME --density --save-card`; `musigan train` does it after
training). A GAN's rows are drawn as a sigmoid language model's, so it is calibrated the same way."""
from __future__ import annotations

import time

import numpy as np

from ..models.density import BIAS_LIMIT, DensityGovernor
from ..models.generation import generate_piece
from ..models.key_count import KeyCounts
from ..models.notes import START, VOICE
from .key_count_calibration import ROUNDS as KEY_COUNT_ROUNDS
from .key_count_calibration import SEEDS as KEY_COUNT_SEEDS
from .key_count_calibration import corpus_shares, fit_key_counts

TEMPERATURES = (0.1, 0.5, 1.0, 1.5, 2.0)
SEEDS = range(100, 148)   # not the benchmark's 0..7: the offsets are not fitted to what measures them
BARS = 8
ROUNDS = 8                # bisection halvings of [-BIAS_LIMIT, BIAS_LIMIT]: to 0.03 nats
MIN_SEEDS = 8             # fewer, and one round's notes per bar is too noisy to bisect on


def notes_per_bar_from_silence(preset, temperature: float, seeds, bars: int = BARS, governor=None,
                               key_counts: KeyCounts | None = None) -> float:
    """Mean notes per 4/4 bar the preset writes from silence, as `musigan generate` does (with the
    governor and key-count tilt its card describes, or `governor()`'s for each seed and `key_counts`);
    what calibration aims at and what `bench/temperature_density.py` and the tests measure."""
    counts = []
    for seed in seeds:
        notes = generate_piece(preset, bars, None, seed, temperature, density=governor() if governor else None,
                               key_counts=key_counts).notes
        counts.append(int(((notes[:, VOICE] == 1) & (notes[:, START] >= 0)).sum()) / bars)
    return float(np.mean(counts))


def notes_per_bar_at(preset, temperature: float, offset: float, seeds=SEEDS,
                     key_counts: KeyCounts | None = None) -> float:
    """Mean notes per bar from silence with a constant `offset` (no integral)."""
    def constant():
        return DensityGovernor(preset.card()["data"]["notes_per_bar"], preset.config.data.steps_per_quarter,
                               {temperature: offset}, integrate=False)

    return notes_per_bar_from_silence(preset, temperature, seeds, governor=constant, key_counts=key_counts)


def calibrate_card(preset, progress=None, deadline: float | None = None) -> dict | None:
    """What calibration writes into the card's data: {"density_offsets"}, and for a pianoroll preset
    first {"key_count_shares", "key_count_weights"}. `progress(done, total)` over all the rounds.
    With a `deadline` (perf_counter), fewer seeds per round so that it ends in time; None when even
    MIN_SEEDS would not."""
    target_notes_per_bar(preset)
    entries, key_counts = {}, None
    rounds = KEY_COUNT_ROUNDS if preset.encoding().rows else 0
    share = seed_share(preset, rounds + len(TEMPERATURES) * ROUNDS, deadline)
    if share is None:
        return None
    total = rounds + len(TEMPERATURES)

    def report(first):
        return progress and (lambda done, _: progress(first + done, total))

    if rounds:
        entries["key_count_shares"] = corpus_shares(preset)
        entries["key_count_weights"] = fit_key_counts(preset, entries["key_count_shares"], progress=report(0),
                                                      seeds=KEY_COUNT_SEEDS[:round(share * len(KEY_COUNT_SEEDS))])
        key_counts = KeyCounts(entries["key_count_weights"])
    entries["density_offsets"] = calibrate(preset, report(rounds), key_counts=key_counts,
                                           seeds=SEEDS[:round(share * len(SEEDS))])
    return entries


def seed_share(preset, evaluations: int, deadline: float | None) -> float | None:
    """The share of the seeds each of `evaluations` rounds can afford before `deadline` (1 without one),
    from the time one seed's piece takes; None when MIN_SEEDS would not fit."""
    if deadline is None:
        return 1.0
    started = time.perf_counter()
    notes_per_bar_from_silence(preset, 1.0, SEEDS[:1])
    each = time.perf_counter() - started
    affordable = 0.8 * (deadline - time.perf_counter()) / (evaluations * each)  # 0.8: one seed's time varies
    if affordable < MIN_SEEDS:
        return None
    return min(1.0, affordable / len(SEEDS))


def target_notes_per_bar(preset) -> float:
    """The card's corpus notes per bar; ValueError for a card without it."""
    target = preset.card()["data"].get("notes_per_bar")
    if not target:
        raise ValueError(f"{preset.name}'s card records no corpus notes per bar (retrain it)")
    return target


def calibrate(preset, progress=None, temperatures=TEMPERATURES, seeds=SEEDS,
              key_counts: KeyCounts | None = None) -> dict[str, float]:
    """{temperature: offset} (with `key_counts` in place of the card's tilt); raises ValueError for a
    card without notes per bar."""
    target = target_notes_per_bar(preset)
    offsets = {}
    for index, temperature in enumerate(temperatures):
        low, high = -BIAS_LIMIT, BIAS_LIMIT
        for _ in range(ROUNDS):
            middle = (low + high) / 2
            low, high = ((middle, high) if notes_per_bar_at(preset, temperature, middle, seeds, key_counts) < target
                         else (low, middle))
        offsets[str(temperature)] = round((low + high) / 2, 3)
        if progress:
            progress(index + 1, len(temperatures))
    return offsets
