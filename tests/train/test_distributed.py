"""Data-parallel training through Keras' distribution API, on two virtual CPU devices under JAX."""
import json
import os

import pytest
from support import run_musigan

TINY = """
tiny:
  data: {source: "jsb:jsb-chorales-quarter", steps_per_quarter: 1, encoding: {name: pianoroll, width: 88}, max_pieces: 30}
  model: {layers: 1, units: 16, embedding: 8, dropout: 0.0, head: sigmoid}
  training: {epochs: 3, batch_size: 8, sequence_length: 32, sample_every: 0}
"""


def train(tmp_path, devices: int):
    config = tmp_path / "tiny.yaml"
    config.write_text(TINY)
    env = {**os.environ, "KERAS_BACKEND": "jax", "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
           "MUSIGAN_HOME": str(tmp_path / f"home{devices}")}
    result = run_musigan("train", "tiny", "--config", config, "--out", tmp_path / f"run{devices}", env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, json.loads((tmp_path / f"run{devices}" / "state.json").read_text())["history"]


@pytest.mark.slow
def test_two_devices_follow_the_one_device_loss_curve(tmp_path):
    pytest.importorskip("jax")
    one_out, one = train(tmp_path, 1)
    two_out, two = train(tmp_path, 2)
    assert "data-parallel" not in one_out and "data-parallel over 2 devices (batch 4 on each)" in two_out
    for a, b in zip(one, two):  # the same model, data and seed; the two-device run drops each epoch's ragged tail
        assert b["loss"] == pytest.approx(a["loss"], rel=0.02)
        assert b["valid_nll_per_step"] == pytest.approx(a["valid_nll_per_step"], rel=0.02)
    assert two[-1]["valid_nll_per_step"] < two[0]["valid_nll_per_step"]  # and it learns
