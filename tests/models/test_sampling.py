import numpy as np
import pytest
from musigan.models.encodings import make_encoding
from musigan.models.generation import sample_steps
from musigan.models.preset_schema import Model
from musigan.models.sampling import Sampler
from musigan.models.stepper import Stepper


def test_seeded_sampling_repeats_and_follows_the_distribution():
    logits = np.log(np.array([0.5, 0.3, 0.2]))
    def long_draw(seed):
        sampler = Sampler(seed=seed)
        return [sampler.categorical(logits) for _ in range(200)]

    assert long_draw(7) == long_draw(7)      # the same seed gives the same 200 draws
    assert long_draw(7) != long_draw(8)      # (a chance match of 200 draws is below 1e-40)
    sampler = Sampler(seed=1)
    counts = np.bincount([sampler.categorical(logits) for _ in range(6000)], minlength=3) / 6000
    np.testing.assert_allclose(counts, [0.5, 0.3, 0.2], atol=0.03)


def test_low_temperature_is_greedy_and_top_p_cuts_the_tail():
    logits = np.log(np.array([0.6, 0.25, 0.1, 0.05]))
    cold = Sampler(temperature=0.01, seed=0)
    assert {cold.categorical(logits) for _ in range(200)} == {0}
    nucleus = Sampler(top_p=0.8, seed=0)
    assert {nucleus.categorical(logits) for _ in range(2000)} == {0, 1}


def test_constraints_rule_tokens_out():
    sampler = Sampler(seed=3)
    allowed = np.array([False, True, False, True])
    assert {sampler.categorical(np.zeros(4), allowed) for _ in range(300)} == {1, 3}
    with pytest.raises(ValueError, match="allow no token"):
        sampler.categorical(np.zeros(4), np.zeros(4, bool))


def test_bernoulli_rows_respect_the_note_cap_and_mask():
    sampler = Sampler(seed=0)
    logits = np.full(88, 3.0)
    allowed = np.zeros(88, bool)
    allowed[10:20] = True
    rows = [sampler.bernoulli(logits, allowed, max_notes=4) for _ in range(50)]
    assert all(r.sum() <= 4 and not r[~allowed].any() for r in rows)
    assert np.mean([r.sum() for r in rows]) > 3.5


def constant_stepper(logits):
    """A real stepper whose weights ignore the input: its logits are the output bias, always."""
    vocab, units = len(logits), 4
    weights = {"embedding/embeddings": np.zeros((vocab, 2)), "rnn_0/kernel": np.zeros((2, 3 * units)),
               "rnn_0/recurrent_kernel": np.zeros((units, 3 * units)), "rnn_0/bias": np.zeros((2, 3 * units)),
               "output/kernel": np.zeros((units, vocab)), "output/bias": np.asarray(logits)}
    return Stepper(weights, Model(cell="gru", layers=1, units=units, head="softmax"), vocab)


def test_sampled_frames_keep_descending_order_and_the_step_count():
    encoding = make_encoding({"name": "frames", "low": 60, "high": 71})
    steps = sample_steps(constant_stepper(np.zeros(13)), encoding, Sampler(seed=5), 40, np.zeros(13), max_notes=3)
    assert sum(t == encoding.step_token for t in steps) == 40
    frame = []
    for token in steps:
        if token == encoding.step_token:
            assert frame == sorted(frame, reverse=True) and len(frame) == len(set(frame)) and len(frame) <= 3
            frame = []
        else:
            frame.append(token)


def test_a_model_that_never_steps_is_forced_on():
    encoding = make_encoding({"name": "events"})
    logits = np.full(encoding.vocab_size, -50.0)
    logits[60] = 50.0  # NOTE_ON 60 forever
    tokens = sample_steps(constant_stepper(logits), encoding, Sampler(seed=0), 8, logits, max_notes=2)
    assert tokens.count(encoding.step_token) == 8
