"""From NoteSequences to training arrays: encode once, transpose per epoch, cut into windows.

Each piece is framed as [start] + tokens -> tokens (next-token prediction), where start is the STEP
token (softmax heads) or an empty row (sigmoid heads), as `models/generation.py` primes it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models.notes import NoteSequence
from ..models.preset_schema import SPLITS
from .transpose import AUGMENT_SHIFTS, apply_transposition, in_range_shifts


@dataclass
class Batchable:
    inputs: np.ndarray    # (n, L) int32 tokens, or (n, L, width) float32 rows
    targets: np.ndarray   # (n, L) int32, or (n, L, width) float32
    weights: np.ndarray   # (n, L) float32: 0 on padding
    steps: int            # grid steps covered by the targets (for nats per step)


class EncodedSplit:
    """The pieces of one split, encoded lazily per transposition and cached."""

    def __init__(self, pieces: list[NoteSequence], encoding, augment: bool = False, max_shift: int = 6):
        self.encoding = encoding
        low, high = encoding.range.low, encoding.range.high
        self.pieces = [p for p in pieces if len(p) and p.fits_range(low, high)]
        self.dropped = len(pieces) - len(self.pieces)
        shifts = [s for s in AUGMENT_SHIFTS if abs(s) <= max_shift] if augment else [0]
        self.shifts = [in_range_shifts(p, shifts, low, high) for p in self.pieces]
        self._cache: dict[tuple[int, int], np.ndarray] = {}

    def encoded(self, index: int, shift: int = 0) -> np.ndarray:
        key = (index, shift)
        if key not in self._cache:
            self._cache[key] = self.encoding.encode(self.pieces[index].transpose(shift))
        return self._cache[key]

    def framed(self, index: int, shift: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(inputs, targets) for a whole piece: the start token, then each item predicts the next."""
        targets = self.encoded(index, shift)
        start = np.asarray(self.encoding.begin())[None]
        return np.concatenate([start.astype(targets.dtype), targets[:-1]]), targets

    def windows(self, length: int, rng: np.random.Generator | None = None) -> Batchable:
        """Cut every piece into windows of `length`; with an rng, a random key and offset per piece."""
        chunks = []
        for index in range(len(self.pieces)):
            shift = int(rng.choice(self.shifts[index])) if rng is not None else 0
            inputs, targets = self.framed(index, shift)
            offset = int(rng.integers(length)) if rng is not None else 0
            cuts = [0, *range(offset or length, len(targets), length), len(targets)]
            chunks += [(inputs[a:b], targets[a:b]) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]
        return pad(chunks, length, self.encoding)

    def whole_pieces(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [self.framed(i) for i in range(len(self.pieces))]


def count_steps(targets: np.ndarray, weights: np.ndarray, encoding) -> int:
    if targets.ndim == 3:
        return int(weights.sum())
    return int(((targets == encoding.step_token) & (weights > 0)).sum())


def pad(chunks, length: int, encoding) -> Batchable:
    rows = bool(chunks) and chunks[0][1].ndim == 2
    shape = (len(chunks), length, encoding.vocab_size) if rows else (len(chunks), length)
    dtype = np.float32 if rows else np.int32
    inputs, targets = np.zeros(shape, dtype), np.zeros(shape, dtype)
    weights = np.zeros((len(chunks), length), np.float32)
    for i, (x, y) in enumerate(chunks):
        inputs[i, :len(x)], targets[i, :len(y)], weights[i, :len(y)] = x, y, 1.0
    return Batchable(inputs, targets, weights, count_steps(targets, weights, encoding))


def prepare_splits(corpus, encoding, transpose: str, max_pieces: int = 0, max_shift: int = 6) -> dict[str, EncodedSplit]:
    """train/valid/test EncodedSplits; `normalize` applies to all splits, `augment` to train only."""
    splits = {}
    for name in SPLITS:
        pieces = corpus.split(name)
        if max_pieces:
            pieces = pieces[:max_pieces]
        if transpose == "normalize":
            pieces = apply_transposition(pieces, "normalize")
        splits[name] = EncodedSplit(pieces, encoding, transpose == "augment" and name == "train", max_shift)
    return splits


def fill_empty_splits(splits: dict[str, EncodedSplit], encoding, say) -> dict[str, EncodedSplit]:
    """A tiny corpus still trains and is still measured: an empty valid split is a slice of train, an
    empty test split is valid. `train` and `evaluate` both go through here, so they agree on what a
    test figure is; `say` tells the user which stand-in was used."""
    train = splits["train"]
    if not splits["valid"].pieces:
        tail = train.pieces[-max(1, len(train.pieces) // 10):]
        splits["valid"] = EncodedSplit(tail, encoding)
        say(f"no valid pieces: validating on the last {len(tail)} train piece(s), so valid figures are "
            "optimistic (set data.split in the preset to choose)")
    if not splits["test"].pieces:
        splits["test"] = splits["valid"]
        say("no test pieces: the test figures are measured on the valid pieces")
    return splits
