"""How many keys a pianoroll row sounds, and how many start: its corpus's; which keys: the model's.

A sigmoid head scores each key on its own, so a row drawn key by key sounds as many keys as chance
gives: on the chorales, anything from one to eight where Bach writes four on nine steps in ten, and
a held voice drops out for a step and comes back as a new note. `KeyCounts` reweights the model's
own rows by a table over (k keys sounding, s of them starting, i.e. not held from the row before):

    q(row) ∝ p_model(row) · w(k, s)

Drawing from q is exact and cheap: first how many held keys go on (a) and how many new ones start
(b), in proportion to e_a(held odds) · e_b(new odds) · w(a + b, b) (e_j: the elementary symmetric
polynomials of the keys' odds, which give the independent keys' chance of each count), then the keys
of each group given its count (conditional Bernoulli sampling: key by key, each taken with the chance
that it belongs to such a subset). Within a count, the model's odds between keys are untouched. The
card keeps the corpus's shares of (k, s) and weights fitted so that what the preset writes has them
(`train/key_count_calibration.py`); before fitting, the shares themselves are the weights.
"""
from __future__ import annotations

import numpy as np

FLOOR = 1e-4       # share given to counts the corpus never sounds: rare, never impossible
NEGLIGIBLE = 1e-9  # keys less likely than this are left out of the sums (they could not change a draw)
MOST_KEYS = 16     # the largest count a table may weigh: the sums of up to 16 odds (each <= 1e12) stay finite


class KeyCounts:
    def __init__(self, weights):
        """`weights[k][s]`: the tilt of rows sounding k keys of which s start there (s <= k)."""
        weights = np.asarray(weights, float)
        if (weights.ndim != 2 or weights.shape[0] != weights.shape[1] or not 0 < len(weights) <= MOST_KEYS + 1
                or (weights < 0).any() or not weights.sum()):
            raise ValueError(f"key-count weights must be a square table of non-negative numbers, at most "
                             f"{MOST_KEYS + 1} a side (keys sounding x keys starting), got shape {weights.shape}")
        self.weights = np.tril(weights)

    @classmethod
    def from_shares(cls, shares) -> "KeyCounts":
        """The plain tilt: each count weighted by its share of the corpus's steps."""
        shares = np.asarray(shares, float)
        return cls(shares / shares.sum() + FLOOR)

    def draw(self, probs: np.ndarray, held: np.ndarray, rng: np.random.Generator,
             max_count: int | None = None) -> np.ndarray:
        """A 0/1 row from q: key `i` on with the model's `probs[i]`, the counts of keys sounding and of
        keys starting (those not `held` from the row before) tilted by the corpus."""
        row = np.zeros(len(probs), bool)
        top = len(self.weights) - 1 if max_count is None else min(max_count, len(self.weights) - 1)
        groups = [np.flatnonzero((probs > NEGLIGIBLE) & (held if holding else ~held)) for holding in (True, False)]
        odds = [np.clip(probs[g], NEGLIGIBLE, 1 - 1e-12) for g in groups]
        odds = [(p / (1 - p)).tolist() for p in odds]
        tails = [symmetric_tails(o, top) for o in odds]
        # weight of (a held keys go on, b keys start): e_a(held odds) e_b(new odds) share(a + b, b)
        joint = np.outer(tails[0][0], tails[1][0])
        sounding = np.add.outer(np.arange(top + 1), np.arange(top + 1))
        starting = np.broadcast_to(np.arange(top + 1), joint.shape)
        joint = np.where(sounding <= top, joint * self.weights[np.minimum(sounding, top), starting], 0.0)
        if not joint.sum():
            return row
        pick = int(rng.choice(joint.size, p=(joint / joint.sum()).ravel()))
        for group, group_odds, group_tails, count in zip(groups, odds, tails, divmod(pick, top + 1)):
            row[group[conditional_subset(group_odds, group_tails, count, rng)]] = True
        return row


def conditional_subset(odds: list[float], tails: list[list[float]], count: int,
                       rng: np.random.Generator) -> list[int]:
    """Indices of `count` keys drawn as independent keys with these odds would be, given that exactly
    `count` are on: key by key, each taken with the chance that it belongs to such a subset."""
    taken = []
    for index, (chance, odd) in enumerate(zip(rng.random(len(odds)).tolist(), odds)):
        if not count:
            break
        rest = tails[index + 1]
        take = odd * rest[count - 1]
        if chance * (rest[count] + take) < take:
            taken.append(index)
            count -= 1
    return taken


def symmetric_tails(odds: list[float], top: int) -> list[list[float]]:
    """`tails[i][j]` = e_j(odds[i:]), the j-th elementary symmetric polynomial of the odds from key i
    on (j <= top). Plain Python floats: a row is a handful of numbers, where NumPy's per-call cost
    would dominate (this runs for every row a pianoroll preset plays)."""
    row = [1.0] + [0.0] * top
    tails = [row]
    for odd in reversed(odds):
        row = [1.0] + [row[j] + odd * row[j - 1] for j in range(1, top + 1)]
        tails.append(row)
    tails.reverse()
    return tails


def starts(roll: np.ndarray) -> np.ndarray:
    """(steps, keys) bool: the keys a roll turns on at each step (on there, off the step before)."""
    roll = np.asarray(roll, bool)
    return roll & ~np.vstack([np.zeros((1, roll.shape[1]), bool), roll[:-1]])


def count_table(roll: np.ndarray, size: int) -> np.ndarray:
    """How many steps of a (steps, keys) roll sound k keys of which s start there, as a (size, size)
    table; counts above `size - 1` count as the last."""
    roll = np.asarray(roll, bool)
    table = np.zeros((size, size))
    if len(roll):
        sounding = np.minimum(roll.sum(axis=1), size - 1)
        np.add.at(table, (sounding, np.minimum(starts(roll).sum(axis=1), sounding)), 1)
    return table


def key_count_shares(pieces, size: int = 9) -> list[list[float]]:
    """`shares[k][s]`: the share of the pieces' steps sounding k keys of which s start (the card keeps
    it for a pianoroll preset's training split; calibration fits the tilt to it)."""
    table = sum((count_table(p.sounding(), size) for p in pieces), np.zeros((size, size)))
    return [[round(float(share), 5) for share in row] for row in table / table.sum()] if table.sum() else []


def key_counts_for(preset) -> KeyCounts | None:
    """The card's calibrated key-count tilt (before calibration, its corpus's plain shares); None for a
    card with neither (a token preset, or one trained before the card kept them)."""
    data = preset.card()["data"] if preset.trained else {}
    if data.get("key_count_weights"):
        return KeyCounts(data["key_count_weights"])
    return KeyCounts.from_shares(data["key_count_shares"]) if data.get("key_count_shares") else None
