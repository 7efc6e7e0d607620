"""The session's memory: a short-term model of the music heard and played in this session, mixed
with the preset's prediction at every sampling step, as IDyOM mixes its short-term model with its
long-term one (Pearce 2005) and as the Continuator learns a player's phrases as they come.

It is a variable-order Markov model (PPM, escape method C) over the preset's own tokens, spelled as
intervals so that a motif played a fourth higher still counts: a token that starts (or holds) a pitch
is heard as its interval from the pitch that leads its grid step, and the leading pitch as its interval
from the last step's (the melody in a chorale's frame; the previous note in a tune); a release, a
step's end or a loudness token is heard as itself. The preset's weights never change.

Mixing is arithmetic, each model weighted by how sure it is (the inverse of its relative entropy, as
IDyOM weights them) and by `amount`: 0 is the preset alone, 1 the memory alone. (IDyOM's geometric
mean raised the preset's log-loss on held-out folk tunes here: one confident wrong guess of the
memory's costs too much; `bench/memory.py`.)
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np

ORDER = 8            # tokens of context the memory matches at most (two to three notes of a tune)
NO_ANCHOR = 0        # the interval spelled for the first pitch heard (nothing before it)
SPAN = 256           # intervals lie in -127..127: a symbol is (kind, interval + 128)
SURE = 1e-3          # a relative entropy below this counts as this (a certain model is not infinitely heavier)


class SessionMemory:
    def __init__(self, encoding, steps_per_bar: int | None = None, order: int = ORDER):
        self.order, self.vocab, self.steps_per_bar = order, encoding.vocab_size, steps_per_bar
        self.pitch_of = encoding.pitch_of
        self.releases = encoding.structural & (encoding.pitch_of >= 0)
        self.step_token = encoding.step_token
        self.pitched = {(int(pitch), bool(self.releases[token])): token
                        for token, pitch in enumerate(self.pitch_of) if pitch >= 0}
        self.spelled: dict[tuple, dict[int, int | None]] = {}  # per state (see `now`): symbol -> token
        self.counts: dict[tuple, dict[int, int]] = {}
        self.totals: dict[tuple, int] = {}
        self.history: deque[int] = deque(maxlen=order)
        self.anchor: int | None = None   # the pitch that led the last step that had one
        self.lead: int | None = None     # the pitch leading the step now being spelled
        self.heard = 0
        self.steps = 0                   # grid steps heard: where in the bar a step's end falls

    # --- spelling ------------------------------------------------------------------------------
    def phase(self) -> int:
        """Where in the bar the step now being spelled lies (0 without a metre)."""
        return self.steps % self.steps_per_bar if self.steps_per_bar else 0

    def symbol_of(self, token: int, pitch: int, lead, interval) -> int:
        if pitch < 0:  # a step's end is heard with its place in the bar: rhythm is where notes fall
            return -1 - token - self.vocab * (self.phase() if token == self.step_token else 0)
        kind = 2 * (lead is None) + int(self.releases[token])
        return kind * SPAN + interval + SPAN // 2

    def symbol(self, token: int) -> int:
        pitch = int(self.pitch_of[token])
        if pitch < 0:
            return self.symbol_of(token, pitch, None, None)
        reference = self.anchor if self.lead is None else self.lead
        interval = NO_ANCHOR if reference is None else max(-127, min(127, pitch - reference))
        return self.symbol_of(token, pitch, self.lead, interval)

    def token(self, symbol: int) -> int | None:
        """The token a symbol stands for now (None: it cannot come here, as a step's leading interval
        cannot come after the step has a lead)."""
        if symbol < 0:
            phase, token = divmod(-1 - symbol, self.vocab)
            return None if token == self.step_token and phase != self.phase() else token
        kind, interval = divmod(symbol, SPAN)
        leading, release = kind >= 2, bool(kind % 2)
        if leading != (self.lead is None):
            return None
        reference = self.anchor if leading else self.lead
        pitch = (interval - SPAN // 2) + (reference if reference is not None else 0)
        return self.pitched.get((pitch, release))

    def _advance(self, token: int, symbol: int) -> None:
        self.history.append(symbol)
        pitch = int(self.pitch_of[token])
        if token == self.step_token:
            self.lead = None
            self.steps += 1
        elif pitch >= 0 and not self.releases[token] and self.lead is None:
            self.lead = self.anchor = pitch

    # --- learning and predicting --------------------------------------------------------------
    def observe(self, token: int) -> None:
        """A token heard or played: counted after every context that preceded it, then the context."""
        symbol = self.symbol(token)
        context = tuple(self.history)
        for start in range(len(context) + 1):
            key = context[start:]
            table = self.counts.setdefault(key, {})
            table[symbol] = table.get(symbol, 0) + 1
            self.totals[key] = self.totals.get(key, 0) + 1
        self._advance(token, symbol)
        self.heard += 1

    def follow(self, token: int) -> None:
        """Move the context on without learning (a branch that will be undone, or a token it must not
        learn from)."""
        self._advance(token, self.symbol(token))

    def align(self, step: int) -> None:
        """The next step heard is grid step `step` (from the first bar line): after a call, say, when
        the silence before the answer was not heard."""
        self.steps = step

    def state(self):
        return tuple(self.history), self.anchor, self.lead, self.steps

    def restore(self, state) -> None:
        history, self.anchor, self.lead, self.steps = state
        self.history = deque(history, maxlen=self.order)

    def now(self) -> tuple:
        """What a symbol's token depends on: the bar's phase, whether the step has its lead yet, and
        the pitch intervals are heard from."""
        leading = self.lead is None
        return self.phase(), leading, self.anchor if leading else self.lead

    def predict(self) -> np.ndarray | None:
        """The memory's chances for the next token (vocab-wide, summing to 1), or None when nothing it
        heard ever followed the last token (see `chances`)."""
        found = self.chances()
        if found is None:
            return None
        left, chances = found
        spread = np.full(self.vocab, left / self.vocab)
        spread[list(chances)] += list(chances.values())
        return spread

    def chances(self) -> tuple[float, dict[int, float]] | None:
        """The memory's chances as (the mass spread evenly over every token, {token: its own mass}), or
        None when nothing it heard ever followed the last token. Orders blend from the longest context
        it has seen down to one token (PPM's escape C: a context seen n times with u different
        continuations keeps n / (n + u) of the mass it is given, and escapes with the rest), ending in
        an even spread. The empty context (how often each token came, anywhere) is left out: it knows
        neither where in the bar it is nor what came before, and it pushed notes onto steps where the
        music has none (a triplet tune's off-beat 16ths).

        Sparse, in plain Python, with each symbol's token kept per state: a live step draws several
        times, and a tally over vocab-wide arrays (or a call per symbol) cost each draw more than the
        model's own step."""
        if not self.heard:
            return None
        context, left, chances = tuple(self.history), 1.0, {}
        start = next((start for start in range(len(context)) if context[start:] in self.counts), None)
        if start is None:  # nothing it heard ever followed what was just played: the preset alone
            return None
        spelled = self.spelled.setdefault(self.now(), {})
        for begin in range(start, len(context)):    # the longest context seen first, down to one token
            key = context[begin:]
            table, total = self.counts[key], self.totals[key]
            here = []
            for symbol, count in table.items():
                token = spelled[symbol] if symbol in spelled else spelled.setdefault(symbol, self.token(symbol))
                if token is not None:
                    here.append((token, count))
            kept = sum(count for _, count in here)
            if not kept:  # nothing it heard here can come now (a step's lead after the lead)
                continue
            share = left * total / (total + len(table)) / kept
            for token, count in here:
                chances[token] = chances.get(token, 0.0) + share * count
            left *= len(table) / (total + len(table))
        return left, chances

    def mix(self, logits: np.ndarray, amount: float) -> np.ndarray:
        """The preset's logits mixed with the memory's chances: log chances, summing to 1; the logits
        unchanged while the amount is 0 or the memory knows nothing that follows. Mixing is
        arithmetic, each side weighted by `amount` and by how sure it is (the inverse of its relative
        entropy: entropy over its largest possible value, 0 certain, 1 every token alike)."""
        found = self.chances() if amount > 0 else None
        if found is None:
            return logits
        left, chances = found
        shifted = logits - logits.max()
        model = np.exp(shifted)
        total = model.sum()
        model /= total
        most = math.log(self.vocab)
        model_doubt = (math.log(total) - float(np.dot(model, shifted))) / most
        even = left / self.vocab
        memory_doubt = -(sum((mass + even) * math.log(mass + even) for mass in chances.values())
                        + (self.vocab - len(chances)) * even * math.log(even)) / most
        model_weight = (1 - amount) / max(model_doubt, SURE)
        memory_weight = amount / max(memory_doubt, SURE)
        share = memory_weight / (memory_weight + model_weight)
        mixed = model * (1 - share) + share * even
        mixed[list(chances)] += share * np.fromiter(chances.values(), float, len(chances))
        return np.log(mixed)
