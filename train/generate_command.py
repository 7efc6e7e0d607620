"""`musigan generate PRESET --bars N --out F.mid`: a new piece from a trained preset.

Runs the NumPy stepper (the live path), so no TensorFlow is imported; a primer MIDI file is played
into the model first and written on its own track before the continuation.
"""
from __future__ import annotations

import sys

import numpy as np

from ..models.generation import prime, sample_steps
from ..models.midi_file import UnreadableFile, read_midi, write_midi
from ..models.notes import START, VOICE, NoteSequence
from ..models.phrase_gan import STEPS_PER_BAR, generate_bars, keys_in_range
from ..models.presets import PresetError, get_preset
from ..models.sampling import Sampler
from ..models.stepper import load_stepper


def gan_bars(preset, stepper, primer_rows, bars: int, seed: int) -> np.ndarray:
    """A GAN preset's bars, the first phrase conditioned on the primer's last bar (or silence)."""
    model, encoding = preset.config["model"], preset.encoding()
    condition = np.zeros((STEPS_PER_BAR, stepper.vocab_size), np.float32)
    last_bar = np.asarray(primer_rows[-STEPS_PER_BAR:], np.float32)
    if len(last_bar):
        condition[-len(last_bar):] = last_bar
    allowed = keys_in_range(preset.card(), encoding.range.low, encoding.vocab_size)
    return generate_bars(stepper, np.random.default_rng(seed), condition, bars, model["phrase_bars"], model["noise"],
                         allowed=allowed)


def run(args) -> int:
    try:
        preset = get_preset(args.preset, args.config)
        stepper = load_stepper(preset)
    except (PresetError, ValueError) as exc:
        print(f"musigan generate: {exc}", file=sys.stderr)
        return 2
    sampling = preset.config["sampling"]
    encoding = preset.encoding()
    steps_per_bar = 4 * encoding.steps_per_quarter
    try:
        sampler = Sampler(args.temperature or sampling["temperature"], args.top_p or sampling["top_p"], args.seed)
        primer = read_midi(args.primer, encoding.steps_per_quarter) if args.primer else None
        primer_items = list(encoding.encode(primer)) if primer else []
    except (UnreadableFile, ValueError) as exc:
        print(f"musigan generate: {args.primer or ''}: {exc}", file=sys.stderr)
        return 2
    primer_steps = primer.total_steps if primer else 0  # the model's clock after priming
    if preset.config["model"]["kind"] == "gan":
        answer = encoding.decode(gan_bars(preset, stepper, primer_items, args.bars, args.seed))
    else:
        tokens = sample_steps(stepper, encoding, sampler, args.bars * steps_per_bar,
                              prime(stepper, encoding, primer_items))
        answer = encoding.decode(tokens)
    notes = answer.notes.copy()
    notes[:, START] += primer_steps
    notes[:, 2] += primer_steps
    notes[:, VOICE] = 1
    parts = [notes]
    if primer is not None:
        primer_notes = primer.notes.copy()
        primer_notes[:, VOICE] = 0
        parts.insert(0, primer_notes)
    piece = NoteSequence(np.concatenate(parts), steps_per_quarter=encoding.steps_per_quarter,
                         tempo_bpm=preset.config["live"]["bpm"], name=f"musigan {preset.name}",
                         voice_names=("primer", "musigan"))
    path = write_midi(piece, args.out)
    print(f"wrote {path}: {len(notes)} notes over {args.bars} bars from {preset.name} (seed {args.seed})")
    return 0
