"""Offline and live generation share this: prime a stepper, then sample a number of grid steps.

Softmax heads begin from the STEP token (a step boundary), sigmoid heads from an empty row, exactly
as the training data is framed (`train/dataset.py`).
"""
from __future__ import annotations

import numpy as np

from .sampling import Sampler
from .stepper import Stepper


def begin_token(encoding):
    """What the model sees before the first step of a piece."""
    return encoding.step_token if hasattr(encoding, "step_token") else np.zeros(encoding.vocab_size, np.float32)


def prime(stepper: Stepper, encoding, primer=()) -> np.ndarray:
    """Reset, feed the start token and the primer; return the logits for what comes next."""
    stepper.reset()
    logits = stepper.step(begin_token(encoding))
    for item in primer:
        logits = stepper.step(item)
    return logits


def sample_steps(stepper: Stepper, encoding, sampler: Sampler, steps: int, logits: np.ndarray,
                 max_notes: int = 8, allowed: np.ndarray | None = None) -> list:
    """Sample until `steps` grid steps are complete; returns tokens (or rows for a sigmoid head).

    `allowed` (vocab-wide bool) restricts pitches throughout; a step never holds more than `max_notes`.
    """
    out = []
    if not hasattr(encoding, "step_token"):  # pianoroll rows
        for _ in range(steps):
            row = sampler.bernoulli(logits, allowed, max_notes)
            out.append(row)
            logits = stepper.step(row)
        return out
    step_token, done, in_step, last = encoding.step_token, 0, 0, None
    # events spend a note-on, a note-off and maybe a velocity token per note; frames one token
    cap = max_notes if encoding.name == "frames" else 3 * max_notes
    grammar = getattr(encoding, "allowed_after", None)
    only_step = np.zeros(encoding.vocab_size, bool)
    only_step[step_token] = True
    while done < steps:
        mask = grammar(last) if grammar else np.ones(encoding.vocab_size, bool)
        if allowed is not None:
            mask = mask & (allowed | only_step)
        if in_step >= cap:
            mask = only_step
        token = sampler.categorical(logits, mask)
        out.append(token)
        done += token == step_token
        in_step = 0 if token == step_token else in_step + 1
        last = token
        logits = stepper.step(token)
    return out
