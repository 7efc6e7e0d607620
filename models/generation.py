"""Offline and live generation share this: prime a stepper, then sample a number of grid steps.

Softmax heads begin from the STEP token (a step boundary), sigmoid heads from an empty row, exactly
as the training data is framed (`train/dataset.py`).
"""
from __future__ import annotations

import numpy as np

from .notes import END, START, VOICE, NoteSequence
from .sampling import Sampler
from .session_memory import SessionMemory
from .stepper import Stepper, load_stepper


def prime(stepper: Stepper, encoding, primer=()) -> np.ndarray:
    """Reset, feed the start token and the primer; return the logits for what comes next."""
    stepper.reset()
    logits = stepper.step(encoding.begin())
    for item in primer:
        logits = stepper.step(item)
    return logits


def sample_steps(stepper: Stepper, encoding, sampler: Sampler, steps: int, logits: np.ndarray,
                 max_notes: int = 8, allowed: np.ndarray | None = None, voices: int | None = None,
                 memory: SessionMemory | None = None, amount: float = 0.0) -> list:
    """Sample until `steps` grid steps are complete; returns tokens (or rows for a sigmoid head).

    `allowed` (vocab-wide bool) restricts pitches throughout; a step never holds more than `max_notes`.
    With `voices` (a polyphonic corpus's usual count), tokens keep the grammar given what sounds (an
    events model releases only a sounding note) and, where the encoding spells releases, a note that
    would make more than `voices` sound at once first releases the one that has sounded longest; the
    model hears that release. With a `memory` (token encodings), each token is drawn from the model
    mixed with it by `amount`, and the memory hears every token played.
    """
    out, previous = [], np.zeros(encoding.vocab_size, bool)
    if encoding.rows:
        for _ in range(steps):
            row = sampler.bernoulli(logits, allowed, max_notes, previous)
            out.append(row)
            previous = row.astype(bool)
            logits = stepper.step(row)
        return out
    step_token, done, in_step, last = encoding.step_token, 0, 0, None
    cap = encoding.tokens_per_note * max_notes
    only_step = np.zeros(encoding.vocab_size, bool)
    only_step[step_token] = True
    current = np.zeros(encoding.vocab_size, bool)
    sounding = encoding.stream()  # what the tokens so far hold: the grammar depends on it

    def play(token: int) -> np.ndarray:
        out.append(token)
        sounding.feed(token)
        if memory is not None:
            memory.observe(token)
        return stepper.step(token)

    while done < steps:
        mask = encoding.allowed_after(last, frozenset(sounding.held) if voices else None)
        if allowed is not None:
            mask = mask & (allowed | only_step)
        if in_step >= cap:
            mask = only_step
        # where a held note is spelled again each step, holding on is part of the rhythm too
        holds = previous if encoding.holds_repeat else False
        mixed = memory.mix(logits, amount) if memory is not None else logits
        token = sampler.categorical(mixed, mask, encoding.structural | holds, encoding.waits | holds)
        if voices and not encoding.structural[token] and len(sounding.held) >= voices:
            release = encoding.release(min(sounding.held, key=sounding.held.get))
            if release is not None:  # an encoding that spells releases: the oldest note ends first
                play(release)
        logits = play(token)
        if token == step_token:
            sampler.end_step()
            done, in_step, previous, current = done + 1, 0, current, np.zeros(encoding.vocab_size, bool)
        else:
            in_step, current[token] = in_step + 1, True
        last = token
    return out


def gan_bars(preset, stepper, primer_rows, bars: int, sampler: Sampler) -> np.ndarray:
    """A GAN preset's bars, the first phrase conditioned on the primer's last bar (or silence)."""
    from .phrase_gan import condition_bar, generate_bars, keys_in_range

    model, encoding = preset.config.model, preset.encoding()
    condition = condition_bar(primer_rows, stepper.vocab_size, preset.steps_per_bar)
    allowed = keys_in_range(preset.card(), encoding.range.low, encoding.vocab_size)
    return generate_bars(stepper, sampler, condition, bars, model.phrase_bars, model.noise, allowed=allowed)


def remembering(encoding, tokens, steps_per_bar: int | None = None) -> SessionMemory | None:
    """A session memory that has heard `tokens` (a primer from a bar line, a call); None for a rows
    encoding."""
    if encoding.rows:
        return None
    memory = SessionMemory(encoding, steps_per_bar)
    for token in tokens:
        memory.observe(int(token))
    return memory


def silence(encoding, steps: int) -> list:
    """What `steps` empty grid steps are to the model: step tokens, or empty rows."""
    if encoding.rows:
        return [np.zeros(encoding.vocab_size, np.uint8) for _ in range(steps)]
    return [encoding.step_token] * steps


def default_max_note_steps(steps_per_quarter: int) -> int:
    """Two bars of 4/4: how long a note may sound where the card does not say."""
    return 2 * 4 * steps_per_quarter


def max_note_steps(preset) -> int:
    """The longest a generated note may sound: the 99th percentile of the corpus's note lengths that
    training writes into the card, or the default for a card from before it did."""
    return int(preset.card()["data"].get("note_length_p99")
               or default_max_note_steps(preset.config.data.steps_per_quarter))


def usual_voices(preset) -> int | None:
    """For a polyphonic corpus, how many notes it sounds at once three quarters of its sounding time
    (the card's `polyphony_p75`); None for a one-line corpus (`max_polyphony` keeps it one line) and
    for a card from before it was kept. An events model that loses track of what it holds starts
    notes over the ones it forgot: see `bench/polyphony.py`. For `folk-lstm`, a tune model, the
    release grammar cost music overlap (0.890 to 0.870, in key 0.90 to 0.84): its spelled release of
    a note it is not holding keeps its own idea of the tune, and the one-line cap does the rest."""
    data = preset.card()["data"]
    return data.get("polyphony_p75") if (data.get("polyphony_p99") or 0) > 1 else None


def max_polyphony(preset) -> int | None:
    """1 for a preset whose corpus sounds one note at a time (its card's 99th-percentile polyphony):
    its tunes stay one line. None otherwise: capping a chorale model at its corpus's four cut its
    held voices and made its polyphony less like the corpus's, not more (measured with
    `musigan evaluate jsb-gru-sigmoid --music`: polyphony overlap 0.21 without the cap, 0.03 with)."""
    return 1 if preset.card()["data"].get("polyphony_p99") == 1 else None


def generate_piece(preset, bars: int, primer: NoteSequence | None = None, seed: int = 0,
                   temperature: float | None = None, top_p: float | None = None,
                   density=None, key_counts=None, primer_steps: int | None = None,
                   steps_per_bar: int | None = None, memory: float = 0.0) -> NoteSequence:
    """`bars` (of `steps_per_bar` steps; None: a bar of the preset's metre) from a trained preset
    after an optional primer: the primer on voice 0 ("primer"), the continuation on voice 1
    ("musigan"), as `musigan generate` writes them.
    The continuation starts where the primer's last note ends, or after `primer_steps` (a clip's whole
    bars: the rest of its last bar is silence the model hears). None = the preset's sampling values (a
    GAN's rows are drawn as a sigmoid head's: top-p does not apply). `density`: a governor in place of
    the one the card describes (calibration holds its bias constant); `key_counts`: a key-count tilt in
    place of the card's (what calibration is fitting). `memory`: how much the continuation borrows from
    the primer, heard as the session's memory (`models/session_memory.py`; token encodings only)."""
    stepper, encoding = load_stepper(preset), preset.encoding()
    primer_items = list(encoding.encode(primer)) if primer is not None else []
    offset = primer.total_steps if primer is not None else 0  # the model's clock after priming
    if primer_steps is not None and primer_steps > offset:
        primer_items += silence(encoding, primer_steps - offset)
        offset = primer_steps
    sampler = Sampler.from_preset(preset, temperature, top_p, seed, density, key_counts)
    if preset.config.model.kind == "gan":
        answer = encoding.decode(gan_bars(preset, stepper, primer_items, bars, sampler))
    else:
        steps = bars * (steps_per_bar or preset.steps_per_bar)
        heard = remembering(encoding, primer_items, steps_per_bar or preset.steps_per_bar) if memory else None
        answer = encoding.decode(sample_steps(stepper, encoding, sampler, steps, prime(stepper, encoding, primer_items),
                                              voices=usual_voices(preset), memory=heard, amount=memory))
    answer = answer.with_max_length(max_note_steps(preset))
    voices = max_polyphony(preset)
    notes = (answer.with_max_polyphony(voices) if voices else answer).notes.copy()
    notes[:, [START, END]] += offset
    notes[:, VOICE] = 1
    parts = [notes]
    if primer is not None:
        primer_notes = primer.notes.copy()
        primer_notes[:, VOICE] = 0
        parts.insert(0, primer_notes)
    return NoteSequence(np.concatenate(parts), steps_per_quarter=encoding.steps_per_quarter,
                        tempo_bpm=preset.config.live.bpm, name=f"musigan {preset.name}",
                        time_signature=(preset.metre.numerator, preset.metre.denominator),
                        voice_names=("primer", "musigan"))
