"""A preset's model one grid step at a time, with the player's notes forced into what it hears.

The companion thinks in frames: `step(forced)` returns the pitches it wants sounding during the next
grid step, given the player's pitches sounding then. Each encoding has its own companion class, which
spells that step its way (frame tokens, pianoroll rows or event tokens), always through the NumPy
stepper, never Keras. `live/companions.py: companion_for(preset)` picks the class from what the
encoding declares. All keep the contract in `models/contracts.py`, and each keeps the session's
memory (`models/session_memory.py`), which every token it hears teaches and every draw consults.
"""
from __future__ import annotations

import numpy as np

from ..models.encodings import HARMONIZE_NEEDS
from ..models.encodings.events import NOTE_OFF, STEP
from ..models.generation import default_max_note_steps, prime
from ..models.metre import Metre
from ..models.notes import NoteSequence
from ..models.part_writing import PERFECT
from ..models.sampling import Sampler, probabilities
from ..models.session_memory import SessionMemory
from ..models.tonality import KeyBelief, key_bias
from .companion_core import CompanionCore

OCTAVE = 12
NEGLIGIBLE_VOICE = 0.01   # below this chance of a further voice, harmonize writes fewer parts
SHIFT_CHANCE, SHIFT_ODDS = 0.3, 2.0  # a key-normalised model moves to a key this likely, and this much likelier


class LanguageModelCompanion(CompanionCore):
    """What every language-model companion shares: state, priming and the player's pitch range
    (the contract: `models/contracts.py: Companion`)."""

    def __init__(self, name: str, stepper, encoding, sampler: Sampler, max_notes: int = 4,
                 pitch_range: tuple[int, int] = (36, 96), max_note_steps: int | None = None,
                 keys_normalised: bool = False, metre: Metre = Metre(), memory: float = 0.0):
        super().__init__(name, stepper, encoding, sampler, metre)
        # this session's music, for good; its bar counts from the first step the companion hears
        self.memory = None if encoding.rows else SessionMemory(encoding, metre.steps_per_bar(encoding.steps_per_quarter))
        self.memory_amount = memory
        self.keys_normalised = keys_normalised  # trained in C major / A minor only: transpose to it and back
        self.shift = 0                          # the player's key minus the model's, in semitones
        self.max_notes = max_notes
        self.max_note_steps = max_note_steps or default_max_note_steps(encoding.steps_per_quarter)
        self.held_for: dict[int, int] = {}   # the companion's sounding pitches -> steps they have sounded
        low, high = pitch_range
        self.pitch_ok = np.zeros(128, bool)
        self.pitch_ok[low:high + 1] = True
        self.own: set[int] = set()       # pitches the companion is sounding
        self.key_bias = np.zeros(encoding.vocab_size)
        self.reset()

    @property
    def can_harmonize(self) -> bool:
        return self.encoding.can_harmonize

    def set_metre(self, metre: Metre) -> None:
        super().set_metre(metre)
        if self.memory is not None:  # it hears where in the bar a step falls
            self.memory.steps_per_bar = metre.steps_per_bar(self.encoding.steps_per_quarter)

    @property
    def remembers(self) -> bool:
        return self.memory is not None

    def reset(self) -> None:
        self.start_from(())

    def start_from(self, primer) -> None:
        """The model primed on `primer` (its tokens or rows), nothing of its own sounding."""
        self.logits = prime(self.stepper, self.encoding, primer) + self.key_bias
        self.own, self.held_for = set(), {}
        if self.memory is not None:
            for token in primer:
                self.memory.observe(int(token))

    def note_pitches(self) -> np.ndarray:
        """The pitch each note-starting token (token ids 0, 1, ...) starts: every encoding spells its
        range's pitches first (events' NOTE_ON tokens are the pitches 0..127 themselves)."""
        return np.arange(self.encoding.range.low, self.encoding.range.high + 1)

    def set_key(self, key: KeyBelief | None, pull: float) -> None:
        """Answer in the player's key: every pitch outside it loses `pull` nats (None or 0: no pull). A
        model that only knows C major and A minor hears the player transposed there and its notes are
        transposed back (by the smallest shift, as its corpus was normalised). The shift moves only
        to a key (with its relative minor or major) of chance SHIFT_CHANCE or more and SHIFT_ODDS
        times likelier than the one in use: just after a change the belief flickers between keys, and
        each flicker would move everything the model plays."""
        if key is not None and pull and self.keys_normalised:
            chances = key.home_shift_chances()
            best = int(np.argmax(chances))
            if chances[best] >= max(SHIFT_CHANCE, SHIFT_ODDS * chances[6 - self.shift]):
                self.shift = 6 - best
            key = key.transposed(-self.shift)
        bias = self.bias_for(key, pull)
        self.logits = self.logits - self.key_bias + bias
        self.key_bias = bias

    def bias_for(self, key: KeyBelief | None, pull: float) -> np.ndarray:
        """What the key's pull adds to each token's logit (`key` in the model's own key)."""
        bias = np.zeros_like(self.key_bias)
        pitches = self.note_pitches()
        bias[:len(pitches)] = key_bias(pitches, key, pull)
        return bias

    def listen(self, phrase: NoteSequence, answer_at: int | None = None) -> None:
        """Start afresh from a phrase the player played (respond mode primes on it, then answers from
        grid step `answer_at`, which the memory counts its bar from)."""
        phrase = phrase.transpose(-self.shift) if self.shift and phrase.fits_range(
            self.encoding.range.low + self.shift, self.encoding.range.high + self.shift) else phrase
        self.start_from(self.encoding.encode(phrase) if len(phrase) else ())
        if self.memory is not None and answer_at is not None:
            self.memory.align(answer_at)

    def _feed(self, item, learn: bool = True) -> None:
        """The model (and the memory, learning unless told not to) hears one token or row."""
        if self.memory is not None:
            self.memory.observe(int(item)) if learn else self.memory.follow(int(item))
        self.logits = self.stepper.step(item) + self.key_bias

    def chances(self) -> np.ndarray:
        """What the companion draws from: the model's logits mixed with the session's memory, then the
        key's pull (the memory knows intervals, not keys: mixed after the pull, it led the answers back
        into the key the player had left)."""
        if self.memory is None or self.memory_amount <= 0:
            return self.logits
        return self.memory.mix(self.logits - self.key_bias, self.memory_amount) + self.key_bias

    def step(self, forced=(), sample: bool = True) -> set[int]:
        """Advance one grid step with the player's `forced` pitches in it; return the companion's."""
        self.own = self._step({pitch - self.shift for pitch in forced}, sample)
        self.held_for = {pitch: self.held_for.get(pitch, 0) + 1 for pitch in self.own}
        return {pitch + self.shift for pitch in self.own}

    def held_too_long(self) -> set[int]:
        """The companion's pitches that have sounded as long as a note of its corpus ever does."""
        return {pitch for pitch, steps in self.held_for.items() if steps >= self.max_note_steps}

    def _step(self, forced: set[int], sample: bool) -> set[int]:
        raise NotImplementedError

    def voices_under(self, melody: int, count: int, previous: list[int] | None = None):
        raise ValueError(f"{HARMONIZE_NEEDS}; {self.name} cannot")


def parallels(chosen: list[int], previous: list[int], candidates: np.ndarray) -> np.ndarray:
    """bool per candidate pitch for the next voice down: it would move in parallel fifths or octaves
    (unisons too) with a voice above it, from the `previous` chord to this one (`chosen` so far)."""
    before = previous[len(chosen)]
    moves = np.sign(candidates - before)
    forbidden = np.zeros(len(candidates), bool)
    for now, then in zip(chosen, previous):
        interval = (then - before) % 12
        if interval in PERFECT and now != then:
            forbidden |= ((now - candidates) % 12 == interval) & (moves == np.sign(now - then))
    return forbidden


class FramesCompanion(LanguageModelCompanion):
    def _token(self, pitch: int) -> int:
        return pitch - self.encoding.range.low

    def _step(self, forced: set[int], sample: bool) -> set[int]:
        """Descending frame tokens: sample between the forced pitches, never skipping one."""
        encoding, own, last = self.encoding, set(), None
        low, high = encoding.range.low, encoding.range.high
        forced = sorted((p for p in forced if low <= p <= high), reverse=True)
        allowed_pitch = self.pitch_ok[low:high + 1]
        tokens = np.arange(encoding.vocab_size)
        structural = encoding.structural.copy()  # holding a pitch it sounded last step is rhythm, as STEP is
        structural[[self._token(p) for p in self.own if low <= p <= high]] = True
        allowed_pitch = allowed_pitch.copy()
        allowed_pitch[[self._token(p) for p in self.held_too_long() if low <= p <= high]] = False
        while True:
            ceiling = encoding.vocab_size - 1 if last is None else last  # tokens strictly below `last`
            floor = self._token(forced[0]) if forced else -1
            can_sample = sample and len(own) < self.max_notes
            mask = np.zeros(encoding.vocab_size, bool)
            if can_sample:
                mask[:-1] = allowed_pitch & (tokens[:-1] < ceiling) & (tokens[:-1] > floor)
            if forced:
                mask[floor] = True
            else:
                mask[encoding.step_token] = True
            token = (self.sampler.categorical(self.chances(), mask, structural, structural) if mask.sum() > 1
                     else int(np.flatnonzero(mask)[0]))
            self._feed(token)
            if token == encoding.step_token:
                if sample:
                    self.sampler.end_step()
                return own
            if forced and token == floor:
                forced.pop(0)
            else:
                own.add(low + token)
            last = token

    # --- harmonize: voices under a melody note, on a branch of the state ----------------------
    def voices_under(self, melody: int, count: int, previous: list[int] | None = None):
        """Yield `count` pitches below `melody` as the model would continue this step, spaced as the
        chorales are (no crossing; the upper voices within an octave of the one above, the bass within
        two); fewer only where the model gives a further voice a truly negligible chance. With the
        `previous` chord (its melody, then its voices top down), no voice moves in parallel fifths or
        octaves with one above it, as part-writing forbids, unless the model leaves no other choice.

        A generator, so the first voice can sound before the next is sampled. It runs on a copy of
        the state: the committed history only changes at the step boundary.
        """
        if not self.can_harmonize:
            raise ValueError(f"{HARMONIZE_NEEDS}; {self.name} cannot")
        low, high = self.encoding.range.low, self.encoding.range.high
        melody -= self.shift
        if not low <= melody <= high:
            return
        saved_state, saved_logits, remembered = self.stepper.copy_state(), self.logits, self.memory.state()
        voices, last, chosen = 0, self._token(melody), [melody + self.shift]
        try:
            self._feed(last, learn=False)
            tokens = np.arange(self.encoding.vocab_size)
            while voices < count:
                spread = OCTAVE if voices < 2 else 2 * OCTAVE
                pitches = np.zeros(self.encoding.vocab_size, bool)
                pitches[:-1] = self.pitch_ok[low:high + 1] & (tokens[:-1] < last) & (tokens[:-1] >= last - spread)
                # the first voice is not optional: a player in harmonize mode expects one on every note;
                # a further one only where the model itself (temperature 1) gives it a real chance
                chances = self.chances()
                chance = probabilities(chances, np.ones(len(chances), bool))[pitches].sum()
                if not pitches.any() or (voices and chance < NEGLIGIBLE_VOICE):
                    break
                if previous is not None and len(previous) > len(chosen):
                    allowed = pitches & ~parallels(chosen, previous, low + tokens + self.shift)
                    pitches = allowed if allowed.any() else pitches
                token = self.sampler.categorical(chances, pitches)
                voices += 1
                last = token
                chosen.append(low + token + self.shift)
                yield chosen[-1]
                if voices < count:
                    self._feed(token, learn=False)
        finally:
            self.stepper.set_state(saved_state)
            self.logits = saved_logits
            self.memory.restore(remembered)

class PianorollCompanion(LanguageModelCompanion):
    def _step(self, forced: set[int], sample: bool) -> set[int]:
        low = self.encoding.range.low
        width = self.encoding.vocab_size
        allowed = self.pitch_ok[low:low + width].copy()
        allowed[[p - low for p in self.held_too_long() if low <= p < low + width]] = False
        previous = np.zeros(width, bool)
        previous[[p - low for p in self.own if low <= p < low + width]] = True
        row = (self.sampler.bernoulli(self.logits, allowed, self.max_notes, previous) if sample
               else np.zeros(width, np.uint8))
        own = {low + int(i) for i in np.flatnonzero(row)} - forced
        for pitch in forced:
            if low <= pitch < low + width:
                row[pitch - low] = 1
        self._feed(row.astype(np.float32))
        return own


class EventsCompanion(LanguageModelCompanion):
    def start_from(self, primer) -> None:
        super().start_from(primer)
        self.player: set[int] = set()    # pitches the player sounded in the last step

    def _step(self, forced: set[int], sample: bool) -> set[int]:
        """Player changes go in as NOTE_ON/NOTE_OFF; then the model's own events until STEP."""
        for pitch in sorted(self.player - forced):
            if pitch not in self.own:
                self._feed(NOTE_OFF + pitch)
        for pitch in sorted(forced - self.player - self.own):
            self._feed(pitch)
        self.player = set(forced)
        own, released = set(self.own), self.held_too_long() & self.own
        for pitch in sorted(released):  # the model held it past any note of its corpus: let go, rest a step
            self._feed(NOTE_OFF + pitch)
            own.discard(pitch)
        for _ in range(self.encoding.tokens_per_note * self.max_notes):
            if not sample:
                break
            mask = self.encoding.allowed_after(None, frozenset(own))     # off only what it holds
            mask[:128] &= self.pitch_ok
            mask[list(own | forced | released)] = False                   # no double note-on, nor the player's
            if len(own) >= self.max_notes:
                mask[:128] = False
            token = self.sampler.categorical(self.chances()[:STEP + 1], mask[:STEP + 1],
                                             self.encoding.structural[:STEP + 1], self.encoding.waits[:STEP + 1])
            if token == STEP:
                break
            self._feed(token)
            if token < NOTE_OFF:
                own.add(token)
            else:
                own.discard(token - NOTE_OFF)
        self._feed(STEP)
        if sample:
            self.sampler.end_step()
        return own
