"""What the session memory costs a live step: a companion playing solo, grid step by grid step, with
the memory off (amount 0: the preset alone) and on, side by side in one run, on one core.

    python bench/memory_cost.py [--steps 4000] [--amount 0.3]

Each companion first plays WARM steps so its memory holds a few minutes of music, as in a session;
then the same number of steps is timed with the memory's amount at 0 and at `--amount`. Goal: the
memory adds at most 0.05 ms per step at p99.
"""
from __future__ import annotations

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from musigan.live.companions import companion_for  # noqa: E402
from musigan.models.presets import get_preset  # noqa: E402

WARM = 2000  # steps heard before timing: about two minutes of 16ths at 100 bpm


def timed(companion, steps: int) -> np.ndarray:
    seconds = []
    for _ in range(steps):
        started = time.perf_counter()
        companion.step()
        seconds.append(time.perf_counter() - started)
    return np.asarray(seconds) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--amount", type=float, default=0.3)
    args = parser.parse_args()
    print(f"{'preset':20} {'memory':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name in ("folk-lstm", "bach-chorales-gru", "bach-harmony"):
        companion = companion_for(get_preset(name), seed=0, memory=args.amount)
        timed(companion, WARM)
        rows = {}
        for amount in (0.0, args.amount, 0.0, args.amount):  # interleaved: drift hits both alike
            companion.memory_amount = amount
            rows.setdefault(amount, []).append(timed(companion, args.steps // 2))
        p99 = {}
        for amount, runs in rows.items():
            ms = np.concatenate(runs)
            p99[amount] = np.percentile(ms, 99)
            print(f"{name:20} {amount:7g} {np.percentile(ms, 50):8.3f} {p99[amount]:8.3f} {ms.max():8.3f}")
        print(f"{name:20} the memory adds {p99[args.amount] - p99[0.0]:.3f} ms at p99 (goal <= 0.05)")


if __name__ == "__main__":
    main()
