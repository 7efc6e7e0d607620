"""The key-count tilt: a pianoroll row sounds and starts as many keys as its corpus's steps do, and
within a count the keys are the independent model's own choice."""
import itertools

import numpy as np
import pytest
from musigan.models.key_count import KeyCounts, count_table
from musigan.models.sampling import Sampler


def only(sounding: int, starting: int, size: int = 9) -> np.ndarray:
    table = np.zeros((size, size))
    table[sounding, starting] = 1.0
    return table


def test_given_its_count_a_row_is_drawn_as_the_independent_keys_would_be_given_that_count():
    """Four keys, two of them on: each pair as often as p(pair on, others off) / p(two on)."""
    probs = np.array([0.9, 0.5, 0.2, 0.1, 0.0])
    rng, draws = np.random.default_rng(0), 20000
    seen = {}
    for _ in range(draws):
        pair = tuple(np.flatnonzero(KeyCounts(only(2, 2)).draw(probs, np.zeros(5, bool), rng)))
        seen[pair] = seen.get(pair, 0) + 1
    odds = probs[:4] / (1 - probs[:4])
    exact = {pair: odds[list(pair)].prod() for pair in itertools.combinations(range(4), 2)}
    total = sum(exact.values())
    assert set(seen) <= set(exact)                       # never the key the model rules out
    distance = sum(abs(seen.get(pair, 0) / draws - weight / total) for pair, weight in exact.items()) / 2
    assert distance < 0.015, (seen, exact)


def test_held_keys_go_on_and_new_ones_start_as_the_table_says():
    logits = np.full(88, -2.0)
    held = np.zeros(88, bool)
    held[[40, 44, 47, 52]] = True
    rng = np.random.default_rng(1)
    holding = KeyCounts(only(4, 0)).draw(1 / (1 + np.exp(-logits)), held, rng)
    assert (holding == held).all()
    moving = KeyCounts(only(4, 4)).draw(1 / (1 + np.exp(-logits)), held, rng)
    assert moving.sum() == 4 and not (moving & held).any()


def test_a_sampler_with_the_corpus_counts_sounds_four_keys_where_the_free_one_spreads():
    """A model with four likely keys and a fog of unlikely ones: drawn key by key, a step sounds from
    two to ten keys; tilted by a four-voice corpus's table, four on most steps, never more."""
    logits = np.full(88, -3.5)
    logits[[40, 44, 47, 52]] = 1.0
    corpus = 0.4 * only(4, 0) + 0.2 * only(4, 1) + 0.3 * only(4, 4) + 0.1 * only(3, 1)

    def sounding(sampler, steps=400):
        previous, counts = np.zeros(88, bool), []
        for _ in range(steps):
            previous = sampler.bernoulli(logits, previous=previous).astype(bool)
            counts.append(previous.sum())
        return np.bincount(counts, minlength=9) / steps

    free = sounding(Sampler(seed=2))
    tilted = sounding(Sampler(seed=2, key_counts=KeyCounts.from_shares(corpus)))
    assert free[4] < 0.3 and free[5:].sum() > 0.4
    assert tilted[4] > 0.65 and tilted[5:].sum() < 0.02   # (fitting, below, brings the rest to the corpus's)


def test_the_count_table_of_a_roll():
    roll = np.zeros((3, 88), bool)
    roll[0, [40, 44]] = True          # two start
    roll[1, [40, 44, 47]] = True      # three sound, one starts
    table = count_table(roll, 9)
    assert table[2, 2] == 1 and table[3, 1] == 1 and table[0, 0] == 1 and table.sum() == 3


def test_fitting_brings_what_a_preset_writes_to_its_corpus_counts():
    from musigan.models.presets import get_preset
    from musigan.train.key_count_calibration import corpus_shares, fit_key_counts, written_shares

    preset = get_preset("jsb-gru-sigmoid")
    shares = np.asarray(corpus_shares(preset))
    seeds = range(16)
    plain = written_shares(preset, KeyCounts.from_shares(shares), seeds)
    fitted = written_shares(preset, KeyCounts(fit_key_counts(preset, shares, rounds=4, seeds=seeds)), seeds)
    assert np.abs(fitted - shares).sum() < 0.7 * np.abs(plain - shares).sum()


def test_a_bad_table_is_refused():
    with pytest.raises(ValueError, match="square table"):
        KeyCounts([0.5, 0.5])
