"""Does a preset's music sound like its corpus? Phrases it writes after held-out bars, against the
phrases that really followed them (Yang & Lerch 2018: the overlap of each feature's distribution),
and held-out phrases against other held-out phrases as the ceiling a model could reach.

Every preset is measured the same way, whatever its encoding or kind: a bar of a test piece primes
it (a GAN is conditioned on it), it writes `PHRASE_BARS` bars at its own sampling settings, and the
features of `train/music_stats.py` compare those with the test phrases that followed; the ceiling
compares phrases of the valid split with the same test phrases. Measured on the valid split instead
(valid bars and phrases; the ceiling from test phrases), it can choose between models or settings
without looking at the test figure it will report.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..models.generation import generate_piece
from ..models.notes import END, START, VOICE, NoteSequence
from .corpus_filters import preset_corpus
from .music_stats import compare_sets
from .transpose import apply_transposition

PHRASE_BARS = 4
CEILING_SPLIT = {"test": "valid", "valid": "test", "train": "valid"}  # the other held-out phrases


def windows(pieces, bars: int, fits) -> list[tuple[NoteSequence | None, NoteSequence]]:
    """Every bar-aligned (bar before, phrase) pair with notes in it; None before a piece's first bar."""
    pairs = []
    for piece in pieces:
        bar = piece.steps_per_bar
        for start in range(0, piece.total_steps - bars * bar + 1, bar):
            before = piece.slice_steps(start - bar, start) if start else None
            phrase = piece.slice_steps(start, start + bars * bar)
            if len(phrase) and (before is None or not len(before) or fits(before)):
                pairs.append((before if before is not None and len(before) else None, phrase))
    return pairs


def continuation(preset, before: NoteSequence | None, like: NoteSequence, steps: int, seed: int) -> NoteSequence:
    """What the preset writes after `before`, from step 0, `steps` long and in the metre of `like`
    (the phrase that really followed), so that per-bar features compare like with like."""
    piece = generate_piece(preset, math.ceil(steps / like.steps_per_bar), before, seed, steps_per_bar=like.steps_per_bar)
    notes = piece.notes[piece.notes[:, VOICE] == 1].copy()
    notes[:, [START, END]] -= before.total_steps if before is not None else 0
    return replace(piece.with_notes(notes).slice_steps(0, steps), time_signature=like.time_signature)


def music_report(preset, phrases: int, draws: int, seed: int = 0, progress=None,
                 split: str = "test") -> dict:
    """{"generated": per-feature figures and mean overlap, "ceiling": the same for held-out phrases,
    "spread": the standard deviation of each side's mean overlap}, every figure the mean over `draws`
    draws of `phrases` phrases (other phrases, other sampling seeds each time), after bars of `split`
    and against its phrases that followed."""
    data, encoding = preset.config.data, preset.encoding()
    corpus, _ = preset_corpus(preset)
    corpus = corpus.resplit(data.split)
    transpose = "normalize" if data.transpose == "normalize" else "none"  # in the keys it was trained in

    def fits(sequence):
        return sequence.fits_range(encoding.range.low, encoding.range.high)

    held, other = (windows(apply_transposition(corpus.split(name), transpose), PHRASE_BARS, fits)
                   for name in (split, CEILING_SPLIT[split]))
    if not held or not other:
        raise ValueError(f"{corpus.source} has no {PHRASE_BARS}-bar phrases in its {split} and "
                         f"{CEILING_SPLIT[split]} splits")
    reports = []
    for draw in range(draws):
        rng = np.random.default_rng(seed + draw)
        measured = [held[i] for i in rng.permutation(len(held))[:phrases]]
        others = [other[i] for i in rng.permutation(len(other))[:phrases]]
        generated = []
        for index, (before, phrase) in enumerate(measured):
            steps = PHRASE_BARS * phrase.steps_per_bar
            generated.append(continuation(preset, before, phrase, steps, (seed + draw) * phrases + index))
            if progress:
                progress(draw * len(measured) + index + 1, draws * len(measured))
        real = [phrase for _, phrase in measured]
        reports.append({"generated": compare_sets(generated, real),
                        "ceiling": compare_sets([phrase for _, phrase in others], real)})
    return {"split": split, "phrases": len(measured), "bars": PHRASE_BARS, "draws": draws, **mean_figures(reports),
            "spread": {side: float(np.std([r[side]["mean_overlap"] for r in reports])) for side in reports[0]}}


def mean_figures(reports: list):
    """The mean of each number over reports of the same shape (nested dicts of numbers)."""
    if isinstance(reports[0], dict):
        return {key: mean_figures([r[key] for r in reports]) for key in reports[0]}
    return float(np.mean(reports))
