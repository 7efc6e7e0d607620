"""One GRU/LSTM step in NumPy: what the live path runs instead of Keras.

Exactly the Keras cell equations (GRU with `reset_after=True`, the Keras default; sigmoid gates), on
the arrays `models/recurrent.export_weights` writes. The embedding and the first layer's input
projection are folded into one table (token head) or one matrix (row head) at load time, so a step is
a handful of matrix-vector products with preallocated buffers. No TensorFlow or Keras import.
"""
from __future__ import annotations

import numpy as np

from .phrase_gan import generator_width
from .preset_schema import Model

GATES = {"gru": 3, "lstm": 4}


def _sigmoid(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """sigmoid(x) = (1 + tanh(x / 2)) / 2, computed in place into `out` (no exp overflow)."""
    np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


class Stepper:
    """Streaming inference: feed one token (or pianoroll row) at a time, read next-step logits."""

    def __init__(self, weights: dict[str, np.ndarray], model: Model, vocab_size: int):
        self.cell, self.head = model.cell, model.head
        self.layers, self.units = model.layers, model.units
        self.vocab_size = vocab_size
        self._check_shapes(weights, model)
        f32 = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items()}
        gates = GATES[self.cell]
        self.kernels = [f32[f"rnn_{i}/kernel"] for i in range(self.layers)]
        self.recurrent = [f32[f"rnn_{i}/recurrent_kernel"] for i in range(self.layers)]
        biases = [f32[f"rnn_{i}/bias"] for i in range(self.layers)]
        # GRU bias is (2, 3u): input bias and recurrent bias; LSTM bias is (4u,), input side only.
        self.input_bias = [b[0] if self.cell == "gru" else b for b in biases]
        self.recurrent_bias = [b[1] for b in biases] if self.cell == "gru" else []  # the GRU's alone
        embedding_to_gates = f32["embedding/embeddings"] if self.head == "softmax" else f32["embedding/kernel"]
        folded = embedding_to_gates @ self.kernels[0]
        if self.head == "softmax":
            self.token_table = folded + self.input_bias[0]   # (vocab, gates*u): token -> layer-0 input
        else:
            self.row_matrix = folded                          # (width, gates*u)
            self.row_bias = f32["embedding/bias"] @ self.kernels[0] + self.input_bias[0]
        self.output_kernel, self.output_bias = f32["output/kernel"], f32["output/bias"]
        self._x = np.empty(gates * self.units, np.float32)
        self._r = np.empty(gates * self.units, np.float32)
        self._tmp = np.empty(self.units, np.float32)
        self._gate = np.empty(self.units, np.float32)
        self._logits = np.empty(vocab_size, np.float32)
        self.reset()

    def _check_shapes(self, weights, model):
        gates, units = GATES[model.cell], model.units
        for i in range(model.layers):
            key = f"rnn_{i}/recurrent_kernel"
            if key not in weights:
                raise ValueError(f"weights have no {key!r}: they do not fit a {model.layers}-layer model")
            if weights[key].shape != (units, gates * units):
                raise ValueError(f"{key} has shape {weights[key].shape}, a {model.cell} of {units} units "
                                 f"needs {(units, gates * units)}")
        if model.head == "sigmoid" and "embedding/kernel" in weights:
            width = generator_width(model.noise, self.vocab_size) if model.kind == "gan" else self.vocab_size
            if weights["embedding/kernel"].shape[0] != width:
                raise ValueError(f"embedding/kernel takes rows of {weights['embedding/kernel'].shape[0]}, this model "
                                 f"needs {width}" + (" (a GAN generator from before it heard what it played: "
                                                     "retrain it)" if model.kind == "gan" else ""))
        if weights["output/bias"].shape != (self.vocab_size,):
            raise ValueError(f"output/bias has shape {weights['output/bias'].shape}, the encoding's vocabulary "
                             f"needs ({self.vocab_size},)")

    # --- state: read, reset, copy and restore (respond mode primes, then branches to answer) ---
    def reset(self) -> None:
        count = 2 if self.cell == "lstm" else 1
        self.state = [[np.zeros(self.units, np.float32) for _ in range(count)] for _ in range(self.layers)]

    def copy_state(self) -> list:
        return [[a.copy() for a in layer] for layer in self.state]

    def set_state(self, state) -> None:
        self.state = [[np.array(a, np.float32) for a in layer] for layer in state]

    @property
    def input_width(self) -> int:
        """Width of an input row (sigmoid head): the pianoroll, or a GAN generator's noise + condition."""
        return self.row_matrix.shape[0]

    @property
    def nbytes(self) -> int:
        arrays = [*self.kernels[1:], *self.recurrent, *self.recurrent_bias, *self.input_bias[1:],
                  self.output_kernel, self.output_bias]
        arrays += [self.token_table] if self.head == "softmax" else [self.row_matrix, self.row_bias]
        return sum(a.nbytes for a in arrays)

    # --- the step ---
    def step(self, x) -> np.ndarray:
        """Consume one token id (softmax head) or one multi-hot row (sigmoid head); return the logits
        for the next one. The returned array is reused by the next call: copy it to keep it."""
        if self.head == "softmax":
            np.copyto(self._x, self.token_table[int(x)])
        else:
            np.dot(np.asarray(x, np.float32), self.row_matrix, out=self._x)
            self._x += self.row_bias
        cell = self._gru if self.cell == "gru" else self._lstm
        h = cell(0)
        for layer in range(1, self.layers):
            np.dot(h, self.kernels[layer], out=self._x)
            self._x += self.input_bias[layer]
            h = cell(layer)
        np.dot(h, self.output_kernel, out=self._logits)
        self._logits += self.output_bias
        return self._logits

    def _gru(self, layer: int) -> np.ndarray:
        u, (h,) = self.units, self.state[layer]
        np.dot(h, self.recurrent[layer], out=self._r)
        self._r += self.recurrent_bias[layer]
        x, r = self._x, self._r
        x[:2 * u] += r[:2 * u]
        _sigmoid(x[:2 * u], x[:2 * u])                      # z | r gates
        np.multiply(x[u:2 * u], r[2 * u:], out=self._tmp)   # reset gate * recurrent candidate
        self._tmp += x[2 * u:]
        np.tanh(self._tmp, out=self._tmp)                   # candidate
        # h = z * h + (1 - z) * candidate  ==  candidate + z * (h - candidate)
        h -= self._tmp
        h *= x[:u]
        h += self._tmp
        return h

    def _lstm(self, layer: int) -> np.ndarray:
        u, (h, c) = self.units, self.state[layer]
        np.dot(h, self.recurrent[layer], out=self._r)
        x = self._x
        x += self._r
        _sigmoid(x[:2 * u], x[:2 * u])                      # input | forget gates
        _sigmoid(x[3 * u:], x[3 * u:])                      # output gate
        np.tanh(x[2 * u:3 * u], out=self._tmp)              # candidate
        c *= x[u:2 * u]
        self._tmp *= x[:u]
        c += self._tmp
        np.tanh(c, out=self._tmp)
        np.multiply(x[3 * u:], self._tmp, out=h)
        return h


def load_stepper(preset) -> Stepper:
    """The stepper for a trained preset (see `models/presets.py`)."""
    return Stepper(preset.load_weights(), preset.config.model, preset.encoding().vocab_size)
