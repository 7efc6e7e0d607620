"""Weights written under one Keras backend load under another (the GPU box has JAX, not TensorFlow)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from musigan.models import recurrent
from musigan.models.preset_schema import Model
from support import run_musigan

pytest.importorskip("jax")

CONFIG = {"cell": "gru", "layers": 2, "units": 32, "embedding": 16, "dropout": 0.0, "head": "softmax"}  # a Model
OTHER_SIDE = """
import sys, numpy as np
from musigan.models import recurrent
from musigan.models.preset_schema import Model
config, vocab = Model(**{config!r}), 40
tokens = np.load(sys.argv[1])["tokens"]
with np.load(sys.argv[2], allow_pickle=False) as given:
    model = recurrent.build_language_model(config, vocab)
    recurrent.import_weights(model, dict(given), "given")
    loaded = np.asarray(model.predict_on_batch(tokens))
own = recurrent.build_language_model(config, vocab)
np.savez(sys.argv[3], loaded=loaded, own=np.asarray(own.predict_on_batch(tokens)), backend=recurrent.keras.backend.backend())
np.savez(sys.argv[4], **recurrent.export_weights(own))
"""


def test_tensorflow_and_jax_weights_load_both_ways(tmp_path):
    assert recurrent.keras.backend.backend() == "tensorflow"
    tokens = np.random.default_rng(0).integers(0, 40, (2, 50)).astype(np.int32)
    np.savez(tmp_path / "tokens.npz", tokens=tokens)
    model = recurrent.build_language_model(Model(**CONFIG), 40)
    np.savez(tmp_path / "tf.npz", **recurrent.export_weights(model))
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run([sys.executable, "-c", OTHER_SIDE.format(config=CONFIG), tmp_path / "tokens.npz",
                             tmp_path / "tf.npz", tmp_path / "out.npz", tmp_path / "jax.npz"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = np.load(tmp_path / "out.npz")
    assert str(out["backend"]) == "jax"
    np.testing.assert_allclose(out["loaded"], model.predict_on_batch(tokens), atol=1e-5)  # TF -> JAX
    with np.load(tmp_path / "jax.npz", allow_pickle=False) as from_jax:
        recurrent.import_weights(model, dict(from_jax), "jax.npz")
    np.testing.assert_allclose(model.predict_on_batch(tokens), out["own"], atol=1e-5)        # JAX -> TF


@pytest.mark.slow
def test_a_preset_with_weight_averaging_trains_and_checkpoints_under_jax(tmp_path):
    """jsb-gru-sigmoid's settings (AdamW with an EMA of the weights) over several epochs under JAX:
    each epoch's checkpoint is written (Keras on JAX used to leave the weights aliased to the
    average's donated buffers: "Array has been deleted")."""
    config = tmp_path / "ema.yaml"
    config.write_text("jsb-gru-sigmoid:\n  training: {epochs: 3, sample_every: 0, batch_size: 8, sequence_length: 32}\n"
                      "  model: {layers: 1, units: 16, embedding: 8}\n  data: {max_pieces: 30}\n")
    env = {**os.environ, "KERAS_BACKEND": "jax", "MUSIGAN_HOME": str(tmp_path / "home")}
    result = run_musigan("train", "jsb-gru-sigmoid", "--config", config, "--out", tmp_path / "run",
                         "--no-calibration", env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((tmp_path / "run" / "state.json").read_text())["epoch"] == 3
    assert json.loads((tmp_path / "jsb-gru-sigmoid.json").read_text())["hardware"]["backend"] == "jax"
