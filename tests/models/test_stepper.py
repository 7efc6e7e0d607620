"""The NumPy stepper against the Keras model it was exported from: same outputs, step by step."""
from dataclasses import replace

import numpy as np
import pytest
from musigan.models import recurrent
from musigan.models.preset_schema import Model
from musigan.models.stepper import Stepper

STEPS = 500


def random_model(cell, layers, head, vocab, seed=0):
    config = Model(cell=cell, layers=layers, units=48, embedding=24, dropout=0.0, head=head)
    model = recurrent.build_language_model(config, vocab)
    rng = np.random.default_rng(seed)
    for layer in model.layers:  # random weights and non-zero biases, so every term of the equations counts
        layer.set_weights([rng.normal(0, 0.3, w.shape).astype(np.float32) for w in layer.get_weights()])
    return config, model


def inputs_for(head, vocab, rng):
    if head == "softmax":
        return rng.integers(0, vocab, STEPS).astype(np.int32)
    return (rng.random((STEPS, vocab)) < 0.08).astype(np.float32)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("head", ["softmax", "sigmoid"])
def test_stepper_matches_keras_over_500_steps(cell, layers, head):
    vocab = 89 if head == "softmax" else 88
    config, model = random_model(cell, layers, head, vocab)
    sequence = inputs_for(head, vocab, np.random.default_rng(1))
    expected = np.asarray(model.predict_on_batch(sequence[None]))[0]
    stepper = Stepper(recurrent.export_weights(model), config, vocab)
    got = np.stack([stepper.step(x).copy() for x in sequence])
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)
    assert np.abs(expected).max() > 0.5  # the comparison is not between near-zero outputs


def test_state_copy_and_restore_branches_exactly():
    config, model = random_model("lstm", 2, "softmax", 40)
    stepper = Stepper(recurrent.export_weights(model), config, 40)
    for token in (1, 5, 7):
        stepper.step(token)
    saved = stepper.copy_state()
    first = [stepper.step(t).copy() for t in (3, 4)]
    stepper.set_state(saved)
    again = [stepper.step(t).copy() for t in (3, 4)]
    np.testing.assert_array_equal(first, again)
    stepper.reset()
    fresh = stepper.step(3).copy()
    assert not np.allclose(fresh, first[0])


def test_weights_that_do_not_fit_are_named():
    config, model = random_model("gru", 2, "softmax", 30)
    weights = recurrent.export_weights(model)
    with pytest.raises(ValueError, match="rnn_0/recurrent_kernel"):
        Stepper(weights, replace(config, units=64), 30)
    with pytest.raises(ValueError, match="3-layer"):
        Stepper(weights, replace(config, layers=3), 30)
    with pytest.raises(ValueError, match="vocabulary"):
        Stepper(weights, config, 31)
    bigger = recurrent.build_language_model(replace(config, units=64), 30)
    with pytest.raises(ValueError, match="rnn_0/kernel has shape"):
        recurrent.import_weights(bigger, weights, "w.npz")
