"""Training throughput of the shipped model shapes: Keras on TensorFlow, JAX and torch, against a plain
PyTorch loop (`nn.GRU` / `nn.LSTM`) of the same shape as the baseline, all in one run.

    python bench/train_throughput.py [--repeats 3] [--steps 8] [--torch-python PATH]

Each figure is training tokens per second (batch x sequence length x steps / seconds), the median of
`--repeats` timings of `--steps` optimizer steps after a warm-up, each runner in its own process
(Keras picks its backend at import). The Keras runners build the model with musigan's own builder
(`models/recurrent.py`: embedding, two recurrent layers, softmax head) and train it with Adam on
random tokens, as `musigan train` does. `--torch-python` names an interpreter that has torch (and
keras, for Keras-on-torch) when this one does not; a runner whose backend is missing prints why.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VOCAB, UNITS, LAYERS, EMBEDDING = 100, 256, 2, 64
SHAPES = (("lstm", 32, 200), ("gru", 32, 200), ("gru", 128, 64))

KERAS_RUNNER = """
import json, sys, time
import numpy as np
from musigan.models.preset_schema import Model
from musigan.models.recurrent import build_language_model, keras
cell, batch, length, steps, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
model = build_language_model(Model(cell=cell, layers=%d, units=%d, embedding=%d, dropout=0.0, head="softmax"), %d)
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
rng = np.random.default_rng(0)
x = rng.integers(0, %d, (batch, length)).astype("int32")
y = rng.integers(0, %d, (batch, length)).astype("int32")
for _ in range(3):
    model.train_on_batch(x, y)
times = []
for _ in range(repeats):
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(x, y)
    times.append(time.perf_counter() - start)
print("RESULT", json.dumps([batch * length * steps / t for t in times]))
""" % (LAYERS, UNITS, EMBEDDING, VOCAB, VOCAB, VOCAB)

TORCH_RUNNER = """
import json, sys, time
import torch
from torch import nn
cell, batch, length, steps, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.manual_seed(0)
class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(%d, %d)
        self.rnn = (nn.GRU if cell == "gru" else nn.LSTM)(%d, %d, num_layers=%d, batch_first=True)
        self.output = nn.Linear(%d, %d)
    def forward(self, x):
        return self.output(self.rnn(self.embedding(x))[0])
model = LM()
optimizer = torch.optim.Adam(model.parameters(), 1e-3)
x = torch.randint(0, %d, (batch, length))
y = torch.randint(0, %d, (batch, length))
def step():
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x).reshape(-1, %d), y.reshape(-1))
    loss.backward()
    optimizer.step()
for _ in range(3):
    step()
times = []
for _ in range(repeats):
    start = time.perf_counter()
    for _ in range(steps):
        step()
    times.append(time.perf_counter() - start)
print("RESULT", json.dumps([batch * length * steps / t for t in times]))
""" % (VOCAB, EMBEDDING, EMBEDDING, UNITS, LAYERS, UNITS, VOCAB, VOCAB, VOCAB, VOCAB)


def measure(python: str, code: str, env: dict, shape, steps: int, repeats: int) -> str:
    cell, batch, length = shape
    result = subprocess.run([python, "-c", code, cell, str(batch), str(length), str(steps), str(repeats)],
                            capture_output=True, text=True, env=env, timeout=1800)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return f"n/a ({reason[:60]})"
    return f"{statistics.median(json.loads(lines[0][7:])) / 1e3:.1f}k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--torch-python", default=sys.executable, help="an interpreter with torch (and keras)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "musigan").symlink_to(REPO)  # the repository root is the `musigan` package
        base = {**os.environ, "PYTHONPATH": tmp, "TF_CPP_MIN_LOG_LEVEL": "3"}
        runners = [
            ("Keras on TensorFlow", sys.executable, KERAS_RUNNER, {**base, "KERAS_BACKEND": "tensorflow"}),
            ("Keras on JAX", sys.executable, KERAS_RUNNER, {**base, "KERAS_BACKEND": "jax"}),
            ("Keras on torch", args.torch_python, KERAS_RUNNER, {**base, "KERAS_BACKEND": "torch"}),
            ("plain PyTorch (baseline)", args.torch_python, TORCH_RUNNER, base),
        ]
        print(f"training tokens/s, {LAYERS}x{UNITS} {'/'.join(sorted({s[0] for s in SHAPES}))}, vocabulary {VOCAB}, "
              f"median of {args.repeats} x {args.steps} steps; {os.cpu_count()} cores")
        header = "| runner | " + " | ".join(f"{cell.upper()} B={b} T={t}" for cell, b, t in SHAPES) + " |"
        print(header)
        print("| --- |" + " --- |" * len(SHAPES))
        for name, python, code, env in runners:
            cells = [measure(python, code, env, shape, args.steps, args.repeats) for shape in SHAPES]
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
