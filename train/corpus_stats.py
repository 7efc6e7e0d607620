"""Corpus statistics: the user's first look at a corpus."""
from __future__ import annotations

import numpy as np

from ..models.notes import PITCH, START, NoteSequence


def corpus_stats(pieces: list[NoteSequence]) -> dict:
    """Pieces, notes, steps, pitch range and polyphony (notes sounding at once, over sounding steps)."""
    notes = sum(len(p) for p in pieces)
    steps = sum(p.total_steps for p in pieces)
    polyphony = [p.sounding().sum(axis=1) for p in pieces if len(p)]
    polyphony = np.concatenate(polyphony) if polyphony else np.zeros(0)
    sounding = polyphony[polyphony > 0]
    pitches = [p.notes[:, PITCH] for p in pieces if len(p)]
    pitches = np.concatenate(pitches) if pitches else np.zeros(0, int)
    return {
        "pieces": len(pieces),
        "notes": notes,
        "steps": steps,
        "pitch_low": int(pitches.min()) if len(pitches) else None,
        "pitch_high": int(pitches.max()) if len(pitches) else None,
        "polyphony_mean": float(sounding.mean()) if len(sounding) else 0.0,
        "polyphony_max": int(sounding.max()) if len(sounding) else 0,
        "silent_steps": float((polyphony == 0).mean()) if len(polyphony) else 0.0,
    }


def polyphony_percentiles(pieces: list[NoteSequence]) -> dict[str, int]:
    """How many notes the pieces sound at once (where any sound), at the percentiles the card keeps
    for the training split: the 99th (a tune corpus, 1, stays one line) and the 75th (an events model
    sounds no more at once)."""
    counts = [p.sounding().sum(axis=1) for p in pieces if len(p)]
    counts = np.concatenate(counts) if counts else np.zeros(0)
    counts = counts[counts > 0]
    return {f"polyphony_p{percent}": int(np.percentile(counts, percent)) if len(counts) else 0
            for percent in (99, 75)}


def bar_densities(pieces: list[NoteSequence], bars: int = 8) -> np.ndarray:
    """Notes started per 4/4 bar over each `bars`-bar stretch of the pieces, from the first note
    (stretches of silence, and the silence a pickup bar is padded with, left out: they say nothing
    of how densely the music moves)."""
    counts = []
    for piece in pieces:
        span = bars * 4 * piece.steps_per_quarter
        starts = np.sort(piece.notes[:, START])
        first = int(starts[0]) if len(starts) else 0
        edges = np.arange(first, piece.total_steps - span + 1, span)
        counts.extend((np.searchsorted(starts, edges + span) - np.searchsorted(starts, edges)) / bars)
    counts = np.asarray(counts, float)
    return counts[counts > 0]


def notes_per_bar(pieces: list[NoteSequence]) -> float | None:
    """The corpus's typical density, the median of `bar_densities`: the card records it for the
    training split, and sampling keeps to it at any temperature (`models/density.py`)."""
    counts = bar_densities(pieces)
    return round(float(np.median(counts)), 3) if len(counts) else None
