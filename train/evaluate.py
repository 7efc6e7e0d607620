"""Held-out likelihood: nats per grid step, per token and bits per token, over whole pieces.

For a sigmoid head, nats per step is the frame-level NLL of the published JSB results (the sum over
the 88 keys of the Bernoulli NLL of the frame at t given frames < t). For a softmax over frame tokens
it is the chain rule over the pitches of each step, the same quantity spelled as tokens.
"""
from __future__ import annotations

import math

import numpy as np

from .dataset import EncodedSplit, count_steps, pad
from .progress import progress_display


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def item_nll(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """NLL in nats of each target item: a token id, or a multi-hot row (summed over its keys)."""
    logits = logits.astype(np.float64)
    if targets.ndim == logits.ndim:  # rows: Bernoulli per key, stable log(1 + e^x) form
        return (np.logaddexp(0, logits) - targets * logits).sum(axis=-1)
    picked = np.take_along_axis(_log_softmax(logits), targets[..., None].astype(np.int64), axis=-1)
    return -picked[..., 0]


def split_nll(model, split: EncodedSplit, batch_size: int = 16, progress: bool = False) -> dict:
    """Exact NLL of every piece of a split, each run from the start state to its end."""
    pieces = sorted(split.whole_pieces(), key=lambda p: len(p[1]))
    nats, items, steps = 0.0, 0, 0
    with progress_display(progress) as bar:
        task = bar.add_task("evaluating", total=len(pieces))
        for start in range(0, len(pieces), batch_size):
            chunk = pieces[start:start + batch_size]
            empty = (chunk[0][0][:0], chunk[0][1][:0])  # the last batch filled with weightless rows, so
            batch = pad(chunk + [empty] * (batch_size - len(chunk)),  # it splits over several devices too
                        max(len(t) for _, t in chunk), split.encoding)
            logits = np.asarray(model.predict_on_batch(batch.inputs))
            nats += float((item_nll(logits, batch.targets) * batch.weights).sum())
            items += int(batch.weights.sum())
            steps += count_steps(batch.targets, batch.weights, split.encoding)
            bar.update(task, advance=len(chunk))
    return metrics(nats, items, steps, len(pieces))


def metrics(nats: float, items: int, steps: int, pieces: int) -> dict:
    return {"pieces": pieces, "steps": steps, "tokens": items, "nats": nats,
            "nll_per_step": nats / max(steps, 1), "nll_per_token": nats / max(items, 1),
            "bits_per_token": nats / max(items, 1) / math.log(2)}
