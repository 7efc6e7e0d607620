"""Statistics of music, to compare generated pieces with held-out ones (Yang & Lerch 2018 style).

Each piece gets scalar features; a generated set is compared with a held-out set by the overlapping
area of the two features' kernel density estimates (1 = same distribution, 0 = disjoint), and the
pitch-class histograms by the intersection of the sets' mean histograms.
"""
from __future__ import annotations

import numpy as np

from ..models.notes import END, PITCH, START, NoteSequence
from ..models.tonality import estimate_key, pitch_class_histogram, scale_classes

SCALAR_FEATURES = ("note_density", "polyphony", "pitch_range", "in_key", "repetition", "inter_onset",
                   "note_length", "melodic_interval")


def top_line(notes: np.ndarray) -> np.ndarray:
    """The highest pitch at each onset: the melody a listener follows."""
    onsets = np.unique(notes[:, START])
    return np.array([notes[notes[:, START] == t, PITCH].max() for t in onsets])


def piece_features(piece: NoteSequence) -> dict:
    """Features of one piece: notes per bar, mean notes sounding, pitch range, share of sounding
    time in its estimated key's scale, repetition (how alike consecutive bars are: the Jaccard
    similarity of their pitch-class sets, averaged), mean time between onsets and mean note length
    (in beats), mean melodic interval of the top line (semitones), and the pitch-class histogram
    with its estimated tonic moved to C (key-normalised)."""
    notes, bar, beat = piece.notes, piece.steps_per_bar, piece.steps_per_quarter
    steps = max(piece.total_steps, 1)
    roll = piece.sounding()
    sounding = roll.sum(axis=1)
    hist = pitch_class_histogram(piece)
    key = estimate_key(piece) if len(notes) else (0, "major")
    scale = scale_classes(key)
    onsets = np.unique(notes[:, START])
    line = top_line(notes) if len(notes) else np.zeros(0)
    classes = [set(np.flatnonzero(roll[i:i + bar].any(axis=0)) % 12) for i in range(0, len(roll), bar)]
    similar = [len(a & b) / len(a | b) for a, b in zip(classes, classes[1:]) if a | b]
    return {
        "note_density": len(notes) / (steps / bar),
        "polyphony": float(sounding[sounding > 0].mean()) if sounding.any() else 0.0,
        "pitch_range": float(notes[:, PITCH].max() - notes[:, PITCH].min()) if len(notes) else 0.0,
        "in_key": float(hist[scale].sum() / hist.sum()) if hist.sum() else 0.0,
        "repetition": float(np.mean(similar)) if similar else 0.0,
        "inter_onset": float(np.diff(onsets).mean() / beat) if len(onsets) > 1 else 0.0,
        "note_length": float((notes[:, END] - notes[:, START]).mean() / beat) if len(notes) else 0.0,
        "melodic_interval": float(np.abs(np.diff(line)).mean()) if len(line) > 1 else 0.0,
        "pitch_classes": np.roll(hist, -key[0]) / hist.sum() if hist.sum() else np.zeros(12),
    }


def overlap_area(a, b, points: int = 512) -> float:
    """Overlapping area of Gaussian KDEs (Silverman bandwidth) of two samples of a scalar."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    both = np.concatenate([a, b])
    spread = both.std() or 1.0
    grid = np.linspace(both.min() - 3 * spread, both.max() + 3 * spread, points)

    def kde(x):
        bandwidth = max(1.06 * (x.std() or spread) * len(x) ** -0.2, 1e-3 * spread)
        density = np.exp(-0.5 * ((grid[:, None] - x[None]) / bandwidth) ** 2).sum(axis=1)
        return density / np.trapezoid(density, grid)

    return float(np.trapezoid(np.minimum(kde(a), kde(b)), grid))


def compare_sets(generated: list[NoteSequence], reference: list[NoteSequence]) -> dict:
    """Per feature: generated mean, reference mean, overlapping area; plus pitch-class overlap."""
    gen = [piece_features(p) for p in generated]
    ref = [piece_features(p) for p in reference]
    result = {}
    for name in SCALAR_FEATURES:
        g, r = [f[name] for f in gen], [f[name] for f in ref]
        result[name] = {"generated": float(np.mean(g)), "reference": float(np.mean(r)), "overlap": overlap_area(g, r)}
    pcs_gen = np.mean([f["pitch_classes"] for f in gen], axis=0)
    pcs_ref = np.mean([f["pitch_classes"] for f in ref], axis=0)
    result["pitch_classes"] = {"overlap": float(np.minimum(pcs_gen, pcs_ref).sum())}
    result["mean_overlap"] = float(np.mean([result[n]["overlap"] for n in (*SCALAR_FEATURES, "pitch_classes")]))
    return result


