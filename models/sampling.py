"""Sampling from next-step logits: temperature, top-p, a seeded generator and constraints.

Vectorised over the vocabulary: no Python loop over tokens, so a step stays cheap live.
"""
from __future__ import annotations

import numpy as np


class Sampler:
    def __init__(self, temperature: float = 1.0, top_p: float = 1.0, seed: int | None = None):
        if temperature <= 0 or not 0 < top_p <= 1:
            raise ValueError(f"need temperature > 0 and 0 < top_p <= 1, got {temperature}, {top_p}")
        self.temperature, self.top_p = temperature, top_p
        self.rng = np.random.default_rng(seed)

    @classmethod
    def from_preset(cls, preset, temperature: float | None = None, top_p: float | None = None,
                    seed: int | None = None) -> "Sampler":
        """The preset's sampling section, with whatever the user set (None = the preset's value)."""
        sampling = preset.config["sampling"]
        return cls(sampling["temperature"] if temperature is None else temperature,
                   sampling["top_p"] if top_p is None else top_p, seed)

    def categorical(self, logits: np.ndarray, allowed: np.ndarray | None = None) -> int:
        """One token id; `allowed` (bool, vocab-wide) rules tokens out. Raises if it rules out all."""
        scaled = logits.astype(np.float64) / self.temperature
        if allowed is not None:
            if not allowed.any():
                raise ValueError("the constraints allow no token")
            scaled = np.where(allowed, scaled, -np.inf)
        probs = np.exp(scaled - scaled.max())
        probs /= probs.sum()
        if self.top_p < 1:
            order = np.argsort(-probs)
            cumulative = np.cumsum(probs[order])
            keep = order[: int(np.searchsorted(cumulative, self.top_p)) + 1]
            trimmed = np.zeros_like(probs)
            trimmed[keep] = probs[keep]
            probs = trimmed / trimmed.sum()
        return int(min(np.searchsorted(np.cumsum(probs), self.rng.random() * probs.sum(), side="right"),
                       len(probs) - 1))

    def bernoulli(self, logits: np.ndarray, allowed: np.ndarray | None = None,
                  max_notes: int | None = None) -> np.ndarray:
        """A multi-hot row (sigmoid head); at most `max_notes` ones, the most likely kept."""
        probs = 1.0 / (1.0 + np.exp(-logits.astype(np.float64) / self.temperature))
        if allowed is not None:
            probs = np.where(allowed, probs, 0.0)
        row = self.rng.random(len(probs)) < probs
        if max_notes is not None and row.sum() > max_notes:
            chosen = np.flatnonzero(row)
            row[:] = False
            row[chosen[np.argsort(-probs[chosen])[:max_notes]]] = True
        return row.astype(np.uint8)
