"""The density governor and the GAN's calibrated threshold: the corpus's notes per bar at any
temperature, and the player's density knob scaling it."""
import numpy as np
import pytest
from musigan.models.density import DensityGovernor
from musigan.models.sampling import Sampler



def row_onsets(sampler, logits, steps=600):
    """Onsets per step over `steps` pianoroll rows from fixed logits (each row follows the last)."""
    previous, started = np.zeros(len(logits), bool), 0
    for _ in range(steps):
        row = sampler.bernoulli(logits, previous=previous).astype(bool)
        started += int((row & ~previous).sum())
        previous = row
    return started / steps


@pytest.mark.parametrize("temperature", [0.1, 1.0, 2.0])
def test_rows_start_the_corpus_rate_whatever_the_temperature_and_the_model_say(temperature):
    """A model that would start ~4 notes a step (88 keys at sigmoid(-3)); its corpus starts 16 a bar of
    16 steps. Without the governor the rate is the model's; with it, the corpus's."""
    logits = np.full(88, -3.0)
    logits[40:52] += np.linspace(0, 2, 12)  # some keys likelier: something for the temperature to choose
    free = row_onsets(Sampler(temperature, seed=0), logits)
    assert free > 3
    governed = row_onsets(Sampler(temperature, seed=0, density=DensityGovernor(16, steps_per_quarter=4)), logits)
    assert governed == pytest.approx(1.0, rel=0.15)


def test_the_density_knob_scales_the_rate_and_tokens_are_governed_too():
    """A token model (four note tokens and a STEP that waits) that ends its step at once nine times in
    ten: 0.1 onsets a step left alone; the governor brings it to its target, and scale 2 doubles it."""
    logits = np.log(np.array([0.025, 0.025, 0.025, 0.025, 0.9]))
    waits = np.array([False, False, False, False, True])

    def rate(density, steps=1500):
        sampler, started = Sampler(seed=1, density=density), 0
        for _ in range(steps):
            while sampler.categorical(logits, structural=waits) != 4:
                started += 1
            sampler.end_step()
        return started / steps

    assert rate(None) == pytest.approx(0.11, abs=0.03)
    governor = DensityGovernor(8, steps_per_quarter=4)   # 0.5 a step
    assert rate(governor) == pytest.approx(0.5, rel=0.15)
    governor.scale = 2.0
    assert rate(governor) == pytest.approx(1.0, rel=0.15)


def test_calibration_finds_the_offset_at_which_a_preset_plays_its_corpus_rate():
    from musigan.models.presets import get_preset
    from musigan.train.density_calibration import calibrate, notes_per_bar_at

    preset = get_preset("jsb-gru-sigmoid")
    target = preset.card()["data"]["notes_per_bar"]
    seeds = range(8)   # not 4: with the key-count tilt, 4 seeds' notes per bar are not monotone in the offset
    assert notes_per_bar_at(preset, 1.0, -1.0, seeds) < notes_per_bar_at(preset, 1.0, 1.0, seeds)
    offset = calibrate(preset, temperatures=(1.0,), seeds=seeds)["1.0"]
    assert notes_per_bar_at(preset, 1.0, offset, seeds) == pytest.approx(target, rel=0.08)
