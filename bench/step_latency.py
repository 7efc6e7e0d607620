"""Per-step latency of the NumPy stepper (the live path) against the Keras ways a user would step a
model, side by side in one run, on one core (one BLAS thread, one TensorFlow thread).

    python bench/step_latency.py [--steps 10000] [--baseline-steps 300]

Rows: every shipped preset that is trained, and a 2x512 GRU over the 89-token frames vocabulary
with random weights. The Keras baselines step the same 2x512 GRU as a stateful model with
`model.predict`, an eager call, and a `tf.function`-compiled call. For each pianoroll preset, what
drawing its next row costs on top of the step: key by key, and with its card's key-count tilt.
"""
from __future__ import annotations

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from musigan.models.generation import prime  # noqa: E402
from musigan.models.key_count import key_counts_for  # noqa: E402
from musigan.models.preset_schema import Model  # noqa: E402
from musigan.models.presets import load_presets  # noqa: E402
from musigan.models.sampling import Sampler  # noqa: E402
from musigan.models.stepper import Stepper, load_stepper  # noqa: E402

BIG = Model(cell="gru", layers=2, units=512, embedding=64, dropout=0.0, head="softmax")
VOCAB = 89


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    ms = np.asarray(seconds) * 1e3
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99)), float(ms.max())


def time_steps(step, inputs) -> list[float]:
    times = []
    for x in inputs:
        start = time.perf_counter()
        step(x)
        times.append(time.perf_counter() - start)
    return times


def stepper_inputs(stepper: Stepper, count: int, rng) -> list:
    if stepper.head == "softmax":
        return list(rng.integers(0, stepper.vocab_size, count))
    return list((rng.random((count, stepper.input_width)) < 0.05).astype(np.float32))


def row_draw_times(preset, count: int) -> dict[str, list[float]]:
    """Seconds per row drawn from a pianoroll preset's logits as it plays on (each row fed back):
    key by key, and with the card's key-count tilt."""
    stepper, encoding = load_stepper(preset), preset.encoding()
    results = {}
    for label, key_counts in (("key by key", None), ("key counts", key_counts_for(preset))):
        sampler = Sampler(seed=0, key_counts=key_counts)
        logits, previous, times = prime(stepper, encoding), None, []
        for _ in range(count):
            start = time.perf_counter()
            row = sampler.bernoulli(logits, previous=previous)
            times.append(time.perf_counter() - start)
            previous, logits = row, stepper.step(row)
        results[label] = times
    return results


def keras_baselines(weights: dict, count: int, rng) -> dict[str, list[float]]:
    import tensorflow as tf
    from musigan.models import recurrent

    keras = recurrent.keras
    inputs = keras.Input(batch_shape=(1, 1), dtype="int32")
    x = keras.layers.Embedding(VOCAB, BIG.embedding, name="embedding")(inputs)
    for i in range(BIG.layers):
        x = keras.layers.GRU(BIG.units, return_sequences=True, stateful=True, name=f"rnn_{i}")(x)
    model = keras.Model(inputs, keras.layers.Dense(VOCAB, name="output")(x))
    recurrent.import_weights(model, weights, "2x512 GRU")
    compiled = tf.function(lambda t: model(t, training=False))
    tokens = [np.array([[t]], np.int32) for t in rng.integers(0, VOCAB, count)]
    results = {}
    for name, step in (("Keras model.predict", lambda t: model.predict(t, verbose=0)),
                       ("Keras eager call", lambda t: model(t, training=False)),
                       ("tf.function step", compiled)):
        for t in tokens[:20]:
            step(t)  # warm-up / tracing
        results[name] = time_steps(step, tokens[: count // 10 if name == "Keras model.predict" else count])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=10_000, help="stepper steps per row (default 10000)")
    parser.add_argument("--baseline-steps", type=int, default=1000,
                        help="Keras steps per baseline (model.predict runs a tenth of these)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    from musigan.models import (
        recurrent,  # builds the random 2x512 GRU's weights the Keras way
    )

    big_weights = recurrent.export_weights(recurrent.build_language_model(BIG, VOCAB))
    rows = []
    steppers = {name: load_stepper(p) for name, p in sorted(load_presets().items()) if p.trained}
    steppers["GRU 2x512 (frames vocab)"] = Stepper(big_weights, BIG, VOCAB)
    for name, stepper in steppers.items():
        inputs = stepper_inputs(stepper, args.steps + 200, rng)
        time_steps(stepper.step, inputs[:200])
        rows.append((f"musigan stepper: {name}", len(inputs) - 200, *percentiles(time_steps(stepper.step, inputs[200:])),
                     stepper.nbytes / 1e6))
    for name, preset in sorted(load_presets().items()):
        if preset.trained and preset.config.model.kind != "gan" and preset.encoding().rows:
            for label, seconds in row_draw_times(preset, args.steps // 5).items():
                rows.append((f"row draw, {label}: {name}", len(seconds), *percentiles(seconds), None))
    for name, seconds in keras_baselines(big_weights, args.baseline_steps, rng).items():
        rows.append((f"{name}: GRU 2x512 (baseline)", len(seconds), *percentiles(seconds), None))

    print(f"per-step latency, one thread, {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"{'what':58s} {'steps':>6s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s} {'weights MB':>10s}")
    for name, count, p50, p99, worst, megabytes in rows:
        size = f"{megabytes:10.2f}" if megabytes is not None else f"{'':10s}"
        print(f"{name:58s} {count:6d} {p50:8.3f} {p99:8.3f} {worst:8.3f} {size}")
    big = next(r for r in rows if r[0].endswith("GRU 2x512 (frames vocab)"))
    compiled = next(r for r in rows if r[0].startswith("tf.function"))
    print(f"stepper vs tf.function on the 2x512 GRU: {compiled[2] / big[2]:.1f}x faster at p50, "
          f"{compiled[3] / big[3]:.1f}x at p99 (goal: >= 12x; p99 <= 0.15 ms)")


if __name__ == "__main__":
    main()
