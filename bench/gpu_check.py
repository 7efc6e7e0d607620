"""The GPU check, ready for the first machine that has one: train, measure and evaluate under JAX.

    KERAS_BACKEND=jax python bench/gpu_check.py [--minutes 3] [--out results.md]
    python bench/gpu_check.py --tiny          # the same steps in a minute on a CPU (a test runs this)

For a machine with an NVIDIA GPU, PyTorch and JAX but no TensorFlow (install Keras and its two small
dependencies, namex and optree, from wheels carried along). In one run, under `KERAS_BACKEND=jax`:

1. training tokens per second of musigan's GRU (2x256, Keras on JAX) beside a plain-PyTorch GRU of the
   same size (cuDNN on a GPU), on random tokens (`bench/train_throughput.py`'s runners);
2. `musigan train` of `jsb-gru-sigmoid` and of the frame-token GRU `bach-chorales-gru`, MINUTES each
   (their `training.max_minutes`), calibration skipped;
3. `musigan evaluate` of each on the JSB test split, beside its shipped card's figure.

It writes a markdown table to stdout and to `--out`. Everything fits in 10 minutes at `--minutes 3`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from train_throughput import KERAS_RUNNER, REPO, TORCH_RUNNER, measure

from musigan.models.presets import get_preset

PRESETS = ("jsb-gru-sigmoid", "bach-chorales-gru")
SHAPE = ("gru", 32, 200)


def override(folder: Path, minutes: float, tiny: bool) -> Path:
    """The presets with the check's budget (and, `--tiny`, a small model on a few pieces)."""
    small = "  model: {layers: 1, units: 16, embedding: 8}\n  data: {max_pieces: 12}\n" if tiny else ""
    text = "".join(f"{name}:\n  training: {{max_minutes: {minutes}, epochs: {2 if tiny else 1000}, "
                   f"sample_every: 0}}\n{small}" for name in PRESETS)
    path = folder / "gpu-check.yaml"
    path.write_text(text)
    return path


def musigan(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "musigan.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=1800)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0, help="training budget per preset (default 3)")
    parser.add_argument("--tiny", action="store_true", help="a small model for seconds: the steps, on a CPU")
    parser.add_argument("--out", metavar="FILE.md", help="also write the table here")
    args = parser.parse_args()
    minutes = 0.2 if args.tiny else args.minutes
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    rows, started = [], time.perf_counter()
    steps, repeats = (2, 1) if args.tiny else (8, 3)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "musigan").symlink_to(REPO)
        runner_env = {**env, "PYTHONPATH": tmp}
        jax_rate = measure(sys.executable, KERAS_RUNNER, runner_env, SHAPE, steps, repeats)
        torch_rate = measure(sys.executable, TORCH_RUNNER, runner_env, SHAPE, steps, repeats)
        config = override(Path(tmp), minutes, args.tiny)
        env = {**env, "MUSIGAN_HOME": tmp}
        for name in PRESETS:
            trained = musigan("train", name, "--config", config, "--out", Path(tmp) / name, "--no-calibration",
                              env=env)
            if trained.returncode != 0:
                sys.exit(f"gpu_check: musigan train {name} failed: {trained.stderr.strip()[-500:]}")
            card = json.loads((Path(tmp) / f"{name}.json").read_text())
            evaluated = musigan("evaluate", name, "--config", config, "--split", "test", "--json", env=env)
            if evaluated.returncode != 0:
                sys.exit(f"gpu_check: musigan evaluate {name} failed: {evaluated.stderr.strip()[-500:]}")
            shipped = get_preset(name).card()["metrics"]["test"]["nll_per_step"]
            rows.append(f"| {name} | {card['epochs']} | {card['training_seconds']:.0f} | "
                        f"{json.loads(evaluated.stdout)['nll_per_step']:.4f} | {shipped:.4f} | "
                        f"{card['hardware']['backend']} {', '.join(card['hardware']['gpus']) or 'CPU'} |")
    table = "\n".join([
        f"training tokens/s, GRU 2x256, batch {SHAPE[1]} x {SHAPE[2]} steps: Keras on JAX {jax_rate}, "
        f"plain PyTorch {torch_rate} (baseline)",
        "",
        "| preset | epochs | training s | test NLL/step (this run) | shipped card | backend, devices |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"{'tiny (--tiny) ' if args.tiny else ''}check done in {time.perf_counter() - started:.0f} s",
    ])
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n")


if __name__ == "__main__":
    main()
