"""Offline and live generation share this: prime a stepper, then sample a number of grid steps.

Softmax heads begin from the STEP token (a step boundary), sigmoid heads from an empty row, exactly
as the training data is framed (`train/dataset.py`).
"""
from __future__ import annotations

import numpy as np

from .notes import END, START, VOICE, NoteSequence
from .sampling import Sampler
from .stepper import Stepper, load_stepper


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


def gan_bars(preset, stepper, primer_rows, bars: int, seed: int) -> np.ndarray:
    """A GAN preset's bars, the first phrase conditioned on the primer's last bar (or silence)."""
    from .phrase_gan import STEPS_PER_BAR, generate_bars, keys_in_range

    model, encoding = preset.config["model"], preset.encoding()
    condition = np.zeros((STEPS_PER_BAR, stepper.vocab_size), np.float32)
    last_bar = np.asarray(primer_rows[-STEPS_PER_BAR:], np.float32)
    if len(last_bar):
        condition[-len(last_bar):] = last_bar
    allowed = keys_in_range(preset.card(), encoding.range.low, encoding.vocab_size)
    return generate_bars(stepper, np.random.default_rng(seed), condition, bars, model["phrase_bars"], model["noise"],
                         allowed=allowed)


def generate_piece(preset, sampler: Sampler, bars: int, primer: NoteSequence | None = None,
                   seed: int = 0) -> NoteSequence:
    """`bars` of 4/4 from a trained preset after an optional primer: the primer on voice 0 ("primer"),
    the continuation on voice 1 ("musigan"), as `musigan generate` writes them."""
    stepper, encoding = load_stepper(preset), preset.encoding()
    primer_items = list(encoding.encode(primer)) if primer is not None else []
    if preset.config["model"]["kind"] == "gan":
        answer = encoding.decode(gan_bars(preset, stepper, primer_items, bars, seed))
    else:
        steps = bars * 4 * encoding.steps_per_quarter
        answer = encoding.decode(sample_steps(stepper, encoding, sampler, steps, prime(stepper, encoding, primer_items)))
    notes = answer.notes.copy()
    offset = primer.total_steps if primer is not None else 0  # the model's clock after priming
    notes[:, [START, END]] += offset
    notes[:, VOICE] = 1
    parts = [notes]
    if primer is not None:
        primer_notes = primer.notes.copy()
        primer_notes[:, VOICE] = 0
        parts.insert(0, primer_notes)
    return NoteSequence(np.concatenate(parts), steps_per_quarter=encoding.steps_per_quarter,
                        tempo_bpm=preset.config["live"]["bpm"], name=f"musigan {preset.name}",
                        voice_names=("primer", "musigan"))
