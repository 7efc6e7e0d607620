"""Sampling from next-step logits: temperature, top-p, a seeded generator and constraints.

Vectorised over the vocabulary: no Python loop over tokens, so a step stays cheap live.
"""
from __future__ import annotations

import numpy as np

from .density import DensityGovernor, governor_for
from .key_count import KeyCounts, key_counts_for


def probabilities(logits: np.ndarray, pool: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Softmax of `logits` at `temperature` over the tokens of `pool` (bool, vocab-wide); 0 elsewhere."""
    scaled = np.where(pool, logits.astype(np.float64) / temperature, -np.inf)
    probs = np.exp(scaled - scaled.max())
    return probs / probs.sum()


class Sampler:
    """Draws tokens or rows; with a `density` governor, note-starting choices carry its bias and
    each onset drawn is counted (a step ends with `end_step`, or with each pianoroll row)."""

    def __init__(self, temperature: float = 1.0, top_p: float = 1.0, seed: int | None = None,
                 density: DensityGovernor | None = None, key_counts: KeyCounts | None = None):
        if temperature <= 0 or not 0 < top_p <= 1:
            raise ValueError(f"need temperature > 0 and 0 < top_p <= 1, got {temperature}, {top_p}")
        self.temperature, self.top_p = temperature, top_p
        self.rng = np.random.default_rng(seed)
        self.density = density
        self.key_counts = key_counts

    @classmethod
    def from_preset(cls, preset, temperature: float | None = None, top_p: float | None = None,
                    seed: int | None = None, density: DensityGovernor | None = None,
                    key_counts: KeyCounts | None = None) -> "Sampler":
        """The preset's sampling section, with whatever the user set (None = the preset's value); the
        density governor and key-count tilt its card describes unless they are given."""
        sampling = preset.config.sampling
        return cls(sampling.temperature if temperature is None else temperature,
                   sampling.top_p if top_p is None else top_p, seed, density or governor_for(preset),
                   key_counts or key_counts_for(preset))

    def end_step(self) -> None:
        if self.density is not None:
            self.density.end_step()

    def categorical(self, logits: np.ndarray, allowed: np.ndarray | None = None,
                    structural: np.ndarray | None = None, waits: np.ndarray | None = None) -> int:
        """One token id; `allowed` (bool, vocab-wide) rules tokens out. Raises if it rules out all.

        `structural` (bool, vocab-wide) marks the tokens that shape time rather than pick notes (a
        step's end, a note's release, a hold). Whether one comes next, and which, is drawn at
        temperature 1; only the choice among the other tokens (which notes) feels the temperature: a
        cold companion plays its likeliest notes, not its likeliest silence, and its notes last as long
        as the model says. The density governor's bias goes to every token but the `waits` (default:
        the structural ones), and each non-structural token drawn counts as an onset."""
        pool = np.ones(len(logits), bool) if allowed is None else allowed
        if not pool.any():
            raise ValueError("the constraints allow no token")
        temperature = self.temperature
        if structural is not None and self.density is not None:
            logits = np.where(structural if waits is None else waits, logits,
                              logits + self.density.bias(self.temperature))
        if structural is not None and temperature != 1:
            shape, choice = pool & structural, pool & ~structural
            if shape.any() and choice.any():
                p_shape = probabilities(logits, pool, 1.0)[shape].sum()
                pool = shape if self.rng.random() < p_shape else choice
            if not (pool & ~structural).any():
                temperature = 1.0  # a time-shaping choice (end the step, hold, release) stays the model's own
        if self.top_p < 1:  # the nucleus is the model's own (temperature 1): heat never reaches its tail
            probs = probabilities(logits, pool, 1.0)
            order = np.argsort(-probs)
            keep = order[: int(np.searchsorted(np.cumsum(probs[order]), self.top_p)) + 1]
            pool = np.zeros_like(pool)
            pool[keep] = True
        probs = probabilities(logits, pool, temperature)
        token = int(min(np.searchsorted(np.cumsum(probs), self.rng.random() * probs.sum(), side="right"),
                        len(probs) - 1))
        if structural is not None and self.density is not None and not structural[token]:
            self.density.started()
        return token

    def bernoulli(self, logits: np.ndarray, allowed: np.ndarray | None = None, max_notes: int | None = None,
                  previous: np.ndarray | None = None) -> np.ndarray:
        """A multi-hot row (sigmoid head); at most `max_notes` ones, the most likely kept.

        How many keys go on holding from the `previous` row and how many start is drawn at
        temperature 1 (with `key_counts`, as often as its corpus does); which keys they are feels the
        temperature. So temperature never changes how dense the music is or how often notes begin,
        only which notes."""
        held = np.zeros(len(logits), bool) if previous is None else np.asarray(previous, bool)
        logits = logits.astype(np.float64)
        if self.density is not None:
            logits = np.where(held, logits, logits + self.density.bias(self.temperature))
        probs = 1.0 / (1.0 + np.exp(-logits))
        if allowed is not None:
            probs = np.where(allowed, probs, 0.0)
        row = (self.key_counts.draw(probs, held, self.rng, max_notes) if self.key_counts is not None
               else self.rng.random(len(probs)) < probs)
        if self.temperature != 1 and row.any():
            chosen = [self._pick(logits, (probs > 0) & group, int((row & group).sum())) for group in (held, ~held)]
            row[:] = False
            row[np.concatenate(chosen)] = True
        if max_notes is not None and row.sum() > max_notes:
            on = np.flatnonzero(row)
            row[:] = False
            row[on[np.argsort(-probs[on])[:max_notes]]] = True
        if self.density is not None:
            self.density.started(int((row & ~held).sum()))
            self.density.end_step()
        return row.astype(np.uint8)

    def _pick(self, logits: np.ndarray, pool: np.ndarray, count: int) -> np.ndarray:
        """`count` keys of `pool`, drawn without replacement, likelier keys first as the temperature says."""
        if not count or not pool.any():
            return np.zeros(0, int)
        weights = np.where(pool, np.exp((logits - logits[pool].max()) / self.temperature), 0.0)
        count = min(count, int(np.count_nonzero(weights)))
        return self.rng.choice(len(logits), size=count, replace=False, p=weights / weights.sum())
