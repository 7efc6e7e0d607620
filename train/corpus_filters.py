"""The preset's filters for a messy corpus (`data.single_instrument`, `data.min_bars`, `data.metres`;
drum tracks are left out by the reader unless `data.drums`): every command that reads a preset's
corpus (train, evaluate, the music report, calibration) sees the same pieces, and says how many
each filter removed."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..models.notes import VOICE
from .corpus import Corpus, SourceError, load_corpus


def preset_corpus(preset, progress: bool = False, source: str | None = None) -> tuple[Corpus, dict[str, int]]:
    """The preset's corpus (or `source` read as the preset reads its own), filtered; and how many
    pieces each filter removed. SourceError, naming the filter, when one leaves nothing."""
    data = preset.config.data
    corpus = combined([load_corpus(one, steps_per_quarter=data.steps_per_quarter, include_drums=data.drums,
                                   progress=progress) for one in ([source] if source else preset.sources())])
    if data.part:
        corpus = replace(corpus, pieces=[only_part(p, data.part) for p in corpus.pieces])
    return filtered(corpus, data)


def combined(corpora: list[Corpus]) -> Corpus:
    """Several sources as one corpus: their pieces side by side, each in the split it had."""
    if len(corpora) == 1:
        return corpora[0]
    readers: dict[str, int] = {}
    for corpus in corpora:
        for reader, count in corpus.readers.items():
            readers[reader] = readers.get(reader, 0) + count
    return Corpus(" + ".join(c.source for c in corpora), [p for c in corpora for p in c.pieces],
                  [s for c in corpora for s in c.splits], [s for c in corpora for s in c.skipped],
                  all(c.from_cache for c in corpora), readers)


def only_part(piece, part: str):
    """The piece with only the notes of the voice named `part` (none if it has no such part)."""
    voices = [v for v, name in enumerate(piece.voice_names) if name == part]
    notes = piece.notes[np.isin(piece.notes[:, VOICE], voices)]
    return replace(piece, notes=notes)


def filtered(corpus: Corpus, data) -> tuple[Corpus, dict[str, int]]:
    """Each piece's split stays as it was (stable, by name): a filter never moves a piece between splits."""
    pieces, splits, removed = corpus.pieces, corpus.splits, {}
    for name, keep in active_filters(data):
        kept = [keep(p) for p in pieces]
        removed[name] = kept.count(False)
        if pieces and not any(kept):
            raise SourceError(f"{corpus.source}: {name} leaves no piece ({len(pieces)} before it)")
        pieces = [p for p, k in zip(pieces, kept) if k]
        splits = [s for s, k in zip(splits, kept) if k]
    return (replace(corpus, pieces=pieces, splits=splits) if removed else corpus), removed


def active_filters(data):
    """(key, keep(piece)) for each filter the preset sets."""
    if data.part:
        yield "data.part", lambda p: len(p.notes) > 0
    if data.single_instrument:
        yield "data.single_instrument", lambda p: len(np.unique(p.notes[:, VOICE])) <= 1
    if data.min_bars:
        yield "data.min_bars", lambda p: p.total_steps >= data.min_bars * p.steps_per_bar
    if data.metres:
        yield "data.metres", lambda p: f"{p.time_signature[0]}/{p.time_signature[1]}" in data.metres


def removed_line(removed: dict[str, int]) -> str | None:
    """'filters removed: data.min_bars 12 piece(s), data.metres 3' (None when no filter is set)."""
    if not removed:
        return None
    return "filters removed: " + ", ".join(f"{name} {count} piece(s)" for name, count in removed.items())
