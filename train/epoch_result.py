"""What a trainer hands `Run` after each epoch (`lm_trainer.py`, `gan_trainer.py`)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EpochResult:
    """What a trainer reports after one epoch: the weights, the validation score that picks the best
    epoch, the history entry, TensorBoard scalars and the progress line."""
    weights: dict
    score: float
    entry: dict
    summary: str
    scalars: dict = field(default_factory=dict)
