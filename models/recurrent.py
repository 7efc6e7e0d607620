"""The recurrent language model (Keras 3, any backend) and its backend-neutral weight export.

Layers carry fixed names (`embedding`, `rnn_0`.., `output`) and only built-in Keras layers are used,
so a `.keras` checkpoint loads with `safe_mode=True` and the exported `.npz` maps one-to-one onto
`models/stepper.py`. Importing this module imports Keras: the live path never does.
"""
from __future__ import annotations

import os

import numpy as np

from .preset_schema import Model
from .quiet import c_stderr_quiet

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # errors that matter reach Python as exceptions
with c_stderr_quiet():  # TensorFlow 2.21 prints absl/oneDNN lines at import whatever the log level
    import keras

CELLS = {"gru": keras.layers.GRU, "lstm": keras.layers.LSTM}


def build_language_model(model: Model, vocab_size: int, input_width: int | None = None) -> keras.Model:
    """Embedding -> stacked GRU/LSTM -> logits over the next token (softmax) or next row (sigmoid).

    `model` is a preset's model section: cell, layers, units, embedding, dropout, head. A softmax head
    takes token ids; a sigmoid head takes rows of `input_width` (default: pianoroll rows as wide as
    the output), which is also how the GAN's generator is built (noise and condition in its rows).
    """
    if model.head == "softmax":
        inputs = keras.Input(shape=(None,), dtype="int32", name="tokens")
        x = keras.layers.Embedding(vocab_size, model.embedding, name="embedding")(inputs)
    else:
        inputs = keras.Input(shape=(None, input_width or vocab_size), dtype="float32", name="rows")
        x = keras.layers.Dense(model.embedding, name="embedding")(inputs)
    for index in range(model.layers):
        x = keras.layers.Dropout(model.dropout, name=f"dropout_{index}")(x)
        x = CELLS[model.cell](model.units, return_sequences=True, name=f"rnn_{index}")(x)
    x = keras.layers.Dropout(model.dropout, name="dropout_out")(x)
    outputs = keras.layers.Dense(vocab_size, name="output")(x)
    return keras.Model(inputs, outputs, name=f"{model.cell}_{model.head}_lm")


def exported_layers(model: keras.Model) -> list:
    return [layer for layer in model.layers if layer.weights]


def export_weights(model: keras.Model) -> dict[str, np.ndarray]:
    """Named float32 arrays (`rnn_0/kernel`, ...): the preset format, readable without Keras."""
    return {f"{layer.name}/{variable.name}": np.asarray(keras.ops.convert_to_numpy(variable), np.float32)
            for layer in exported_layers(model) for variable in layer.weights}


def import_weights(model: keras.Model, weights: dict[str, np.ndarray], origin: str = "weights") -> None:
    """Load named arrays written by `export_weights` (under any backend); names what does not fit."""
    for layer in exported_layers(model):
        arrays = []
        for variable in layer.weights:
            key = f"{layer.name}/{variable.name}"
            if key not in weights:
                raise ValueError(f"{origin}: no array {key!r} (has {', '.join(sorted(weights))})")
            if tuple(weights[key].shape) != tuple(variable.shape):
                raise ValueError(f"{origin}: {key} has shape {tuple(weights[key].shape)}, "
                                 f"the model needs {tuple(variable.shape)}")
            arrays.append(weights[key])
        layer.set_weights(arrays)
